"""Asking for jobs, cancelling them, and giving up on (or retrying) jobs whose worker died."""

from __future__ import annotations

from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from models import Job, JobState
from models.fields import utc_now
from models.job import IN_FLIGHT_STATES
from planner.jobs import states
from planner.jobs.backends import JobBackend, job_backend
from planner.jobs.registry import job_kind_named
from planner.jobs.runner import call_failure_hook
from planner.logs import event


class Actor(Protocol):
    id: int | None
    name: str


class JobInFlight(Exception):
    """A job with the same exclusive key is already queued or running."""

    def __init__(self, job: Job) -> None:
        super().__init__(f"job {job.id} ({job.kind}) is already {job.state.value}")
        self.job = job


def new_job(
    session: Session,
    kind: str,
    parameters: dict[str, Any],
    *,
    user: Actor | None = None,
    exclusive_key: str | None = None,
) -> Job:
    """Add a queued job to the session (not yet committed nor sent to a worker), so the caller
    can store it in the same transaction as the record it works on. Raises JobInFlight, with
    the session rolled back, when a job with the same exclusive key is still in flight."""
    job_kind_named(kind)  # refuse an unknown kind here, not in a worker later
    job = Job(
        kind=kind,
        parameters=parameters,
        exclusive_key=exclusive_key,
        created_by_id=getattr(user, "id", None),
        created_by_name=getattr(user, "name", None) or "command line",
    )
    session.add(job)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        existing = in_flight(session, exclusive_key or "")
        if existing is None:  # it finished in between: the caller may simply ask again
            raise
        raise JobInFlight(existing) from None
    return job


def in_flight(session: Session, exclusive_key: str) -> Job | None:
    return session.exec(
        select(Job).where(
            col(Job.exclusive_key) == exclusive_key, col(Job.state).in_(IN_FLIGHT_STATES)
        )
    ).first()


def dispatch(app: Flask, job_id: int) -> None:
    """Send a committed job to be run by the app's backend (a worker, the web process's pool, or
    now, inline)."""
    job_backend(app).dispatch(job_id)


def run_here(app: Flask, job_id: int) -> None:
    """Run a committed job now, in this process (the command line)."""
    from planner.jobs.backends import InlineBackend, JobSettings

    InlineBackend(app, JobSettings.of(app)).dispatch(job_id)


def enqueue(
    session: Session,
    kind: str,
    parameters: dict[str, Any],
    *,
    user: Actor | None = None,
    exclusive_key: str | None = None,
) -> Job:
    """Record a job, commit, and send it to be run."""
    job = new_job(session, kind, parameters, user=user, exclusive_key=exclusive_key)
    session.commit()
    dispatch(current_app._get_current_object(), job.id or 0)  # type: ignore[attr-defined]
    return job


def enqueue_children(
    session: Session,
    parent_id: int,
    kind: str,
    parameter_list: list[dict[str, Any]],
    backend: JobBackend,
) -> list[int]:
    """Sub-jobs of a job, all recorded in one transaction, then sent to the workers."""
    job_kind_named(kind)
    parent = session.get(Job, parent_id)
    children = [
        Job(
            kind=kind,
            parameters=parameters,
            parent_id=parent_id,
            created_by_id=parent.created_by_id if parent else None,
            created_by_name=parent.created_by_name if parent else "",
        )
        for parameters in parameter_list
    ]
    session.add_all(children)
    session.commit()
    ids = [child.id or 0 for child in children]
    for child_id in ids:
        backend.dispatch(child_id, child=True)
    return ids


def cancel_job(session: Session, job_id: int, user: Actor | None) -> bool:
    """Cancel a job still waiting or running, with its sub-jobs. A running job stops at its
    next progress report; whatever it was working on is marked cancelled in words now."""
    who = getattr(user, "name", None) or "command line"
    at = utc_now().strftime("%H:%M UTC on %d %B %Y")
    reason = f"Cancelled by {who} at {at} before it finished."
    if not states.cancel(session, job_id, reason):
        return False
    for child_id in session.exec(
        select(Job.id).where(col(Job.parent_id) == job_id, col(Job.state).in_(IN_FLIGHT_STATES))
    ).all():
        states.cancel(session, child_id or 0, reason)
    job = session.get(Job, job_id, populate_existing=True)
    if job is not None:
        call_failure_hook(session, job, reason)
    event("job_cancelled", job_id=job_id, by=who)
    return True


def jobs_ahead(session: Session, job: Job) -> int:
    """How many jobs asked for before this one are still waiting or running (sub-jobs count
    with the job that fanned them out)."""
    return int(
        session.exec(
            select(func.count()).where(
                col(Job.state).in_(IN_FLIGHT_STATES),
                col(Job.id) < job.id,
                col(Job.parent_id).is_(None),
            )
        ).one()
    )


def reap_dead_jobs(session: Session, app: Flask) -> list[int]:
    """Jobs whose worker died (its heartbeat stale for longer than JOB_DEAD_AFTER_SECONDS, or
    its process gone from this machine): put back in the queue for another worker while they
    have attempts left, otherwise marked failed with the cause in words. Returns their ids."""
    backend = job_backend(app)
    settings = backend.settings
    stale = states.stale_before(settings.dead_after)
    running = session.exec(select(Job).where(col(Job.state) == JobState.RUNNING)).all()
    dead = [
        job
        for job in running
        if (job.heartbeat_at is not None and job.heartbeat_at < stale)
        or states.process_is_gone(job.worker)
    ]
    retried: list[int] = []
    reaped: list[int] = []
    for job in dead:
        heard = job.heartbeat_at.strftime("%H:%M:%S UTC") if job.heartbeat_at else "never"
        cause = (
            f"The worker {job.worker or 'running it'} stopped while running this job (last heard "
            f"from at {heard}): it was stopped, restarted or ran out of memory"
        )
        if job.attempts < settings.max_attempts:
            if states.requeue(session, job, f"{cause}; trying again."):
                retried.append(job.id or 0)
        else:
            tries = "once" if job.attempts == 1 else f"{job.attempts} times"
            error = f"{cause}. It was tried {tries}; start it again when the workers are running."
            if states.fail(session, job.id or 0, job.attempts, error):
                call_failure_hook(session, job, error)
                reaped.append(job.id or 0)
    for job_id in retried:
        backend.dispatch(job_id)
    if retried or reaped:
        event("jobs_reaped", retried=retried, failed=reaped)
    return retried + reaped
