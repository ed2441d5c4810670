"""Solve a built model with HiGHS and read back status, values, duals and reduced costs.

The solver's status is mapped to ``SolveStatus`` and checked properly: with a
time limit PuLP 3.3 can say "optimal" for a solution that is only feasible,
so the HiGHS model status decides (on PuLP 3 and 4 alike).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from optimiser.highs import BlockHiGHS, HighsOutcome, make_solver
from optimiser.lp import expression, quiet_stdout
from optimiser.model import Model
from optimiser.plan import ModelSize, SolveStatus
from optimiser.start import SETTLED_ENOUGH, WholeChoices, as_start, settled

# HiGHS stops a mixed-integer solve once its plan is proven within this share of the best
# possible (its bound): 0.5%, well inside the spread of the evidence's effect sizes. Proving
# the last fraction of a percent can take many times as long: the demo's plan with whole
# cohorts, at cash prices, is proven within 0.5% in seconds and within 0.1% only after a
# minute. The plan states the gap actually proven, often well inside this. ``mip_rel_gap``
# overrides.
DEFAULT_GAP = 5e-3


@dataclass(frozen=True)
class SolveResult:
    """What one solve produced: status, objective in its own units, gap and time.

    ``note`` says in words why the solver stopped when it did not prove a plan
    best (which limit, or what failed); it is empty for an optimal plan.
    """

    status: SolveStatus
    objective: float | None  # benefit maximised (or, in a diagnosis, breach minimised)
    mip_gap: float | None
    seconds: float
    detail: str
    note: str = ""
    # A mixed-integer solve's proven bound: no plan can do better than this (objective units).
    bound: float | None = None
    # The linear relaxation's objective, when it was solved first to start from.
    relaxation: float | None = None


NEAR_TIME_LIMIT = "kNearTimeLimit"
# HiGHS stops that leave a feasible, unproven plan: what stopped it, in words.
EARLY_STOPS = {
    "kTimeLimit": "at the time limit",
    # Not HiGHS's: ``highs.BlockHiGHS`` stops with its start when too little time is left.
    NEAR_TIME_LIMIT: "near its time limit, with too little time left to search further",
    "kIterationLimit": "at its iteration limit",
    "kSolutionLimit": "at its limit on the number of solutions to find",
    "kInterrupt": "because it was interrupted",
    "kHighsInterrupt": "because it was interrupted",
    "kObjectiveBound": "at the objective bound it was given",
    "kObjectiveTarget": "at the objective target it was given",
    "kMemoryLimit": "at its memory limit",
    "kUnknown": "without being able to prove the plan best",
}


def says_why_it_stopped(message: str) -> bool:
    """Whether a plan's message is the note ``status_from_highs`` writes for an early stop."""
    return message.startswith("The solver stopped") and any(
        stop in message for stop in EARLY_STOPS.values()
    )


FAILURES = {
    "kNotset": "the solver did not run",
    "kLoadError": "the model could not be loaded into the solver",
    "kModelError": "the solver found the model malformed",
    "kPresolveError": "the solver failed while simplifying the model (presolve)",
    "kSolveError": "the solver failed while solving",
    "kPostsolveError": "the solver failed while recovering the solution (postsolve)",
    "kModelEmpty": "the model is empty",
}


def status_from_highs(outcome: Any) -> tuple[SolveStatus, str]:
    """The plan's status from HiGHS's model status, and a note in words when it is not optimal.

    Limits and interruptions count as stopped early (``TIME_LIMIT``) only
    when HiGHS holds a feasible plan, and the note says which limit it was;
    without one they are errors. ``kUnboundedOrInfeasible`` is resolved by
    ``solve_model`` before it gets here (see ``_unbounded_or_infeasible``).
    """
    status = outcome.model_status
    if status == "kOptimal":
        return SolveStatus.OPTIMAL, ""
    if status == "kInfeasible":
        return SolveStatus.INFEASIBLE, "The rules cannot all be met."
    if status == "kUnbounded":
        return SolveStatus.UNBOUNDED, (
            "The plan's benefit has no upper limit: some money or participants are not limited "
            "by any budget, capacity or population."
        )
    if status in EARLY_STOPS:
        stop = EARLY_STOPS[status]
        if outcome.has_solution:
            return SolveStatus.TIME_LIMIT, (
                f"The solver stopped {stop}: this plan is feasible, not proven best."
            )
        return SolveStatus.ERROR, f"The solver stopped {stop} before finding any feasible plan."
    failure = FAILURES.get(status, f"the solver ended with status {status}")
    return SolveStatus.ERROR, f"No plan: {failure}."


def solve_model(
    model: Model,
    time_limit: float | None = 60.0,
    *,
    start: WholeChoices | None = None,
    **options: Any,
) -> SolveResult:
    """Solve with HiGHS in process, quietly, within ``time_limit`` seconds.

    ``options`` go to HiGHS as named options (e.g. ``solver="ipm"``). When
    HiGHS can only say "unbounded or infeasible", the model is solved once
    more with no objective to tell which.

    A model with whole people is a mixed-integer program: HiGHS solves its linear
    relaxation first and starts from the whole choices it already makes (``optimiser.start``),
    or from ``start`` when given, and stops once the plan is proven within ``DEFAULT_GAP`` of
    the best possible unless ``mip_rel_gap`` says otherwise.
    """
    if model.is_mip and "mip_rel_gap" not in options:
        options = {**options, "mip_rel_gap": DEFAULT_GAP}
    result = _solve(model, time_limit, start, **options)
    if result.detail == "kUnboundedOrInfeasible":
        return _unbounded_or_infeasible(model, result, time_limit, **options)
    return result


def _starting_plan(model: Model, solver: BlockHiGHS, given: WholeChoices | None) -> Any:
    """What gives HiGHS its start (``BlockHiGHS.start``): ``given`` in full, else the whole
    choices the linear relaxation already makes (``optimiser.start.settled``)."""

    # A plan of another model fits only if its deliveries are the same (the same grid).
    if given is not None and len(given.delivered) != model.block.delivery_count():
        given = None

    def start(relaxed: Any) -> Any:
        if given is not None:
            first_whole = solver.first_block_column + len(model.block)
            return as_start(model, given, solver.column_of, first_whole)
        if relaxed is None:
            return None
        found = settled(relaxed, solver.integers)
        if len(found[0]) < SETTLED_ENOUGH * len(solver.integers):
            return None  # HiGHS's own search instead (``optimiser.start.SETTLED_ENOUGH``)
        return found

    return start


def _solve(
    model: Model, time_limit: float | None, start: WholeChoices | None = None, **options: Any
) -> SolveResult:
    solver = make_solver(time_limit, block=model.participants, **options)
    if model.is_mip and model.whole_people and len(model.block):
        if start is None and model.whole_start == "dive":
            solver.diving = True
        else:
            solver.start = _starting_plan(model, solver, start)
    started = time.perf_counter()
    try:
        with quiet_stdout():
            returned = model.problem.solve(solver)
    except Exception as error:  # the solver failed: report, never crash the plan
        seconds = time.perf_counter() - started
        return SolveResult(SolveStatus.ERROR, None, None, seconds, str(error), f"No plan: {error}.")
    seconds = time.perf_counter() - started
    outcome = solver.outcome
    if outcome is None:  # HiGHS never ran
        detail = f"solver returned {returned}"
        return SolveResult(SolveStatus.ERROR, None, None, seconds, detail, f"No plan: {detail}.")
    model.row_values = solver.row_values
    model.first_block_column = solver.first_block_column
    model.ranging_read = False  # a new solve has a ranging of its own
    status, note = status_from_highs(outcome)
    objective = outcome.objective if status.has_plan else None
    bound, relaxation = outcome.bound, outcome.relaxation
    if not model.diagnosing and model.rules.target is None:
        # The model minimises minus the benefit (in target mode, cost).
        objective, bound, relaxation = (
            None if figure is None else -figure for figure in (objective, bound, relaxation)
        )
    return SolveResult(
        status,
        objective,
        outcome.mip_gap,
        seconds,
        outcome.model_status,
        note,
        bound=bound if status.has_plan else None,
        relaxation=relaxation,
    )


def _unbounded_or_infeasible(
    model: Model, first: SolveResult, time_limit: float | None, **options: Any
) -> SolveResult:
    """Tell an unbounded model from an infeasible one: solve for any plan, objective set aside.

    With no objective nothing can be unbounded, so a feasible answer means
    the benefit was unbounded and an infeasible one that the rules clash.
    """
    objective = model.problem.objective
    model.problem.setObjective(expression([]))
    try:
        check = _solve(model, time_limit, **options)
    finally:
        model.problem.setObjective(objective)
    seconds = first.seconds + check.seconds
    detail = f"kUnboundedOrInfeasible, then {check.detail} with no objective"
    if check.status is SolveStatus.OPTIMAL:
        status, note = status_from_highs(HighsOutcome("kUnbounded", False, None, None))
    elif check.status is SolveStatus.INFEASIBLE:
        status, note = SolveStatus.INFEASIBLE, "The rules cannot all be met."
    else:
        status = SolveStatus.ERROR
        note = (
            "No plan: the solver could not tell whether the rules clash or the plan is unbounded."
        )
    # Neither answer has a plan to keep: the values the check left are of no plan.
    return SolveResult(status, None, None, seconds, detail, note)


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
    integers = sum(1 for var in (*model.runs.values(), *model.cohorts.values()) if var.isInteger())
    if model.whole_people:
        # n[i,l,t]: one whole-people column and its defining row per delivery.
        deliveries = model.block.delivery_count()
        variables += deliveries + len(model.cohorts)
        integers += deliveries
        nonzeros += len(model.block) + deliveries
        return ModelSize(variables, len(rows) + deliveries, nonzeros, integers)
    return ModelSize(variables + len(model.cohorts), len(rows), nonzeros, integers)
