"""Benchmark how sure a plan is: the Monte Carlo of the demo plan, and re-solves on 1 and 2 workers.

    python benchmarks/bench_uncertainty.py                 # 10,000 draws; 200 re-solves on 1 and 2
    python benchmarks/bench_uncertainty.py --resolves 60   # fewer re-solves, for a quick look

Loads the demo partnership into a throw-away SQLite database, takes its agreed plan and prints:
the Monte Carlo's time for 10,000 draws (vectorised with numpy; target under 2 s), the tornado's
time, and the K re-solves' wall-clock time with the draws shared among 1 and then 2 worker
processes, as the job framework's workers share the ``resolve_draw`` sub-jobs
(``planner.analysis.jobs``), with the speed-up. Prints figures only; no assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def resolve_slice(snapshot: dict, count: int, seed: int, start: int, stop: int) -> tuple:
    """One worker's share of the re-solves (as a ``resolve_draw`` job does, a slice at a time)."""
    from optimiser.robust import resolve_draws
    from planner.solving.snapshot import inputs_from_snapshot

    inputs, rules = inputs_from_snapshot(snapshot)
    return resolve_draws(inputs, rules, count=count, seed=seed, start=start, stop=stop)


def shared_among(workers: int, snapshot: dict, count: int, seed: int) -> list:
    """The re-solves shared among ``workers`` processes in slices of 10 (1: in this process),
    as the job framework's workers share the ``resolve_draw`` sub-jobs."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    slices = [(low, min(low + 10, count)) for low in range(0, count, 10)]
    if workers <= 1:
        return [o for low, high in slices for o in resolve_slice(snapshot, count, seed, low, high)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(resolve_slice, snapshot, count, seed, a, b) for a, b in slices]
        return [outcome for future in futures for outcome in future.result()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--resolves", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5, help="Monte Carlo runs (median shown)")
    arguments = parser.parse_args()

    import optimiser as opt
    from optimiser.montecarlo import simulate_plan
    from optimiser.tornado import tornado
    from planner import create_app
    from planner.db import new_session
    from planner.delivery.agreement import agreed_plan
    from planner.demo.loader import load_demo
    from planner.solving.snapshot import inputs_from_snapshot

    folder = tempfile.mkdtemp(prefix="bench-uncertainty-")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder}/planner.sqlite",
            "INSTANCE_PATH": folder,
            "SECRET_KEY": "benchmark",
            "SOLVE_IN_BACKGROUND": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        load_demo()
        with new_session() as session:
            plan = agreed_plan(session)
            assert plan is not None, "the demo has an agreed plan"
            snapshot, stored = plan.inputs, plan.result
    inputs, _rules = inputs_from_snapshot(snapshot)
    answer = opt.plan_from_dict(stored)
    print(
        f"Demo plan: {len(answer.allocations)} allocations, {len(inputs.interventions)} "
        f"interventions, {len(inputs.demand_types)} demand types"
    )

    seconds = []
    for _ in range(arguments.repeats):
        started = time.perf_counter()
        result = simulate_plan(answer, inputs, draws=arguments.draws)
        seconds.append(time.perf_counter() - started)
    print(
        f"Monte Carlo, {arguments.draws:,} draws: median {statistics.median(seconds):.3f} s "
        f"(runs: {', '.join(f'{s:.3f}' for s in seconds)}); chance benefits exceed costs "
        f"{result.chance_benefits_exceed_costs:.1%}"
    )
    started = time.perf_counter()
    bars = tornado(answer, inputs)
    print(f"Tornado, {len(bars.bars)} bars: {time.perf_counter() - started:.3f} s")

    timings = {}
    for workers in (1, 2):
        started = time.perf_counter()
        outcomes = shared_among(workers, snapshot, arguments.resolves, 20_260_401)
        timings[workers] = time.perf_counter() - started
        solved = sum(1 for outcome in outcomes if outcome.objective is not None)
        print(
            f"{arguments.resolves} re-solves on {workers} worker(s): {timings[workers]:.1f} s "
            f"({solved} with a plan)"
        )
    print(
        f"Speed-up with 2 workers: {timings[1] / timings[2]:.2f}x "
        f"(2 workers take {timings[2] / timings[1]:.0%} of the time of 1)"
    )


if __name__ == "__main__":
    main()
