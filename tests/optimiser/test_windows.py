"""Closed commissioning windows: money they hold at nothing has no variable and no rule.

A partner whose window is closed keeps its funding of each intervention where
it was: at its existing contracts in the first year, at last year's level
after. Where that can only be zero (no contract, nothing it could have paid
before), the money gets no variable, so no equality row pins it and no
"binding" window rule with a shadow price reads as if it meant something.
"""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import (
    BudgetLine,
    CommissioningCycle,
    ExistingContract,
    Partner,
    build,
    optimise,
)

TWO_YEARS = {"horizon_years": 2, "appraisal_years": 2}


def _money(model):  # type: ignore[no-untyped-def]
    """(partner, intervention, year) that have funding variables."""
    return set(model.funding_index)


def _windows(model):  # type: ignore[no-untyped-def]
    return {row.keys for row in model.rows.values() if row.family == "window"}


def test_closed_first_year_without_contract_creates_no_money_and_no_window_row():
    """P's window is closed in 2026/27 with a contract for B only: P's money for A would be
    pinned at zero, so it does not exist; its money for B is held at the contract and keeps
    its window row (which holds the plan back: the hand-solved plan of test_hand_solved)."""
    inputs = partnership(
        (BudgetLine("p", 2026, 60), BudgetLine("q", 2026, 40)),
        (intervention("a", 10, 3), intervention("b", 20, 5)),
        cycles=(CommissioningCycle("p", open_years=(2027,)),),
        contracts=(ExistingContract("p", "b", (2026,), 30),),
    )
    model = build(inputs, simple_rules())

    assert _money(model) == {("p", "b", 2026), ("q", "a", 2026), ("q", "b", 2026)}
    assert _windows(model) == {("p", "b", 2026)}
    plan = optimise(inputs, simple_rules(), compare_pooling=False)
    assert plan.objective == pytest.approx(19.5)
    assert [b.row for b in plan.binding_constraints if b.family == "window"] == ["window|p|b|2026"]


def test_window_holds_money_along_the_chain_of_closed_years():
    """P: window closed in 2026/27 and 2027/28; a contract for B in 2026/27 only. B's money
    in 2027/28 continues at last year's level (a real rule); A has nothing to continue in
    either year, so no money. Q's window opens in 2027/28 only, with no contract: it has
    money for both programmes in 2027/28 and none in 2026/27."""
    inputs = partnership(
        tuple(BudgetLine(p, year, 100) for p in ("p", "q") for year in (2026, 2027)),
        (intervention("a", 10, 3), intervention("b", 20, 5)),
        cycles=(
            CommissioningCycle("p", open_years=(2028,)),
            CommissioningCycle("q", open_years=(2027,)),
        ),
        contracts=(ExistingContract("p", "b", (2026,), 30),),
    )
    model = build(inputs, simple_rules(**TWO_YEARS))

    assert _money(model) == {
        ("p", "b", 2026),
        ("p", "b", 2027),
        ("q", "a", 2027),
        ("q", "b", 2027),
    }
    assert _windows(model) == {("p", "b", 2026), ("p", "b", 2027)}
    plan = optimise(inputs, simple_rules(**TWO_YEARS), compare_pooling=False)
    paid = {
        (a.intervention, a.year, f.partner): f.amount for a in plan.allocations for f in a.funding
    }
    assert paid[("b", 2026, "p")] == pytest.approx(30)
    assert paid[("b", 2027, "p")] == pytest.approx(30)  # held at last year's level
    assert sum(amount for (_i, year, _p), amount in paid.items() if year == 2026) == (
        pytest.approx(30)
    )


def test_contract_in_a_later_closed_year_keeps_its_money_so_the_clash_is_diagnosed():
    """P's window is closed in both years and its only contract (for A) starts in 2027/28:
    the window holds 2027/28 at 2026/27's nothing, the contract asks for £50. The money
    stays so that the diagnosis can name the window and the contract."""
    inputs = partnership(
        tuple(BudgetLine("p", year, 100) for year in (2026, 2027)),
        (intervention("a", 10, 3),),
        partners=(Partner("p", "Partner P"),),
        cycles=(CommissioningCycle("p", open_years=()),),
        contracts=(ExistingContract("p", "a", (2027,), 50),),
    )
    model = build(inputs, simple_rules(**TWO_YEARS))
    assert _money(model) == {("p", "a", 2027)}

    plan = optimise(inputs, simple_rules(**TWO_YEARS), compare_pooling=False)
    assert plan.diagnosis is not None
    families = {clash.family for clash in plan.diagnosis.clashes}
    assert families & {"window", "contract"}


def test_programme_only_closed_partners_may_pay_for_says_so():
    """Only P's line may pay for school programmes and P's window is closed with no
    contract: the school programme is not funded because of the window, in words."""
    inputs = partnership(
        (
            BudgetLine("p", 2026, 100, ring_fence=("school",)),
            BudgetLine("q", 2026, 100, ring_fence=("family",)),
        ),
        (intervention("a", 10, 3), intervention("s", 10, 5, category="school")),
        cycles=(CommissioningCycle("p", open_years=(2027,)),),
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)

    (school,) = [n for n in plan.not_funded if n.intervention == "s"]
    assert school.reason == "no_budget"
    assert school.sentence == (
        "S is not funded: the only budget lines that may pay for it where it can be delivered "
        "belong to partners whose commissioning windows are closed and who have no existing "
        "contract for it (Partner P)."
    )
    assert not [b for b in plan.binding_constraints if b.family == "window"]
