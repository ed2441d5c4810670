"""Time what the web app does when a scenario is run: the plan, then the value of pooling.

    python benchmarks/bench_web_run.py                 # ~110k variables
    python benchmarks/bench_web_run.py --large         # also ~1,000,000 variables
    python benchmarks/bench_web_run.py --repeats 3
    python benchmarks/bench_web_run.py --case demo     # the demo, whole people and programmes

Three measurements per case, each in its own process (so each peak memory is its own):

- "single solve": build the pooled model and solve it (``build`` + ``solve_model``), nothing else;
- "plan ready": what a worker does before the plan page can be read (``solve_plan``):
  ``optimise(..., compare_pooling=False)``, i.e. build, solve, explain (binding rules with their
  ranging and sentences, why unfunded, money left unspent) and the reconciled money;
- "value of pooling": the job that follows (``planner.solving.pooling_job``):
  ``compare_pooling(inputs, rules, pooled_objective)``, the separate model and each partner alone.

The demo case is the planner's demo partnership, its first scenario in whole people and
programmes (``bench_whole_people.demo_inputs``). For it the time of the plan and the value of
pooling one after the other is printed, and what the app's plan job does for a whole plan: the
comparison's solves beside the plan, the plan readable first, its value of pooling after.

The figures are printed; nothing is asserted (targets: plan ready at most 1.3x the single
solve; the value-of-pooling job's peak memory under 3 GB at 1M).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_optimiser import CASES, partnership, peak_memory_mb, scenario  # noqa: E402

from optimiser import (  # noqa: E402
    PlanningInputs,
    ScenarioRules,
    build,
    compare_pooling,
    optimise,
)
from optimiser.solve import solve_model  # noqa: E402

TIME_LIMIT = 3600


def case_inputs(case: str) -> tuple[PlanningInputs, ScenarioRules]:
    """A generated case (linear program), or the demo in whole people and programmes."""
    if case == "demo":
        from bench_whole_people import demo_inputs

        return demo_inputs()
    return partnership(*CASES[case]), scenario()


def single_solve(case: str) -> dict[str, Any]:
    inputs, rules = case_inputs(case)
    started = time.perf_counter()
    model = build(inputs, rules)
    result = solve_model(model, TIME_LIMIT)
    return {
        "seconds": time.perf_counter() - started,
        "objective": result.objective,
        "peak_mb": peak_memory_mb(),
    }


def plan_ready(case: str) -> dict[str, Any]:
    inputs, rules = case_inputs(case)
    started = time.perf_counter()
    plan = optimise(inputs, rules, compare_pooling=False, time_limit=TIME_LIMIT)
    return {
        "seconds": time.perf_counter() - started,
        "objective": plan.objective,
        "variables": plan.model_size.variables,
        "unspent": len(plan.unspent),
        "binding": len(plan.binding_constraints),
        "peak_mb": peak_memory_mb(),
    }


def value_of_pooling(case: str, pooled_objective: float) -> dict[str, Any]:
    inputs, rules = case_inputs(case)
    started = time.perf_counter()
    pooling = compare_pooling(inputs, rules, pooled_objective, time_limit=TIME_LIMIT)
    assert pooling is not None
    return {
        "seconds": time.perf_counter() - started,
        "value_of_pooling": pooling.value_of_pooling,
        "separate_status": pooling.separate_status.value,
        "alone": len(pooling.alone),
        "peak_mb": peak_memory_mb(),
    }


def whole_plan_job(case: str) -> dict[str, Any]:
    """What the plan job does for a whole plan (``planner.solving.jobs``): the comparison's
    solves started in a second thread, the plan solved and explained (readable), then its value
    of pooling from them."""
    from concurrent.futures import ThreadPoolExecutor

    from optimiser import solve_comparisons

    inputs, rules = case_inputs(case)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as worker:
        comparing = worker.submit(solve_comparisons, inputs, rules, TIME_LIMIT, {})
        plan = optimise(inputs, rules, compare_pooling=False, time_limit=TIME_LIMIT)
        readable = time.perf_counter() - started
        separate, alone = comparing.result()
    pooling = compare_pooling(
        inputs,
        rules,
        plan.objective,
        time_limit=TIME_LIMIT,
        separate_solved=separate,
        alone_solved=alone,
    )
    assert pooling is not None
    return {
        "readable": readable,
        "seconds": time.perf_counter() - started,
        "value_of_pooling": pooling.value_of_pooling,
        "peak_mb": peak_memory_mb(),
    }


def _in_process(kind: str, case: str, objective: float | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--run", kind, "--case", case]
    if objective is not None:
        command += ["--objective", repr(objective)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also the ~1M-variable case")
    parser.add_argument("--case", choices=sorted([*CASES, "demo"]))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--run", choices=("single", "plan", "pooling", "job"), help=argparse.SUPPRESS
    )
    parser.add_argument("--objective", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        runs = {
            "single": lambda: single_solve(args.case),
            "plan": lambda: plan_ready(args.case),
            "pooling": lambda: value_of_pooling(args.case, args.objective),
            "job": lambda: whole_plan_job(args.case),
        }
        print(json.dumps(runs[args.run]()))
        return
    cases = [args.case] if args.case else (["110k", "1M"] if args.large else ["110k"])
    for case in cases:
        singles, plans, poolings = [], [], []
        for _ in range(args.repeats):
            singles.append(_in_process("single", case, None))
            plans.append(_in_process("plan", case, None))
            poolings.append(_in_process("pooling", case, plans[-1]["objective"]))
        single, ready = _median(singles, "seconds"), _median(plans, "seconds")
        print(f"\n{case}: {plans[0]['variables']:,} variables, {args.repeats} run(s), medians")
        print(
            f"  single solve (build + solve)   {single:7.2f} s  {_median(singles, 'peak_mb'):7.0f} MB"
        )
        print(
            f"  plan ready (optimise, no pool) {ready:7.2f} s  {_median(plans, 'peak_mb'):7.0f} MB"
            f"  = {ready / single:.2f}x the single solve"
        )
        pooling = poolings[0]
        pooling["seconds"] = _median(poolings, "seconds")
        print(
            f"  value of pooling (its own job) {pooling['seconds']:7.2f} s  "
            f"{pooling['peak_mb']:7.0f} MB  (separate model {pooling['separate_status']}, "
            f"{pooling['alone']} partners alone; value of pooling {pooling['value_of_pooling']:,.0f})"
        )
        both = statistics.median(
            plan["seconds"] + job["seconds"] for plan, job in zip(plans, poolings, strict=True)
        )
        print(f"  plan, then value of pooling    {both:7.2f} s  (the two jobs one after the other)")
        if case == "demo":
            # Whole people: the app's plan job solves the comparison beside the plan.
            jobs = [_in_process("job", case, None) for _ in range(args.repeats)]
            print(
                f"  the plan job, comparison beside {_median(jobs, 'seconds'):6.2f} s  "
                f"{_median(jobs, 'peak_mb'):7.0f} MB  (plan readable after "
                f"{_median(jobs, 'readable'):.2f} s; value of pooling "
                f"{jobs[0]['value_of_pooling']:,.0f})"
            )


if __name__ == "__main__":
    main()
