"""One validation path: the web form and the API refuse the same scenario settings with the same
words; nulls and wrong types are named; numbers only in plain digits; paging parameters checked;
405 says which methods work; messages say what to type."""

from __future__ import annotations

import pytest
from flask import Flask

from models.vocabulary import Role
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
