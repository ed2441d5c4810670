"""Solving a plan as a job: the `solve_plan` kind, and what a plan says when its job fails."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models import Job, Plan
from models.fields import utc_now
from models.plan import PlanStatus
from planner.jobs.context import JobContext
from planner.jobs.registry import job_kind

SOLVE_PLAN = "solve_plan"
MESSAGE_LENGTH = 4000


def scenario_run_key(scenario_id: int) -> str:
    """The exclusive key of a scenario's run: the database allows one in flight at a time."""
    return f"run-scenario:{scenario_id}"


def plan_job_failed(session: Session, job: Job, error: str) -> None:
    """The plan its job was solving says why it has no answer (unless it already has one)."""
    plan = session.get(Plan, int(job.parameters.get("plan_id", 0)), populate_existing=True)
    if plan is None or plan.status.finished:
        return
    plan.status = PlanStatus.ERROR
    plan.message = error[:MESSAGE_LENGTH]
    plan.finished_at = utc_now()


@job_kind(SOLVE_PLAN, title="Solving the plan", on_failure=plan_job_failed)
def solve_plan_job(context: JobContext, plan_id: int) -> dict[str, Any]:
    from planner.jobs.backends import InlineBackend
    from planner.solving.comparisons import start_comparisons
    from planner.solving.pooling_job import (
        WAITING,
        queue_value_of_pooling,
        work_out_value_of_pooling,
    )
    from planner.solving.service import solve_plan

    context.progress(5, "Building the model")
    queued = context.session.get(Plan, plan_id)
    comparisons = (
        start_comparisons(queued.inputs)
        if queued is not None and not queued.status.finished
        else None
    )
    plan = solve_plan(context.session, plan_id, before_storing=context.check)
    status = plan.status.value if plan is not None else "missing"
    if plan is not None and plan.pooling_status == WAITING:
        # The plan is ready to read now. A whole plan's comparison has been solving beside it
        # (planner.solving.comparisons): its value of pooling is finished here. Otherwise
        # comparing is a job of its own (run at once here too when this one runs inline, as on
        # the command line).
        if comparisons is not None:
            context.progress(90, "Working out the value of pooling")
            work_out_value_of_pooling(context.session, plan_id, comparisons=comparisons)
        else:
            here = isinstance(context.backend, InlineBackend)
            queue_value_of_pooling(context.app, plan_id, here=here)
    return {"plan_id": plan_id, "status": status}
