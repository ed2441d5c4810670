"""Running analyses outside the web request, and sharing the re-solves among worker processes.

An analysis runs on a small thread pool of its own (so a web worker is never held), one at a
time per pool thread. Re-solves on draws fan out: the draws are cut into slices and the slices
go to ``ANALYSIS_WORKERS`` processes (each solver needs a core of its own; threads would share
one interpreter), every process making the same draws from the same seed and solving only its
slice. Progress is stored as slices finish, for the plan page's progress bar.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from typing import Any

from flask import Flask

from models import Plan, PlanAnalysis
from models.analysis import AnalysisKind, AnalysisStatus
from models.fields import utc_now
from optimiser.robust import DrawOutcome, resolve_draws
from planner.analysis.service import finish, run_monte_carlo, run_robustness
from planner.db import new_session
from planner.logs import event
from planner.solving.snapshot import inputs_from_snapshot

SLICE = 10  # draws per slice: small enough for a smooth progress bar, large enough to share
_POOLS = threading.Lock()


def resolve_slice(
    snapshot: dict[str, Any], count: int, seed: int, start: int, stop: int
) -> tuple[DrawOutcome, ...]:
    """One worker's share of the re-solves: draws ``start`` to ``stop`` of ``count``."""
    inputs, rules = inputs_from_snapshot(snapshot)
    time_limit = float(snapshot["scenario"]["time_limit_seconds"])
    return resolve_draws(
        inputs, rules, count=count, seed=seed, start=start, stop=stop, time_limit=time_limit
    )


def fan_out(
    workers: int,
) -> Callable[[dict[str, Any], int, int, int, int, Callable[[int], None]], list[DrawOutcome]]:
    """A re-solver that shares slices of the draws among ``workers`` processes (1: in this one)."""

    def resolve(
        snapshot: dict[str, Any],
        count: int,
        seed: int,
        start: int,
        stop: int,
        progressed: Callable[[int], None],
    ) -> list[DrawOutcome]:
        slices = [(low, min(low + SLICE, stop)) for low in range(start, stop, SLICE)]
        outcomes: list[DrawOutcome] = []
        if workers <= 1:
            for low, high in slices:
                outcomes.extend(resolve_slice(snapshot, count, seed, low, high))
                progressed(len(outcomes))
            return outcomes
        context = multiprocessing.get_context("spawn")  # no fork under the web server's threads
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [
                pool.submit(resolve_slice, snapshot, count, seed, low, high) for low, high in slices
            ]
            for future in as_completed(futures):
                outcomes.extend(future.result())
                progressed(len(outcomes))
        return sorted(outcomes, key=lambda outcome: outcome.number)

    return resolve


def execute(analysis_id: int, workers: int) -> None:
    """Run one analysis to the end, storing progress and the answer; failures are stored."""
    with new_session() as session:
        analysis = session.get(PlanAnalysis, analysis_id)
        if analysis is None or analysis.status.finished:
            return
        plan = session.get(Plan, analysis.plan_id)
        analysis.status = AnalysisStatus.RUNNING
        analysis.started_at = utc_now()
        session.commit()
        try:
            if plan is None:
                raise LookupError("the plan was deleted")
            if analysis.kind is AnalysisKind.MONTE_CARLO:
                run_monte_carlo(session, analysis, plan)
            else:
                run_robustness(session, analysis, plan, fan_out(workers))
        except Exception as error:  # noqa: BLE001  (stored in words; the pool keeps working)
            finish(session, analysis, error)
            event("analysis_failed", analysis_id=analysis_id, error=str(error))
            return
        finish(session, analysis, None)
        event("analysis_finished", analysis_id=analysis_id, kind=analysis.kind.value)


def run_analysis(app: Flask, analysis_id: int) -> Future[None] | None:
    """Run an analysis: on the app's analysis thread when it solves in the background,
    otherwise now. Returns the future (for tests to wait on), or None when run now."""
    workers = int(app.config.get("ANALYSIS_WORKERS") or 2)

    def work() -> None:
        with app.app_context():
            execute(analysis_id, workers)

    if not app.config.get("SOLVE_IN_BACKGROUND"):
        work()
        return None
    with _POOLS:
        pool = app.extensions.get("analysis_pool")
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plan-analysis")
            app.extensions["analysis_pool"] = pool
    return pool.submit(work)
