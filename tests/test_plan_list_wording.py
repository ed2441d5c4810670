"""The list of plans offers to compare only when there is something to compare, and otherwise
says what to do next, in words for the reader's role."""

from __future__ import annotations

from flask import Flask

from models import Plan, Scenario
from models.plan import PlanStatus
from models.vocabulary import Role
from planner.db import new_session


def scenarios_with_plans(app: Flask, plans: dict[str, int]) -> dict[str, int]:
    """Scenarios by name, each with the given number of solved plans."""
    ids = {}
    with app.app_context(), new_session() as session:
        for name, count in plans.items():
            scenario = Scenario(name=name)
            session.add(scenario)
            session.flush()
            for _ in range(count):
                session.add(
                    Plan(scenario_id=scenario.id, scenario_name=name, status=PlanStatus.OPTIMAL)
                )
            ids[name] = scenario.id
        session.commit()
    return ids  # type: ignore[return-value]


def test_one_plan_of_a_scenario_points_to_the_others(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    ids = scenarios_with_plans(app, {"Pooled": 1, "Alone": 1, "Strong evidence": 0})
    client = sign_in_as(Role.COMMISSIONER)
    one = client.get(f"/plans/?scenario={ids['Pooled']}").get_data(as_text=True)
    assert "Compare chosen plans" not in one
    assert (
        'This scenario has one plan. To compare it with another, <a href="/plans/">show the '
        "plans of all scenarios</a>." in one
    )
    both = client.get("/plans/").get_data(as_text=True)
    assert "Compare chosen plans" in both and "This scenario has one plan" not in both
    none = client.get(f"/plans/?scenario={ids['Strong evidence']}").get_data(as_text=True)
    assert (
        f'This scenario has no plans yet. <a href="/scenarios/{ids["Strong evidence"]}">Open the '
        "scenario</a> and run it." in none
    )


def test_with_no_plans_a_finance_lead_is_not_told_to_run_one(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    page = sign_in_as(Role.FINANCE_LEAD).get("/plans/").get_data(as_text=True)
    assert "No plans yet. A commissioner runs a scenario to get one." in page
    page = sign_in_as(Role.COMMISSIONER).get("/plans/").get_data(as_text=True)
    assert "No plans yet. Open a <a" in page and "and run it to get a plan." in page
