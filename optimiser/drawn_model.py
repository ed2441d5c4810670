"""The scenario's model built once and re-solved for each draw, changing only what a draw changes.

A draw changes three kinds of figure in the model (``optimiser.robust.drawn_inputs``), all
coefficients, never its shape:

- each participant column's demand avoided (its coefficient in the ``reduction`` rows), which
  is the recorded effect times the drawn effect factor and take-up of its intervention;
- each demand type's unit cost where the rules value demand avoided in money (the
  ``portfolio_vfm`` and ``fairness`` rows, as ``share x unit cost`` on the reduction columns);
- the objective's weight on each demand type, when the objective is the value of demand
  avoided.

``DrawnModel`` builds the PuLP model once with the recorded figures, hands it to HiGHS and
solves it once, keeping that optimal basis. For each draw it writes the draw's coefficients into
a copy of the column-wise matrix, passes the whole model to HiGHS as arrays (a copy in C, no
Python per coefficient) and solves from the recorded figures' basis, which is usually a few
pivots from the draw's best plan. Every draw starts from the same model arrays and the same
basis whatever was solved before it, so a draw's answer does not depend on which worker solved
it nor in what order: one part and many parts give identical outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from optimiser.build import build
from optimiser.highs import make_solver, read_outcome, row_number
from optimiser.inputs import PlanningInputs
from optimiser.lp import quiet_stdout
from optimiser.model import Model
from optimiser.scenario import ObjectiveKind, ScenarioRules
from optimiser.solve import status_from_highs
from optimiser.uncertainty import Draws


@dataclass(frozen=True)
class DrawnSolve:
    """One draw's best plan: its objective (None without a plan) and participants per column."""

    objective: float | None
    participants: np.ndarray | None


@dataclass(frozen=True)
class _ModelArrays:
    """The recorded figures' model as HiGHS holds it, column-wise."""

    cost: np.ndarray
    column_lower: np.ndarray
    column_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    starts: np.ndarray
    rows: np.ndarray
    values: np.ndarray
    integrality: np.ndarray
    offset: float


class DrawnModel:
    """The model of ``inputs`` under ``rules``, ready to be re-solved for any draw of ``draws``.

    ``rules`` must not plan over draws nor screen by benefit-cost ratio on the drawn figures
    (``optimiser.robust.screened_rules`` makes them so): with those, a draw would change which
    programmes may be funded, that is the model's shape.
    """

    def __init__(
        self, inputs: PlanningInputs, rules: ScenarioRules, draws: Draws, *, time_limit: float
    ) -> None:
        import highspy

        self.inputs = inputs
        self.rules = rules
        self.draws = draws
        # Whole people and programmes: each draw is the linear relaxation, and the result says
        # so (``optimiser.robust.DRAWS_IN_FRACTIONS``).
        self.model: Model = build(inputs, rules, relax_programmes=rules.whole_programme)
        solver = make_solver(time_limit, block=self.model.participants)
        with quiet_stdout():
            self.model.problem.solve(solver)
        self.highs: Any = self.model.problem.solverModel
        self.first_block_column = solver.first_block_column
        column_of = {id(var): n for n, var in enumerate(solver.columns)}
        self._reduction_columns = np.array(
            [column_of[id(self.model.reduction[d.key])] for d in inputs.demand_types],
            dtype=np.int64,
        )
        outcome = read_outcome(self.highs, mip=False)
        # The recorded figures' optimal basis: every draw starts from it (a linear program only;
        # HiGHS solves a mixed-integer one from scratch).
        self._basis = self.highs.getBasis() if outcome.model_status == "kOptimal" else None
        self._arrays = self._recorded_arrays(highspy)
        self._is_mip = bool(self._arrays.integrality.any())
        self._index_effects()
        self._index_unit_costs()

    def _recorded_arrays(self, highspy: Any) -> _ModelArrays:
        lp = self.highs.getLp()
        matrix = lp.a_matrix_
        if matrix.format_ != highspy.MatrixFormat.kColwise:
            raise RuntimeError("HiGHS holds the model row-wise; expected column-wise")
        columns = int(lp.num_col_)
        integrality = np.zeros(columns, dtype=np.int32)
        if len(lp.integrality_):
            integrality = np.array([int(kind.value) for kind in lp.integrality_], dtype=np.int32)
        return _ModelArrays(
            cost=np.asarray(lp.col_cost_, dtype=np.float64),
            column_lower=np.asarray(lp.col_lower_, dtype=np.float64),
            column_upper=np.asarray(lp.col_upper_, dtype=np.float64),
            row_lower=np.asarray(lp.row_lower_, dtype=np.float64),
            row_upper=np.asarray(lp.row_upper_, dtype=np.float64),
            starts=np.asarray(matrix.start_, dtype=np.int32),
            rows=np.asarray(matrix.index_, dtype=np.int32),
            values=np.asarray(matrix.value_, dtype=np.float64),
            integrality=integrality,
            offset=float(lp.offset_),
        )

    def _column_of_entries(self) -> np.ndarray:
        arrays = self._arrays
        counts = np.diff(arrays.starts, append=np.int32(len(arrays.values)))
        return np.repeat(np.arange(len(arrays.starts), dtype=np.int64), counts)

    def _index_effects(self) -> None:
        """Where each participant column's demand avoided sits, and its intervention and
        demand type (the draw's factor for it is ``effect[i, d] x take_up[i]``)."""
        arrays = self._arrays
        demand_of_row = np.full(len(arrays.row_lower), -1, dtype=np.int64)
        for number, demand_type in enumerate(self.inputs.demand_types):
            row = self.model.rows.get(f"reduction|{demand_type.key}")
            if row is not None:
                demand_of_row[row_number(row.constraint)] = number
        column = self._column_of_entries()
        block = self.model.block
        first = self.first_block_column
        in_block = (column >= first) & (column < first + len(block))
        where = np.flatnonzero(in_block & (demand_of_row[arrays.rows] >= 0))
        self._effect_entries = where
        self._effect_intervention = block.intervention[column[where] - first].astype(np.int64)
        self._effect_demand = demand_of_row[arrays.rows[where]]

    def _index_unit_costs(self) -> None:
        """Where each demand type's unit cost sits in the value-for-money and fairness rows, and
        the share of it each row counts; entries the recorded figures leave out (a unit cost
        of nothing) are added as zeros, so a draw that gives one a cost has a place for it."""
        wanted: list[tuple[int, int, int, float]] = []  # (row, column, demand type, share)
        portfolio = self.model.rows.get("portfolio_vfm")
        for number, demand_type in enumerate(self.inputs.demand_types):
            column = int(self._reduction_columns[number])
            if portfolio is not None:
                wanted.append((row_number(portfolio.constraint), column, number, 1.0))
            for partner in self.inputs.partners:
                row = self.model.rows.get(f"fairness|{partner.key}")
                share = demand_type.shares.get(partner.key, 0.0)
                if row is not None and share:
                    wanted.append((row_number(row.constraint), column, number, share))
        position = self._reduction_entries()
        missing = [(row, column) for row, column, _d, _s in wanted if (row, column) not in position]
        if missing:
            self._add_zero_entries(missing)
            self._index_effects()  # the entries after the added ones have moved
            position = self._reduction_entries()
        self._cost_entries = np.array([position[(r, c)] for r, c, _d, _s in wanted], dtype=np.int64)
        self._cost_demand = np.array([d for _r, _c, d, _s in wanted], dtype=np.int64)
        self._cost_share = np.array([s for _r, _c, _d, s in wanted], dtype=np.float64)

    def _reduction_entries(self) -> dict[tuple[int, int], int]:
        """Each entry in a reduction column, by (row, column): its place in the matrix arrays."""
        arrays = self._arrays
        column = self._column_of_entries()
        where = np.flatnonzero(np.isin(column, self._reduction_columns))
        return {(int(arrays.rows[n]), int(column[n])): int(n) for n in where.tolist()}

    def _add_zero_entries(self, entries: list[tuple[int, int]]) -> None:
        arrays = self._arrays
        column = np.concatenate(
            [self._column_of_entries(), np.array([c for _r, c in entries], dtype=np.int64)]
        )
        rows = np.concatenate([arrays.rows, np.array([r for r, _c in entries], dtype=np.int32)])
        values = np.concatenate([arrays.values, np.zeros(len(entries))])
        order = np.argsort(column, kind="stable")
        starts = np.zeros(len(arrays.starts), dtype=np.int32)
        np.cumsum(np.bincount(column, minlength=len(starts))[:-1], out=starts[1:])
        self._arrays = replace(arrays, starts=starts, rows=rows[order], values=values[order])

    def solve(self, number: int) -> DrawnSolve:
        """The best plan for draw ``number``: the recorded model with the draw's coefficients,
        solved from the recorded figures' basis."""
        import highspy

        arrays, draws = self._arrays, self.draws
        values = arrays.values.copy()
        factor = (
            draws.effect[number, self._effect_intervention, self._effect_demand]
            * draws.take_up[number, self._effect_intervention]
        )
        values[self._effect_entries] = arrays.values[self._effect_entries] * factor
        unit_cost = draws.unit_cost[number]
        values[self._cost_entries] = self._cost_share * unit_cost[self._cost_demand]
        cost = arrays.cost
        if self.rules.objective is ObjectiveKind.VALUE:
            cost = cost.copy()
            cost[self._reduction_columns] = -unit_cost
        highs = self.highs
        highs.passModel(
            len(arrays.cost),
            len(arrays.row_lower),
            len(values),
            int(highspy.MatrixFormat.kColwise.value),
            int(highspy.ObjSense.kMinimize.value),
            arrays.offset,
            cost,
            arrays.column_lower,
            arrays.column_upper,
            arrays.row_lower,
            arrays.row_upper,
            arrays.starts,
            arrays.rows,
            values,
            arrays.integrality,
        )
        if self._basis is not None and not self._is_mip:
            highs.setBasis(self._basis)
        with quiet_stdout():
            highs.run()
        outcome = read_outcome(highs, mip=self._is_mip)
        status, _note = status_from_highs(outcome)
        if not status.has_plan or outcome.objective is None:
            return DrawnSolve(None, None)
        first = self.first_block_column
        column_values = np.asarray(highs.getSolution().col_value, dtype=np.float64)
        # The model minimises minus the objective.
        return DrawnSolve(-outcome.objective, column_values[first : first + len(self.model.block)])
