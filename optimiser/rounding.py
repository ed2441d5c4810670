"""Whole numbers that add up: largest-remainder rounding of lists, and controlled rounding of a
two-way table.

Rounding each figure on its own makes the rounded figures drift from the rounded totals (a
budget held at its £1,000,000 maximum shows £1,000,000.06 when its rounded payments are added
up). These functions round a set of figures together instead, each up or down to a whole
number, so that the rounded parts add up exactly to the rounded whole.

``controlled_rounding`` is the two-way case (Cox and Ernst, "Controlled rounding", INFOR 1982):
every cell, every row total, every column total and the grand total of the exact table goes
up or down to a whole number, and the rounded cells add up across and down to the rounded
totals. Such a rounding always exists for a two-way table: the rounded figures are a flow
through a network (rows to columns) whose bounds are the exact figures rounded down and up,
the exact table is a flow within those bounds, and a network with whole-number bounds that
has a flow has a whole-number one. It is found as such flows are: start from the nearest
figures and move units along augmenting paths until every column adds up.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

# Below this (a millionth of a unit) an amount is a whole number: what is left is float noise.
EPSILON = 1e-6
# A node of the rounding network, or a step between two: (what, number).
Step = tuple[str, int]
# Remainders equal to this many decimal places are a tie, which goes to the first: float
# noise in the last digits of two thirds of a penny must not decide who gets the penny.
TIE_DECIMALS = 4


def largest_remainder(amounts: np.ndarray, totals: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each amount rounded down or up so that each group's rounded amounts add up to its total.

    ``groups`` numbers each amount's group (0 to ``len(totals) - 1``); every group's total
    must be within its amounts' sum rounded down and up entry by entry. The amounts are
    rounded down, then each group's missing units go to its largest remainders (ties to the
    first, remainders compared to ``TIE_DECIMALS`` places); a group whose total is below
    its amounts rounded down loses units from its smallest remainders instead.
    """
    amounts = np.asarray(amounts, dtype=np.float64)
    groups = np.asarray(groups, dtype=np.int64)
    totals = np.asarray(totals, dtype=np.int64)
    base = np.floor(amounts + EPSILON)
    remainder = np.maximum(amounts - base, 0.0)
    rounded = base.astype(np.int64)
    if not len(amounts):
        return rounded
    count = np.bincount(groups, minlength=len(totals))
    short = totals - np.bincount(groups, weights=rounded, minlength=len(totals)).astype(np.int64)
    order = np.lexsort((-np.round(remainder, TIE_DECIMALS), groups))
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    rank = np.empty(len(amounts), dtype=np.int64)
    rank[order] = np.arange(len(amounts)) - start[groups[order]]
    whole, extra = np.divmod(short, np.maximum(count, 1))
    result: np.ndarray = (rounded + whole[groups] + (rank < extra[groups])).astype(np.int64)
    return result


def nearest(amount: float) -> int:
    """The whole number nearest ``amount``, halves up (as Excel's ROUND)."""
    return int(np.floor(amount + 0.5))


@dataclass(frozen=True)
class RoundedTable:
    """A table rounded so that its cells add up to its row and column totals and grand total."""

    cells: np.ndarray
    row_totals: np.ndarray
    column_totals: np.ndarray

    @property
    def total(self) -> int:
        return int(self.row_totals.sum())


def controlled_rounding(
    row: np.ndarray,
    column: np.ndarray,
    amount: np.ndarray,
    shape: tuple[int, int],
    fixed_columns: dict[int, int] | None = None,
) -> RoundedTable:
    """Round a sparse table of non-negative amounts (cell ``n`` at ``row[n]``, ``column[n]``).

    Every cell goes down or up to a whole number, and so does every row total and every column
    total of the exact table; the grand total goes to the nearest whole number; and the rounded
    cells add up to the rounded totals. ``fixed_columns`` gives the rounded total of some
    columns whose exact sum is already that whole number (a budget line the solver held at its
    maximum): they keep it. Row and column totals are their nearest whole numbers where the
    table allows (largest remainder against the grand total); a few move the other way when
    that is the only way the cells can add up.
    """
    rows, columns = shape
    amount = _whole_where_near(np.maximum(np.asarray(amount, dtype=np.float64), 0.0))
    row = np.asarray(row, dtype=np.int64)
    column = np.asarray(column, dtype=np.int64)
    fixed = fixed_columns or {}
    row_sum = _whole_where_near(np.bincount(row, weights=amount, minlength=rows))
    column_sum = _whole_where_near(np.bincount(column, weights=amount, minlength=columns))
    for index, total in fixed.items():
        column_sum[index] = total
    grand = nearest(float(amount.sum()))
    row_totals = largest_remainder(row_sum, np.array([grand]), np.zeros(rows, dtype=np.int64))
    free = np.ones(columns, dtype=bool)
    free[list(fixed)] = False
    column_totals = np.zeros(columns, dtype=np.int64)
    column_totals[~free] = [fixed[int(index)] for index in np.flatnonzero(~free)]
    free_total = grand - int(column_totals.sum())
    column_totals[free] = largest_remainder(
        column_sum[free], np.array([free_total]), np.zeros(int(free.sum()), dtype=np.int64)
    )
    cells = largest_remainder(amount, row_totals, row)
    network = _Network(row, column, amount, cells, row_sum, column_sum, row_totals, column_totals)
    network.settle(fixed)
    return RoundedTable(network.cells, network.row_totals, network.column_totals)


def _whole_where_near(amounts: np.ndarray) -> np.ndarray:
    """Amounts within EPSILON of a whole number made that whole number."""
    whole = np.round(amounts)
    return np.where(np.abs(amounts - whole) < EPSILON, whole, amounts)


def _down(amounts: np.ndarray) -> np.ndarray:
    return np.floor(amounts + EPSILON).astype(np.int64)


def _up(amounts: np.ndarray) -> np.ndarray:
    return np.ceil(amounts - EPSILON).astype(np.int64)


class _Network:
    """The rounded table as a flow: source -> rows -> cells -> columns -> sink.

    Each figure may be its exact amount rounded down or up. After the cells of each row have
    been rounded to add up to the row's total, only columns are out of balance: ``excess`` is
    what a column's cells bring in above its total. Each unit of excess moves along a shortest
    augmenting path to a column short of its total: back along a cell of the column (a penny
    less there), forward along another cell of that row (a penny more), and so on. Totals move
    only when cells alone cannot balance the columns. The search runs on plain lists: it
    reads single entries, which numpy arrays make slow.
    """

    def __init__(
        self,
        row: np.ndarray,
        column: np.ndarray,
        amount: np.ndarray,
        cells: np.ndarray,
        row_sum: np.ndarray,
        column_sum: np.ndarray,
        row_totals: np.ndarray,
        column_totals: np.ndarray,
    ) -> None:
        self.row: list[int] = row.tolist()
        self.column: list[int] = column.tolist()
        self.cell: list[int] = cells.tolist()
        self.low: list[int] = _down(amount).tolist()
        self.high: list[int] = _up(amount).tolist()
        self.row_low: list[int] = _down(row_sum).tolist()
        self.row_high: list[int] = _up(row_sum).tolist()
        self.column_low: list[int] = _down(column_sum).tolist()
        self.column_high: list[int] = _up(column_sum).tolist()
        self.row_total: list[int] = row_totals.tolist()
        self.column_total: list[int] = column_totals.tolist()
        excess = np.bincount(column, weights=cells, minlength=len(column_totals)).astype(np.int64)
        self.excess: list[int] = (excess - column_totals).tolist()
        self.row_cells: dict[int, list[int]] = {}
        self.column_cells: dict[int, list[int]] = {}
        for cell in np.flatnonzero(_down(amount) < _up(amount)).tolist():
            self.row_cells.setdefault(self.row[cell], []).append(cell)
            self.column_cells.setdefault(self.column[cell], []).append(cell)

    @property
    def cells(self) -> np.ndarray:
        return np.array(self.cell, dtype=np.int64)

    @property
    def row_totals(self) -> np.ndarray:
        return np.array(self.row_total, dtype=np.int64)

    @property
    def column_totals(self) -> np.ndarray:
        return np.array(self.column_total, dtype=np.int64)

    def settle(self, fixed: dict[int, int]) -> None:
        """Move units until every column adds up: through cells first, then through totals."""
        for flexible in (False, True):
            for start, excess in enumerate(self.excess):
                if excess <= 0:
                    continue
                while self.excess[start] > 0:
                    path = self._path(start, flexible, fixed)
                    if path is None:
                        break
                    self._apply(path)
        if any(self.excess):
            raise ArithmeticError("controlled rounding found no whole-number table")

    def _path(self, start: int, flexible: bool, fixed: dict[int, int]) -> list[Step] | None:
        """A shortest augmenting path from column ``start`` to a column short of its total.

        Nodes are ("row", n), ("column", n), ("source", 0) and ("sink", 0); each step says how
        it was made: ("down", cell), ("up", cell), ("row down", n), ("row up", n), ("column
        up", n) or ("column down", n).
        """
        begin = ("column", start)
        came: dict[Step, tuple[Step, Step] | None] = {begin: None}
        queue = deque([begin])
        while queue:
            node = queue.popleft()
            kind, number = node
            steps: list[tuple[Step, Step]] = []
            if kind == "column":
                for cell in self.column_cells.get(number, ()):
                    if self.cell[cell] > self.low[cell]:
                        steps.append((("row", self.row[cell]), ("down", cell)))
                if (
                    flexible
                    and number not in fixed
                    and self.column_total[number] < self.column_high[number]
                ):
                    steps.append((("sink", 0), ("column up", number)))
            elif kind == "row":
                for cell in self.row_cells.get(number, ()):
                    if self.cell[cell] < self.high[cell]:
                        steps.append((("column", self.column[cell]), ("up", cell)))
                if flexible and self.row_total[number] > self.row_low[number]:
                    steps.append((("source", 0), ("row down", number)))
            elif kind == "source":
                for other, total in enumerate(self.row_total):
                    if total < self.row_high[other]:
                        steps.append((("row", other), ("row up", other)))
            else:
                for other, total in enumerate(self.column_total):
                    if total > self.column_low[other] and other not in fixed:
                        steps.append((("column", other), ("column down", other)))
            for target, step in steps:
                if target in came:
                    continue
                came[target] = (node, step)
                if target[0] == "column" and self.excess[target[1]] < 0:
                    return self._trace(came, target)
                queue.append(target)
        return None

    @staticmethod
    def _trace(came: dict[Step, tuple[Step, Step] | None], end: Step) -> list[Step]:
        path = []
        link = came[end]
        while link is not None:
            node, step = link
            path.append(step)
            link = came[node]
        return path

    def _apply(self, path: list[Step]) -> None:
        """Move one unit along the path: the first column loses its excess, the last its lack."""
        for step, number in path:
            if step == "down":
                self.cell[number] -= 1
                self.excess[self.column[number]] -= 1
            elif step == "up":
                self.cell[number] += 1
                self.excess[self.column[number]] += 1
            elif step == "row down":
                self.row_total[number] -= 1
            elif step == "row up":
                self.row_total[number] += 1
            elif step == "column up":
                self.column_total[number] += 1
                self.excess[number] -= 1
            else:
                self.column_total[number] -= 1
                self.excess[number] += 1
