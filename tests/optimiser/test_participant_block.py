"""The participant block: columns as arrays, their coefficients in PuLP rows, the hand-over."""

from __future__ import annotations

import numpy as np
import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, ExistingContract, Place, SolveStatus, build, optimise
from optimiser.block import ParticipantBlock
from optimiser.solve import solve_model, value

THREE_SEGMENTS = {"segment_shares": (1 / 3, 1 / 3, 1 / 3), "segment_multipliers": (1.0, 0.8, 0.6)}


def test_grid_has_a_column_per_reachable_place_year_and_segment() -> None:
    """Reach: a in l 6, b in m 3; a zero-share segment gets no column."""
    block = ParticipantBlock.grid(
        ("a", "b"),
        ("l", "m"),
        (2026, 2027),
        (0.5, 0.0, 0.5),
        np.array([[6.0, 0.0], [0.0, 3.0]]),
    )
    assert list(block.keys()) == [
        ("a", "l", 2026, 0),
        ("a", "l", 2026, 2),
        ("a", "l", 2027, 0),
        ("a", "l", 2027, 2),
        ("b", "m", 2026, 0),
        ("b", "m", 2026, 2),
        ("b", "m", 2027, 0),
        ("b", "m", 2027, 2),
    ]
    assert block.upper.tolist() == [3, 3, 3, 3, 1.5, 1.5, 1.5, 1.5]
    assert block.delivery_count() == 4
    assert block.per_delivery(np.arange(8.0)).tolist() == [1, 5, 9, 13]
    assert block.columns_of("b").tolist() == [4, 5, 6, 7]
    assert block.columns_of("nobody").tolist() == []


def test_coefficients_come_out_column_by_column_in_the_order_attached() -> None:
    block = ParticipantBlock.grid(("a",), ("l",), (2026,), (0.5, 0.5), np.array([[4.0]]))
    block.attach(["reduction_1", "reduction_2"], np.array([0, 1, 1]), [0, 0, 1], [-1, -2, -3])
    block.attach(["funding"], np.array([0, 0]), [0, 1], [-10, -10])
    starts, rows, values = block.column_matrix()
    assert starts.tolist() == [0, 3]
    assert [block.rows[r] for r in rows] == [
        "reduction_1",
        "reduction_2",
        "funding",
        "reduction_2",
        "funding",
    ]
    assert values.tolist() == [-1, -2, -10, -3, -10]
    assert block.nonzeros == 5


def test_solution_comes_back_as_arrays_and_rows_see_the_block() -> None:
    """£100 at £10 each, 3 avoided, capacity 6: 6 people, £60; the rest cannot be spent."""
    inputs = partnership((BudgetLine("p", 2026, 100),), (intervention("a", 10, 3, capacity=6),))
    model = build(inputs, simple_rules())
    result = solve_model(model)
    assert result.status is SolveStatus.OPTIMAL
    assert model.block.value_array().tolist() == pytest.approx([6])
    assert value(model.total_spend) == pytest.approx(60)
    assert value(model.reduction["d"]) == pytest.approx(18)
    # At its bound, one more place would add 3 avoided for £10 of otherwise idle money.
    assert model.block.reduced_cost_array().tolist() == pytest.approx([-3])


def _contract_case(place: str | None) -> tuple[float | None, dict[tuple[str, str], float]]:
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 3), intervention("b", 10, 1)),
        places=(
            Place("l", "Halifax", "Calderdale", {"children": 3000}),
            Place("m", "Dewsbury", "Kirklees", {"children": 6}),
        ),
        contracts=(ExistingContract("p", "b", (2026,), 30, place=place),),
    )
    plan = optimise(inputs, simple_rules(**THREE_SEGMENTS), compare_pooling=False)
    assert plan.status is SolveStatus.OPTIMAL
    return plan.objective, {(a.intervention, a.place): a.participants for a in plan.allocations}


def test_a_contract_for_a_place_keeps_delivery_there() -> None:
    """£100. A: £10, 3 avoided; B: £10, 1 avoided; P's contract keeps £30 on B.
    Halifax has 3,000 children (segments of 1,000), Dewsbury 6 (segments of 2, x1, x0.8, x0.6).
    Unplaced, B's 3 people all count x1 (Halifax, or 2 of them in Dewsbury): 3 + A's 7 x 3 = 24.
    Placed in Dewsbury, they fill 2 at x1 and 1 at x0.8: 2.8 + 21 = 23.8."""
    objective, people = _contract_case(place=None)
    assert objective == pytest.approx(24)
    assert people.get(("b", "m"), 0) <= 2 + 1e-6
    assert people.get(("b", "l"), 0) + people.get(("b", "m"), 0) == pytest.approx(3)

    objective, people = _contract_case(place="m")
    assert objective == pytest.approx(23.8)
    assert people == pytest.approx({("a", "l"): 7, ("b", "m"): 3})


def test_two_partners_contracts_in_one_place_add_up() -> None:
    """P and Q each £100. A: £10, 3 avoided; B: £10, 1 avoided. P's contract keeps £30 of B in
    Dewsbury, Q's £20: at least £50 of B there, not the larger £30. Dewsbury has 6 children
    (segments of 2, x1, x0.8, x0.6), Halifax 3,000 (x1 for the first 1,000).
    B's 5 people all in Dewsbury: 2 + 2 x 0.8 + 0.6 = 4.2; A's 15 at x1: 45. In all 49.2.
    (Holding only the larger contract there, 3 in Dewsbury and 2 in Halifax would give 49.8.)"""
    inputs = partnership(
        (BudgetLine("p", 2026, 100), BudgetLine("q", 2026, 100)),
        (intervention("a", 10, 3), intervention("b", 10, 1)),
        places=(
            Place("l", "Halifax", "Calderdale", {"children": 3000}),
            Place("m", "Dewsbury", "Kirklees", {"children": 6}),
        ),
        contracts=(
            ExistingContract("p", "b", (2026,), 30, place="m"),
            ExistingContract("q", "b", (2026,), 20, place="m"),
        ),
    )
    plan = optimise(inputs, simple_rules(**THREE_SEGMENTS), compare_pooling=False)
    assert plan.status is SolveStatus.OPTIMAL
    assert plan.objective == pytest.approx(49.2)
    people = {(a.intervention, a.place): a.participants for a in plan.allocations}
    # A's 15 may sit in either place (its first 2 in Dewsbury count x1 too): a tie.
    assert people.get(("b", "m")) == pytest.approx(5)
    assert people.get(("b", "l"), 0) == pytest.approx(0)
    assert people.get(("a", "l"), 0) + people.get(("a", "m"), 0) == pytest.approx(15)
    held = [rule for rule in plan.binding_constraints if rule.family == "contracts_place"]
    assert len(held) == 1
    assert held[0].label == (
        "The total of the partners' existing contracts for B in Dewsbury in 2026/27 (£50)"
    )
    # Its sentence holds when acted on: £10 less required there moves one person to Halifax,
    # at x1 instead of x0.6.
    assert "£10 less required would add about £0.40" in held[0].sentence
