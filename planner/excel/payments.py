"""What each partner pays for each allocation, in pence, so that the Funding sheet's partner-by-
year totals equal the solver's figures to the penny and every allocation is paid in full.

The optimiser reports each allocation's cost, and what each partner pays towards it, rounded to
the penny one by one. Added up, a partner's payments in a year drift from the solver's figure
by a few pence (a budget held at its £1,000,000 maximum could show £1,000,000.06), and a year's
rounded costs drift from what the partners pay in it. So:

1. Each partner's spend in each year (a group) gets a target in whole pence: the budget maximum
   or committed minimum when the reported payments come within their rounding of it (the solver
   held the partner there), otherwise the payments as reported; then the odd pennies of the
   years the solver did not hold make each partner's years add up to its contribution as solved.
2. Within each year, the reported payments move a penny at a time to meet the targets: first
   where an allocation's payments fall a penny short of (or over) its cost, then between two
   partners paying for the same allocation, and only then by a penny more or less on an
   allocation's cost (its participants follow, so cost is still participants x unit cost).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from optimiser import Allocation
from planner.excel.plan_view import BudgetLimit, PlanWorkbookView

AllocationKey = tuple[str, str, int]
Group = tuple[str, int]


@dataclass(frozen=True)
class Payments:
    """Pence each partner pays for each allocation (in `partners` order), each allocation's cost
    in pence as the workbook shows it, and the partner-by-year totals."""

    partners: tuple[str, ...]
    by_allocation: Mapping[AllocationKey, tuple[int, ...]]
    costs: Mapping[AllocationKey, int]
    by_partner_year: Mapping[Group, int]

    def pounds(self, allocation: Allocation) -> list[Decimal]:
        pence = self.by_allocation.get(_key(allocation), (0,) * len(self.partners))
        return [Decimal(amount) / 100 for amount in pence]

    def cost(self, allocation: Allocation) -> Decimal:
        """The allocation's cost as the workbook shows it: the plan's, or a penny from it where
        rounding had to go somewhere."""
        return Decimal(self.costs.get(_key(allocation), _pence(allocation.cost))) / 100

    @property
    def total(self) -> Decimal:
        return Decimal(sum(self.costs.values())) / 100


@dataclass
class _Row:
    """One allocation's payments while the pennies are moved."""

    key: AllocationKey
    cost: int
    paid: list[int]
    moved: int = 0

    @property
    def short(self) -> int:
        return self.cost - sum(self.paid)


@dataclass
class _Year:
    rows: list[_Row]
    need: list[int]  # pence each partner's total still needs (negative: has too many)
    funders: list[list[_Row]] = field(default_factory=list)


def plan_payments(view: PlanWorkbookView) -> Payments:
    """Every allocation's payments in whole pence: each partner-year on the solver's figure,
    each allocation paid in full."""
    partners = tuple(view.partner_keys())
    column_of = {partner: index for index, partner in enumerate(partners)}
    years: dict[int, list[_Row]] = defaultdict(list)
    costs: dict[AllocationKey, int] = {}
    by_allocation: dict[AllocationKey, tuple[int, ...]] = {}
    for allocation in view.result.allocations:
        paid = [0] * len(partners)
        for funding in allocation.funding:
            paid[column_of[funding.partner]] += _pence(funding.amount)
        costs[_key(allocation)] = _pence(allocation.cost)
        if sum(paid) > 0:
            years[allocation.year].append(_Row(_key(allocation), _pence(allocation.cost), paid))
        else:
            # Nobody pays for it: the workbook shows its cost unpaid, and Checks says so.
            by_allocation[_key(allocation)] = tuple(paid)
    targets = group_targets(view, partners, years)
    for year, rows in years.items():
        need = [
            targets.get((partner, year), 0) - sum(row.paid[index] for row in rows)
            for index, partner in enumerate(partners)
        ]
        _settle(_Year(rows, need, [[r for r in rows if r.paid[i] > 0] for i in column_of.values()]))
        for row in rows:
            by_allocation[row.key] = tuple(row.paid)
            costs[row.key] = sum(row.paid)
    totals: dict[Group, int] = defaultdict(int)
    for (_intervention, _place, year), pence in by_allocation.items():
        for partner, amount in zip(partners, pence, strict=True):
            totals[(partner, year)] += amount
    return Payments(partners, by_allocation, costs, dict(totals))


def group_targets(
    view: PlanWorkbookView, partners: Sequence[str], years: Mapping[int, list[_Row]]
) -> dict[Group, int]:
    """Each partner-year's total in pence as the solver had it: held at its budget bound where
    the plan was, and each partner's years adding up to its contribution."""
    limits: dict[Group, BudgetLimit] = {}
    for limit in view.budget_limits:
        limits.setdefault((limit.partner, limit.year), limit)
    targets: dict[Group, int] = {}
    held: set[Group] = set()
    for year, rows in years.items():
        for index, partner in enumerate(partners):
            amounts = [row.paid[index] for row in rows if row.paid[index] > 0]
            if not amounts:
                continue
            group, reported = (partner, year), sum(amounts)
            targets[group] = reported
            # Each reported payment is within half a penny of what the solver paid.
            slack = len(amounts) // 2 + 1
            line = limits.get(group)
            bounds = (line.maximum, line.minimum) if line is not None else ()
            for bound in (_pence(bound) for bound in bounds if bound > 0):
                if abs(reported - bound) <= slack:
                    targets[group] = bound
                    held.add(group)
                    break
    for outcome in view.result.partners:
        free = sorted(
            (group for group in targets if group[0] == outcome.partner and group not in held),
            key=lambda group: -targets[group],
        )
        short = _pence(outcome.contribution) - sum(
            amount for group, amount in targets.items() if group[0] == outcome.partner
        )
        # Only rounding: a difference of more than a penny a year is left for Checks to show.
        if not free or abs(short) > len(free) * len(years) + 1:
            continue
        for penny in range(abs(short)):
            group = free[penny % len(free)]
            targets[group] += 1 if short > 0 else -1
    return targets


def _settle(year: _Year) -> None:
    """Move pennies until every partner's total in the year meets its target."""
    # 1. An allocation whose payments miss its cost by a penny takes or gives one where a
    #    partner needs it: both come right at once.
    for index, rows in enumerate(year.funders):
        for row in rows:
            step = _sign(year.need[index])
            if step and _sign(row.short) == step and row.paid[index] + step >= 0:
                row.paid[index] += step
                year.need[index] -= step

    # 2. Between two partners paying for the same allocation: its cost is unchanged.
    def swap(row: _Row, taker: int) -> bool:
        giver = next(
            (
                other
                for other, amount in enumerate(row.paid)
                if other != taker and amount > 0 and year.need[other] < 0
            ),
            None,
        )
        if giver is None:
            return False
        row.paid[taker] += 1
        row.paid[giver] -= 1
        year.need[taker] -= 1
        year.need[giver] += 1
        return True

    # 3. What is left is the rounding of the year's costs: a penny on as many allocations.
    def nudge(row: _Row, index: int) -> bool:
        step = _sign(year.need[index])
        if row.paid[index] + step < 0:
            return False
        row.paid[index] += step
        row.moved += 1
        year.need[index] -= step
        return True

    for move in (swap, nudge):
        for index, rows in enumerate(year.funders):
            order = sorted(rows, key=partial(_least_moved_largest_first, index=index))
            progress = True
            while year.need[index] and progress:
                progress = False
                for row in order:
                    if year.need[index] and (move is nudge or year.need[index] > 0):
                        progress = move(row, index) or progress


def _least_moved_largest_first(row: _Row, index: int) -> tuple[int, int]:
    """Spread the pennies: allocations not yet moved first, then those the partner pays most."""
    return (row.moved, -row.paid[index])


def _sign(number: int) -> int:
    return (number > 0) - (number < 0)


def _key(allocation: Allocation) -> AllocationKey:
    return (allocation.intervention, allocation.place, allocation.year)


def _pence(amount: float) -> int:
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1)))
