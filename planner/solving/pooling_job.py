"""The value of pooling for plan N: its own unit of work, after the plan is stored.

A plan is ready to read as soon as the pooled solve is explained; comparing it with the same
partners commissioning separately (``optimiser.compare_pooling``: one more model, and what each
partner could do alone) costs several solves more, so it runs as a job of its own, queued on the
same workers as plans. Its state is ``Plan.pooling_status`` ('waiting', 'working', 'done',
'failed'; '' for a plan with nothing to compare), its answer goes into the plan's stored result
(``pooling``), its headline into ``Plan.pooling_gain`` and a POOLING explanation row.

``work_out_value_of_pooling(session, plan_id)`` is the whole unit of work: given a session it
needs nothing else, so a task queue can run it as one task kind.
"""

from __future__ import annotations

import time
from concurrent.futures import Future
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlmodel import Session

import optimiser as opt
from models import Plan, PlanExplanation
from models.fields import utc_now
from models.plan import ExplanationKind
from models.scenario import FundingMode
from planner.db import new_session
from planner.logs import event
from planner.solving.snapshot import inputs_from_snapshot, json_ready
from planner.solving.workers import held_here, longest_run, solve_workers

JOB_KIND = "pooling"
WAITING, WORKING, DONE, FAILED = "waiting", "working", "done", "failed"
UNFINISHED = (WAITING, WORKING)
FAILURE_KEY = "pooling_failure"
INTERRUPTED = (
    "Working out the value of pooling was interrupted (the server restarted); run the scenario "
    "again to work it out."
)


def job_name(plan_id: int) -> str:
    """How logs and job lists name this unit of work."""
    return f"value of pooling for plan {plan_id}"


def wants_value_of_pooling(answer: opt.Plan) -> bool:
    """Whether a stored plan has a value of pooling to work out (a plan with an objective)."""
    return answer.status.has_plan and answer.objective is not None


def queue_value_of_pooling(app: Flask, plan_id: int) -> Future[int] | None:
    """Queue the job on the app's workers (SOLVE_IN_BACKGROUND), or work it out now."""
    if app.config.get("SOLVE_IN_BACKGROUND"):
        workers = solve_workers(app, lambda queued: None)
        return workers.submit_work(
            (JOB_KIND, plan_id), plan_id, lambda: _work_out_in_app(app, plan_id)
        )
    _work_out_in_app(app, plan_id)
    return None


def _work_out_in_app(app: Flask, plan_id: int) -> None:
    with app.app_context(), new_session() as session:
        work_out_value_of_pooling(session, plan_id)


def work_out_value_of_pooling(session: Session, plan_id: int) -> Plan | None:
    """Compare plan N with the same partners commissioning separately and store the answer.

    Errors are stored on the plan in words (status 'failed'), never raised.
    """
    plan = session.get(Plan, plan_id)
    if plan is None or plan.pooling_status not in UNFINISHED:
        return plan
    plan.pooling_status = WORKING
    session.commit()
    started = time.perf_counter()
    try:
        pooling = _compare(plan)
    except Exception as error:  # noqa: BLE001  (a failed job must never take the worker down)
        session.rollback()
        _fail(session, plan_id, f"The value of pooling could not be worked out: {error}")
        event("pooling_failed", plan_id=plan_id, error=str(error))
        return session.get(Plan, plan_id)
    _store(session, plan, pooling)
    session.commit()
    event(
        "pooling_worked_out",
        job=job_name(plan_id),
        seconds=round(time.perf_counter() - started, 3),
        value_of_pooling=None if pooling is None else pooling.value_of_pooling,
    )
    return plan


def _compare(plan: Plan) -> opt.PoolingComparison | None:
    inputs, rules = inputs_from_snapshot(plan.inputs)
    scenario = plan.inputs["scenario"]
    time_limit = float(scenario["time_limit_seconds"])
    separately = scenario["funding_mode"] == FundingMode.SEPARATE.value
    objective = plan.result.get("objective")
    pooled = None if separately or objective is None else float(objective)
    return opt.compare_pooling(inputs, rules, pooled, time_limit=time_limit)


def _store(session: Session, plan: Plan, pooling: opt.PoolingComparison | None) -> None:
    result: dict[str, Any] = dict(plan.result)
    result.pop(FAILURE_KEY, None)
    if pooling is None:
        # Only a plan of the partners commissioning separately gets here: the pool has no plan.
        result[FAILURE_KEY] = (
            "The pooled plan of the same rules has no plan, so there is nothing to compare with."
        )
        plan.result = result
        plan.pooling_status = FAILED
        return
    result["pooling"] = json_ready(opt.part_to_dict(pooling))
    plan.result = result
    plan.pooling_status = DONE
    gain = pooling.value_of_pooling
    plan.pooling_gain = None if gain is None else Decimal(str(round(gain, 2)))
    session.add(
        PlanExplanation(
            plan_id=plan.id,  # type: ignore[arg-type]
            kind=ExplanationKind.POOLING,
            subject="pooling",
            sentence=pooling.sentence[:2000],
            value=gain,
        )
    )


def _fail(session: Session, plan_id: int, message: str) -> None:
    plan = session.get(Plan, plan_id)
    if plan is None:
        return
    plan.result = {**plan.result, FAILURE_KEY: message[:2000]}
    plan.pooling_status = FAILED
    session.commit()


def pooling_state(session: Session, app: Flask, plan: Plan) -> dict[str, Any]:
    """Where the job for plan N is: its status and, once failed, why.

    A job that no worker of this process holds and that has been waiting longer than any run of
    it could take was cut short by a restart: it is marked failed, in words.
    """
    if plan.pooling_status in UNFINISHED and not held_here(app, plan.id, JOB_KIND):
        since = plan.finished_at or plan.created_at
        limit = float(app.config.get("SOLVE_TIME_LIMIT") or 60)
        if utc_now() - since > longest_run(plan, limit) + timedelta(seconds=0):
            _fail(session, plan.id, INTERRUPTED)  # type: ignore[arg-type]
            session.refresh(plan)
    return {
        "plan": plan.id,
        "job": job_name(plan.id),  # type: ignore[arg-type]
        "status": plan.pooling_status,
        "finished": plan.pooling_status not in UNFINISHED,
        "failure": plan.result.get(FAILURE_KEY, ""),
    }
