"""Whole-programme plans: the linear program behind the explanations, and switched-off programmes.

A whole-programme plan is a mixed-integer program, which has no shadow
prices. Its explanations come from the linear program with every programme
choice and whole cohort fixed as planned and participants counted in fractions
(``explained_lp``): its shadow prices are rates at the margin of the plan. A programme that runs nowhere is
tight against its own switch in that linear program, so its reduced cost
says nothing about why it is off; instead it is forced to run somewhere and
solved again, to say what its set-up cost or minimum cohort would cost the
plan (``running_costs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optimiser.build import build
from optimiser.inputs import PlanningInputs
from optimiser.lp import GE
from optimiser.model import Model
from optimiser.plan import SolveStatus
from optimiser.scenario import ScenarioRules
from optimiser.solve import SolveResult, solve_model, value

Choices = dict[tuple[str, str, int], float]


@dataclass(frozen=True)
class RunningCost:
    """What running a switched-off programme in its best place would do to the plan.

    ``loss`` is the plan's objective minus the best objective with the
    programme running in at least one place and year, every other programme
    choice held as planned: the objective given up (negative if the plan,
    stopped early, was not the best). None when it cannot run anywhere within
    the rules. ``proven`` is False when that solve stopped before proving its
    answer best, so the loss may be smaller.
    """

    loss: float | None
    place: str | None = None
    year: int | None = None
    proven: bool = True
    runs: int = 0  # places and years it runs in, once forced on


def explained_lp(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    model: Model,
    solved: SolveResult,
    time_limit: float,
    **options: Any,
) -> tuple[Model, SolveResult, float | None]:
    """The LP with programme choices and whole cohorts fixed (for duals), its result, and the
    relaxation's objective (the one solved to start the whole plan from, or solved here)."""
    relaxation = solved.relaxation
    if relaxation is None:
        relaxed = build(inputs, rules, relax_programmes=True)
        found = solve_model(relaxed, time_limit, **options)
        relaxation = found.objective if found.status.has_plan else None
    fixed = build(inputs, rules, fixed_programmes=choices(model), fixed_cohorts=cohorts(model))
    result = solve_model(fixed, time_limit, **options)
    return fixed, result, relaxation


def choices(model: Model) -> Choices:
    """Where and when each programme runs in a solved whole-programme model (1) or not (0)."""
    return {key: float(round(value(var))) for key, var in model.runs.items()}


def cohorts(model: Model) -> Choices:
    """The whole cohorts bought per intervention, place and year in a solved model."""
    return {key: float(round(value(var))) for key, var in model.cohorts.items()}


def switched_off(model: Model, funded: set[str]) -> list[str]:
    """Interventions with programme switches that run nowhere in the plan (not excluded)."""
    with_switches = {key for key, _place, _year in model.runs}
    return [
        key
        for key in model.interventions
        if key in with_switches and key not in funded and key not in model.excluded
    ]


def running_costs(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    planned: Choices,
    objective: float,
    interventions: list[str],
    time_limit: float,
    planned_cohorts: Choices | None = None,
    **options: Any,
) -> dict[str, RunningCost]:
    """For each switched-off intervention, what running it in its best place would cost.

    One small mixed-integer solve each: the plan's programme choices held,
    except this intervention's, which must run in at least one place and year.
    Participants count in fractions there, as in the explained linear program whose
    objective ``objective`` is: like against like, so the loss is the programme's alone.
    """
    costs = {}
    for key in interventions:
        forced = build(
            inputs,
            rules,
            fixed_programmes=planned,
            free_programmes=frozenset({key}),
            fixed_cohorts=planned_cohorts,
        )
        switches = {where: var for where, var in forced.runs.items() if where[0] == key}
        forced.add("run_somewhere", (key,), [(var, 1.0) for var in switches.values()], GE, 1.0)
        result = solve_model(forced, time_limit, **options)
        if not result.status.has_plan or result.objective is None:
            costs[key] = RunningCost(None, proven=result.status is SolveStatus.INFEASIBLE)
            continue
        runs = sorted(where for where, var in switches.items() if value(var) > 0.5)
        _intervention, place, year = runs[0]
        costs[key] = RunningCost(
            loss=objective - result.objective,
            place=place,
            year=year,
            proven=result.status is SolveStatus.OPTIMAL,
            runs=len(runs),
        )
    return costs
