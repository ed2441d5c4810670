"""Solve a built model with HiGHS and read back status, values, duals and reduced costs.

The solver's status is mapped to ``SolveStatus`` and checked properly: with a
time limit PuLP 3.3 can say "optimal" for a solution that is only feasible,
so the HiGHS model status decides (on PuLP 3 and 4 alike).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from optimiser.highs import make_solver
from optimiser.lp import quiet_stdout
from optimiser.model import Model
from optimiser.plan import ModelSize, SolveStatus


@dataclass(frozen=True)
class SolveResult:
    """What one solve produced: status, objective in its own units, gap and time."""

    status: SolveStatus
    objective: float | None  # benefit maximised (or, in a diagnosis, breach minimised)
    mip_gap: float | None
    seconds: float
    detail: str


def _status_from_highs(outcome: Any) -> SolveStatus:
    if outcome.model_status == "kOptimal":
        return SolveStatus.OPTIMAL
    if outcome.model_status in ("kInfeasible", "kUnboundedOrInfeasible"):
        return SolveStatus.INFEASIBLE
    if outcome.model_status == "kUnbounded":
        return SolveStatus.UNBOUNDED
    if outcome.has_solution:
        return SolveStatus.TIME_LIMIT
    return SolveStatus.ERROR


def solve_model(model: Model, time_limit: float | None = 60.0, **options: Any) -> SolveResult:
    """Solve with HiGHS in process, quietly, within ``time_limit`` seconds.

    ``options`` go to HiGHS as named options (e.g. ``solver="ipm"``).
    """
    solver = make_solver(time_limit, block=model.participants, **options)
    started = time.perf_counter()
    try:
        with quiet_stdout():
            returned = model.problem.solve(solver)
    except Exception as error:  # the solver failed: report, never crash the plan
        return SolveResult(SolveStatus.ERROR, None, None, time.perf_counter() - started, str(error))
    seconds = time.perf_counter() - started
    outcome = solver.outcome
    if outcome is None:  # HiGHS never ran
        return SolveResult(SolveStatus.ERROR, None, None, seconds, f"solver returned {returned}")
    status = _status_from_highs(outcome)
    detail, gap = outcome.model_status, outcome.mip_gap
    objective = outcome.objective
    if objective is not None and not model.diagnosing:
        objective = -objective  # the model minimises minus the benefit
    return SolveResult(status, objective, gap, seconds, detail)


def value(var: Any) -> float:
    """A variable's value after solving (0 where the solver left none)."""
    return float(var.varValue or 0.0)


def shadow_price(row: Any) -> float:
    """Objective gained per unit more right-hand side of a row.

    The model minimises minus the benefit, so the HiGHS dual (the change in
    the minimised objective) changes sign.
    """
    return -float(row.constraint.pi or 0.0)


def reduced_cost(var: Any) -> float:
    """Objective lost per unit the variable is forced up from its bound."""
    return float(var.dj or 0.0)


def model_size(model: Model) -> ModelSize:
    rows = [row.constraint for row in model.rows.values()]
    nonzeros = model.block.nonzeros + sum(len(constraint.keys()) for constraint in rows)
    variables = (
        len(model.block)
        + len(model.funding)
        + len(model.runs)
        + len(model.reduction)
        + len(model.place_spend)
        + len(model.contribution)
        + 1
        + sum(len(slack) for slack in model.slacks.values())
    )
    integers = (
        0 if (model.relax_programmes or model.fixed_programmes is not None) else len(model.runs)
    )
    return ModelSize(variables, len(rows), nonzeros, integers)
