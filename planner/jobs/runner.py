"""Running one job: claim it, keep its heartbeat going, call its kind's function, record the end.

The same function runs a job in a Celery worker, in the web process's embedded pool, or inline
(tests, the command line): only who calls it differs. Nothing escapes it: a failure is stored on
the job in words, and the kind's failure hook tells the record the job was working on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from models import Job
from planner.db import new_session
from planner.jobs import states
from planner.jobs.context import JobContext, JobStopped
from planner.jobs.registry import UnknownJobKind, job_kind_named
from planner.logs import event

if TYPE_CHECKING:
    from planner.jobs.backends import JobBackend

log = logging.getLogger("planner.jobs")


class Heartbeat:
    """A daemon thread saying every few seconds that the job is still being worked on."""

    def __init__(self, app: Flask, job_id: int, attempt: int, every: float) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(app, job_id, attempt, every), daemon=True, name="job-heartbeat"
        )
        self._thread.start()

    def _run(self, app: Flask, job_id: int, attempt: int, every: float) -> None:
        with app.app_context():
            while not self._stop.wait(every):
                try:
                    with new_session() as session:
                        if not states.beat(session, job_id, attempt):
                            return  # cancelled or taken over: the job notices at its next step
                except SQLAlchemyError as error:  # the database may be back at the next beat
                    log.warning("job %s heartbeat failed: %s", job_id, error)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def execute(
    app: Flask,
    job_id: int,
    worker: str,
    backend: JobBackend,
    *,
    on_progress: Callable[[], None] | None = None,
) -> bool:
    """Claim and run the job if it is free; returns whether this call ran it. ``on_progress``
    is called after each of the job's progress reports (its parent, running it, counts them)."""
    settings = backend.settings
    with app.app_context(), new_session() as session:
        job = session.get(Job, job_id)
        if job is None:
            return False
        attempt = states.claim(
            session, job, worker, stale_before=states.stale_before(settings.dead_after)
        )
        if attempt is None:
            return False
        heartbeat = Heartbeat(app, job_id, attempt, settings.heartbeat_every)
        event("job_started", job_id=job_id, kind=job.kind, attempt=attempt, worker=worker)
        try:
            _run(app, session, job, attempt, worker, backend, on_progress)
        finally:
            heartbeat.stop()
        return True


def _run(
    app: Flask,
    session: Session,
    job: Job,
    attempt: int,
    worker: str,
    backend: JobBackend,
    on_progress: Callable[[], None] | None = None,
) -> None:
    job_id = job.id or 0
    try:
        kind = job_kind_named(job.kind)
        context = JobContext(app, job_id, attempt, worker, session, backend, on_progress)
        result = kind.run(context, dict(job.parameters))
    except JobStopped:
        session.rollback()
        event("job_stopped", job_id=job_id, kind=job.kind)
        return
    except UnknownJobKind as error:
        session.rollback()
        _failed(session, job, attempt, str(error))
        return
    except Exception as error:  # noqa: BLE001  (a failed job must never take the worker down)
        session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        _failed(session, job, attempt, f"{_title(job)} failed: {_in_words(error)}")
        return
    if states.finish(session, job_id, attempt, result):
        event("job_finished", job_id=job_id, kind=job.kind, attempt=attempt)


def _failed(session: Session, job: Job, attempt: int, error: str) -> None:
    if states.fail(session, job.id or 0, attempt, error):
        call_failure_hook(session, job, error)
        event("job_failed", job_id=job.id, kind=job.kind, error=error)


def call_failure_hook(session: Session, job: Job, error: str) -> None:
    """Tell the record the job was working on that it failed (or was cancelled)."""
    try:
        hook = job_kind_named(job.kind).on_failure
    except UnknownJobKind:
        return
    if hook is None:
        return
    try:
        hook(session, job, error)
        session.commit()
    except Exception:  # noqa: BLE001  (the job itself is already marked; keep the worker up)
        session.rollback()
        log.exception("failure hook of job %s (%s) failed", job.id, job.kind)


def _title(job: Job) -> str:
    try:
        return job_kind_named(job.kind).title
    except UnknownJobKind:
        return job.kind


def _in_words(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
