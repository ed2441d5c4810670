"""Benchmark whole people and programmes (the mixed-integer plan) against the issue's targets.

    python benchmarks/bench_whole_people.py                 # the demo, then the ~110k case
    python benchmarks/bench_whole_people.py --large         # also the 1M case (time-limited)
    python benchmarks/bench_whole_people.py --case demo     # one case
    python benchmarks/bench_whole_people.py --repeats 3     # runs per case (medians shown)

Targets: the demo end to end (``optimise`` with everything a plan reports: explanations, the
separate plan for the value of pooling, partners alone) under 3 s; the ~110k-variable case
within 0.5% of the bound in under 30 s; the 1M case honours its time limit and states its gap.

- **demo**: the planner's demo partnership (loaded into a throw-away SQLite database through
  ``planner.demo.loader``), its first scenario with whole people and programmes on, solved by
  ``optimise`` in full.
- **110k** and **1M**: ``bench_optimiser.partnership`` (120 places x 60 interventions and
  830 x 80, 5 years, 3 segments) with every fourth intervention delivered in cohorts of 12 at
  90% of 12 unit costs, whole people on, ``compare_pooling=False`` (the plan itself), solved
  to the 0.5% target (``mip_rel_gap=0.005``) within 30 s; the 1M case at the default 0.1%
  target with a 60 s time limit per solve.

Each run is its own process (peak memory is the run's own). The machine's load average is
printed with each run: the machine is shared, and HiGHS's wall-clock time moves with it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_optimiser import CASES, partnership, peak_memory_mb, scenario  # noqa: E402

import optimiser.solve  # noqa: E402
from optimiser import PlanningInputs, ScenarioRules, optimise  # noqa: E402

TIME_LIMITS = {"demo": 60.0, "110k": 30.0, "1M": 60.0}
# The 110k target is 0.5% of the bound; the demo and the 1M case use the default (0.1%), so
# the 1M case shows a solve stopped by its time limit stating the gap it reached.
GAPS = {"110k": 0.005}


def demo_inputs() -> tuple[PlanningInputs, ScenarioRules]:
    """The demo partnership's first scenario, as the planner hands it to the optimiser."""
    from sqlmodel import select

    from models import Scenario
    from planner import create_app
    from planner.db import new_session
    from planner.demo.loader import load_demo
    from planner.solving.inputs import planning_inputs

    folder = tempfile.mkdtemp(prefix="bench-whole-")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder}/planner.sqlite",
            "INSTANCE_PATH": folder,
            "SECRET_KEY": "benchmark",
            "AUTO_MIGRATE": True,
            "LOG_LEVEL": "WARNING",
            "SOLVE_IN_BACKGROUND": False,
        }
    )
    with app.app_context():
        load_demo()
        with new_session() as session:
            scenario_row = session.exec(select(Scenario).order_by(Scenario.id)).first()
            assert scenario_row is not None, "the demo has scenarios"
            inputs, rules = planning_inputs(session, scenario_row)
    return inputs, dataclasses.replace(rules, whole_programme=True)


def generated_inputs(case: str) -> tuple[PlanningInputs, ScenarioRules]:
    """The generated partnership with every fourth intervention delivered in cohorts."""
    inputs = partnership(*CASES[case])
    interventions = tuple(
        dataclasses.replace(
            intervention, cohort_size=12.0, cohort_cost=round(12 * intervention.unit_cost * 0.9)
        )
        if number % 4 == 3
        else intervention
        for number, intervention in enumerate(inputs.interventions)
    )
    rules = dataclasses.replace(scenario(), whole_programme=True)
    return dataclasses.replace(inputs, interventions=interventions), rules


def run(case: str) -> dict[str, Any]:
    load = os.getloadavg()[0]
    loading = time.perf_counter()
    inputs, rules = demo_inputs() if case == "demo" else generated_inputs(case)
    loaded = time.perf_counter() - loading
    options: dict[str, Any] = {}
    if case in GAPS:
        options["mip_rel_gap"] = GAPS[case]
    solvers: list[Any] = []
    make_solver = optimiser.solve.make_solver

    def recording(*args: Any, **kwargs: Any) -> Any:  # to read the solvers' phase times
        solvers.append(make_solver(*args, **kwargs))
        return solvers[-1]

    optimiser.solve.make_solver = recording
    started = time.perf_counter()
    plan = optimise(
        inputs,
        rules,
        compare_pooling=case == "demo",
        time_limit=TIME_LIMITS[case],
        **options,
    )
    seconds = time.perf_counter() - started
    gap = None
    if plan.objective is not None and plan.relaxation_objective:
        gap = plan.relaxation_gap
    whole_words = [m for m in plan.messages if "whole people" in m or "solver stopped" in m]
    fractional = sum(1 for a in plan.allocations if a.participants != int(a.participants))
    return {
        "case": case,
        "load_before": load,
        "load_after": os.getloadavg()[0],
        "inputs_seconds": loaded,
        "seconds": seconds,
        "build": plan.timings.build,
        "solve": plan.timings.solve,
        "explain": plan.timings.explain,
        "pooling": plan.timings.pooling,
        "status": plan.status.value,
        "objective": plan.objective,
        "mip_gap": plan.mip_gap,
        "relaxation_gap": gap,
        "variables": plan.model_size.variables,
        "integers": plan.model_size.integer_variables,
        "allocations": len(plan.allocations),
        "fractional_allocations": fractional,
        "cohort_allocations": sum(1 for a in plan.allocations if a.cohorts),
        "words": whole_words,
        "first_solve_phases": solvers[0].phases if solvers else {},
        "solves": len(solvers),
        "peak_mb": peak_memory_mb(),
    }


def child(case: str) -> dict[str, Any]:
    found = subprocess.run(
        [sys.executable, __file__, "--only", case],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(found.stdout.strip().splitlines()[-1])


def report(case: str, runs: list[dict[str, Any]]) -> None:
    seconds = [r["seconds"] for r in runs]
    last = runs[-1]
    print(f"\n== {case}: {last['variables']:,} variables, {last['integers']:,} integer ==")
    for r in runs:
        gap = "-" if r["mip_gap"] is None else f"{r['mip_gap']:.4%}"
        print(
            f"  {r['seconds']:7.2f} s (build {r['build']:.2f}, solve {r['solve']:.2f}, explain "
            f"{r['explain']:.2f}, pooling {r['pooling']:.2f}); {r['status']}; solver gap {gap}; "
            f"below relaxation {r['relaxation_gap'] or 0:.4%}; load {r['load_before']:.1f} -> "
            f"{r['load_after']:.1f}; {r['peak_mb']:.0f} MB"
        )
    print(f"  median {statistics.median(seconds):.2f} s over {len(runs)} run(s)")
    print(
        f"  allocations {last['allocations']:,}, of them fractional {last['fractional_allocations']}, "
        f"in cohorts {last['cohort_allocations']}"
    )
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in last["first_solve_phases"].items())
    print(f"  {last['solves']} solves; the first (the plan's): {phases}")
    for words in last["words"]:
        print(f"  says: {words}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", action="store_true", help="also run the 1M-variable case")
    parser.add_argument("--case", choices=["demo", *sorted(CASES)], help="run this case only")
    parser.add_argument("--repeats", type=int, default=1, help="runs per case")
    parser.add_argument("--only", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        print(json.dumps(run(args.only)))
        return
    cases = [args.case] if args.case else ["demo", "110k", "1M"] if args.large else ["demo", "110k"]
    print(f"{os.cpu_count()} cores; load average now {os.getloadavg()[0]:.1f}")
    for case in cases:
        report(case, [child(case) for _ in range(args.repeats)])


if __name__ == "__main__":
    main()
