"""HiGHS through PuLP, with the model handed over in one call.

PuLP 3.3's ``pulp.HiGHS`` adds columns and rows to highspy one call at a
time and sorts variables by name on every pass; at partnership scale that
is most of PuLP's overhead. ``OneCallHiGHS`` passes column bounds, costs and
the row matrix as arrays (``addVars``, ``changeColsCost``, ``addRows``) and
reads the solution back as arrays. It also records the precise HiGHS model
status, because PuLP 3.3 reports a time-limited solution as "optimal".

PuLP 4 already builds the HiGHS model in one call and reports time limits
properly, so ``make_solver`` uses the stock class there.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np
import pulp
from pulp import LpProblem

from optimiser.lp import PULP_4

_index = attrgetter("index")


@dataclass(frozen=True)
class HighsOutcome:
    """What HiGHS said, before PuLP rounds it into its own status codes."""

    model_status: str  # e.g. "kOptimal", "kTimeLimit", "kInfeasible"
    has_solution: bool  # a primal feasible solution is available
    objective: float | None
    mip_gap: float | None


class OneCallHiGHS(pulp.HiGHS):
    """``pulp.HiGHS`` whose model hand-over and read-back use whole arrays (PuLP 3.x)."""

    name = "OneCallHiGHS"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcome: HighsOutcome | None = None

    @staticmethod
    def _variables(lp: LpProblem) -> list[Any]:
        # Registration order, not lp.variables(): that sorts a million names by text.
        if lp.objective is not None:
            lp._add_variables(lp.objective.keys())
        return lp._variables

    def buildSolverModel(self, lp: LpProblem) -> None:  # noqa: N802 (PuLP's name)
        import highspy

        inf = highspy.kHighsInf
        variables = self._variables(lp)
        count = len(variables)
        for index, var in enumerate(variables):
            var.index = index
        lower = np.array(
            [-inf if v.lowBound is None else v.lowBound for v in variables], dtype=np.float64
        )
        upper = np.array(
            [inf if v.upBound is None else v.upBound for v in variables], dtype=np.float64
        )
        sense = -1.0 if lp.sense == pulp.LpMaximize else 1.0
        cost = np.zeros(count)
        if lp.objective is not None:
            for var, coefficient in lp.objective.items():
                cost[var.index] = sense * coefficient
        solver = lp.solverModel
        solver.addVars(count, lower, upper)
        solver.changeColsCost(count, np.arange(count, dtype=np.int32), cost)
        if self.mip:
            integers = [v.index for v in variables if v.cat == pulp.LpInteger]
            if integers:
                solver.changeColsIntegrality(
                    len(integers),
                    np.array(integers, dtype=np.int32),
                    np.full(len(integers), highspy.HighsVarType.kInteger.value, dtype=np.uint8),
                )
        self._add_rows(lp, solver, inf)

    @staticmethod
    def _add_rows(lp: LpProblem, solver: Any, inf: float) -> None:
        constraints = list(lp._constraints.values())
        starts = np.zeros(len(constraints), dtype=np.int32)
        lows = np.empty(len(constraints))
        highs = np.empty(len(constraints))
        indices: list[int] = []
        values: list[float] = []
        for row, constraint in enumerate(constraints):
            constraint.index = row
            starts[row] = len(indices)
            expr = constraint.expr
            indices.extend(map(_index, expr.keys()))
            values.extend(expr.values())
            low, high = constraint.getLb(), constraint.getUb()
            lows[row] = -inf if low is None else low
            highs[row] = inf if high is None else high
        solver.addRows(
            len(constraints),
            lows,
            highs,
            len(indices),
            starts,
            np.array(indices, dtype=np.int32),
            np.array(values, dtype=np.float64),
        )

    def findSolutionValues(self, lp: LpProblem) -> tuple[int, int]:  # noqa: N802
        import highspy

        solver = lp.solverModel
        status = solver.getModelStatus()
        info = solver.getInfo()
        has_solution = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        is_mip = self.mip and any(v.cat == pulp.LpInteger for v in self._variables(lp))
        self.outcome = HighsOutcome(
            model_status=status.name,
            has_solution=bool(has_solution),
            objective=float(info.objective_function_value) if has_solution else None,
            mip_gap=float(info.mip_gap) if is_mip and has_solution else None,
        )
        if has_solution:
            solution = solver.getSolution()
            for var, value, dual in zip(
                self._variables(lp),
                np.asarray(solution.col_value).tolist(),
                np.asarray(solution.col_dual).tolist(),
                strict=True,
            ):
                var.varValue = value
                var.dj = dual
            row_values = np.asarray(solution.row_value).tolist()
            row_duals = np.asarray(solution.row_dual).tolist()
            for constraint in lp._constraints.values():
                constraint.pi = row_duals[constraint.index]
                # PuLP's own convention: constant is on the left-hand side.
                constraint.slack = constraint.constant + row_values[constraint.index]
                if constraint.sense == pulp.LpConstraintLE:
                    constraint.slack = -constraint.slack
        kind = highspy.HighsModelStatus
        if status == kind.kOptimal:
            return 1, 1
        if status in (kind.kInfeasible, kind.kUnboundedOrInfeasible):
            return -1, -1
        if status == kind.kUnbounded:
            return -2, -2
        return (1, 2) if has_solution else (0, 0)

    def actualSolve(self, lp: LpProblem) -> int:  # noqa: N802
        self.createAndConfigureSolver(lp)
        self.buildSolverModel(lp)
        self.callSolver(lp)
        status, solution_status = self.findSolutionValues(lp)
        lp.assignStatus(status, solution_status)
        return status


def make_solver(time_limit: float | None, *, mip: bool = True, **options: Any) -> Any:
    """A quiet in-process HiGHS solver with a time limit (seconds)."""
    if PULP_4:
        return pulp.HiGHS(msg=False, timeLimit=time_limit, mip=mip, **options)
    return OneCallHiGHS(msg=False, timeLimit=time_limit, mip=mip, **options)
