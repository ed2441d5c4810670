"""Schemathesis against the generated OpenAPI document: no server errors, no responses that break
the document, for every operation, signed in with an administrator's token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from models.vocabulary import Role
from tests.conftest import empty_database, make_app
from tests.test_api_tokens import bearer, token_for

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_app(postgres_url: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the whole run, with a few records for the operations to find."""
    folder = tmp_path_factory.mktemp("schemathesis")
    app = make_app(postgres_url or f"sqlite:///{folder / 'planner.sqlite'}", folder)
    app.config["SCHEMATHESIS_TOKEN"] = token_for(app, Role.ADMIN)
    client = app.test_client()
    headers = bearer(app.config["SCHEMATHESIS_TOKEN"])
    partner = client.post("/api/v1/partners", json={"name": "Kirklees Council"}, headers=headers)
    assert partner.status_code == 201, partner.json
    yield app
    empty_database(app)


def test_api_answers_within_its_document(api_app: Flask) -> None:
    """Every operation, with valid and with invalid requests: never a 5xx, and every answer
    (2xx or error) matches the document's status codes, content types and schemas."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    headers = bearer(api_app.config["SCHEMATHESIS_TOKEN"])
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                check()
            except Exception as error:  # noqa: BLE001  (collect every operation's failure)
                failures.append(f"{operation.label} ({mode.value}): {error}")
    assert not failures, "\n\n".join(failures)
