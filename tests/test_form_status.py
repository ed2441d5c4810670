"""Every HTML form that is posted with a mistake is shown again with the reasons and status 422
(Unprocessable Content), the same on input, user, scenario, token, delivery and sign-in pages."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from models import (
    BudgetLine,
    CapacityOverride,
    DemandType,
    ExistingContract,
    Intervention,
    InterventionEffect,
    Partner,
    Place,
    PlacePopulation,
    Scenario,
    User,
)
from models.vocabulary import Role
from planner.db import new_session
from tests.planning_fixtures import demo_client


@pytest.fixture(scope="module")
def admin(demo_app: Flask) -> FlaskClient:
    return demo_client(demo_app, Role.ADMIN)


@pytest.fixture(scope="module")
def ids(demo_app: Flask) -> dict[str, int]:
    """The first record of each kind the forms change."""
    tables = {
        "partner": Partner,
        "line": BudgetLine,
        "contract": ExistingContract,
        "demand_type": DemandType,
        "intervention": Intervention,
        "effect": InterventionEffect,
        "place": Place,
        "population": PlacePopulation,
        "capacity": CapacityOverride,
        "scenario": Scenario,
        "user": User,
    }
    with demo_app.app_context(), new_session() as session:
        return {
            name: session.exec(select(table.id).order_by(table.id)).first()  # type: ignore[attr-defined]
            for name, table in tables.items()
        }


FORMS = [
    ("/inputs/partners/new", {"name": " ", "kind": "police"}),
    ("/inputs/partners/{partner}/edit", {"name": ""}),
    ("/inputs/partners/{partner}/cycle", {"budget_setting_month": "13"}),
    ("/inputs/budget-lines/new", {"maximum": "lots"}),
    ("/inputs/budget-lines/{line}/edit", {"maximum": "lots"}),
    ("/inputs/contracts/new", {}),
    ("/inputs/contracts/{contract}/edit", {"annual_amount": "-5"}),
    ("/inputs/demand-types/new", {}),
    ("/inputs/demand-types/{demand_type}/edit", {"name": ""}),
    ("/inputs/interventions/new", {}),
    ("/inputs/interventions/{intervention}/edit", {"name": ""}),
    ("/inputs/interventions/{intervention}/effects/new", {}),
    ("/inputs/effects/{effect}/edit", {"reduction_per_participant": "many"}),
    ("/inputs/places/new", {}),
    ("/inputs/places/{place}/edit", {"name": ""}),
    ("/inputs/places/{place}/populations/new", {}),
    ("/inputs/populations/{population}/edit", {"population": "-1"}),
    ("/inputs/places/{place}/capacities/new", {}),
    ("/users/new", {"email": "not an address"}),
    ("/users/{user}", {"name": "", "role": "king"}),
    ("/users/{user}/password", {"password": "short", "confirm": "other"}),
    ("/scenarios/new", {"name": ""}),
    ("/scenarios/{scenario}/edit", {"name": ""}),
    ("/account/api-tokens/", {"name": ""}),
    ("/agreed-plan/", {}),
]


@pytest.mark.parametrize(("address", "posted"), FORMS)
def test_a_form_posted_with_a_mistake_is_422_with_the_reasons(
    admin: FlaskClient, ids: dict[str, int], address: str, posted: dict[str, str]
) -> None:
    url = address.format(**ids)
    response = admin.post(url, data=posted)
    assert response.status_code == 422, url
    page = response.get_data(as_text=True)
    assert re.search(r'class="error-message"|class="error-summary"', page), url
    assert admin.get(url).status_code == 200  # the form itself is fine to show


def test_sign_in_with_a_field_missing_is_422_and_wrong_details_401(demo_app: Flask) -> None:
    client = demo_app.test_client()
    blank = client.post("/sign-in", data={"email": "", "password": ""})
    assert blank.status_code == 422
    assert 'class="error-message"' in blank.get_data(as_text=True)
    wrong = client.post("/sign-in", data={"email": "x@example.org", "password": "not it at all"})
    assert wrong.status_code == 401


def test_comparing_fewer_than_two_plans_is_422(admin: FlaskClient) -> None:
    response = admin.get("/plans/compare?plan=1")
    assert response.status_code == 422
    assert "Choose at least two plans to compare" in response.get_data(as_text=True)
