"""Solving plans in the background, a few at a time, and giving up on runs a restart cut short.

Each app has a small pool of worker threads (SOLVE_WORKERS, default 2) fed from one queue, so a
burst of "Run this scenario" clicks waits its turn instead of starting a solver each, which
would share the machine's cores and memory between them all. Workers are daemon threads: a
restart stops them, and the plans they held stay "waiting" or "solving" in the database. Those
are marked failed, in words, once they are older than any run of theirs could take
(`give_up_on_interrupted_plans`, called when the app serves its first request and whenever plans
are read), unless a worker of this process still holds them.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from datetime import datetime, timedelta

from flask import Flask
from sqlmodel import Session, col, select

from models import Plan
from models.fields import utc_now
from models.plan import PlanStatus
from planner.logs import event

DEFAULT_WORKERS = 2
# Beyond the solver's own time limits: building the model, explaining it, storing the answer.
MARGIN_SECONDS = 60
INTERRUPTED = (
    "This run was interrupted before it finished (the server restarted); run the scenario again."
)
UNFINISHED = (PlanStatus.QUEUED, PlanStatus.RUNNING)
_CREATING = threading.Lock()


class SolveWorkers:
    """A fixed number of daemon threads solving queued plans in the order they were asked for.

    Besides plans, they run other named units of work about a plan (``submit_work``: the value
    of pooling for plan N), queued behind the plans asked for before them.
    """

    def __init__(self, solve: Callable[[int], None], count: int) -> None:
        self._solve = solve
        self._jobs: queue.Queue[tuple[Hashable, Callable[[], None], Future[int]]] = queue.Queue()
        self._held: set[Hashable] = set()
        self._lock = threading.Lock()
        self.count = count
        for number in range(count):
            threading.Thread(
                target=self._work, name=f"plan-solver-{number + 1}", daemon=True
            ).start()

    def submit(self, plan_id: int) -> Future[int]:
        """Queue a plan; the future resolves to its id once it has been solved (or failed)."""
        return self.submit_work(plan_id, plan_id, lambda: self._solve(plan_id))

    def submit_work(self, key: Hashable, plan_id: int, work: Callable[[], None]) -> Future[int]:
        """Queue a named unit of work about a plan (``key`` names it, e.g. ("pooling", 7));
        the future resolves to the plan's id once the work is done (or failed)."""
        future: Future[int] = Future()
        with self._lock:
            self._held.add(key)
        self._jobs.put((key, work, future))
        return future

    def holds(self, key: Hashable) -> bool:
        """Whether this process has the plan (or the named work) waiting or being worked on."""
        with self._lock:
            return key in self._held

    def _work(self) -> None:
        while True:
            key, work, future = self._jobs.get()
            try:
                if future.set_running_or_notify_cancel():
                    work()
                    future.set_result(key if isinstance(key, int) else key[1])  # type: ignore[index]
            except BaseException as error:  # noqa: BLE001  (reported on the future; keep working)
                logging.getLogger("planner").exception("solve worker failed")
                future.set_exception(error)
            finally:
                with self._lock:
                    self._held.discard(key)
                self._jobs.task_done()


def solve_workers(app: Flask, solve: Callable[[int], None]) -> SolveWorkers:
    """The app's workers, started on first use with SOLVE_WORKERS threads."""
    workers = app.extensions.get("solve_workers")
    if workers is None:
        with _CREATING:
            workers = app.extensions.get("solve_workers")
            if workers is None:
                count = max(1, int(app.config.get("SOLVE_WORKERS") or DEFAULT_WORKERS))
                workers = app.extensions["solve_workers"] = SolveWorkers(solve, count)
    return workers


def held_here(app: Flask, plan_id: int | None, kind: str = "") -> bool:
    """Whether this process holds the plan (or, with ``kind``, that work about it)."""
    workers: SolveWorkers | None = app.extensions.get("solve_workers")
    key: Hashable = (kind, plan_id) if kind else plan_id
    return bool(workers and plan_id is not None and workers.holds(key))


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
    """Mark failed, with INTERRUPTED as the reason, every plan still waiting or solving that no
    worker of this process holds and that started (or was asked for) longer ago than its longest
    run. Returns their ids."""
    now = now or utc_now()
    default_limit = float(app.config.get("SOLVE_TIME_LIMIT") or 60)
    unfinished = session.exec(select(Plan).where(col(Plan.status).in_(UNFINISHED))).all()
    given_up: list[int] = []
    for plan in unfinished:
        since = plan.started_at or plan.created_at
        if held_here(app, plan.id) or now - since <= longest_run(plan, default_limit):
            continue
        plan.status = PlanStatus.ERROR
        plan.message = INTERRUPTED
        plan.finished_at = now
        given_up.append(plan.id)  # type: ignore[arg-type]
    if given_up:
        session.commit()
        event("plans_interrupted", plan_ids=given_up)
    return given_up


def plans_ahead(session: Session, plan: Plan) -> int:
    """How many plans asked for before this one are still waiting or being solved."""
    earlier = session.exec(
        select(Plan.id).where(col(Plan.status).in_(UNFINISHED), col(Plan.id) < plan.id)
    ).all()
    return len(earlier)
