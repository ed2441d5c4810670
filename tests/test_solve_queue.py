"""Plans waiting their turn: the progress page, one run per scenario at once, and plans a stopped
program cut short, which are marked failed in words instead of "Solving" for ever. (The jobs that
solve them are tested in test_jobs.py and test_jobs_celery.py.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import select

from models import Job, JobState, Plan, Scenario
from models.fields import utc_now
from models.plan import PlanStatus
from models.vocabulary import Role
from planner.db import new_session
from planner.solving.service import start_plan
from planner.solving.workers import INTERRUPTED, give_up_on_interrupted_plans, longest_run
from tests.conftest import make_app
from tests.planning_fixtures import demo_client


@pytest.fixture(scope="module")
def commissioner(demo_app: Flask):  # type: ignore[no-untyped-def]
    return demo_client(demo_app, Role.COMMISSIONER)


@pytest.fixture(autouse=True)
def no_plans_left_unfinished(demo_app: Flask) -> Iterator[None]:
    """Each test starts and ends with every plan finished, so counts of plans ahead are its own."""
    finish_unfinished(demo_app)
    yield
    finish_unfinished(demo_app)


def finish_unfinished(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        for plan in session.exec(select(Plan)).all():
            if not plan.status.finished:
                plan.status = PlanStatus.ERROR
        for job in session.exec(select(Job)).all():
            if not job.state.finished:
                job.state = JobState.FAILED
        session.commit()


def scenario_id(app: Flask, name: str) -> int:
    with app.app_context(), new_session() as session:
        return session.exec(select(Scenario.id).where(Scenario.name == name)).one()  # type: ignore[return-value]


def started(app: Flask, name: str, *, status: PlanStatus, ago: timedelta) -> int:
    """A plan of the scenario, left waiting or solving as if asked for `ago`."""
    with app.app_context(), new_session() as session:
        plan = start_plan(session, scenario_id(app, name), None)
        plan.status = status
        plan.created_at = utc_now() - ago
        plan.started_at = plan.created_at if status == PlanStatus.RUNNING else None
        session.commit()
        return plan.id  # type: ignore[return-value]


def stored(app: Flask, plan_id: int) -> Plan:
    with app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        return plan


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def test_a_run_cut_short_by_a_restart_is_marked_failed_and_says_why(
    demo_app: Flask, commissioner
) -> None:  # type: ignore[no-untyped-def]
    running = started(demo_app, "Pooled 2026-29", status=PlanStatus.RUNNING, ago=timedelta(hours=2))
    waiting = started(
        demo_app, "Strong evidence only", status=PlanStatus.QUEUED, ago=timedelta(hours=3)
    )
    status = commissioner.get(f"/plans/{running}/status").json
    assert status["finished"] is True and status["status"] == "error"
    assert status["message"] == INTERRUPTED
    assert stored(demo_app, waiting).status == PlanStatus.ERROR  # every such plan, not only one
    progress = commissioner.get(f"/plans/{running}/progress")
    assert progress.status_code == 200
    page = text(progress)
    assert "The plan could not be finished" in page
    assert (
        "This run was interrupted before it finished (the program solving it stopped); run the "
        "scenario again." in page
    )
    assert f'action="/scenarios/{scenario_id(demo_app, "Pooled 2026-29")}/run"' in page
    assert "Run the scenario again" in page
    assert "plan-progress.js" not in page and 'http-equiv="refresh"' not in page
    plan_page = text(commissioner.get(f"/plans/{running}"))
    assert "No plan could be found" in plan_page and "Run the scenario again" in plan_page


def test_a_run_that_may_still_be_going_is_left_alone(demo_app: Flask, commissioner) -> None:  # type: ignore[no-untyped-def]
    plan_id = started(
        demo_app, "Pooled 2026-29", status=PlanStatus.RUNNING, ago=timedelta(minutes=1)
    )
    plan = stored(demo_app, plan_id)
    partners = len(plan.inputs["inputs"]["partners"])
    assert longest_run(plan, 60) == timedelta(seconds=60 * (partners + 2) + 60)
    assert commissioner.get(f"/plans/{plan_id}/status").json["status"] == "running"
    with demo_app.app_context(), new_session() as session:
        later = utc_now() + longest_run(plan, 60)
        assert give_up_on_interrupted_plans(session, demo_app, now=later) == [plan_id]


def test_a_restarted_app_gives_up_on_old_runs_at_its_first_request(
    demo_app: Flask, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    plan_id = started(demo_app, "Pooled 2026-29", status=PlanStatus.RUNNING, ago=timedelta(hours=1))
    restarted = make_app(demo_app.config["DATABASE_URL"], tmp_path)
    assert restarted.test_client().get("/health").status_code == 200  # any first request
    plan = stored(demo_app, plan_id)
    assert plan.status == PlanStatus.ERROR and plan.message == INTERRUPTED
    restarted.extensions["engine"].dispose()


def test_running_a_scenario_that_is_already_running_follows_that_run(
    demo_app: Flask, commissioner
) -> None:  # type: ignore[no-untyped-def]
    plan_id = started(demo_app, "Pooled 2026-29", status=PlanStatus.RUNNING, ago=timedelta(0))
    with demo_app.app_context(), new_session() as session:
        before = len(session.exec(select(Plan)).all())
    response = commissioner.post(f"/scenarios/{scenario_id(demo_app, 'Pooled 2026-29')}/run")
    assert response.status_code == 302
    assert response.location == f"/plans/{plan_id}/progress"
    with demo_app.app_context(), new_session() as session:
        assert len(session.exec(select(Plan)).all()) == before  # no second run
    page = text(commissioner.get(response.location))
    assert (
        f"‘Pooled 2026-29’ is already being planned (plan {plan_id}), so no second run was "
        "started. This page follows it; run the scenario again once it has finished." in page
    )
    assert "Status: Solving" in page
    # Another scenario is not held up by it.
    other = commissioner.post(f"/scenarios/{scenario_id(demo_app, 'Strong evidence only')}/run")
    assert other.location != f"/plans/{plan_id}/progress"


def test_the_progress_page_says_how_many_plans_are_ahead(demo_app: Flask, commissioner) -> None:  # type: ignore[no-untyped-def]
    solving = started(demo_app, "Pooled 2026-29", status=PlanStatus.RUNNING, ago=timedelta(0))
    second = started(demo_app, "Strong evidence only", status=PlanStatus.QUEUED, ago=timedelta(0))
    third = started(demo_app, "Each partner alone", status=PlanStatus.QUEUED, ago=timedelta(0))
    assert commissioner.get(f"/plans/{solving}/status").json["label"] == "Solving"
    status = commissioner.get(f"/plans/{third}/status").json
    assert (status["label"], status["ahead"]) == ("Waiting to start (2 plans ahead)", 2)
    assert commissioner.get(f"/plans/{second}/status").json["label"] == (
        "Waiting to start (1 plan ahead)"
    )
    page = text(commissioner.get(f"/plans/{third}/progress"))
    assert "Status: Waiting to start (2 plans ahead)" in page
    assert re.search(r"2 plans asked for earlier are still waiting or being solved", page)
    finish_unfinished(demo_app)
    with demo_app.app_context(), new_session() as session:
        plan = start_plan(session, scenario_id(demo_app, "Pooled 2026-29"), None)
    status = commissioner.get(f"/plans/{plan.id}/status").json
    assert (status["label"], status["ahead"]) == ("Waiting to start (next in line)", 0)
