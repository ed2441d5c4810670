"""Celery, configured for jobs that must not be lost: one task, `planner.run_job(job_id)`.

Messages are acknowledged only once the job has ended (acks_late), and a message whose worker
process died is put back (reject_on_worker_lost), so another worker retries it. Each worker takes
one job at a time (prefetch 1): a long solve never holds others back in its worker's buffer.
The job's own record in the database says who holds it; Celery only carries the job's id.
"""

from __future__ import annotations

import logging
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from celery import Celery, Task
from celery.signals import worker_process_init, worker_ready
from flask import Flask

from planner.jobs.states import worker_label

RUN_JOB = "planner.run_job"
log = logging.getLogger("planner.jobs")
# The Flask app a worker process runs jobs in (set by `planner worker`).
_worker_app: Flask | None = None


def shown_broker(url: str) -> str:
    """The broker's address without any password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def celery_for(app: Flask) -> Celery:
    celery: Celery | None = app.extensions.get("celery")
    if celery is not None:
        return celery
    from planner.jobs.backends import JobSettings

    settings = JobSettings.of(app)
    celery = Celery("planner", broker=settings.broker_url, set_as_current=False)
    celery.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=settings.queue,
        task_ignore_result=True,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=5,
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        # A message not acknowledged within this time is handed out again. Jobs far longer than
        # a solve are safe: a second delivery finds the job held (its heartbeat fresh) and stops.
        broker_transport_options={"visibility_timeout": 3600},
        worker_send_task_events=False,
        worker_enable_remote_control=False,
    )
    celery.task(name=RUN_JOB, bind=True)(_run_job)
    app.extensions["celery"] = celery
    return celery


def send_job(app: Flask, job_id: int) -> None:
    celery_for(app).send_task(RUN_JOB, args=[job_id])


def _run_job(task: Task, job_id: int) -> None:
    from planner.jobs.backends import job_backend
    from planner.jobs.runner import execute

    app = _worker_app
    if app is None:
        raise RuntimeError("the worker has no planner app: start it with `planner worker`")
    execute(app, job_id, worker_label(str(task.request.hostname or "celery")), job_backend(app))


def run_worker(app: Flask, *, concurrency: int, name: str, loglevel: str) -> None:
    """Start a Celery worker for this app (blocks until it is stopped)."""
    global _worker_app
    _worker_app = app
    celery = celery_for(app)
    argv = [
        "worker",
        f"--loglevel={loglevel}",
        f"--concurrency={concurrency}",
        "--pool=prefork",
        f"--hostname={name}",
        f"--queues={app.config.get('JOB_QUEUE') or 'planner'}",
        "--without-gossip",
        "--without-mingle",
    ]
    celery.worker_main(argv)


@worker_process_init.connect
def _fresh_connections_after_fork(**_kwargs: Any) -> None:
    # Database connections opened before the pool forked must not be shared with its children.
    if _worker_app is not None:
        _worker_app.extensions["engine"].dispose(close=False)


@worker_ready.connect
def _start_reaper(**_kwargs: Any) -> None:
    if _worker_app is not None:
        threading.Thread(target=_reap_for_ever, args=(_worker_app,), daemon=True).start()


def _reap_for_ever(app: Flask) -> None:
    """In each worker's main process: retry or fail jobs whose worker died, every few seconds."""
    from planner.db import new_session
    from planner.jobs.backends import REAP_EVERY_SECONDS
    from planner.jobs.service import reap_dead_jobs

    stop = threading.Event()
    with app.app_context():
        while not stop.wait(REAP_EVERY_SECONDS / 2):
            try:
                with new_session() as session:
                    reap_dead_jobs(session, app)
            except Exception as error:  # noqa: BLE001  (the database may be back next time)
                log.warning("could not check for dead jobs: %s", error)
