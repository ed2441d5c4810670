"""A whole plan's value of pooling is solved beside the plan, in the plan's own job
(planner.solving.comparisons); a plan in fractions keeps the job of its own."""

from __future__ import annotations

from flask import Flask
from sqlmodel import col, select

from models import Job, Plan
from planner.db import new_session
from planner.solving.comparisons import start_comparisons
from planner.solving.pooling_job import DONE, JOB_KIND, pooling_key
from planner.solving.service import run_plan, scenario_by_name, start_plan

SCENARIO = "Pooled 2026-29"


def _run(app: Flask, *, whole: bool) -> int:
    """The demo scenario run as the web app runs it (its job, inline in tests)."""
    with app.app_context(), new_session() as session:
        scenario = scenario_by_name(session, SCENARIO)
        scenario.whole_programme = whole
        session.commit()
        plan = start_plan(session, scenario.id, None)  # type: ignore[arg-type]
        plan_id = int(plan.id)  # type: ignore[arg-type]
    run_plan(app, plan_id)
    return plan_id


def _pooling_jobs(app: Flask, plan_id: int) -> list[Job]:
    with app.app_context(), new_session() as session:
        return list(
            session.exec(
                select(Job).where(
                    col(Job.kind) == JOB_KIND, col(Job.exclusive_key) == pooling_key(plan_id)
                )
            ).all()
        )


def test_a_whole_plans_value_of_pooling_comes_with_the_plan_not_a_job_later(
    demo_app: Flask,
) -> None:
    plan_id = _run(demo_app, whole=True)

    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None and plan.status.finished and plan.status.value == "optimal"
        assert plan.pooling_status == DONE
        assert plan.pooling_gain is not None and plan.pooling_gain > 0
        pooling = plan.result["pooling"]
        assert pooling["separate_objective"] < pooling["pooled_objective"]
        assert len(pooling["alone"]) >= 2
        assert pooling["sentence"].startswith("Pooling adds about")
    assert _pooling_jobs(demo_app, plan_id) == []


def test_a_plan_in_fractions_keeps_its_own_value_of_pooling_job(demo_app: Flask) -> None:
    try:
        plan_id = _run(demo_app, whole=False)
    finally:
        with demo_app.app_context(), new_session() as session:
            scenario_by_name(session, SCENARIO).whole_programme = True
            session.commit()

    (job,) = _pooling_jobs(demo_app, plan_id)
    assert job.state.finished
    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None and plan.pooling_status == DONE


def test_a_snapshot_that_cannot_be_read_starts_nothing() -> None:
    """The plan's own solve reports such a snapshot in words; the comparison stays out of it."""
    assert start_comparisons({"scenario": {"name": "Broken"}}) is None
