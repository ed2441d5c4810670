"""One validation path: the web form and the API refuse the same scenario settings with the same
words; nulls and wrong types are named; numbers only in plain digits; paging parameters checked;
405 says which methods work; messages say what to type."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, get_args

import pytest
from flask import Flask
from pydantic import BaseModel, ValidationError

from models.fields import field_errors
from models.vocabulary import Role
from planner.api.document import models_by_name
from planner.scenarios.forms import form_values
from tests.test_api_tokens import bearer, token_for


@pytest.fixture
def partnership(app: Flask, client) -> dict[str, str]:
    """One partner with a 2026/27 budget and one demand type; an admin's token."""
    headers = bearer(token_for(app, Role.ADMIN))
    assert (
        client.post(
            "/api/v1/partners", json={"name": "Kirklees Council"}, headers=headers
        ).status_code
        == 201
    )
    line = {"partner_id": 1, "year": 2026, "maximum": "100000"}
    assert client.post("/api/v1/budget-lines", json=line, headers=headers).status_code == 201
    demand = {
        "name": "Call-out",
        "unit": "call-out",
        "unit_cost": "500",
        "cost_shares": [{"partner_id": 1, "share_percent": "100"}],
    }
    assert client.post("/api/v1/demand-types", json=demand, headers=headers).status_code == 201
    return headers


BAD_SETTINGS = [
    # (API body, form fields, field the API names, form input, words both use)
    (
        {"priority_weights": {"1": -1}, "objective": "priority"},
        {"priority-1": "-1", "objective": "priority"},
        "priority_weights.1",
        "priority-1",
        "a number from 0 to 1000",
    ),
    (
        {"time_limit_seconds": 3600},
        {"time_limit_seconds": "3600"},
        "time_limit_seconds",
        "time_limit_seconds",
        "a whole number of seconds from 1 to 60",
    ),
    (
        {"first_year": 2100},
        {"first_year": "2100"},
        "first_year",
        "first_year",
        "No partner has a budget after 2026/27",
    ),
]


@pytest.mark.parametrize("api_body, form_fields, api_field, form_input, words", BAD_SETTINGS)
def test_the_form_and_the_api_refuse_the_same_settings(
    app: Flask, client, sign_in_as, partnership, api_body, form_fields, api_field, form_input, words
) -> None:
    response = client.post(
        "/api/v1/scenarios", json={"name": "Tried", **api_body}, headers=partnership
    )
    assert response.status_code == 422
    messages = {error["field"]: error["message"] for error in response.json["errors"]}
    assert api_field in messages and words in messages[api_field]
    commissioner = sign_in_as(Role.COMMISSIONER)
    page = commissioner.post(
        "/scenarios/new", data={**form_values(None), "name": "Tried", **form_fields}
    )
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert f'id="{form_input}"' in text and words in text


@pytest.mark.parametrize("typed", ["1_000", "\u0661\u0662\u0663", "1\u00a0000", "NaN", "Infinity"])
def test_numbers_are_written_with_plain_digits(client, partnership, sign_in_as, typed: str) -> None:
    line = {"partner_id": 1, "year": 2027, "maximum": typed}
    response = client.post("/api/v1/budget-lines", json=line, headers=partnership)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "maximum"
    commissioner = sign_in_as(Role.COMMISSIONER)
    page = commissioner.post(
        "/scenarios/new", data={**form_values(None), "name": "Digits", "bcr_threshold": typed}
    )
    assert page.status_code == 422 and "must be a number" in page.get_data(as_text=True)


def test_nulls_and_wrong_types_name_the_field(client, partnership) -> None:
    assert (
        client.post("/api/v1/scenarios", json={"name": "Pooled"}, headers=partnership).status_code
        == 201
    )
    for body, field, words in [
        ({"name": None}, "name", "The name is required"),
        ({"horizon_years": None}, "horizon_years", "Years planned is required"),
        ({"horizon_years": "three"}, "horizon_years", "whole number"),
        ({"whole_programme": "perhaps"}, "whole_programme", "true or false"),
        ({"priority_weights": [1, 2]}, "priority_weights", "names and values"),
    ]:
        response = client.patch(
            "/api/v1/scenarios/1",
            json=body,
            headers=matching(client, "/api/v1/scenarios/1", partnership),
        )
        assert response.status_code == 422, body
        messages = {error["field"]: error["message"] for error in response.json["errors"]}
        assert field in messages and words in messages[field], (body, messages)


def test_messages_say_what_to_type(client, partnership) -> None:
    share = {
        "name": "Arrest",
        "unit": "arrest",
        "unit_cost": "900",
        "cost_shares": [{"partner_id": 1, "share_percent": "33.3333"}],
    }
    response = client.post("/api/v1/demand-types", json=share, headers=partnership)
    assert response.status_code == 422
    assert response.json["errors"][0]["message"] == (
        "must be a percentage with at most 2 decimal places, such as 33.33"
    )
    blank = client.post(
        "/api/v1/budget-lines",
        json={"partner_id": 1, "year": 2027, "maximum": None},
        headers=partnership,
    )
    assert blank.json["errors"] == [
        {
            "field": "maximum",
            "message": "must have a value, not null (an amount, like 12500 or 12500.50)",
        }
    ]


def test_paging_parameters_are_checked(client, partnership) -> None:
    for query, field in [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("offset=-1", "offset"),
        ("page=2", "page"),
        ("per_page=10", "per_page"),
        ("limit=1_0", "limit"),
    ]:
        response = client.get(f"/api/v1/partners?{query}", headers=partnership)
        assert response.status_code == 422, query
        assert response.json["errors"][0]["field"] == field, query
    assert (
        "limit and offset"
        in client.get("/api/v1/partners?page=2", headers=partnership).json["errors"][0]["message"]
    )


def test_405_says_which_methods_work(client, partnership, sign_in_as) -> None:
    api = client.put("/api/v1/partners", headers=partnership)
    assert api.status_code == 405 and set(api.headers["Allow"].split(", ")) >= {"GET", "POST"}
    page = sign_in_as(Role.COMMISSIONER).delete("/scenarios/")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]


def test_every_error_an_operation_answers_is_documented(client) -> None:
    document = client.get("/api/v1/openapi.json").json
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "422"} <= codes, f"{method.upper()} {path}"
            if "{id}" in path:
                assert "404" in codes, f"{method.upper()} {path}"


def matching(client, url: str, headers: dict[str, str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The headers with If-Match set to the record's current ETag (a PATCH needs one)."""
    return {**headers, "If-Match": client.get(url, headers=headers).headers.get("ETag", "*")}


def request_models(document: dict[str, Any]) -> set[type[BaseModel]]:
    """Every schema the API validates a request body or query with, from its own document."""
    names = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            reference = body.get("schema", {}).get("$ref", "")
            names.add(reference.rpartition("/")[2])
    classes = models_by_name()
    found = {classes[name] for name in names if name in classes}
    found |= {classes["PageQuery"], classes["IdPath"]}
    # Items of lists in the bodies (cost shares, risk shares, caps) are checked as well.
    for model in list(found):
        for info in model.model_fields.values():
            for argument in get_args(info.annotation):
                if isinstance(argument, type) and issubclass(argument, BaseModel):
                    found.add(argument)
    return found


NUMBERS = (int, float, Decimal)


def numeric(annotation: object) -> bool:
    return annotation in NUMBERS or any(argument in NUMBERS for argument in get_args(annotation))


@pytest.mark.parametrize("typed", ["1_000", "\u0661\u0662", True])
def test_every_request_refuses_numbers_not_in_plain_digits(client, typed: object) -> None:
    """Underscores, other scripts' digits and true/false are refused by every numeric field of
    every body and query the API takes, naming the field."""
    document = client.get("/api/v1/openapi.json").json
    checked, accepted = 0, []
    for model in request_models(document):
        for name, info in model.model_fields.items():
            if not numeric(info.annotation):
                continue
            checked += 1
            try:
                model.model_validate({name: typed})
            except ValidationError as error:
                if name in field_errors(error):
                    continue
            accepted.append(f"{model.__name__}.{name}")
    assert checked > 40 and accepted == []


def test_a_path_id_is_plain_digits(client, partnership) -> None:
    assert client.get("/api/v1/partners/1", headers=partnership).status_code == 200
    assert client.get("/api/v1/partners/\u0661", headers=partnership).status_code == 404


def test_a_null_percentage_says_what_to_type(client, partnership) -> None:
    share = {
        "name": "Arrest",
        "unit": "arrest",
        "unit_cost": "900",
        "cost_shares": [{"partner_id": 1, "share_percent": None}],
    }
    response = client.post("/api/v1/demand-types", json=share, headers=partnership)
    assert response.json["errors"] == [
        {
            "field": "cost_shares.0.share_percent",
            "message": "must have a value, not null (a percentage with at most 2 decimal "
            "places, such as 33.33)",
        }
    ]


def test_the_document_states_what_the_validators_check(client) -> None:
    """Money as pounds and pence, names without hidden characters, links http(s) only, lists of
    years within range: a request the document allows is one the API accepts."""
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    money = {
        alt["type"]: alt for alt in schemas["BudgetLineBody"]["properties"]["maximum"]["anyOf"]
    }
    assert money["number"]["multipleOf"] == 0.01 and money["number"]["maximum"] < 10**12
    pounds = re.compile(money["string"]["pattern"])
    assert pounds.search("12500.50") and not pounds.search("12500.505")
    assert not pounds.search("1_000") and not pounds.search("\u0661\u0662")
    percent = schemas["CostShareItem"]["properties"]["share_percent"]["anyOf"][1]["pattern"]
    assert re.search(percent, "33.33") and re.search(percent, "100")
    assert not re.search(percent, "100.01") and not re.search(percent, "33.333")
    name = re.compile(schemas["PartnerCreate"]["properties"]["name"]["pattern"])
    assert name.search("Bradford Council") and name.search("Caf\u00e9 \U0001f600")
    for hidden in ("Leeds\u202eCouncil", "zero\u200bwidth", "\x1b", "   ", "a\U000f0001"):
        assert not name.search(hidden), hidden
    notes = re.compile(schemas["PartnerCreate"]["properties"]["notes"]["pattern"])
    assert notes.search("two\nlines\tand a tab") and not notes.search("a\u2066b")
    link = re.compile(schemas["RiskIndicatorCreate"]["properties"]["source_url"]["pattern"])
    assert link.search("https://www.gov.uk/x") and link.search("")
    assert not link.search("javascript:alert(1)") and not link.search("data:text/html,x")
    years = schemas["CycleBody"]["properties"]["open_years"]["items"]
    assert (years["minimum"], years["maximum"]) == (2000, 2100)


def test_one_schema_per_name() -> None:
    """The document names each schema once: two request schemas with one name (as the plan
    agreement's note and the pooled-fund agreement once had) would show one for both."""
    by_module: dict[str, set[str]] = {}
    waiting: list[type[BaseModel]] = [BaseModel]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            if subclass.__module__.startswith(("planner.", "models.")):
                by_module.setdefault(subclass.__name__, set()).add(subclass.__module__)
            waiting.append(subclass)
    assert {name: mods for name, mods in by_module.items() if len(mods) > 1} == {}


def test_business_rules_are_listed_in_the_document(client) -> None:
    """The 422 a well-formed request can still get is documented with its rules in words."""
    paths = client.get("/api/v1/openapi.json").json["paths"]
    refusal = paths["/api/v1/budget-lines"]["post"]["responses"]["422"]
    assert "no such record" in refusal["description"]
    assert any("commissioning window" in rule for rule in refusal["x-business-rules"])
    listed = [
        f"{method} {path}"
        for path, operations in paths.items()
        for method, operation in operations.items()
        if operation["responses"]["422"].get("x-business-rules")
    ]
    assert len(listed) >= 30
    patch = paths["/api/v1/budget-lines/{id}"]["patch"]["responses"]
    assert {"412", "428", "409"} <= set(patch)
    assert "409" in paths["/api/v1/partners"]["post"]["responses"]
    assert "409" in paths["/api/v1/partners/{id}"]["delete"]["responses"]


def test_duplicates_and_records_in_use_are_409(client, partnership) -> None:
    again = client.post("/api/v1/partners", json={"name": "KIRKLEES  council"}, headers=partnership)
    assert again.status_code == 409 and again.json["errors"][0]["field"] == "name"
    in_use = client.delete("/api/v1/partners/1", headers=partnership)
    assert in_use.status_code == 409 and "budget line" in in_use.json["errors"][0]["message"]


def test_feedback_for_a_place_that_does_not_exist_is_404(client, partnership) -> None:
    feedback = {
        "intervention_id": 1,
        "year": 2026,
        "respondents": "receiving",
        "people_consulted": 5,
        "consulted_on": "2026-05-01",
        "rating": 3,
    }
    response = client.post("/api/v1/places/99/consultations", json=feedback, headers=partnership)
    assert response.status_code == 404
