"""`planner worker`: a Celery worker that runs the planner's jobs."""

from __future__ import annotations

import os
import socket

import click
from flask import current_app
from flask.cli import with_appcontext

from planner.cli import fail


@click.command("worker")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=None,
    help="Jobs run at once (default: PLANNER_WORKER_CONCURRENCY, 1).",
)
@click.option(
    "--name",
    default=None,
    help="This worker's name in job records (default: planner-<process>@<host>).",
)
@click.option("--loglevel", default="INFO", show_default=True)
@with_appcontext
def worker_command(concurrency: int | None, name: str | None, loglevel: str) -> None:
    """Run jobs (solves, batches, imports, exports) sent through PLANNER_BROKER_URL."""
    from planner.db import upgrade_database
    from planner.jobs.celery_app import run_worker, shown_broker

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    broker = app.config.get("BROKER_URL")
    if not broker:
        fail(
            "no job queue is configured: set PLANNER_BROKER_URL (e.g. redis://127.0.0.1:6379/0). "
            "Without one, the web server runs jobs itself and needs no worker."
        )
    if app.config.get("AUTO_MIGRATE"):
        upgrade_database()
    count = concurrency or int(app.config.get("WORKER_CONCURRENCY") or 1)
    node = name or f"planner-{os.getpid()}@{socket.gethostname()}"
    click.echo(f"Worker {node} taking jobs from {shown_broker(broker)}, {count} at a time.")
    run_worker(app, concurrency=count, name=node, loglevel=loglevel)
