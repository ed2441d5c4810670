"""The scenario switch `whole_programme` in its words, "Whole people and programmes" (issue 12):
on for a scenario made in the app (form and API), off in the optimiser's own rules, and named
alike on the scenario's summary, in the API document and in the plan workbook."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

import optimiser as opt
from models.vocabulary import WHOLE_PEOPLE_LABEL, Role
from tests.security.test_one_validation_path import partnership  # noqa: F401
from tests.test_plan_page_wording import text_of


def test_a_scenario_made_through_the_api_plans_whole_people_unless_told_not_to(
    client: FlaskClient,
    partnership,  # noqa: F811
) -> None:
    made = client.post("/api/v1/scenarios", json={"name": "Default"}, headers=partnership)
    assert made.status_code == 201, made.json
    assert made.json["whole_programme"] is True
    off = client.post(
        "/api/v1/scenarios",
        json={"name": "Fractions", "whole_programme": False},
        headers=partnership,
    )
    assert off.status_code == 201, off.json
    assert off.json["whole_programme"] is False


def test_the_optimisers_own_rules_still_default_to_fractions_of_people() -> None:
    """The hand-solved linear programs keep their meaning."""
    assert opt.ScenarioRules(first_year=2026).whole_programme is False


def test_the_api_document_names_the_switch(app: Flask) -> None:
    schemas = app.test_client().get("/api/v1/openapi.json").json["components"]["schemas"]
    switch = next(
        schema["properties"]["whole_programme"]
        for name, schema in schemas.items()
        if name.startswith("ScenarioBody")
    )
    assert switch["default"] is True
    assert switch["description"].startswith(
        "Whole people and programmes: plans whole participants, whole cohorts, set-up costs, "
        "minimum cohorts and minimum contracts"
    )


def test_the_scenario_summary_names_the_switch_and_what_it_counts(
    client: FlaskClient,
    partnership,  # noqa: F811
    sign_in_as,
) -> None:
    made = client.post("/api/v1/scenarios", json={"name": "Summary"}, headers=partnership)
    page = text_of(
        sign_in_as(Role.COMMISSIONER).get(f"/scenarios/{made.json['id']}").get_data(as_text=True)
    )
    assert "Whole people and programmes Yes" in page  # on, the default: not marked changed
    assert "Whole people and programmes Yes changed" not in page
    off = client.post(
        "/api/v1/scenarios",
        json={"name": "Off", "whole_programme": False},
        headers=partnership,
    ).json["id"]
    off_page = text_of(
        sign_in_as(Role.COMMISSIONER).get(f"/scenarios/{off}").get_data(as_text=True)
    )
    assert "Whole people and programmes No changed" in off_page
    assert 'href="/glossary#whole-people"' in sign_in_as(Role.COMMISSIONER).get(
        f"/scenarios/{made.json['id']}"
    ).get_data(as_text=True)
    assert (
        "Plans whole participants, whole cohorts, set-up costs, minimum cohorts and minimum "
        in page
    )


def test_the_workbook_label_says_what_the_switch_counts() -> None:
    assert WHOLE_PEOPLE_LABEL == (
        "Whole people and programmes (whole participants, whole cohorts, set-up costs, minimum "
        "cohorts and minimum contracts)"
    )
