"""Money in whole pence that reconciles: a hand-worked plan whose costs have thirds of a penny,
the rounding functions on their own, and properties of every random partnership's plan."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from optimiser_builders import intervention, partnership, simple_rules
from test_properties import SETTINGS, partnerships

from optimiser import (
    BudgetLine,
    Place,
    Plan,
    PlanningInputs,
    ScenarioRules,
    build,
    optimise,
    plan_from_dict,
    plan_to_dict,
)
from optimiser.reconcile import reconcile
from optimiser.report import delivery_costs
from optimiser.rounding import controlled_rounding, largest_remainder, nearest
from optimiser.solve import solve_model


def pence(pounds: float) -> int:
    """A plan's figure in pence; the figures are whole pence, so this is exact."""
    whole = round(pounds * 100)
    assert abs(pounds * 100 - whole) < 1e-6, f"{pounds} is not a whole number of pence"
    return whole


def test_three_allocations_two_partners_with_thirds_of_a_penny():
    """One programme at £10 a participant in places A, B and C with 100, 400 and 700 children,
    three equal slices of each (multipliers 1, 0.8, 0.6). P has £2,500, Q £1,500: £4,000 buys
    exactly the first slice everywhere, 33⅓, 133⅓ and 233⅓ participants, costing £333.33⅓,
    £1,333.33⅓ and £2,333.33⅓. P pays 5/8 of each and Q 3/8, both held at their maximums.

    Rounded one by one, the costs add up to £3,999.99 and P's shares (£208.33⅓, £833.33⅓,
    £1,458.33⅓) to £2,499.99 against the £4,000 and £2,500 the partners pay.

    Reconciled: the zone's £4,000.00 (400,000p) goes to the costs by largest remainder:
    33,333 + 133,333 + 233,333 = 399,999p, and the odd penny to the first of the three equal
    remainders, A: £333.34, £1,333.33, £2,333.33. P, the larger line, pays 250,000/400,000 =
    5/8 of each: 20,833.75p, 83,333.125p and 145,833.125p, by largest remainder to 250,000p:
    20,834 + 83,333 + 145,833. Q pays what is left: 12,500 + 50,000 + 87,500 = 150,000p."""
    inputs = partnership(
        (BudgetLine("p", 2026, 2500), BudgetLine("q", 2026, 1500)),
        (intervention("m", 10, 1),),
        places=tuple(
            Place(key, key.upper(), "Calderdale", {"children": children})
            for key, children in (("a", 100), ("b", 400), ("c", 700))
        ),
    )
    rules = simple_rules(segment_shares=(1 / 3, 1 / 3, 1 / 3), segment_multipliers=(1, 0.8, 0.6))
    plan = optimise(inputs, rules, compare_pooling=False)

    shown = {
        a.place: (a.participants, a.cost, {f.partner: f.amount for f in a.funding})
        for a in plan.allocations
    }
    assert shown == {
        "a": (33.3333, 333.34, {"p": 208.34, "q": 125.00}),
        "b": (133.3333, 1333.33, {"p": 833.33, "q": 500.00}),
        "c": (233.3333, 2333.33, {"p": 1458.33, "q": 875.00}),
    }
    assert plan.total_spend == 4000.00
    assert {p.partner: p.contribution for p in plan.partners} == {"p": 2500.00, "q": 1500.00}
    assert [(line.budget_line, line.spend, line.held) for line in plan.budget_lines] == [
        ("p-2026", 2500.00, "maximum"),
        ("q-2026", 1500.00, "maximum"),
    ]
    assert [(year.year, year.spend) for year in plan.spend_by_year] == [(2026, 4000.00)]
    assert [place.spend for place in plan.places] == [333.34, 1333.33, 2333.33]
    assert plan.evidence_mix[0].spend == 4000.00


def test_largest_remainder_gives_odd_units_to_the_largest_remainders_per_group():
    amounts = np.array([1.5, 2.25, 0.75, 3.2, 3.2, 3.6])
    groups = np.array([0, 0, 0, 1, 1, 1])
    # Group 0: 1 + 2 + 0 = 3, two short: 0.75 then 0.5. Group 1: 9, one short, 0.6 first.
    rounded = largest_remainder(amounts, np.array([5, 10]), groups)
    assert rounded.tolist() == [2, 2, 1, 3, 3, 4]
    # Equal remainders (thirds, with float noise) tie, and ties go to the first.
    thirds = np.array([1 / 3, 1 / 3 + 1e-12, 1 / 3 - 1e-12])
    assert largest_remainder(thirds, np.array([1]), np.zeros(3, int)).tolist() == [1, 0, 0]
    # A total below the amounts rounded down takes units from the smallest remainders.
    assert largest_remainder(np.array([2.9, 3.1]), np.array([4]), np.zeros(2, int)).tolist() == [
        2,
        2,
    ]
    assert nearest(2.5) == 3 and nearest(-0.5) == 0 and nearest(1.49) == 1


def test_controlled_rounding_moves_a_total_when_the_cells_cannot_add_up_otherwise():
    """Cells: row 0 has ½ in column 1, row 1 has ½ in column 0. Rounded on their own, the row
    totals (½, ½) and column totals (½, ½) both give their odd unit to the first: row 0 and
    column 0. But column 0's only cell is in row 1, so no cells add up to those totals: one
    total has to move: column 0's unit goes to column 1, and the unit is in row 0, column 1.
    """
    table = controlled_rounding(
        np.array([0, 1]), np.array([1, 0]), np.array([0.5, 0.5]), (2, 2), None
    )
    assert table.cells.tolist() == [1, 0]
    assert table.row_totals.tolist() == [1, 0]
    assert table.column_totals.tolist() == [0, 1]


@st.composite
def tables(draw: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int], dict]:
    """Sparse tables of pence with thirds, halves and odd fractions; some columns held at a
    whole total (their cells scaled to add up to it, as a line held at its maximum is)."""
    rows, columns = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    cells = [
        (r, c) for r in range(rows) for c in range(columns) if draw(st.integers(0, 2)) > 0
    ] or [(0, 0)]
    fractions = st.sampled_from([0.0, 1 / 3, 2 / 3, 0.5, 0.25, 0.9999, 0.0001])
    amounts = np.array(
        [draw(st.integers(0, 10_000)) + draw(fractions) + draw(st.floats(0, 1)) for _ in cells]
    )
    row = np.array([r for r, _c in cells])
    column = np.array([c for _r, c in cells])
    fixed = {}
    for c in range(columns):
        total = amounts[column == c].sum()
        if total > 1 and draw(st.booleans()):
            whole = int(np.ceil(total))
            amounts[column == c] *= whole / total
            fixed[c] = whole
    return row, column, amounts, (rows, columns), fixed


@SETTINGS
@given(tables())
def test_controlled_rounding_adds_up_every_way(case: tuple) -> None:
    row, column, amounts, shape, fixed = case
    table = controlled_rounding(row, column, amounts.copy(), shape, fixed)
    # Every cell and every total is its exact figure rounded down or up...
    assert np.all(np.abs(table.cells - amounts) < 1 + 1e-6)
    exact_rows = np.bincount(row, weights=amounts, minlength=shape[0])
    exact_columns = np.bincount(column, weights=amounts, minlength=shape[1])
    assert np.all(np.abs(table.row_totals - exact_rows) < 1 + 1e-6)
    assert np.all(np.abs(table.column_totals - exact_columns) < 1 + 1e-6)
    # ...held columns keep their total, the grand total is the nearest whole number...
    assert all(table.column_totals[c] == whole for c, whole in fixed.items())
    assert table.total == nearest(float(amounts.sum()))
    # ...and the cells add up across and down to the totals.
    assert np.bincount(row, weights=table.cells, minlength=shape[0]).tolist() == (
        table.row_totals.tolist()
    )
    assert np.bincount(column, weights=table.cells, minlength=shape[1]).tolist() == (
        table.column_totals.tolist()
    )
    assert int(table.column_totals.sum()) == table.total


def _effective_limits(inputs: PlanningInputs, rules: ScenarioRules) -> dict[str, tuple[int, int]]:
    """Each line's (maximum, committed minimum) in pence, with the scenario's overrides."""
    overrides = {o.budget_line: o for o in rules.budget_overrides}
    limits = {}
    for line in inputs.budget_lines:
        override = overrides.get(line.key)
        maximum = line.maximum if override is None or override.maximum is None else override.maximum
        limits[line.key] = (
            int(np.floor(maximum * 100 + 1e-6)),
            int(np.ceil(min(line.committed_minimum, maximum) * 100 - 1e-6)),
        )
    return limits


def check_reconciled(inputs: PlanningInputs, rules: ScenarioRules, plan: Plan) -> None:
    """The plan's money reconciles to the penny, every way it is added up."""
    by_partner_year: dict[tuple[str, int], int] = defaultdict(int)
    for allocation in plan.allocations:
        paid = [pence(funding.amount) for funding in allocation.funding]
        assert sum(paid) == pence(allocation.cost), allocation
        assert all(amount > 0 for amount in paid)
        for funding in allocation.funding:
            by_partner_year[(funding.partner, allocation.year)] += pence(funding.amount)
    lines_by_partner_year: dict[tuple[str, int], int] = defaultdict(int)
    limits = _effective_limits(inputs, rules)
    for line in plan.budget_lines:
        spend = pence(line.spend)
        lines_by_partner_year[(line.partner, line.year)] += spend
        maximum, minimum = limits[line.budget_line]
        assert minimum <= spend <= maximum, line
        assert pence(line.maximum) == maximum
        if line.held == "maximum":
            assert spend == maximum
        elif line.held == "committed minimum":
            assert spend == minimum
    assert {key: amount for key, amount in by_partner_year.items() if amount} == {
        key: amount for key, amount in lines_by_partner_year.items() if amount
    }
    total = pence(plan.total_spend)
    assert total == sum(pence(a.cost) for a in plan.allocations)
    assert total == sum(pence(p.contribution) for p in plan.partners)
    assert total == sum(pence(line.spend) for line in plan.budget_lines)
    assert total == sum(pence(place.spend) for place in plan.places)
    assert total == sum(pence(share.spend) for share in plan.evidence_mix)
    assert total == sum(pence(year.spend) for year in plan.spend_by_year)
    for outcome in plan.partners:
        assert pence(outcome.contribution) == sum(
            amount
            for (partner, _year), amount in by_partner_year.items()
            if partner == outcome.partner
        )


@SETTINGS
@given(partnerships())
def test_every_plan_reconciles_to_the_penny(case: tuple[PlanningInputs, ScenarioRules]) -> None:
    inputs, rules = case
    plan = optimise(inputs, rules, compare_pooling=False, time_limit=20)
    check_reconciled(inputs, rules, plan)


@SETTINGS
@given(partnerships())
def test_every_figure_is_within_a_penny_of_the_solvers(
    case: tuple[PlanningInputs, ScenarioRules],
) -> None:
    """Each delivery's cost is the solver's rounded down or up; each line's spend is its
    funding rounded down or up, or exactly the limit the solver held it at; and each payment
    is its share of the zone's money (cost x the line's pence / the zone's pence) rounded down
    or up."""
    inputs, rules = case
    model = build(inputs, rules)
    assert solve_model(model, 20).status.has_plan
    costs, zone_key = delivery_costs(model)
    money = reconcile(model, costs, zone_key)
    assert np.all(np.abs(money.cost - costs * 100) < 1 + 1e-6)
    solver_spend = defaultdict(float)
    for (line_key, _intervention, _zone), var in model.funding.items():
        solver_spend[line_key] += (var.varValue or 0.0) * 100
    limits = {"maximum": "maximum", "committed minimum": "committed_minimum"}
    for key, spend, held in zip(money.line_keys, money.line_spend, money.held, strict=True):
        if held in limits:
            limit = getattr(model.budget_lines[key], limits[held]) * 100
            assert spend == round(limit) and abs(solver_spend[key] - limit) < 1e-3
        elif not held:
            assert abs(spend - solver_spend[key]) < 1 + 1e-6, key
    line_in_zone: dict[tuple[int, int], int] = defaultdict(int)
    for delivery, line, amount in zip(
        money.payment_delivery, money.payment_line, money.payment, strict=True
    ):
        line_in_zone[(line, zone_key[delivery])] += amount
    zone_total = np.bincount(zone_key, weights=money.cost)
    for delivery, line, amount in zip(
        money.payment_delivery, money.payment_line, money.payment, strict=True
    ):
        zone = zone_key[delivery]
        share = money.cost[delivery] * line_in_zone[(line, zone)] / zone_total[zone]
        assert abs(amount - share) < 1 + 1e-6


@pytest.mark.parametrize("maximum", [1_000_000, 999_999.99, 1_000_000.01])
def test_a_line_held_at_its_maximum_shows_exactly_its_maximum(maximum: float) -> None:
    """A programme at £3,100.37 a participant that could take any money, and one line: all of
    it is spent, and the payments (a third of a million participants' worth, in three places)
    add up to exactly the maximum, not a few pence either side."""
    inputs = partnership(
        (BudgetLine("p", 2026, maximum),),
        (intervention("m", 3100.37, 1),),
        places=tuple(
            Place(key, key.upper(), "Calderdale", {"children": 10**6}) for key in ("a", "b", "c")
        ),
    )
    rules = simple_rules(segment_shares=(1 / 3,) * 3, segment_multipliers=(1, 0.8, 0.6))
    plan = optimise(inputs, rules, compare_pooling=False)
    assert [(line.spend, line.held) for line in plan.budget_lines] == [(maximum, "maximum")]
    assert sum(pence(f.amount) for a in plan.allocations for f in a.funding) == pence(maximum)
    check_reconciled(inputs, rules, plan)


def test_plans_stored_before_the_money_was_reconciled_still_load() -> None:
    inputs = partnership(
        (BudgetLine("p", 2026, 60), BudgetLine("q", 2026, 40)), (intervention("a", 10, 3),)
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)
    stored = json.loads(json.dumps(plan_to_dict(plan)))
    assert plan_from_dict(stored) == plan
    assert stored["budget_lines"][0] == {
        "budget_line": "p-2026",
        "partner": "p",
        "year": 2026,
        "spend": 60.0,
        "maximum": 60.0,
        "committed_minimum": 0.0,
        "held": "maximum",
    }
    assert stored["spend_by_year"] == [{"year": 2026, "spend": 100.0}]
    del stored["budget_lines"], stored["spend_by_year"]
    older = plan_from_dict(stored)
    assert older.budget_lines == () and older.spend_by_year == ()
    assert older.total_spend == 100.0 and older.allocations == plan.allocations
