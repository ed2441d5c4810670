"""Plans whose run was cut short: said so in words instead of "Solving" for ever.

A plan is solved by a job (planner.jobs): when the job's worker dies, the job is retried or
failed within JOB_DEAD_AFTER_SECONDS, and its failure hook writes the cause on the plan. What is
left here is the plans no job answers for: those solved inline by a command that was stopped,
and those whose job ended without the plan hearing of it (the database was down at that moment).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from sqlmodel import Session, col, select

from models import Job, Plan
from models.fields import utc_now
from models.job import IN_FLIGHT_STATES
from models.plan import PlanStatus
from planner.logs import event

# Beyond the solver's own time limits: building the model, explaining it, storing the answer.
MARGIN_SECONDS = 60
INTERRUPTED = (
    "This run was interrupted before it finished (the program solving it stopped); "
    "run the scenario again."
)
UNFINISHED = (PlanStatus.QUEUED, PlanStatus.RUNNING)


def longest_run(plan: Plan, default_limit: float) -> timedelta:
    """The longest a run of this plan can take: its time limit for every solve it makes (the plan,
    a second pass for whole programmes or a diagnosis, and each partner planning alone), plus a
    margin for building and explaining."""
    snapshot = plan.inputs or {}
    limit = float((snapshot.get("scenario") or {}).get("time_limit_seconds") or default_limit)
    partners = len((snapshot.get("inputs") or {}).get("partners") or [])
    return timedelta(seconds=limit * (partners + 2) + MARGIN_SECONDS)


def give_up_on_interrupted_plans(
    session: Session, app: Flask, now: datetime | None = None
) -> list[int]:
    """Retry or fail the jobs whose worker died, then mark failed every plan still waiting or
    solving that no job in flight answers for: with its job's own reason when the job ended,
    or INTERRUPTED when it had no job and is older than its longest run. Returns their ids."""
    from planner.jobs.service import reap_dead_jobs

    reap_dead_jobs(session, app)
    now = now or utc_now()
    default_limit = float(app.config.get("SOLVE_TIME_LIMIT") or 60)
    rows = session.exec(
        select(Plan, Job)
        .join(Job, col(Job.id) == col(Plan.job_id), isouter=True)
        .where(col(Plan.status).in_(UNFINISHED))
    ).all()
    given_up: list[int] = []
    for plan, job in rows:
        if job is not None and job.state in IN_FLIGHT_STATES:
            continue
        if job is not None:
            reason = job.error or INTERRUPTED
        elif now - (plan.started_at or plan.created_at) > longest_run(plan, default_limit):
            reason = INTERRUPTED
        else:
            continue
        plan.status = PlanStatus.ERROR
        plan.message = reason
        plan.finished_at = now
        given_up.append(plan.id)  # type: ignore[arg-type]
    if given_up:
        session.commit()
        event("plans_interrupted", plan_ids=given_up)
    return given_up


def plans_ahead(session: Session, plan: Plan) -> int:
    """How many runs asked for before this one are still waiting or being solved."""
    if plan.job_id is not None:
        from planner.jobs.service import jobs_ahead

        job = session.get(Job, plan.job_id)
        if job is not None:
            return jobs_ahead(session, job)
    earlier = session.exec(
        select(Plan.id).where(col(Plan.status).in_(UNFINISHED), col(Plan.id) < plan.id)
    ).all()
    return len(earlier)
