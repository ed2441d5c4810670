"""Text: names and one-line fields refuse control, direction-override and zero-width characters
(notes keep newlines and tabs), every schema's text fields included; look-alike names collide;
exports never fail on text stored before these rules."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from openpyxl import load_workbook
from pydantic import BaseModel, ValidationError
from sqlalchemy import text

import models
from models.fields import field_errors
from models.text import NOTE_WHITESPACE, comparison_key
from models.vocabulary import Role
from tests.planning_fixtures import demo_client
from tests.test_api_tokens import bearer, token_for

HIDDEN = {
    "NUL": "\x00",
    "start of heading": "\x01",
    "backspace": "\b",
    "escape": "\x1b",
    "delete": "\x7f",
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "byte order mark": "\ufeff",
    "line separator": "\u2028",
    "soft hyphen": "\u00ad",
    "Hangul filler": "\u3164",
}
NOTE_FIELDS = {"notes", "description", "note", "what_works", "what_to_change"}
SKIPPED_FIELDS = {
    "email",
    "password",
    "evidence_rating",
    "min_evidence_rating",
    "rating_url",
    "cost_source_url",
    "source_url",
    # Filled in by the app from the signed-in user, never typed.
    "recorded_by_name",
    "updated_by_name",
}


def schemas() -> list[type[BaseModel]]:
    """Every schema a form, the API or an import validates records with."""
    found = []
    for name in dir(models):
        candidate = getattr(models, name)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            found.append(candidate)
    for module in (
        models.demand,
        models.intervention,
        models.partner,
        models.place,
        models.scenario,
        models.token,
        models.user,
        models.delivery,
        models.indicator,
        models.provider,
        models.volunteer,
        models.consultation,
        models.outcome,
        models.evidence_change,
        models.spend,
    ):
        for name in dir(module):
            candidate = getattr(module, name)
            if (
                isinstance(candidate, type)
                and issubclass(candidate, BaseModel)
                and name.endswith(("Create", "Base"))
            ):
                found.append(candidate)
    return sorted(set(found), key=lambda schema: schema.__name__)


def text_fields() -> list[tuple[type[BaseModel], str]]:
    fields = []
    for schema in schemas():
        if getattr(schema, "model_config", {}).get("table"):
            continue
        for name, info in schema.model_fields.items():
            if name in SKIPPED_FIELDS:
                continue
            annotation = str(info.annotation)
            if annotation in ("<class 'str'>", "str | None", "typing.Optional[str]"):
                fields.append((schema, name))
    return fields


def test_the_walk_finds_the_text_fields() -> None:
    found = {(schema.__name__, name) for schema, name in text_fields()}
    for expected in [
        ("PartnerCreate", "name"),
        ("PlaceCreate", "district"),
        ("InterventionCreate", "target_group"),
        ("DemandTypeCreate", "unit"),
        ("ScenarioCreate", "name"),
        ("PartnerCreate", "notes"),
        ("ApiTokenCreate", "name"),
    ]:
        assert expected in found


@pytest.mark.parametrize("what", sorted(HIDDEN))
def test_every_text_field_refuses_hidden_characters(what: str) -> None:
    character = HIDDEN[what]
    missed = []
    for schema, name in text_fields():
        try:
            schema.model_validate({name: f"Bradford{character}Council"})
        except ValidationError as error:
            errors = field_errors(error)
            if name in errors and "hidden or control characters" in errors[name]:
                continue
        missed.append(f"{schema.__name__}.{name}")
    assert missed == [], f"{what} accepted by " + ", ".join(missed)


@pytest.mark.parametrize("whitespace", sorted(NOTE_WHITESPACE))
def test_notes_keep_newlines_and_tabs_and_names_do_not(whitespace: str) -> None:
    for schema, name in text_fields():
        try:
            schema.model_validate({name: f"First line{whitespace}second line"})
        except ValidationError as error:
            refused = name in field_errors(error)
        else:
            refused = False
        assert refused == (name not in NOTE_FIELDS), f"{schema.__name__}.{name}"


def test_the_api_names_the_field_and_the_character(app: Flask, client) -> None:
    headers = bearer(token_for(app, Role.COMMISSIONER))
    response = client.post("/api/v1/partners", json={"name": "Leeds\u202eCouncil"}, headers=headers)
    assert response.status_code == 422
    [problem] = response.json["errors"]
    assert problem["field"] == "name"
    assert "U+202E" in problem["message"] and "right-to-left override" in problem["message"]


def test_look_alike_names_collide(app: Flask, client) -> None:
    headers = bearer(token_for(app, Role.COMMISSIONER))
    assert (
        client.post(
            "/api/v1/partners", json={"name": "Bradford Council"}, headers=headers
        ).status_code
        == 201
    )
    for look_alike in (
        "Br\u0430dford Council",
        "BRADFORD  council",
        "\uff22radford Council",
        "Bradf\u03bfrd Council",
    ):
        response = client.post("/api/v1/partners", json={"name": look_alike}, headers=headers)
        assert response.status_code == 409, look_alike
        assert (
            "There is already a partner called 'Bradford Council'"
            in response.json["errors"][0]["message"]
        )
    assert comparison_key("Leeds") != comparison_key("Leads")


def test_a_scenario_name_cannot_be_null_or_a_look_alike(app: Flask, client) -> None:
    headers = bearer(token_for(app, Role.COMMISSIONER))
    body = {"name": "Pooled", "first_year": 2026, "horizon_years": 1}
    assert client.post("/api/v1/scenarios", json=body, headers=headers).status_code == 201
    response = client.patch(
        "/api/v1/scenarios/1",
        json={"name": None},
        headers=matching(client, "/api/v1/scenarios/1", headers),
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "name"
    twin = client.post("/api/v1/scenarios", json={**body, "name": "P\u043eoled"}, headers=headers)
    assert twin.status_code == 422 and twin.json["errors"][0]["field"] == "name"


@pytest.fixture(scope="module")
def tainted_demo(demo_app: Flask) -> Flask:
    """The demo with control characters stored straight into the database, as they could be
    before the rule, and a plan solved with them."""
    engine = demo_app.extensions["engine"]
    # PostgreSQL cannot store NUL at all, so there the note carries another control character.
    note = "a\x0bb" if engine.dialect.name == "postgresql" else "a\x00b"
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE partner SET name = name || :bad, notes = :note WHERE id = 1"),
            {"bad": "\x01\x08", "note": note},
        )
        connection.execute(
            text("UPDATE intervention SET description = :bad WHERE id = 1"), {"bad": "x\x1by"}
        )
    client = demo_client(demo_app, Role.COMMISSIONER)
    response = client.post("/scenarios/1/run")
    assert response.status_code == 302
    return demo_app


def test_exports_never_fail_on_stored_text(tainted_demo: Flask) -> None:
    finance = demo_client(tainted_demo, Role.FINANCE_LEAD)
    inputs = finance.get("/inputs/current.xlsx")
    assert inputs.status_code == 200
    book = load_workbook(io.BytesIO(inputs.data))
    names = [cell.value for cell in book["Partners"]["A"]]
    assert any(isinstance(name, str) and name.endswith("\ufffd\ufffd") for name in names)
    with tainted_demo.extensions["engine"].connect() as connection:
        plan_id = connection.execute(text("SELECT max(id) FROM plan")).scalar_one()
    workbook = finance.get(f"/plans/{plan_id}/workbook.xlsx")
    assert workbook.status_code == 200
    load_workbook(io.BytesIO(workbook.data))


def test_csv_fields_are_written_safe_too() -> None:
    from planner.core.spreadsheet_text import safe_csv_text

    assert safe_csv_text("Leeds\x01") == "Leeds\ufffd"
    assert safe_csv_text("=1+1\x00") == "'=1+1\ufffd"
    assert safe_csv_text("two\nlines\tand a tab") == "two\nlines\tand a tab"


def matching(client, url: str, headers: dict[str, str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The headers with If-Match set to the record's current ETag (a PATCH needs one)."""
    return {**headers, "If-Match": client.get(url, headers=headers).headers.get("ETag", "*")}


def test_look_alike_provider_names_collide(app: Flask, client) -> None:
    """Providers are compared as every name is: capitals, spacing and look-alike letters."""
    headers = bearer(token_for(app, Role.ADMIN))
    intervention = {
        "name": "Triple P",
        "target_group": "Families",
        "unit_cost": "900",
        "price_year": 2022,
    }
    assert (
        client.post("/api/v1/interventions", json=intervention, headers=headers).status_code == 201
    )
    provider = {
        "intervention_id": 1,
        "name": "Barnardo's",
        "sector": "voluntary_community",
        "share_percent": 40,
    }
    assert client.post("/api/v1/providers", json=provider, headers=headers).status_code == 201
    again = client.post(
        "/api/v1/providers", json={**provider, "name": "B\u0430RNARDO'S"}, headers=headers
    )
    assert again.status_code == 409 and again.json["errors"][0]["field"] == "name"
