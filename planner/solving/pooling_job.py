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
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlmodel import Session, col, select

import optimiser as opt
from models import Job, Plan, PlanExplanation
from models.fields import utc_now
from models.plan import ExplanationKind
from models.scenario import FundingMode
from planner.db import new_session
from planner.jobs.context import JobContext
from planner.jobs.registry import job_kind
from planner.logs import event
from planner.solving.snapshot import inputs_from_snapshot, json_ready
from planner.solving.workers import longest_run

JOB_KIND = "pooling"
WAITING, WORKING, DONE, FAILED = "waiting", "working", "done", "failed"
UNFINISHED = (WAITING, WORKING)
FAILURE_KEY = "pooling_failure"
INTERRUPTED = (
    "Working out the value of pooling was interrupted (the program working it out stopped); run the scenario "
    "again to work it out."
)


def job_name(plan_id: int) -> str:
    """How logs and job lists name this unit of work."""
    return f"value of pooling for plan {plan_id}"


def wants_value_of_pooling(answer: opt.Plan) -> bool:
    """Whether a stored plan has a value of pooling to work out (a plan with an objective)."""
    return answer.status.has_plan and answer.objective is not None


def pooling_key(plan_id: int) -> str:
    """The job's exclusive key: one value of pooling in flight per plan."""
    return f"value-of-pooling:{plan_id}"


def queue_value_of_pooling(app: Flask, plan_id: int, *, here: bool = False) -> None:
    """Ask for the job (planner.jobs): run by a worker, or now when `here` (the command line)."""
    from planner.jobs.service import JobInFlight, dispatch, new_job, run_here

    with app.app_context(), new_session() as session:
        try:
            job = new_job(
                session, JOB_KIND, {"plan_id": plan_id}, exclusive_key=pooling_key(plan_id)
            )
        except JobInFlight:
            return  # already asked for
        session.commit()
        job_id = job.id or 0
    (run_here if here else dispatch)(app, job_id)


def _pooling_job_failed(session: Session, job: Job, error: str) -> None:
    plan = session.get(Plan, int(job.parameters.get("plan_id", 0)), populate_existing=True)
    if plan is not None and plan.pooling_status in UNFINISHED:
        _fail(session, plan.id or 0, error)


@job_kind(JOB_KIND, title="Working out the value of pooling", on_failure=_pooling_job_failed)
def value_of_pooling_job(context: JobContext, plan_id: int) -> dict[str, Any]:
    context.progress(5, "Solving the plan with each partner alone")
    plan = work_out_value_of_pooling(context.session, plan_id)
    return {"plan_id": plan_id, "pooling_status": plan.pooling_status if plan else "missing"}


def work_out_value_of_pooling(
    session: Session, plan_id: int, *, comparisons: Future[opt.Comparisons] | None = None
) -> Plan | None:
    """Compare plan N with the same partners commissioning separately and store the answer.

    ``comparisons`` are the separate plan and each partner alone, already being solved beside
    the plan (``planner.solving.comparisons``); without them they are solved here.
    Errors are stored on the plan in words (status 'failed'), never raised.
    """
    plan = session.get(Plan, plan_id)
    if plan is None or plan.pooling_status not in UNFINISHED:
        return plan
    plan.pooling_status = WORKING
    session.commit()
    started = time.perf_counter()
    try:
        pooling = _compare(plan, comparisons)
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


def _compare(
    plan: Plan, comparisons: Future[opt.Comparisons] | None
) -> opt.PoolingComparison | None:
    inputs, rules = inputs_from_snapshot(plan.inputs)
    scenario = plan.inputs["scenario"]
    time_limit = float(scenario["time_limit_seconds"])
    separately = scenario["funding_mode"] == FundingMode.SEPARATE.value
    objective = plan.result.get("objective")
    pooled = None if separately or objective is None else float(objective)
    separate, alone = comparisons.result() if comparisons is not None else (None, None)
    return opt.compare_pooling(
        inputs, rules, pooled, time_limit=time_limit, separate_solved=separate, alone_solved=alone
    )


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

    Its job (planner.jobs) is retried or failed when its worker dies; a plan whose job ended
    without it hearing (or that never had one and waited longer than any run could take) is
    marked failed here, in words.
    """
    if plan.pooling_status in UNFINISHED:
        job = session.exec(
            select(Job)
            .where(col(Job.exclusive_key) == pooling_key(plan.id or 0))
            .order_by(col(Job.id).desc())
        ).first()
        if job is not None and job.state.finished:
            # The job ended without the plan hearing of it (its worker died for good).
            _fail(session, plan.id or 0, job.error or INTERRUPTED)
            session.refresh(plan)
        elif job is None:
            since = plan.finished_at or plan.created_at
            limit = float(app.config.get("SOLVE_TIME_LIMIT") or 60)
            if utc_now() - since > longest_run(plan, limit):
                _fail(session, plan.id, INTERRUPTED)  # type: ignore[arg-type]
                session.refresh(plan)
    return {
        "plan": plan.id,
        "job": job_name(plan.id),  # type: ignore[arg-type]
        "status": plan.pooling_status,
        "finished": plan.pooling_status not in UNFINISHED,
        "failure": plan.result.get(FAILURE_KEY, ""),
    }
