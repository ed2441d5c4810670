"""Illustrative labelling without the demo: forms and the API set the flag, and the footer says
nothing when no record is illustrative."""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from models import Place
from models.vocabulary import Role
from planner.db import new_session
from planner.inputs import service
from tests.test_api_tokens import bearer, token_for
from tests.test_illustrative import FOOTER, PLACE_TAG


def test_no_footer_without_illustrative_records(app: Flask, sign_in_as) -> None:
    with app.app_context(), new_session() as session:
        partner = service.create_partner(session, {"name": "Kirklees Council"})
        service.create_place(session, {"name": "Batley East", "district": "Kirklees"})
        service.create_budget_line(
            session, {"partner_id": partner.id, "year": 2026, "maximum": 1000}
        )
    page = sign_in_as(Role.COMMISSIONER).get("/inputs/places").get_data(as_text=True)
    assert FOOTER not in page
    assert PLACE_TAG not in page
    assert "Evidence ratings are on the Early Intervention Foundation Guidebook scale" in page


def test_forms_and_the_api_set_the_flag(app: Flask, sign_in_as) -> None:
    client = sign_in_as(Role.COMMISSIONER)
    added = client.post(
        "/inputs/places/new",
        data={"name": "Park", "district": "Calderdale", "need_index": "1.2", "illustrative": "y"},
    )
    assert added.status_code == 302
    with app.app_context(), new_session() as session:
        park = session.exec(select(Place).where(Place.name == "Park")).one()
    assert park.illustrative is True
    headers = bearer(token_for(app, Role.COMMISSIONER))
    api = app.test_client()
    partner = api.post("/api/v1/partners", json={"name": "Calderdale Council"}, headers=headers)
    line = api.post(
        "/api/v1/budget-lines",
        json={
            "partner_id": partner.json["id"],
            "year": 2026,
            "maximum": "10",
            "illustrative": True,
        },
        headers=headers,
    )
    assert line.status_code == 201, line.json
    assert line.json["illustrative"] is True
    place = api.post(
        "/api/v1/places", json={"name": "Ovenden", "district": "Calderdale"}, headers=headers
    )
    assert place.status_code == 201 and place.json["illustrative"] is False
    page = client.get("/inputs/places").get_data(as_text=True)
    assert FOOTER + "budget lines; places&#39; eligible populations and need." in page
