"""Benchmark the optimiser on partnership-scale instances against direct highspy.

    python benchmarks/bench_optimiser.py                  # 120 places x 60 interventions (~110k)
    python benchmarks/bench_optimiser.py --large          # also 830 x 80 (~1,000,000 variables)
    python benchmarks/bench_optimiser.py --case 1M --solver ipm   # interior point, one case
    python benchmarks/bench_optimiser.py --repeats 5      # more alternating runs per case
    python benchmarks/bench_optimiser.py --check          # prove both sides pass HiGHS one LP

"Ours" is ``optimise(inputs, rules, compare_pooling=False)``. Its end to end
is build + hand-over + HiGHS + read-back (values, reduced costs and duals back
into the model): the same work as the direct side. Writing the Plan
(allocations, partner and place outcomes, binding rules in words, why each
unfunded programme is not funded) is reported separately as "plan", since
direct highspy does none of it; "ours with plan" is everything optimise does.

"Direct" is ``direct_highspy.build_and_solve``: its own numpy construction of
the same LP from the same inputs, handed over as arrays, solve, read back arrays.
Both sides put columns and rows in the same order, so HiGHS does the same
work on each and the ratio measures modelling overhead; ``--check`` compares
the two LPs handed to HiGHS entry by entry.

Each run is its own process (peak memory is the run's own), and the sides
alternate, ours then direct, ``--repeats`` times; the table shows medians.
Wall-clock time is what the targets are about; CPU time is shown as well
because other work on a shared machine inflates wall-clock time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import optimiser.solve  # noqa: E402
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
    solvers: list[Any] = []
    make_solver = optimiser.solve.make_solver

    def recording(*args: Any, **kwargs: Any) -> Any:  # to read the solver's phase times
        solvers.append(make_solver(*args, **kwargs))
        return solvers[-1]

    optimiser.solve.make_solver = recording
    cpu = time.process_time()
    plan = optimise(inputs, scenario(), compare_pooling=False, time_limit=3600, **options)
    cpu = time.process_time() - cpu
    phases = solvers[0].phases
    timings = plan.timings
    return {
        "status": plan.status.value,
        "objective": plan.objective,
        "variables": plan.model_size.variables,
        "constraints": plan.model_size.constraints,
        "nonzeros": plan.model_size.nonzeros,
        "build": timings.build,
        "hand_over": phases["hand_over"],
        "highs": phases["highs"],
        "read_back": timings.solve - phases["hand_over"] - phases["highs"],
        "total": timings.build + timings.solve,
        "plan": timings.explain,
        "with_plan": timings.total,
        "cpu": cpu,
        "binding": len(plan.binding_constraints),
        "iterations": solvers[0].outcome.iterations,
        "peak_mb": peak_memory_mb(),
    }


def run_direct(case: str, options: dict[str, Any]) -> dict[str, Any]:
    from direct_highspy import build_and_solve

    inputs = partnership(*CASES[case])
    cpu = time.process_time()
    with quiet_stdout():
        result = build_and_solve(inputs, scenario(), **options)
    cpu = time.process_time() - cpu
    return {
        "status": result.status,
        "objective": result.objective,
        "build": result.build,
        "highs": result.solve,
        "read_back": result.read_back,
        "total": result.total,
        "iterations": result.iterations,
        "cpu": cpu,
        "peak_mb": peak_memory_mb(),
    }


def check_same_lp(case: str) -> None:
    """Build both sides' LPs for one case and compare what HiGHS was given, entry by entry."""
    from direct_highspy import build_and_solve

    inputs = partnership(*CASES[case])
    with quiet_stdout():
        direct = build_and_solve(inputs, scenario()).highs
        model = build(inputs, scenario())
        solver = optimiser.solve.make_solver(3600, block=model.participants)
        model.problem.solve(solver)
    ours = model.problem.solverModel
    for highs in (ours, direct):
        highs.ensureColwise()
    a, b = ours.getLp(), direct.getLp()
    assert (a.num_col_, a.num_row_) == (b.num_col_, b.num_row_), "sizes differ"
    for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), f"{name} differs"
    for name in ("start_", "index_", "value_"):
        assert np.array_equal(getattr(a.a_matrix_, name), getattr(b.a_matrix_, name)), name
    print(
        f"{case}: the same LP on both sides, bit for bit ({a.num_col_:,} columns, "
        f"{a.num_row_:,} rows, {len(a.a_matrix_.value_):,} non-zeros, in the same order)"
    )


def _child(case: str, side: str, solver: str | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--only", case, "--side", side]
    if solver:
        command += ["--solver", solver]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def report(case: str, ours: list[dict[str, Any]], direct: list[dict[str, Any]]) -> None:
    """One case's medians, and the ratio two ways.

    Both sides hand HiGHS the same LP in the same order, so HiGHS does the
    same work on each (the iteration counts show it) and any difference in
    its time is the machine's noise. Besides the plain ratio of medians, the
    "same-HiGHS" ratio adds one HiGHS time (the median over both sides' runs)
    to each side's own work: build, hand-over and read-back.
    """
    o, d = ours[0], direct[0]

    def med(runs: list[dict[str, Any]], name: str) -> float:
        return statistics.median(run[name] for run in runs)

    highs = statistics.median([run["highs"] for run in ours + direct])
    our_work = med(ours, "total") - med(ours, "highs")
    direct_work = med(direct, "total") - med(direct, "highs")
    ratios = [a["total"] / b["total"] for a, b in zip(ours, direct, strict=True)]
    print(
        f"{case}: {o['variables']:,} variables, {o['constraints']:,} rows, "
        f"{o['nonzeros']:,} non-zeros; status {o['status']} / {d['status']}; "
        f"objectives {o['objective']:,.0f} / {d['objective']:,.0f}; HiGHS iterations "
        f"{o['iterations']:,} / {d['iterations']:,}; medians of {len(ours)} alternating runs\n"
        f"  ours:   build {med(ours, 'build'):.2f} s, hand-over {med(ours, 'hand_over'):.2f} s, "
        f"HiGHS {med(ours, 'highs'):.2f} s, read-back {med(ours, 'read_back'):.2f} s, "
        f"end to end {med(ours, 'total'):.2f} s; plan {med(ours, 'plan'):.2f} s, "
        f"with plan {med(ours, 'with_plan'):.2f} s (CPU {med(ours, 'cpu'):.2f} s); "
        f"peak {med(ours, 'peak_mb'):,.0f} MB\n"
        f"  direct: build {med(direct, 'build'):.2f} s, HiGHS {med(direct, 'highs'):.2f} s, "
        f"read-back {med(direct, 'read_back'):.2f} s, end to end {med(direct, 'total'):.2f} s "
        f"(CPU {med(direct, 'cpu'):.2f} s); peak {med(direct, 'peak_mb'):,.0f} MB\n"
        f"  ratio end to end: {med(ours, 'total') / med(direct, 'total'):.2f}x of medians "
        f"(runs: {', '.join(f'{r:.2f}' for r in ratios)}); same-HiGHS "
        f"{(our_work + highs) / (direct_work + highs):.2f}x "
        f"(work outside HiGHS {our_work:.2f} s / {direct_work:.2f} s); with plan "
        f"{(our_work + med(ours, 'plan') + highs) / (direct_work + highs):.2f}x; "
        f"CPU with plan {med(ours, 'cpu') / med(direct, 'cpu'):.2f}x",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", action="store_true", help="also run the 1M-variable case")
    parser.add_argument("--case", choices=sorted(CASES), help="run this case only")
    parser.add_argument("--solver", choices=["simplex", "ipm", "pdlp"], help="HiGHS solver")
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs per case")
    parser.add_argument("--check", action="store_true", help="compare the two LPs and stop")
    parser.add_argument("--only", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--side", choices=["ours", "direct"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    options = {"solver": args.solver} if args.solver else {}
    cases = [args.case] if args.case else ["110k", "1M"] if args.large else ["110k"]
    if args.check:
        for case in cases:
            check_same_lp(case)
        return
    if args.only:  # child process: one case, one side
        runner = run_ours if args.side == "ours" else run_direct
        print(json.dumps(runner(args.only, options)))
        return
    for case in cases:
        ours, direct = [], []
        for _ in range(args.repeats):
            ours.append(_child(case, "ours", args.solver))
            direct.append(_child(case, "direct", args.solver))
        report(case, ours, direct)


if __name__ == "__main__":
    main()
