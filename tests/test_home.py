"""The home page names the agreed plan: readers see its headline figures and a link to it; a
place lead sees who agreed it and links to their own places, never the whole plan's figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask

from models import Place, PlacePopulation, Plan
from models.plan import PlanAllocation, PlanStatus
from models.vocabulary import Role
from planner.db import new_session


@pytest.fixture
def solved(app: Flask) -> dict[str, int]:
    """Dewsbury and Batley; a plan of "Pooled 2026-28" spending £48,000 on 40 families in
    Dewsbury and £24,000 on 20 in Batley, avoiding £150,000 of demand. Nothing agreed yet."""
    with app.app_context(), new_session() as session:
        dewsbury = Place(name="Dewsbury", district="Kirklees")
        batley = Place(name="Batley", district="Kirklees")
        session.add_all([dewsbury, batley])
        session.flush()
        session.add(PlacePopulation(place_id=dewsbury.id, target_group="Families", population=120))  # type: ignore[arg-type]
        plan = Plan(
            scenario_name="Pooled 2026-28",
            status=PlanStatus.OPTIMAL,
            result={"years": [2026, 2027]},
            total_spend=Decimal("72000"),
            total_benefit=Decimal("150000"),
            benefit_cost_ratio=150000 / 72000,
        )
        session.add(plan)
        session.flush()
        for place, people in (("Dewsbury", 40.0), ("Batley", 20.0)):
            session.add(
                PlanAllocation(
                    plan_id=plan.id,  # type: ignore[arg-type]
                    intervention_name="Incredible Years",
                    place_name=place,
                    district="Kirklees",
                    year=2026,
                    participants=people,
                    cost=Decimal(people * 1200),
                )
            )
        session.commit()
        return {"plan": plan.id, "dewsbury": dewsbury.id, "batley": batley.id}  # type: ignore[dict-item]


def test_home_shows_the_agreed_plan_to_each_role(app: Flask, solved, sign_in_as) -> None:
    commissioner = sign_in_as(Role.COMMISSIONER)
    before = commissioner.get("/").get_data(as_text=True)
    assert "No plan has been agreed yet" in before and 'href="/agreed-plan/"' in before
    agreed = commissioner.post(
        "/agreed-plan/", data={"plan_id": solved["plan"], "note": "Board, 12 March"}
    )
    assert agreed.status_code == 302

    for role in (Role.COMMISSIONER, Role.FINANCE_LEAD, Role.ADMIN):
        page = sign_in_as(role).get("/").get_data(as_text=True)
        assert "Agreed plan, 2026/27 to 2027/28" in page, role
        assert f'<a href="/plans/{solved["plan"]}">Pooled 2026-28</a>' in page, role
        assert "Agreed by Commissioner on" in page and "Board, 12 March" in page
        assert "£72,000" in page and "£150,000" in page and "2.08" in page
        assert "No plan has been agreed yet" not in page

    lead = sign_in_as(Role.PLACE_LEAD, place_ids=[solved["dewsbury"]])
    page = lead.get("/").get_data(as_text=True)
    assert "Pooled 2026-28" in page and "Agreed by Commissioner on" in page
    assert f'<a href="/place-teams/{solved["dewsbury"]}">Dewsbury</a>' in page
    assert "£48,000" in page  # what the plan puts in their place
    assert f"/place-teams/{solved['batley']}" not in page and "Batley" not in page
    assert f"/plans/{solved['plan']}" not in page and "£72,000" not in page


def test_place_lead_without_places_is_told_so(app: Flask, solved, sign_in_as) -> None:
    page = sign_in_as(Role.PLACE_LEAD).get("/").get_data(as_text=True)
    assert "You do not lead any places yet" in page
    assert "No plan has been agreed yet" not in page


def test_start_here_offers_each_role_what_it_can_do(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    commissioner = sign_in_as(Role.COMMISSIONER).get("/").get_data(as_text=True)
    assert "change budgets, rules and evidence thresholds, run them" in commissioner
    assert 'href="/inputs/import">Import</a>: bring the partnership' in commissioner
    finance = sign_in_as(Role.FINANCE_LEAD).get("/").get_data(as_text=True)
    assert "change budgets, rules and evidence thresholds, run them" not in finance
    assert "Scenarios</a>: the rules, budgets and evidence thresholds behind each plan." in finance
    assert "interventions and places, as commissioners keep them." in finance
    assert 'href="/inputs/import"' not in finance
    assert "download Excel workbooks with live formulas" in finance
