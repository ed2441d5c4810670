"""Illustrative figures are labelled on the demo partnership: it marks its budgets and places (as
it does its interventions), the pages tag them, and the footer names the kinds in use.
`test_illustrative_inputs.py` has the same without the demo (a database of the tests' own)."""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from models import BudgetLine, Place
from planner.db import new_session
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
