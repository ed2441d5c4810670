"""The glossary: open to every role, and every technical term on the plan and scenario pages
links to an entry that is there."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlmodel import select

from models import Plan, Scenario
from models.vocabulary import Role
from planner.db import new_session
from planner.glossary.terms import TERMS, TERMS_BY_KEY, term_link
from planner.scenarios.describe import rating_in_words, slices_in_words
from tests.planning_fixtures import demo_client


def _linked_terms(page: str) -> set[str]:
    return set(re.findall(r'href="/glossary#([a-z0-9-]+)"', page))


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_glossary(demo_app: Flask, role: Role) -> None:
    page = demo_client(demo_app, role).get("/glossary").get_data(as_text=True)
    for entry in TERMS:
        assert f'id="{entry.key}"' in page
    assert "Shadow price" in page and "NL2" in page
    assert 'href="/glossary"' in page  # in the navigation


def test_the_plan_page_links_its_terms_to_the_glossary(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        plan_id = session.exec(
            select(Plan.id)
            .join(Scenario, Scenario.id == Plan.scenario_id)  # type: ignore[arg-type]
            .where(Scenario.name == "Pooled 2026-29")
        ).first()
        scenario_id = session.exec(
            select(Scenario.id).where(Scenario.name == "Pooled 2026-29")
        ).one()
    client = demo_client(demo_app, Role.COMMISSIONER)
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    linked = _linked_terms(page)
    assert {"shadow-price", "holds-back", "participants", "demand-avoided"} <= linked
    assert linked <= set(TERMS_BY_KEY)
    for jargon in ("confidence-weighted", "Participant places", " binds:", "fair-share"):
        assert jargon not in page, jargon
    scenario_page = client.get(f"/scenarios/{scenario_id}").get_data(as_text=True)
    assert {"diminishing-returns", "confidence", "evidence-rating"} <= _linked_terms(scenario_page)
    assert "the first third of the people reached count in full" in scenario_page


def test_a_term_not_in_the_glossary_is_an_error() -> None:
    with pytest.raises(KeyError):
        term_link("no-such-term")
    assert 'href="/glossary#nl2"' in term_link("nl2", "<NL2>")
    assert "&lt;NL2&gt;" in term_link("nl2", "<NL2>")


def test_diminishing_returns_and_nl2_in_plain_words() -> None:
    assert slices_in_words([1.0, 0.8, 0.6]) == (
        "the first third of the people reached count in full, the next third at 80%, "
        "the last third at 60%"
    )
    assert slices_in_words([1.0]) == "everyone reached counts in full"
    assert slices_in_words([1.0, 0.5]) == (
        "slice 1 of the people reached count in full, slice 2 at 50%"
    )
    assert rating_in_words("NL2") == "NL2 (not yet level 2: too little evidence)"
    assert rating_in_words("3") == "3"
