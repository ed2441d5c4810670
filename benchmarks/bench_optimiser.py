"""Benchmark the optimiser on partnership-scale instances against direct highspy.

    python benchmarks/bench_optimiser.py            # 120 places x 60 interventions (~110k)
    python benchmarks/bench_optimiser.py --large    # also 830 x 80 (~1,000,000 variables)
    python benchmarks/bench_optimiser.py --ipm      # HiGHS interior point instead of simplex

Each case runs in its own process so that peak memory is its own. "Ours" is
``optimise(..., compare_pooling=False)`` end to end: build the PuLP model,
hand it to HiGHS, solve, read back, and write the plan with its
explanations. "Direct" is the same LP, already in arrays, handed to highspy
and solved and read back: the arrays are extracted from our model before the
clock starts, so direct highspy is flattered (it pays nothing to build them)
and the ratio is conservative.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from optimiser import (  # noqa: E402
    BudgetLine,
    DemandType,
    Effect,
    Intervention,
    Partner,
    PartnerKind,
    Place,
    PlanningInputs,
    ScenarioRules,
    build,
    optimise,
)
from optimiser.lp import quiet_stdout  # noqa: E402

CASES = {"110k": (120, 60), "1M": (830, 80)}
YEARS = 5
DISTRICTS = ("Calderdale", "Kirklees", "Wakefield", "Bradford")


def partnership(places: int, interventions: int, seed: int = 7) -> PlanningInputs:
    """A West Yorkshire-like partnership: police, four councils, an ICB and a VRU."""
    rng = random.Random(seed)
    partners = (
        Partner("police", "West Yorkshire Police", PartnerKind.POLICE),
        *(Partner(d.lower(), f"{d} Council", PartnerKind.LOCAL_AUTHORITY, d) for d in DISTRICTS),
        Partner("icb", "West Yorkshire ICB", PartnerKind.NHS),
        Partner("vru", "Violence Reduction Unit", PartnerKind.VIOLENCE_REDUCTION_UNIT),
    )
    keys = [p.key for p in partners]
    demand_types = tuple(
        DemandType(
            f"d{n}",
            f"Demand {n}",
            rng.randint(200, 40_000),
            dict(zip(keys, _shares(rng, len(keys)), strict=True)),
        )
        for n in range(8)
    )
    categories = ("family", "school", "youth", "health")
    groups = ("children", "young_people", "families")
    programmes = tuple(
        Intervention(
            key=f"i{n}",
            name=f"Programme {n}",
            category=categories[n % 4],
            target_group=groups[n % 3],
            unit_cost=rng.randint(300, 8000),
            evidence_rating=rng.choice(["4", "3+", "3", "2+", "2", "NL2"]),
            effects=tuple(
                Effect(d.key, rng.uniform(0.01, 0.4), (1, 2, 3))
                for d in rng.sample(demand_types, rng.randint(1, 3))
            ),
            capacity=rng.randint(20, 120),
        )
        for n in range(interventions)
    )
    place_list = tuple(
        Place(
            f"l{n}",
            f"Place {n}",
            DISTRICTS[n % 4],
            {g: rng.randint(100, 3000) for g in groups},
            need_index=rng.uniform(0.5, 2.0),
        )
        for n in range(places)
    )
    scale = places * interventions * 40
    lines = tuple(
        BudgetLine(
            p.key,
            year,
            scale * rng.uniform(0.5, 1.5),
            ring_fence=("youth", "school") if p.key == "vru" else (),
            districts=(p.district,) if p.district else (),
        )
        for p in partners
        for year in range(2026, 2026 + YEARS)
    )
    return PlanningInputs(partners, lines, demand_types, programmes, place_list)


def _shares(rng: random.Random, count: int) -> list[float]:
    weights = [rng.random() for _ in range(count)]
    return [w / sum(weights) for w in weights]


def scenario() -> ScenarioRules:
    return ScenarioRules(
        first_year=2026,
        horizon_years=YEARS,
        min_share_rated_3_plus=0.5,
        partner_fairness=0.2,
        need_floor=0.5,
        portfolio_vfm_ratio=1.0,
    )


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(case: str, options: dict[str, Any]) -> dict[str, Any]:
    inputs = partnership(*CASES[case])
    plan = optimise(inputs, scenario(), compare_pooling=False, time_limit=3600, **options)
    return {
        "status": plan.status.value,
        "objective": plan.objective,
        "variables": plan.model_size.variables,
        "constraints": plan.model_size.constraints,
        "nonzeros": plan.model_size.nonzeros,
        "build": plan.timings.build,
        "solve": plan.timings.solve,
        "explain": plan.timings.explain,
        "total": plan.timings.total,
        "binding": len(plan.binding_constraints),
        "peak_mb": peak_memory_mb(),
    }


def lp_arrays(case: str) -> dict[str, Any]:
    """The same LP as ours, as arrays (extracted from our model: not timed)."""
    model = build(partnership(*CASES[case]), scenario())
    problem = model.problem
    variables = list(problem._variables)  # registration order, as our solver uses
    index = {id(v): n for n, v in enumerate(variables)}
    cost = np.zeros(len(variables))
    for var, coefficient in problem.objective.items():
        cost[index[id(var)]] = coefficient
    starts, columns, values, lows, highs = [], [], [], [], []
    for constraint in problem._constraints.values():
        starts.append(len(columns))
        for var, coefficient in constraint.expr.items():
            columns.append(index[id(var)])
            values.append(coefficient)
        low, high = constraint.getLb(), constraint.getUb()
        lows.append(-np.inf if low is None else low)
        highs.append(np.inf if high is None else high)
    return {
        "cost": cost,
        "lower": np.array([v.lowBound or 0.0 for v in variables]),
        "upper": np.array([np.inf if v.upBound is None else v.upBound for v in variables]),
        "starts": np.array(starts, dtype=np.int32),
        "columns": np.array(columns, dtype=np.int32),
        "values": np.array(values),
        "row_lower": np.array(lows),
        "row_upper": np.array(highs),
    }


def run_direct(case: str, options: dict[str, Any]) -> dict[str, Any]:
    import highspy

    lp = lp_arrays(case)
    started = time.perf_counter()
    with quiet_stdout():
        solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        for name, setting in options.items():
            solver.setOptionValue(name, setting)
        count = len(lp["cost"])
        solver.addVars(count, lp["lower"], lp["upper"])
        solver.changeColsCost(count, np.arange(count, dtype=np.int32), lp["cost"])
        solver.addRows(
            len(lp["starts"]),
            lp["row_lower"],
            lp["row_upper"],
            len(lp["values"]),
            lp["starts"],
            lp["columns"],
            lp["values"],
        )
        solver.run()
        solution = solver.getSolution()
        _ = (list(solution.col_value), list(solution.row_dual), list(solution.col_dual))
    return {
        "status": solver.getModelStatus().name,
        "objective": -solver.getInfo().objective_function_value,
        "total": time.perf_counter() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", action="store_true", help="also run the 1M-variable case")
    parser.add_argument("--ipm", action="store_true", help="use HiGHS's interior point solver")
    parser.add_argument("--only", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--side", choices=["ours", "direct"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    options = {"solver": "ipm"} if args.ipm else {}
    if args.only:  # child process: one case, one side
        runner = run_ours if args.side == "ours" else run_direct
        print(json.dumps(runner(args.only, options)))
        return
    for case in ["110k", "1M"] if args.large else ["110k"]:
        results = {}
        for side in ("ours", "direct"):
            command = [sys.executable, __file__, "--only", case, "--side", side]
            if args.ipm:
                command.append("--ipm")
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            results[side] = json.loads(output.strip().splitlines()[-1])
        ours, direct = results["ours"], results["direct"]
        print(
            f"{case}: {ours['variables']:,} variables, {ours['constraints']:,} rows, "
            f"{ours['nonzeros']:,} non-zeros; status {ours['status']} / {direct['status']}\n"
            f"  ours: build {ours['build']:.2f} s, solve {ours['solve']:.2f} s "
            f"(hand-over, HiGHS, read-back), explain {ours['explain']:.2f} s, "
            f"end to end {ours['total']:.2f} s, peak memory {ours['peak_mb']:,.0f} MB\n"
            f"  direct highspy: {direct['total']:.2f} s; ratio {ours['total'] / direct['total']:.2f}x"
            f"; objectives {ours['objective']:,.0f} / {direct['objective']:,.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
