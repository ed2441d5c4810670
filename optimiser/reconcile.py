"""The solved plan's money in whole pence that adds up every way a finance lead adds it.

Rounded one by one, each allocation's cost and each partner's share of it drift from the
rounded totals (a budget held at its £1,000,000 maximum added up to £1,000,000.06). Here the
money is rounded together, in two steps, so that it reconciles by construction:

1. Each financial year's money is a two-way table: budget lines across, each intervention in
   each funding zone (an "intervention-year-zone", where the funding balance is kept) down,
   the solver's f[b,i,zone] in the cells. Controlled rounding (``optimiser.rounding``) makes
   every cell whole pence, each line's total its spend rounded to the penny, each
   intervention-year-zone's total its cost rounded, and the grand total the plan's spend
   rounded, all adding up. Where the solver held a line at its maximum, its committed minimum
   or its partner's contracts (within half a penny per payment), the line takes exactly that.
2. Within each intervention-year-zone, each allocation's cost (unit cost x participants, plus
   any set-up cost, before rounding) is rounded by largest remainder so that the costs add up
   to the zone's total; then each line's pence in the zone are shared out among the
   allocations in proportion to their costs, by controlled rounding again, so that each
   allocation's payments add up to its cost, each line's payments to its pence, and each
   payment is within a penny of its share (cost x the line's pence / the zone's pence).

So each allocation is paid in full to the penny, each line's payments add up to its spend,
and the total spend is both the allocations' costs and the partners' contributions added up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from optimiser.model import Model
from optimiser.rounding import EPSILON, controlled_rounding, largest_remainder, nearest
from optimiser.rules.money import contracted
from optimiser.solve import value

# A line is held at a limit when its spend is within this many pence of it per payment.
HELD_PER_PAYMENT = 0.5
HELD = ("maximum", "committed minimum", "contracts")


@dataclass(frozen=True)
class ReconciledMoney:
    """The plan's money in pence.

    ``cost`` is each delivery's cost (delivery numbers as ``ParticipantBlock`` counts them);
    ``payment_delivery``, ``payment_line`` and ``payment`` list what each budget line
    (numbered in ``line_keys`` order) pays for each delivery; ``line_spend`` is each line's
    total and ``held`` the limit the solver held it at ("" where none).
    """

    cost: np.ndarray
    payment_delivery: np.ndarray
    payment_line: np.ndarray
    payment: np.ndarray
    line_keys: tuple[str, ...]
    line_spend: np.ndarray
    held: tuple[str, ...]


def reconcile(model: Model, costs: np.ndarray, zone_key: np.ndarray) -> ReconciledMoney:
    """Whole pence for every delivery's cost and every line's payment towards it.

    ``costs`` is each delivery's cost in pounds as solved and ``zone_key`` the number of its
    intervention-year-zone (``numpy.ravel_multi_index`` of intervention, period and zone).
    """
    line_keys = tuple(model.budget_lines)
    line_number = {key: n for n, key in enumerate(line_keys)}
    zone_number = {zone: n for n, zone in enumerate(model.zone_names)}
    intervention_number = {key: n for n, key in enumerate(model.interventions)}
    period = {year: n for n, year in enumerate(model.block.years)}
    shape = (len(model.interventions), len(model.block.years), len(model.zone_names))
    cell_line, cell_zone_key, cell_amount = [], [], []
    for (line_key, intervention_key, zone), var in model.funding.items():
        amount = value(var) * 100
        if amount > EPSILON:
            year = model.budget_lines[line_key].year
            cell_line.append(line_number[line_key])
            cell_zone_key.append(
                np.ravel_multi_index(
                    (intervention_number[intervention_key], period[year], zone_number[zone]),
                    shape,
                )
            )
            cell_amount.append(amount)
    lines = np.array(cell_line, dtype=np.int64)
    amounts = np.array(cell_amount, dtype=np.float64)
    zones, rows = np.unique(np.array(cell_zone_key, dtype=np.int64), return_inverse=True)
    held, fixed = _held_lines(model, line_keys, lines, amounts)
    table = controlled_rounding(rows, lines, amounts, (len(zones), len(line_keys)), fixed)
    cost, payment_delivery, payment_line, payment = _share_out(
        costs, zone_key, zones, rows, lines, table.cells, table.row_totals
    )
    return ReconciledMoney(
        cost=cost,
        payment_delivery=payment_delivery,
        payment_line=payment_line,
        payment=payment,
        line_keys=line_keys,
        line_spend=table.column_totals,
        held=held,
    )


def _held_lines(
    model: Model, line_keys: tuple[str, ...], lines: np.ndarray, amounts: np.ndarray
) -> tuple[tuple[str, ...], dict[int, int]]:
    """Which lines the solver held at a limit, and that limit in pence.

    A line within half a penny per payment of its maximum, committed minimum or its partner's
    contracts that year (when the partner has only that line that year) is held there: the
    difference (in practice the solver's tolerance, a tiny fraction of a penny) is shared
    among its payments in proportion to their size, changing ``amounts`` in place, so that
    they add up to exactly that figure, which the line then keeps through the rounding.
    """
    spend = np.bincount(lines, weights=amounts, minlength=len(line_keys))
    payments = np.bincount(lines, minlength=len(line_keys))
    contracts: dict[tuple[str, int], float] = defaultdict(float)
    for (partner, _intervention, year), amount in contracted(model).items():
        contracts[(partner, year)] += amount
    lines_of: dict[tuple[str, int], int] = defaultdict(int)
    for line in model.budget_lines.values():
        lines_of[(line.partner, line.year)] += 1
    held: list[str] = []
    fixed: dict[int, int] = {}
    for number, key in enumerate(line_keys):
        line = model.budget_lines[key]
        group = (line.partner, line.year)
        limits = (
            int(np.floor(line.maximum * 100 + EPSILON)),
            int(np.ceil(line.committed_minimum * 100 - EPSILON)),
            nearest(contracts[group] * 100) if lines_of[group] == 1 else 0,
        )
        tolerance = HELD_PER_PAYMENT * payments[number]
        label = next(
            (
                name
                for name, limit in zip(HELD, limits, strict=True)
                if limit > 0 and payments[number] and abs(spend[number] - limit) <= tolerance
            ),
            "",
        )
        held.append(label)
        if label:
            limit = limits[HELD.index(label)]
            amounts[lines == number] *= limit / spend[number]
            fixed[number] = limit
    return tuple(held), fixed


def _share_out(
    costs: np.ndarray,
    zone_key: np.ndarray,
    zones: np.ndarray,
    rows: np.ndarray,
    lines: np.ndarray,
    cells: np.ndarray,
    zone_totals: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each delivery's cost in pence, and each line's pence in its zone shared out among them.

    Costs add up to their zone's total by largest remainder. Then, in each zone, a line with F
    of the zone's G pence pays F/G of each delivery's cost C: a table (deliveries down, the
    zone's lines across) whose rows add up to whole costs and whose columns add up to whole
    lines. Controlled rounding keeps those totals, as they are whole already, and makes each
    payment C x F / G rounded down or up: within a penny of its exact share.
    """
    position = np.searchsorted(zones, zone_key)
    inside = position < len(zones)
    inside[inside] = zones[position[inside]] == zone_key[inside]
    group = np.where(inside, position, len(zones))  # deliveries in no funded zone: group "none"
    totals = np.append(zone_totals, 0)
    exact = np.maximum(costs, 0.0) * 100
    # The zone's total is its funding rounded, and its funding is its cost (the funding
    # balance), so the costs rounded down or up can add up to it. A zone with money but no
    # cost to weigh it by (solver noise) shares its money evenly.
    unweighted = (np.bincount(group, weights=exact, minlength=len(totals)) <= 0) & (totals > 0)
    size = np.bincount(group, minlength=len(totals))
    even = np.divide(totals, size, out=np.zeros(len(totals)), where=size > 0)
    cost = largest_remainder(np.where(unweighted[group], even[group], exact), totals, group)

    # One cell per (paid delivery, paying line of its zone).
    paid = np.flatnonzero(cost > 0)
    paid = paid[np.argsort(group[paid], kind="stable")]
    first = np.searchsorted(group[paid], np.arange(len(zones)))
    count = np.bincount(group[paid], minlength=len(zones))
    paying = np.flatnonzero((cells > 0) & (count[rows] > 0))
    per_line = count[rows[paying]]
    line_cell = np.repeat(paying, per_line)
    offset = np.arange(len(line_cell)) - np.repeat(np.cumsum(per_line) - per_line, per_line)
    delivery = paid[first[rows[line_cell]] + offset]
    share = cells[line_cell] / zone_totals[rows[line_cell]]
    table = controlled_rounding(
        np.searchsorted(paid, delivery, sorter=np.argsort(paid)),
        np.searchsorted(paying, line_cell),
        cost[delivery] * share,
        (len(paid), len(paying)),
    )
    keep = table.cells > 0
    return cost, delivery[keep], lines[line_cell[keep]], table.cells[keep]
