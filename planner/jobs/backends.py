"""Where jobs run: Celery workers, the web process's own pool, or inline.

- With PLANNER_BROKER_URL set (Redis), jobs are sent to Celery and `planner worker` processes,
  on any number of machines, run them.
- Without it, the embedded default: each web process runs JOB_THREADS jobs at once in a thread
  pool fed from the database (any web process may take any queued job, so a burst of requests
  to one process does not queue behind it, and a restarted process's jobs are taken up again).
- With SOLVE_IN_BACKGROUND off (the tests, the command line), a job runs at once, in the caller.

The job functions, the states in the database and the reaping of dead workers are the same in
all three.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select

from models import Job, JobState
from planner.db import new_session
from planner.jobs.states import worker_label

log = logging.getLogger("planner.jobs")
POLL_SECONDS = 1.0
REAP_EVERY_SECONDS = 10.0
_CREATING = threading.Lock()


@dataclass(frozen=True)
class JobSettings:
    broker_url: str | None
    background: bool
    threads: int
    heartbeat_every: float
    dead_after: float
    max_attempts: int
    queue: str

    @classmethod
    def of(cls, app: Flask) -> JobSettings:
        config = app.config
        return cls(
            broker_url=config.get("BROKER_URL") or None,
            background=bool(config.get("SOLVE_IN_BACKGROUND")),
            threads=max(1, int(config.get("JOB_THREADS") or 1)),
            heartbeat_every=float(config.get("JOB_HEARTBEAT_SECONDS") or 5),
            dead_after=float(config.get("JOB_DEAD_AFTER_SECONDS") or 30),
            max_attempts=max(1, int(config.get("JOB_MAX_ATTEMPTS") or 2)),
            queue=str(config.get("JOB_QUEUE") or "planner"),
        )


class JobBackend(Protocol):
    settings: JobSettings
    description: str

    def dispatch(self, job_id: int, *, child: bool = False) -> None:
        """Have the job run. A sub-job (`child`) may also be run by the job that fanned it out."""


class InlineBackend:
    """Runs a job at once, in the caller (sub-jobs are run by their parent as it waits)."""

    description = "inline"

    def __init__(self, app: Flask, settings: JobSettings) -> None:
        self.app = app
        self.settings = settings

    def dispatch(self, job_id: int, *, child: bool = False) -> None:
        from planner.jobs.runner import execute

        if not child:
            execute(self.app, job_id, worker_label("inline"), self)


class EmbeddedBackend:
    """A pool of threads in this web process, taking queued jobs from the database."""

    description = "embedded"

    def __init__(self, app: Flask, settings: JobSettings) -> None:
        self.app = app
        self.settings = settings
        self._pid = -1
        self._lock = threading.Lock()

    def dispatch(self, job_id: int, *, child: bool = False) -> None:
        self.start()
        self._wake.set()

    def start(self) -> None:
        """Start the pool in this process (again after a fork: threads do not survive one)."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._wake = threading.Event()
            self._slots = threading.Semaphore(self.settings.threads)
            self._held: set[int] = set()
            self._pool = ThreadPoolExecutor(self.settings.threads, thread_name_prefix="planner-job")
            self._worker = worker_label("web")
            self._stopping = threading.Event()
            threading.Thread(target=self._poll, daemon=True, name="planner-jobs").start()

    def stop(self) -> None:
        """Stop taking jobs: the poller ends, and the jobs already running are waited for.
        Without this a pool outlives its app (and, in the tests, the database it polls)."""
        with self._lock:
            if self._pid != os.getpid():
                return
            self._pid = -1
            self._stopping.set()
            self._wake.set()
            pool = self._pool
        pool.shutdown(wait=True, cancel_futures=True)

    def _poll(self) -> None:
        from planner.jobs.service import reap_dead_jobs

        last_reap = 0.0
        stopping = self._stopping
        with self.app.app_context():
            while not stopping.is_set():
                self._wake.wait(POLL_SECONDS)
                self._wake.clear()
                if stopping.is_set():
                    return
                try:
                    if time.monotonic() - last_reap > REAP_EVERY_SECONDS:
                        last_reap = time.monotonic()
                        with new_session() as session:
                            reap_dead_jobs(session, self.app)
                    self._take_queued_jobs()
                except SQLAlchemyError as error:  # the database is down: try again shortly
                    log.warning("job pool could not read the queue: %s", error)
                except Exception:  # noqa: BLE001  (the pool must keep polling)
                    log.exception("job pool failed to take a job")

    def _take_queued_jobs(self) -> None:
        while self._slots.acquire(blocking=False):
            with new_session() as session:
                query = select(Job.id).where(col(Job.state) == JobState.QUEUED)
                if self._held:
                    query = query.where(col(Job.id).not_in(self._held))
                job_id = session.exec(query.order_by(col(Job.id))).first()
            if job_id is None:
                self._slots.release()
                return
            self._held.add(job_id)
            self._pool.submit(self._run, job_id)

    def _run(self, job_id: int) -> None:
        from planner.jobs.runner import execute

        try:
            execute(self.app, job_id, self._worker, self)
        except Exception:  # noqa: BLE001
            log.exception("job %s could not be run", job_id)
        finally:
            self._held.discard(job_id)
            self._slots.release()
            self._wake.set()


class CeleryBackend:
    """Sends jobs to Celery workers through the broker (Redis)."""

    description = "celery"

    def __init__(self, app: Flask, settings: JobSettings) -> None:
        self.app = app
        self.settings = settings

    def dispatch(self, job_id: int, *, child: bool = False) -> None:
        from planner.jobs.celery_app import send_job

        try:
            send_job(self.app, job_id)
        except Exception as error:  # noqa: BLE001  (said on the job, in words)
            self._unreachable(job_id, error)

    def _unreachable(self, job_id: int, error: Exception) -> None:
        from planner.jobs import states
        from planner.jobs.runner import call_failure_hook

        where = self.settings.broker_url or ""
        message = (
            f"The job could not be handed to the workers: the job queue at {where} did not "
            f"answer ({str(error).splitlines()[0] if str(error) else type(error).__name__}). "
            "Check that Redis is running, then start it again."
        )
        log.error("could not send job %s: %s", job_id, error)
        with self.app.app_context(), new_session() as session:
            if states.fail(session, job_id, None, message):
                job = session.get(Job, job_id, populate_existing=True)
                if job is not None:
                    call_failure_hook(session, job, message)


def job_backend(app: Flask) -> JobBackend:
    """The app's backend, chosen once from its settings."""
    backend: JobBackend | None = app.extensions.get("job_backend")
    if backend is None:
        with _CREATING:
            backend = app.extensions.get("job_backend")
            if backend is None:
                settings = JobSettings.of(app)
                if not settings.background:
                    backend = InlineBackend(app, settings)
                elif settings.broker_url:
                    backend = CeleryBackend(app, settings)
                else:
                    backend = EmbeddedBackend(app, settings)
                app.extensions["job_backend"] = backend
    return backend


def stop_job_pool(app: Flask) -> None:
    """Stop the app's own job pool, if it started one (Celery workers and inline jobs have none)."""
    backend = app.extensions.get("job_backend")
    if isinstance(backend, EmbeddedBackend):
        backend.stop()
