"""A budget line for a year in which the partner's commissioning window is closed: the form and
the API warn before saving, and save only once the commissioner confirms."""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from models import BudgetLine
from models.vocabulary import Role
from planner.db import new_session
from planner.inputs import service
from tests.test_api_tokens import bearer, token_for

WARNING = (
    "West Yorkshire Police&#39;s commissioning window is closed in 2027/28: its funding can only "
    "continue at the level already contracted, so plans cannot commit more of this money until "
    "its window opens in 2028/29."
)


def _police(app: Flask) -> int:
    """West Yorkshire Police, whose window is open in 2026/27 and 2028/29 only."""
    with app.app_context(), new_session() as session:
        police = service.create_partner(
            session, {"name": "West Yorkshire Police", "kind": "police"}
        )
        service.save_cycle(
            session, police.id, {"budget_setting_month": 3, "open_years": [2026, 2028]}
        )
        return int(police.id)  # type: ignore[arg-type]


def _lines(app: Flask) -> list[int]:
    with app.app_context(), new_session() as session:
        return [line.year for line in session.exec(select(BudgetLine)).all()]


def test_the_form_warns_before_saving_a_line_in_a_closed_year(app: Flask, sign_in_as) -> None:
    police = _police(app)
    client = sign_in_as(Role.COMMISSIONER)
    form = {"partner_id": police, "year": "2027", "maximum": "250000"}

    first = client.post("/inputs/budget-lines/new", data=form)
    assert first.status_code == 422
    assert WARNING in first.get_data(as_text=True)
    assert "Save it anyway" in first.get_data(as_text=True)
    assert _lines(app) == []  # nothing saved before the commissioner confirms

    confirmed = client.post(
        "/inputs/budget-lines/new", data={**form, "save_despite_closed_window": "y"}
    )
    assert confirmed.status_code == 302
    assert _lines(app) == [2027]


def test_the_form_asks_nothing_in_an_open_year(app: Flask, sign_in_as) -> None:
    police = _police(app)
    client = sign_in_as(Role.COMMISSIONER)
    assert "Save it anyway" not in client.get(
        f"/inputs/budget-lines/new?partner_id={police}"
    ).get_data(as_text=True)
    saved = client.post(
        "/inputs/budget-lines/new", data={"partner_id": police, "year": "2028", "maximum": "5"}
    )
    assert saved.status_code == 302
    assert _lines(app) == [2028]


def test_the_api_refuses_a_closed_year_until_confirmed(app: Flask) -> None:
    police = _police(app)
    client, headers = app.test_client(), bearer(token_for(app, Role.COMMISSIONER))
    body = {"partner_id": police, "year": 2027, "maximum": "250000"}

    refused = client.post("/api/v1/budget-lines", json=body, headers=headers)
    assert refused.status_code == 422
    assert "commissioning window is closed in 2027/28" in str(refused.json)
    assert _lines(app) == []

    saved = client.post(
        "/api/v1/budget-lines", json={**body, "save_despite_closed_window": True}, headers=headers
    )
    assert saved.status_code == 201, saved.json
    assert _lines(app) == [2027]
    # A change to the line asks again: the year is still closed.
    line = saved.json["id"]
    read = client.get(f"/api/v1/budget-lines/{line}", headers=headers)
    again = client.patch(
        f"/api/v1/budget-lines/{line}",
        json={"maximum": "1"},
        headers={**headers, "If-Match": read.headers["ETag"]},
    )
    assert again.status_code == 422
    assert "commissioning window is closed in 2027/28" in str(again.json)
