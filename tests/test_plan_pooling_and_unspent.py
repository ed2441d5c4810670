"""The plan page is ready after the pooled solve; the value of pooling follows as its own job,
polled into the page (static/js/plan-pooling.js), and the money left unspent is on the page."""

from __future__ import annotations

from flask import Flask

from models import Plan
from models.vocabulary import Role
from planner.db import new_session
from planner.solving.pooling_job import DONE, WAITING, work_out_value_of_pooling
from planner.solving.service import scenario_by_name, solve_plan, start_plan
from tests.planning_fixtures import demo_client
from tests.test_api_tokens import bearer, token_for


def _solved_without_pooling(app: Flask, name: str) -> int:
    """A plan solved as a worker solves it, its value-of-pooling job not yet run."""
    with app.app_context(), new_session() as session:
        scenario = scenario_by_name(session, name)
        plan = start_plan(session, scenario.id, None)  # type: ignore[arg-type]
        solved = solve_plan(session, plan.id)  # type: ignore[arg-type]
        assert solved is not None and solved.pooling_status == WAITING
        return int(solved.id)  # type: ignore[arg-type]


def test_the_plan_is_ready_before_its_value_of_pooling(demo_app: Flask) -> None:
    plan_id = _solved_without_pooling(demo_app, "Pooled 2026-29")
    client = demo_client(demo_app, Role.COMMISSIONER)

    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "The value of pooling is being worked out" in page
    assert "Reload the page to see it." in page  # inside <noscript>
    assert "js/plan-pooling.js" in page and "<script>" not in page  # no inline script
    waiting = client.get(f"/plans/{plan_id}/pooling").json
    assert waiting["status"] == WAITING and waiting["finished"] is False
    assert waiting["job"] == f"value of pooling for plan {plan_id}"

    with demo_app.app_context(), new_session() as session:
        work_out_value_of_pooling(session, plan_id)
        plan = session.get(Plan, plan_id)
        assert plan is not None and plan.pooling_status == DONE
        assert plan.pooling_gain is not None and plan.pooling_gain > 0

    done = client.get(f"/plans/{plan_id}/pooling").json
    assert done["finished"] is True and done["status"] == DONE
    assert "Pooling adds about" in done["html"]
    assert "The same partners commissioning separately" in done["html"]
    assert "What each partner could do alone" in done["html"]
    assert done["headline"].startswith("£")
    reloaded = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "being worked out" not in reloaded and "Pooling adds about" in reloaded
    assert "js/plan-pooling.js" not in reloaded
    api = demo_app.test_client().get(
        f"/api/v1/plans/{plan_id}", headers=bearer(token_for(demo_app, Role.FINANCE_LEAD))
    )
    assert api.status_code == 200, api.json
    assert api.json["pooling_status"] == DONE
    assert api.json["pooling"]["separate_objective"] < api.json["pooling"]["pooled_objective"]
    assert any(entry["reason"] == "window" for entry in api.json["unspent"])


def test_the_plan_says_where_money_is_left_unspent_and_why(demo_app: Flask) -> None:
    plan_id = _solved_without_pooling(demo_app, "Pooled 2026-29")
    client = demo_client(demo_app, Role.COMMISSIONER)
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)

    assert '<h2 id="unspent">Money left unspent</h2>' in page
    section = page[page.index('id="unspent"') : page.index('id="pooling"')]
    assert "West Yorkshire Police" in section and "2027/28" in section
    assert "its commissioning window is closed that year" in section
    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        unspent = plan.result["unspent"]
    police = next(e for e in unspent if e["name"] == "West Yorkshire Police" and e["year"] == 2027)
    assert police["reason"] == "window"
    assert police["unspent"] == police["available"] - police["spend"]
