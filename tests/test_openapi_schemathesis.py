"""Schemathesis against the generated OpenAPI document, with every check it has: no server
errors, every answer within the document (status codes, content types, schemas, headers), valid
requests accepted and invalid ones refused, 405s with their Allow header, tokens never ignored;
for every operation, signed in with an administrator's token.

"Valid requests accepted" (positive_data_acceptance) holds each operation to its own document: a
request the document allows must succeed, or get one of the refusals the operation documents
for a well-formed request (404 for a record that does not exist, 409 for a duplicate or a record
in use, 412/428 for If-Match, and 422 only where the operation lists the rules a well-formed
request can still break, in its 422 answer's x-business-rules). A 422 for anything else means
the document allowed something the API refuses: the document is wrong."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import load_all_checks

from models.vocabulary import Role
from tests.conftest import empty_database, make_app
from tests.test_api_tokens import bearer, token_for

load_all_checks()
CHECKS = REGISTERED_CHECKS.get_all()
assert len(CHECKS) >= 12


@pytest.fixture(scope="module")
def api_app(postgres_url: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the whole run, with a few records for the operations to find."""
    folder = tmp_path_factory.mktemp("schemathesis")
    app = make_app(postgres_url or f"sqlite:///{folder / 'planner.sqlite'}", folder)
    app.config["SCHEMATHESIS_TOKEN"] = token_for(app, Role.ADMIN)
    client = app.test_client()
    headers = bearer(app.config["SCHEMATHESIS_TOKEN"])
    # One of each record, each with id 1, so generated requests for id 1 find something.
    seeds = [
        ("/api/v1/partners", {"name": "Kirklees Council", "kind": "local_authority"}),
        ("/api/v1/places", {"name": "Dewsbury", "district": "Kirklees"}),
        (
            "/api/v1/interventions",
            {
                "name": "Triple P",
                "target_group": "Families",
                "unit_cost": "900",
                "capacity": 50,
                "price_year": 2022,
            },
        ),
        ("/api/v1/budget-lines", {"partner_id": 1, "year": 2026, "maximum": "100000"}),
        (
            "/api/v1/demand-types",
            {
                "name": "Call-out",
                "unit": "call-out",
                "unit_cost": "500",
                "cost_shares": [{"partner_id": 1, "share_percent": "100"}],
            },
        ),
        (
            "/api/v1/interventions/1/effects",
            {"demand_type_id": 1, "reduction_per_participant": 0.2, "years_after": [1]},
        ),
        ("/api/v1/places/1/populations", {"target_group": "Families", "population": 400}),
        ("/api/v1/places/1/capacity-overrides", {"intervention_id": 1, "capacity": 30}),
        (
            "/api/v1/existing-contracts",
            {"partner_id": 1, "intervention_id": 1, "years": [2026], "annual_amount": "1000"},
        ),
        ("/api/v1/scenarios", {"name": "Pooled", "first_year": 2026, "horizon_years": 1}),
        (
            "/api/v1/delivery-records",
            {"place_id": 1, "intervention_id": 1, "year": 2026, "started": 10},
        ),
        ("/api/v1/scenarios/1/plans", None),
    ]
    for url, body in seeds:
        response = client.post(url, json=body or {}, headers=headers)
        assert response.status_code in (201, 202), (url, response.json)
    assert (
        client.put(
            "/api/v1/partners/1/cycle",
            json={"budget_setting_month": 2, "open_years": [2026]},
            headers=headers,
        ).status_code
        == 200
    )
    yield app
    empty_database(app)


# Refusals a well-formed request can get; 401 and 403 are not among them, as the token is an
# administrator's.
WELL_FORMED_REFUSALS = {"404", "409", "412", "428"}


def documented_refusals(document: dict[str, Any]) -> schemathesis.Config:
    """Schemathesis's configuration, as its documentation gives it per operation
    ([[operations]] with include-operation-id and
    checks.positive_data_acceptance.expected-statuses): each operation's 2xx and the refusals it
    documents for a well-formed request."""
    operations = []
    for methods in document["paths"].values():
        for operation in methods.values():
            answers = operation["responses"]
            expected = ["2xx", *sorted(WELL_FORMED_REFUSALS & set(answers))]
            if answers.get("422", {}).get("x-business-rules"):
                expected.append("422")
            operations.append(
                {
                    "include-operation-id": operation["operationId"],
                    "checks": {"positive_data_acceptance": {"expected-statuses": expected}},
                }
            )
    return schemathesis.Config.from_dict({"operations": operations})


def test_api_answers_within_its_document(api_app: Flask) -> None:
    """Every operation, with valid and with invalid requests: never a 5xx, and every answer
    (2xx or error) matches the document's status codes, content types and schemas."""
    document = api_app.test_client().get("/api/v1/openapi.json").json
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", api_app, config=documented_refusals(document)
    )
    # schemathesis's WSGI client asks for gzip but never decompresses what it gets, so its calls
    # ask for the body as is; the app still compresses for clients that accept gzip.
    headers = {
        **bearer(api_app.config["SCHEMATHESIS_TOKEN"]),
        "Accept-Encoding": "identity",
    }
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        # Deleting or revoking record 1 early would leave little for later operations to find.
        keep_ones = operation.method.upper() == "DELETE"
        for mode, ids, examples in (
            (GenerationMode.POSITIVE, None, 5),
            (GenerationMode.POSITIVE, None if keep_ones else {"id": 1}, 3),
            (GenerationMode.NEGATIVE, None, 4),
        ):
            if ids and not operation.path_parameters:
                continue
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=ids)

            @given(case=strategy)
            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                check()
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001  (collect every operation's failure)
                failures.append(f"{operation.label} ({mode.value}): {error}")
    assert not failures, "\n\n".join(failures)
