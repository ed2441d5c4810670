"""HiGHS through PuLP, with the model and the participant block handed over in one go.

``BlockHiGHS`` is a ``pulp.HiGHS`` that passes the PuLP model's column
bounds, costs and row matrix as arrays (``addVars``, ``changeColsCost``,
``addRows``), then appends the participant block's columns with their
coefficients in those rows (``addCols``), and reads the solution back as
arrays: the block's values and reduced costs stay numpy arrays, and only the
few thousand PuLP variables get ``varValue`` and ``dj`` set one by one. It
records the precise HiGHS model status, because PuLP 3.3 reports a
time-limited solution as "optimal".

The same class runs on PuLP 3.3 (where it replaces PuLP's hand-over, which
adds columns and rows one call at a time and sorts variables by name) and on
PuLP 4 (whose own hand-over is already one call; there only the block is
added, and PuLP's status and statistics are kept).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pulp
from pulp import LpProblem

from optimiser.block import ParticipantBlock
from optimiser.dive import dive
from optimiser.highs_options import option_value, set_integrality
from optimiser.lp import PULP_4


@dataclass(frozen=True)
class HighsOutcome:
    """What HiGHS said, before PuLP rounds it into its own status codes."""

    model_status: str  # e.g. "kOptimal", "kTimeLimit", "kInfeasible"
    has_solution: bool  # a primal feasible solution is available
    objective: float | None
    mip_gap: float | None
    iterations: int = 0  # simplex, interior-point or PDLP iterations, for diagnostics
    # A mixed-integer solve's proven bound on the objective (as minimised), when it has one.
    bound: float | None = None
    # The linear relaxation's objective (as minimised), when it was solved first for a start.
    relaxation: float | None = None


def _bound(value: float | None, infinity: float) -> float:
    return infinity if value is None else float(value)


def pass_model(
    highs: Any,
    variables: Sequence[Any],
    constraints: Sequence[Any],
    problem: LpProblem,
    block: ParticipantBlock | None,
    *,
    mip: bool,
    column_of: Callable[[Any], int],
    row_of: Callable[[Any], int],
) -> np.ndarray:
    """Rows, then PuLP's columns, then the block's, to HiGHS as arrays; the integer columns.

    Everything goes in column-wise, the layout HiGHS solves with: the rows
    first with their bounds only, then each batch of columns with its
    coefficients (``addCols``), so HiGHS never transposes the matrix.
    ``column_of`` and ``row_of`` give a PuLP variable's column and a PuLP
    constraint's row; PuLP's variables are columns ``0..len(variables)-1``
    and its constraints rows ``0..len(constraints)-1``.
    """
    import highspy

    inf = highspy.kHighsInf
    lows = np.array([_bound(c.getLb(), -inf) for c in constraints], dtype=np.float64)
    highs_ = np.array([_bound(c.getUb(), inf) for c in constraints], dtype=np.float64)
    empty = np.zeros(0, dtype=np.int32)
    highs.addRows(len(constraints), lows, highs_, 0, empty, empty, np.zeros(0))

    count = len(variables)
    lower = np.array([_bound(v.lowBound, -inf) for v in variables], dtype=np.float64)
    upper = np.array([_bound(v.upBound, inf) for v in variables], dtype=np.float64)
    cost = np.zeros(count)
    objective = problem.objective
    if objective is not None:
        for var, coefficient in objective.items():
            cost[column_of(var)] = coefficient
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    for constraint in constraints:
        row = row_of(constraint)
        for var, coefficient in constraint.items():
            rows.append(row)
            columns.append(column_of(var))
            values.append(coefficient)
    column_array = np.array(columns, dtype=np.int32)
    by_column = np.argsort(column_array, kind="stable")
    starts = np.zeros(count, dtype=np.int32)
    np.cumsum(np.bincount(column_array, minlength=count)[:-1], out=starts[1:])
    highs.addCols(
        count,
        cost,
        lower,
        upper,
        len(values),
        starts,
        np.array(rows, dtype=np.int32)[by_column],
        np.array(values, dtype=np.float64)[by_column],
    )
    if problem.sense == pulp.LpMaximize:
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    if objective is not None and objective.constant:
        highs.changeObjectiveOffset(float(objective.constant))
    integers = np.zeros(0, dtype=np.int32)
    if mip:
        integers = np.array(
            [column_of(v) for v in variables if v.cat == pulp.LpInteger], dtype=np.int32
        )
        if len(integers):
            set_integrality(highs, integers, integer=True)
    if block is not None and len(block):
        _add_block(highs, block, row_of)
        if block.whole:
            first = count + len(block)
            _add_whole_people(highs, block, first_column=count)
            if mip:
                whole = np.arange(first, first + block.delivery_count(), dtype=np.int32)
                set_integrality(highs, whole, integer=True)
                integers = np.concatenate([integers, whole])
    return integers


def _add_block(highs: Any, block: ParticipantBlock, row_of: Callable[[Any], int]) -> None:
    """The participant columns, with their coefficients in rows already passed."""
    starts, handle, coefficients = block.column_matrix()
    rows_of_handles = np.array([row_of(c) for c in block.rows], dtype=np.int32)
    count = len(block)
    highs.addCols(
        count,
        np.zeros(count),
        np.zeros(count),
        block.upper,
        len(coefficients),
        starts,
        rows_of_handles[handle] if len(handle) else np.zeros(0, dtype=np.int32),
        coefficients,
    )


def _add_whole_people(highs: Any, block: ParticipantBlock, first_column: int) -> None:
    """n[i,l,t], one integer column per delivery, and a row each: n = the delivery's segments.

    The rows go in after every PuLP row and the columns after the block's, so the numbers of
    PuLP's rows and columns and of the block's columns do not move. Participants are whole
    while each segment stays a continuous slice of diminishing returns.
    """
    deliveries = block.delivery_count()
    segments = max(len(block.segments), 1)
    first_row = highs.getNumRow()
    row_starts = np.arange(0, deliveries * segments, segments, dtype=np.int32)
    highs.addRows(
        deliveries,
        np.zeros(deliveries),
        np.zeros(deliveries),
        deliveries * segments,
        row_starts,
        np.arange(first_column, first_column + len(block), dtype=np.int32),
        np.full(len(block), -1.0),
    )
    highs.addCols(
        deliveries,
        np.zeros(deliveries),
        np.zeros(deliveries),
        block.whole_upper(),
        deliveries,
        np.arange(deliveries, dtype=np.int32),
        np.arange(first_row, first_row + deliveries, dtype=np.int32),
        np.ones(deliveries),
    )


def read_outcome(highs: Any, *, mip: bool) -> HighsOutcome:
    """The model status, and the objective and gap when HiGHS has a feasible solution."""
    import highspy

    info = highs.getInfo()
    has_solution = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    gap = float(info.mip_gap)
    bound = float(info.mip_dual_bound) if mip else math.inf
    return HighsOutcome(
        model_status=highs.getModelStatus().name,
        has_solution=bool(has_solution),
        objective=float(info.objective_function_value) if has_solution else None,
        # HiGHS reports an infinite gap when it has no bound to measure against: no gap known.
        mip_gap=gap if mip and has_solution and math.isfinite(gap) else None,
        iterations=int(info.simplex_iteration_count)
        + int(info.ipm_iteration_count)
        + int(info.pdlp_iteration_count),
        bound=bound if math.isfinite(bound) else None,
    )


def row_number(constraint: Any) -> int:
    """A PuLP constraint's row in the HiGHS model (as ``BlockHiGHS`` passed it)."""
    return int(constraint.id if PULP_4 else constraint.index)


@dataclass(frozen=True)
class Ranging:
    """How far each row's and column's active bound can rise and fall with the same basis.

    The values each bound can reach up and down (infinite for no limit)
    before the shadow prices and reduced costs change, by HiGHS row and
    column number.
    """

    row_up: np.ndarray
    row_down: np.ndarray
    column_up: np.ndarray
    column_down: np.ndarray
    # The variable that leaves the basis when each row's bound moves up (down): HiGHS numbers
    # columns first, then rows (column count + row number); -1 where none.
    row_up_leaving: np.ndarray | None = None
    row_down_leaving: np.ndarray | None = None
    cost_up: np.ndarray | None = None  # each column's cost (minimised) can rise to this ...
    cost_down: np.ndarray | None = None  # ... and fall to this with the same basis


def ranging(highs: Any) -> Ranging | None:
    """HiGHS's ranging of a solved linear program, or None when it has none to give.

    None for a mixed-integer model, without a basis, or when the solve did
    not finish. It costs a fraction of the solve (about 0.08 s for 112,000
    columns against 0.6 s solving), so it is asked for only to explain a plan.
    """
    import highspy

    try:
        status, found = highs.getRanging()
    except Exception:  # noqa: BLE001 (ranging is a nicety: never fail a plan over it)
        return None
    if status != highspy.HighsStatus.kOk:
        return None
    return Ranging(
        row_up=np.asarray(found.row_bound_up.value_, dtype=np.float64),
        row_down=np.asarray(found.row_bound_dn.value_, dtype=np.float64),
        column_up=np.asarray(found.col_bound_up.value_, dtype=np.float64),
        column_down=np.asarray(found.col_bound_dn.value_, dtype=np.float64),
        row_up_leaving=np.asarray(found.row_bound_up.ou_var_, dtype=np.int64),
        row_down_leaving=np.asarray(found.row_bound_dn.ou_var_, dtype=np.int64),
        cost_up=np.asarray(found.col_cost_up.value_, dtype=np.float64),
        cost_down=np.asarray(found.col_cost_dn.value_, dtype=np.float64),
    )


def read_solution(
    highs: Any, block: ParticipantBlock | None, first_column: int, solution: Any = None
) -> tuple[Any, np.ndarray, np.ndarray]:
    """HiGHS's solution (or ``solution``, one kept from an earlier run), and every column's
    value and reduced cost as arrays.

    The block's slices of the arrays go into the block.

    highspy turns each solution vector into a Python list when it is read, so
    each is read once.
    """
    if solution is None:
        solution = highs.getSolution()
    values = np.asarray(solution.col_value, dtype=np.float64)
    reduced_costs = np.asarray(solution.col_dual, dtype=np.float64)
    if block is not None:
        end = first_column + len(block)
        block.values = values[first_column:end]
        block.reduced_costs = reduced_costs[first_column:end]
        if block.whole:
            block.delivered = values[end : end + block.delivery_count()]
    return solution, values, reduced_costs


# A full search needs at least as long again as the relaxation took (HiGHS's presolve and its
# first linear program): with less left than twice that it is not started; with less than
# four times that, the start's own search gets all the time left.
NO_FULL_SEARCH = 2.0
FULL_SEARCH_MINIMUM = 4.0


class BlockHiGHS(pulp.HiGHS):
    """``pulp.HiGHS`` that also solves for a participant block (``optimiser.block``)."""

    name = "BlockHiGHS"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.block: ParticipantBlock | None = None
        self.outcome: HighsOutcome | None = None
        # Each HiGHS row's final value (activity), by row number, once solved.
        self.row_values: np.ndarray | None = None
        self._columns: list[Any] = []
        # Seconds spent handing the model over, in HiGHS, and reading the solution back.
        self.phases: dict[str, float] = {}
        # The integer columns, once handed over; and, for a mixed-integer solve, what gives
        # HiGHS its starting plan: called with the linear relaxation's column values (None if
        # it had none), it returns HiGHS column numbers and values, or None for no start.
        self.integers: np.ndarray = np.zeros(0, dtype=np.int32)
        self.start: Callable[[np.ndarray | None], tuple[np.ndarray, np.ndarray] | None] | None = (
            None
        )
        self.relaxation: float | None = None
        # Whether the whole plan to start from comes from a dive (``optimiser.dive``) rather
        # than from ``start``.
        self.diving = False
        # A whole plan found near the relaxation that is the answer (``_give_start``): HiGHS's
        # model status for it, the solution, its objective and its gap against the relaxation.
        self.finished: tuple[str, Any, float, float] | None = None

    @property
    def columns(self) -> list[Any]:
        """PuLP's variables in the order of their HiGHS columns (the block's follow them)."""
        return self._columns

    @property
    def first_block_column(self) -> int:
        """HiGHS's column number of the participant block's first column."""
        return len(self._columns)

    def _is_mip(self, variables: Sequence[Any]) -> bool:
        whole = self.block is not None and self.block.whole and len(self.block) > 0
        return bool(self.mip) and (whole or any(v.cat == pulp.LpInteger for v in variables))

    # -- PuLP 4: its own one-call hand-over of PuLP's part, plus the block --

    def _build_pulp_4(self, lp: LpProblem) -> None:
        variables = lp.exported_variables()
        self._columns = variables
        column = {v.id: n for n, v in enumerate(variables)}
        self.integers = pass_model(
            lp.solverModel,
            variables,
            lp.constraints(),
            lp,
            self.block,
            mip=bool(self.mip),
            column_of=lambda var: column[var.id],
            row_of=lambda constraint: constraint.id,
        )

    # -- PuLP 3.3: the whole hand-over and read-back --

    def _build_pulp_3(self, lp: LpProblem) -> None:
        if lp.objective is not None:
            lp._add_variables(lp.objective.keys())
        # Registration order, not lp.variables(): that sorts every name on each call.
        variables = list(lp._variables)
        self._columns = variables
        for index, var in enumerate(variables):
            var.index = index
        constraints = list(lp._constraints.values())
        for row, constraint in enumerate(constraints):
            constraint.index = row
        self.integers = pass_model(
            lp.solverModel,
            variables,
            constraints,
            lp,
            self.block,
            mip=bool(self.mip),
            column_of=lambda var: var.index,
            row_of=lambda constraint: constraint.index,
        )

    def buildSolverModel(self, lp: LpProblem) -> None:  # noqa: N802 (PuLP's name)
        started = time.perf_counter()
        if PULP_4:
            self._build_pulp_4(lp)
        else:
            self._build_pulp_3(lp)
        self.phases["hand_over"] = time.perf_counter() - started

    def column_of(self, var: Any) -> int:
        """A PuLP variable's HiGHS column (after the hand-over)."""
        if PULP_4:
            if not hasattr(self, "_column_by_id"):
                self._column_by_id = {id(v): n for n, v in enumerate(self._columns)}
            return self._column_by_id[id(var)]
        return int(var.index)

    def callSolver(self, lp: LpProblem) -> None:  # noqa: N802
        started = time.perf_counter()
        self.finished = None
        if (self.start is not None or self.diving) and len(self.integers) and self.mip:
            self._give_start(lp.solverModel, started)
        if self.finished is None:
            super().callSolver(lp)
        self.phases["highs"] = time.perf_counter() - started

    def _left(self, started: float) -> float:
        if self.timeLimit is None:
            return math.inf
        return float(self.timeLimit) - (time.perf_counter() - started)

    def _give_start(self, highs: Any, started: float) -> None:
        """The linear relaxation, then a whole plan near it, then (if need be) the full search.

        1. The relaxation: the same model with every column continuous. Its objective is a
           bound no whole plan beats, and the bound the plan reports against.
        2. A whole plan near it, in at most half the time left (all of it when a full search
           could not follow): either the whole columns ``start`` settles (the relaxation's own
           whole numbers, or a given plan's choices) held while HiGHS searches the rest, or,
           when ``diving``, a dive from the relaxation (``optimiser.dive``).
        3. If that plan is already within the gap target of the relaxation's bound, it is the
           answer (proven so). If there is no time left for a full search (HiGHS's presolve and
           first linear program alone take about as long as the relaxation), it is the answer
           as a stop at the time limit, with its gap against the relaxation's bound. Otherwise
           HiGHS searches everything, starting from it, in the time left.

        Steps 1 and 2 count against the time limit: the limit holds for the whole solve.
        """
        import highspy

        set_integrality(highs, self.integers, integer=False)
        highs.run()
        relaxed = None
        if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            self.relaxation = float(highs.getInfo().objective_function_value)
            relaxed = np.asarray(highs.getSolution().col_value, dtype=np.float64)
        relaxing = time.perf_counter() - started
        self.phases["relaxation"] = relaxing
        dived = None
        if self.diving and relaxed is not None:
            diving = time.perf_counter()
            people = self.integers[self.integers >= self.first_block_column]
            programmes = self.integers[self.integers < self.first_block_column]
            seconds = self._search_share(started, relaxing)
            dived = dive(highs, relaxed, programmes, people, seconds)
            self.phases["whole_start"] = time.perf_counter() - diving
        set_integrality(highs, self.integers, integer=True)
        placed = False
        if dived is not None:
            placed = self._finish_or_start(highs, *dived, started, relaxing)
        elif self.start is not None and self.relaxation is not None:
            found = self.start(relaxed)
            placed = found is not None and self._complete(highs, found, started, relaxing)
        if not placed:
            # With no plan to start from, the search starts from nothing, as if the relaxation
            # (or a dive or completion that found nothing) had not been solved: HiGHS's search
            # begun from the relaxation's basis took 4-5 s on the demo against 2.3 s from a
            # clean start (the same model and options; only the solution is cleared).
            highs.clearSolver()
        if self.finished is None and self.timeLimit is not None:
            highs.setOptionValue("time_limit", max(self._left(started), 0.01))

    def _search_share(self, started: float, relaxing: float) -> float:
        """Seconds for step 2: half the time left, or all of it when too little is left for a
        full search after."""
        left = self._left(started)
        share = 1.0 if left < FULL_SEARCH_MINIMUM * relaxing else 0.5
        return max(left * share, 0.01)

    def _complete(
        self, highs: Any, found: tuple[np.ndarray, np.ndarray], started: float, relaxing: float
    ) -> bool:
        """Step 2 from the settled columns, then step 3; whether it gave a plan."""
        import highspy

        indices, values = found
        lp = highs.getLp()
        lower = np.asarray(lp.col_lower_, dtype=np.float64)[indices]
        upper = np.asarray(lp.col_upper_, dtype=np.float64)[indices]
        del lp
        values = np.clip(values, lower, upper)
        highs.changeColsBounds(len(indices), indices, values, values)
        if self.timeLimit is not None:
            highs.setOptionValue("time_limit", self._search_share(started, relaxing))
        completing = time.perf_counter()
        highs.run()
        info = highs.getInfo()
        feasible = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        solution = highs.getSolution() if feasible else None
        objective = float(info.objective_function_value) if feasible else math.nan
        highs.changeColsBounds(len(indices), indices, lower, upper)
        self.phases["whole_start"] = time.perf_counter() - completing
        if solution is None:
            return False
        return self._finish_or_start(highs, solution, objective, started, relaxing)

    def _finish_or_start(
        self, highs: Any, solution: Any, objective: float, started: float, relaxing: float
    ) -> bool:
        """Step 3: the whole plan found is the answer, or where HiGHS's full search starts;
        whether it was either."""
        if self.relaxation is None:
            return False
        bound = self.relaxation
        gap = abs(objective - bound) / max(abs(bound), 1e-9)
        target = option_value(highs, "mip_rel_gap")
        no_time = self._left(started) < NO_FULL_SEARCH * relaxing
        if not PULP_4 and (gap <= target or no_time):
            # "kNearTimeLimit": ``optimiser.solve.NEAR_TIME_LIMIT``, worded there.
            status = "kOptimal" if gap <= target else "kNearTimeLimit"
            self.finished = (status, solution, objective, gap)
            return True
        highs.setSolution(solution)
        return True

    def findSolutionValues(self, lp: LpProblem) -> Any:  # noqa: N802
        started = time.perf_counter()
        try:
            return self._find_solution_values(lp)
        finally:
            self.phases["read_back"] = time.perf_counter() - started

    def _find_solution_values(self, lp: LpProblem) -> Any:
        highs = lp.solverModel
        if self.finished is not None:
            # The whole plan near the relaxation was the answer (``_give_start``, step 3).
            status, _solution, objective, gap = self.finished
            outcome = HighsOutcome(status, True, objective, gap, 0, self.relaxation)
        else:
            outcome = read_outcome(highs, mip=self._is_mip(self._columns))
        if self.relaxation is not None:
            outcome = replace(outcome, relaxation=self.relaxation)
        self.outcome = outcome
        if PULP_4:
            found = super().findSolutionValues(lp)
            if self.outcome.has_solution:
                solution, _values, _reduced_costs = read_solution(
                    highs, self.block, len(self._columns)
                )
                self.row_values = np.asarray(solution.row_value, dtype=np.float64)
            return found
        return self._read_pulp_3(lp, highs)

    def _read_pulp_3(self, lp: LpProblem, highs: Any) -> tuple[int, int]:

        outcome = self.outcome
        assert outcome is not None
        if outcome.has_solution:
            given = None if self.finished is None else self.finished[1]
            solution, values, reduced_costs = read_solution(
                highs, self.block, len(self._columns), given
            )
            count = len(self._columns)
            for var, value, dual in zip(
                self._columns,
                values[:count].tolist(),
                reduced_costs[:count].tolist(),
                strict=True,
            ):
                var.varValue = value
                var.dj = dual
            self.row_values = np.asarray(solution.row_value, dtype=np.float64)
            row_values = self.row_values.tolist()
            row_duals = list(solution.row_dual)
            for constraint in lp._constraints.values():
                constraint.pi = row_duals[constraint.index]
                # PuLP's own convention: constant is on the left-hand side.
                constraint.slack = constraint.constant + row_values[constraint.index]
                if constraint.sense == pulp.LpConstraintLE:
                    constraint.slack = -constraint.slack
        status = outcome.model_status
        if status == "kOptimal":
            return 1, 1
        if status in ("kInfeasible", "kUnboundedOrInfeasible"):
            return -1, -1
        if status == "kUnbounded":
            return -2, -2
        return (1, 2) if outcome.has_solution else (0, 0)

    def actualSolve(self, lp: LpProblem, **kwargs: Any) -> Any:  # noqa: N802
        if PULP_4:
            return super().actualSolve(lp, **kwargs)
        self.createAndConfigureSolver(lp)
        self.buildSolverModel(lp)
        self.callSolver(lp)
        status, solution_status = self.findSolutionValues(lp)
        lp.assignStatus(status, solution_status)
        return status


def make_solver(
    time_limit: float | None,
    *,
    mip: bool = True,
    block: ParticipantBlock | None = None,
    **options: Any,
) -> BlockHiGHS:
    """A quiet in-process HiGHS solver with a time limit (seconds), for a model and its block."""
    solver = BlockHiGHS(msg=False, timeLimit=time_limit, mip=mip, **options)
    solver.block = block
    return solver
