"""Moving a job from one state to the next, each move one conditional UPDATE.

Several workers (and the reapers in each of them) may act on the same job at once: a move only
happens if the row is still as the mover last saw it (still queued; still running on the same
attempt), so exactly one of them wins and the others learn that they lost from the row count.
"""

from __future__ import annotations

import os
import re
import socket
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, false, or_, update
from sqlmodel import Session, col

from models import Job, JobState
from models.fields import utc_now

MESSAGE_LENGTH = 300
ERROR_LENGTH = 4000
_WORKER_PROCESS = re.compile(r"\(process (\d+) on ([^)]+)\)$")


def worker_label(name: str) -> str:
    """How a job names the process running it: 'celery worker-1@host (process 412 on host)'."""
    return f"{name} (process {os.getpid()} on {socket.gethostname()})"[:200]


def process_is_gone(worker: str) -> bool:
    """Whether the worker that holds a job ran on this machine and its process has ended: then
    it is known dead at once, without waiting for its heartbeat to go stale."""
    found = _WORKER_PROCESS.search(worker or "")
    if found is None or found.group(2) != socket.gethostname():
        return False
    pid = int(found.group(1))
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A killed process its parent has not yet waited for is still listed, as a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return False


def _changed(session: Session, statement: Any) -> bool:
    result = session.execute(statement.execution_options(synchronize_session=False))
    session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def claim(session: Session, job: Job, worker: str, *, stale_before: datetime) -> int | None:
    """Take the job to run it: a queued job, or a running one whose worker is known dead (its
    heartbeat stale, or its process gone from this machine). Returns the attempt number, or
    None when another worker has it or it has ended."""
    now = utc_now()
    taken_over = or_(
        col(Job.heartbeat_at) < stale_before,
        col(Job.worker) == job.worker if process_is_gone(job.worker) else false(),
    )
    statement = (
        update(Job)
        .where(
            col(Job.id) == job.id,
            or_(
                col(Job.state) == JobState.QUEUED,
                and_(col(Job.state) == JobState.RUNNING, taken_over),
            ),
            col(Job.attempts) == job.attempts,
        )
        .values(
            state=JobState.RUNNING,
            worker=worker,
            attempts=job.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            progress_message="Started",
        )
    )
    return job.attempts + 1 if _changed(session, statement) else None


def _held(job_id: int, attempt: int) -> Any:
    return and_(
        col(Job.id) == job_id, col(Job.state) == JobState.RUNNING, col(Job.attempts) == attempt
    )


def beat(session: Session, job_id: int, attempt: int) -> bool:
    """Say the job is still being worked on; False if it was cancelled or taken over."""
    return _changed(
        session, update(Job).where(_held(job_id, attempt)).values(heartbeat_at=utc_now())
    )


def report_progress(
    session: Session, job_id: int, attempt: int, percent: int, message: str
) -> bool:
    statement = (
        update(Job)
        .where(_held(job_id, attempt))
        .values(
            progress=max(0, min(100, int(percent))),
            progress_message=message[:MESSAGE_LENGTH],
            heartbeat_at=utc_now(),
        )
    )
    return _changed(session, statement)


def finish(session: Session, job_id: int, attempt: int, result: dict[str, Any] | None) -> bool:
    statement = (
        update(Job)
        .where(_held(job_id, attempt))
        .values(
            state=JobState.FINISHED,
            progress=100,
            progress_message="Finished",
            finished_at=utc_now(),
            result=result,
        )
    )
    return _changed(session, statement)


def fail(session: Session, job_id: int, attempt: int | None, error: str) -> bool:
    """Mark the job failed with `error` in words: the attempt's own failure, or (attempt None)
    a job that is still in flight."""
    held = (
        _held(job_id, attempt)
        if attempt is not None
        else and_(col(Job.id) == job_id, col(Job.state).in_((JobState.QUEUED, JobState.RUNNING)))
    )
    statement = (
        update(Job)
        .where(held)
        .values(
            state=JobState.FAILED,
            finished_at=utc_now(),
            error=error[:ERROR_LENGTH],
            progress_message="Failed",
        )
    )
    return _changed(session, statement)


def requeue(session: Session, job: Job, reason: str) -> bool:
    """Put a job whose worker died back in the queue, saying why, for another worker to retry."""
    statement = (
        update(Job)
        .where(_held(job.id, job.attempts), col(Job.heartbeat_at) == job.heartbeat_at)  # type: ignore[arg-type]
        .values(state=JobState.QUEUED, worker="", progress=0, progress_message=reason[:300])
    )
    return _changed(session, statement)


def cancel(session: Session, job_id: int, reason: str) -> bool:
    statement = (
        update(Job)
        .where(col(Job.id) == job_id, col(Job.state).in_((JobState.QUEUED, JobState.RUNNING)))
        .values(
            state=JobState.CANCELLED,
            finished_at=utc_now(),
            error=reason[:ERROR_LENGTH],
            progress_message="Cancelled",
        )
    )
    return _changed(session, statement)


def stale_before(dead_after_seconds: float, now: datetime | None = None) -> datetime:
    return (now or utc_now()) - timedelta(seconds=dead_after_seconds)
