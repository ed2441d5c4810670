"""Illustrative figures are labelled: the demo marks its budgets and places (as it does its
interventions), the pages tag them, forms and the API can set the flag, and the footer names
the kinds in use only when there are any."""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from models import BudgetLine, Place
from models.vocabulary import Role
from planner.db import new_session
from planner.inputs import service
from tests.test_api_tokens import bearer, token_for
from tests.test_demo import demo, demo_app  # noqa: F401  (the module's demo partnership)
from tests.test_place_view import LEAD, browser

TAG = '<span class="tag tag-yellow" title="{}">Illustrative</span>'
BUDGET_TAG = TAG.format("The amount is illustrative, not the partner&#39;s budget")
PLACE_TAG = TAG.format("Eligible populations and need are illustrative, not local data")
FOOTER = "Illustrative figures, not real ones, are in use for "


def test_the_demo_marks_its_budgets_and_places_illustrative(demo_app: Flask) -> None:  # noqa: F811
    with demo_app.app_context(), new_session() as session:
        lines = session.exec(select(BudgetLine)).all()
        places = session.exec(select(Place)).all()
    assert lines and all(line.illustrative for line in lines)
    assert places and all(place.illustrative for place in places)


def test_pages_tag_illustrative_budgets_and_places(demo_app: Flask) -> None:  # noqa: F811
    with demo_app.app_context(), new_session() as session:
        line = session.exec(select(BudgetLine)).first()
        place = session.exec(select(Place)).first()
    client = browser(demo_app, "commissioner@demo.example")
    assert BUDGET_TAG in client.get("/inputs/budget-lines").get_data(as_text=True)
    partner_page = client.get(f"/inputs/partners/{line.partner_id}").get_data(as_text=True)  # type: ignore[union-attr]
    assert BUDGET_TAG in partner_page
    assert PLACE_TAG in client.get("/inputs/places").get_data(as_text=True)
    place_page = client.get(f"/inputs/places/{place.id}").get_data(as_text=True)  # type: ignore[union-attr]
    assert PLACE_TAG in place_page
    assert "eligible populations, need index and provider capacities are illustrative" in (
        place_page
    )


def test_footer_names_the_illustrative_kinds_in_use(demo_app: Flask) -> None:  # noqa: F811
    page = browser(demo_app, "commissioner@demo.example").get("/").get_data(as_text=True)
    assert (
        FOOTER + "interventions&#39; costs per participant, capacities and effect sizes; budget "
        "lines; places&#39; eligible populations and need."
    ) in page
    assert "Demand unit costs show their source and price year" in page


def test_place_summary_shows_each_ratings_source_and_date(demo_app: Flask) -> None:  # noqa: F811
    with demo_app.app_context(), new_session() as session:
        bradford_moor = session.exec(select(Place).where(Place.name == "Bradford Moor")).one()
    page = browser(demo_app, LEAD).get(f"/place-teams/{bradford_moor.id}").get_data(as_text=True)
    assert '<span class="note rating-source"><a href="https://' in page
    assert "(EIF Guidebook (Foundations), " in page or "(Youth Endowment Fund Toolkit, " in page


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
