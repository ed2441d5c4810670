"""Jobs: long work that never runs inside a web request.

Solves (and, as features add them, comparisons, uncertainty batches, in-year re-planning,
imports and exports) run as jobs. A job is a row in the `job` table (models.job): its kind, its
parameters, its state (queued, running, finished, failed, cancelled), the worker holding it and
its heartbeat, its progress (0-100, with what it is doing in words), and why it failed. Where it
runs is the deployment's choice (planner.jobs.backends): Celery workers on Redis when
PLANNER_BROKER_URL is set, otherwise a small pool inside each web process; the tests and the
command line run jobs inline. The same function runs in all three.

Adding a kind of job
--------------------
Write one function taking a JobContext and the job's parameters (plain JSON values), returning
a small JSON-able dict (or None), and decorate it::

    from planner.jobs.context import JobContext
    from planner.jobs.registry import job_kind

    @job_kind("pooling_value", title="Working out the value of pooling", on_failure=note_failure)
    def pooling_value(context: JobContext, plan_id: int) -> dict[str, Any]:
        context.progress(10, "Solving each partner alone")   # raises JobStopped if cancelled
        ... work, using context.session for the database ...
        return {"plan_id": plan_id}

then add its module to KIND_MODULES in planner/jobs/registry.py, so web processes and workers
both know it. `on_failure(session, job, error)` (optional) writes the failure, in words, on the
record the job was working on; it is called when the job raises, is cancelled, or its worker dies
for the last time. Ask for a job from a route or service with::

    from planner.jobs.service import enqueue
    job = enqueue(session, "pooling_value", {"plan_id": 5}, user=current_user,
                  exclusive_key="pooling-value:5")   # optional: one in flight per key

or, to store the job in the same transaction as its record, `new_job(...)`, commit, then
`dispatch(app, job.id)`. `JobInFlight` is raised when a job with the same exclusive key is still
queued or running (a unique partial index enforces it). `cancel_job` stops one.

Fanning out
-----------
A batch (Monte Carlo draws, robustness re-solves) fans its parts out over the workers::

    parts = [(0, 34), (34, 67), (67, 100)]
    outcomes = context.fan_out("resolve_draws",
                               [{"analysis_id": 5, "start": a, "stop": b} for a, b in parts],
                               unit="draws", sizes=[b - a for a, b in parts])

Each part is a job of its own (parent_id set), run by whichever worker is free; the parent waits,
runs parts no one has started yet itself (so batches never deadlock when every worker holds a
parent), counts finished parts as its progress, or with ``sizes`` the units inside them as each
part reports its own progress ("120 of 200 draws done"), and gets back each part's state, result
and error. Keep parts coarse: a few per worker, each doing its set-up (reading its inputs,
building a model) once for many units, so the set-up is not repeated per unit.

Failure and retry
-----------------
A running job's worker writes a heartbeat every JOB_HEARTBEAT_SECONDS. A job whose heartbeat is
older than JOB_DEAD_AFTER_SECONDS (or whose process is gone from this machine) is put back in the
queue for another worker while it has attempts left (JOB_MAX_ATTEMPTS), otherwise marked failed
with the cause in words. A job must therefore be safe to run twice: store its answer in one
transaction at the end, as solve_plan does.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Start the embedded job pool in each web process at its first request (after gunicorn has
    forked: threads started before would not survive), so it takes up queued jobs at once."""

    @app.before_request
    def _start_job_pool() -> None:
        if app.extensions.get("job_pool_started"):
            return
        app.extensions["job_pool_started"] = True
        from planner.jobs.backends import EmbeddedBackend, job_backend

        backend = job_backend(app)
        if isinstance(backend, EmbeddedBackend):
            backend.start()
