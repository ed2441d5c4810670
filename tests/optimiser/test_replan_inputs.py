"""In-year re-planning, money set aside and the stop list: hand-solved cases and properties."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, CommissioningCycle, ExistingContract, optimise
from optimiser.replan import HeldFunding, replan_inputs, set_aside, with_evidence
from optimiser.stopping import Commitment, stop_inputs, stop_list

TWO_YEARS = {"horizon_years": 2, "appraisal_years": 2}


def _funding(plan) -> dict[tuple[str, str, int], float]:  # type: ignore[no-untyped-def]
    money: dict[tuple[str, str, int], float] = defaultdict(float)
    for allocation in plan.allocations:
        for payment in allocation.funding:
            money[(payment.partner, allocation.intervention, allocation.year)] += payment.amount
    return money


def test_spent_money_is_held_when_the_rest_of_the_year_is_replanned():
    """A: £10 each, 3 avoided (0.30/£); B: £20 each, 5 avoided (0.25/£). P has £100.
    Unheld, all £100 goes to A: 10 people, 30 avoided. P has already spent £40 on B, so B
    keeps £40 (2 people, 10 avoided) and A gets the other £60 (6 people, 18 avoided): 28."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 3), intervention("b", 20, 5)),
    )
    rules = simple_rules()
    assert _funding(optimise(inputs, rules, compare_pooling=False))[("p", "b", 2026)] == 0
    held = [HeldFunding("p", "b", 2026, 40, place="l")]
    new_inputs, new_rules = replan_inputs(inputs, rules, held, 2026)
    plan = optimise(new_inputs, new_rules, compare_pooling=False)
    funding = _funding(plan)
    assert round(funding[("p", "b", 2026)], 6) == 40
    assert round(funding[("p", "a", 2026)], 6) == 60
    assert round(plan.objective, 6) == 28


def test_replanning_from_the_second_year_drops_the_first_and_keeps_later_contracts():
    """Two years; re-planning from 2027 leaves one year. A contract of £30 for B in 2027 stays a
    floor: P's £50 in 2027 buys B £30 (1.5 people, 7.5 avoided) and A £20 (2, 6): 13.5."""
    inputs = partnership(
        (BudgetLine("p", 2026, 50), BudgetLine("p", 2027, 50)),
        (intervention("a", 10, 3), intervention("b", 20, 5)),
        contracts=(ExistingContract("p", "b", (2026, 2027), 30),),
    )
    new_inputs, new_rules = replan_inputs(inputs, simple_rules(**TWO_YEARS), [], 2027)
    assert new_rules.years == (2027,)
    plan = optimise(new_inputs, new_rules, compare_pooling=False)
    assert round(plan.objective, 6) == 13.5
    assert {a.year for a in plan.allocations} == {2027}


def test_contract_and_spend_against_it_are_not_counted_twice():
    """P's £30 contract for B in 2026 and £20 spent on B so far: the floor is £30, not £50.
    P's £100: B £30 (7.5 avoided), A £70 (21 avoided): 28.5."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 3), intervention("b", 20, 5)),
        contracts=(ExistingContract("p", "b", (2026,), 30),),
    )
    held = [HeldFunding("p", "b", 2026, 20, place="l")]
    new_inputs, new_rules = replan_inputs(inputs, simple_rules(), held, 2026)
    plan = optimise(new_inputs, new_rules, compare_pooling=False)
    assert round(_funding(plan)[("p", "b", 2026)], 6) == 30
    assert round(plan.objective, 6) == 28.5


def test_set_aside_money_buys_nothing():
    """P's £100 less £40 set aside for a stopped contract: A gets £60, 18 avoided."""
    inputs = partnership((BudgetLine("p", 2026, 100),), (intervention("a", 10, 3),))
    new_inputs, new_rules = set_aside(inputs, simple_rules(), [HeldFunding("p", "a", 2026, 40)])
    plan = optimise(new_inputs, new_rules, compare_pooling=False)
    assert round(plan.objective, 6) == 18


def test_stop_list_breaks_at_the_window_and_frees_the_later_years():
    """C is rated NE with P's contract of £30 a year for 2026-28. P's window opens in 2028 only:
    C stops in 2028/29, freeing £30. Re-solved, P's 2026 and 2027 budgets lose the £30 each
    (£70 left: A 7 people, 21 avoided a year) and 2028 keeps £100 (30 avoided): 72 in all."""
    three = {"horizon_years": 3, "appraisal_years": 3}
    inputs = partnership(
        tuple(BudgetLine("p", year, 100) for year in (2026, 2027, 2028)),
        (intervention("a", 10, 3), intervention("c", 10, 9, rating="NE")),
        cycles=(CommissioningCycle("p", open_years=(2026, 2028)),),
        contracts=(ExistingContract("p", "c", (2026, 2027, 2028), 30),),
    )
    rules = simple_rules(**three)
    commitment = Commitment("p", "c", {2026: 30, 2027: 30, 2028: 30}, None, (2026, 2027, 2028))
    [item] = stop_list(inputs, rules, [commitment], current_year=2026)
    assert item.break_year == 2028
    assert dict(item.freed) == {2028: 30}
    new_inputs, new_rules = stop_inputs(inputs, rules, [item])
    plan = optimise(new_inputs, new_rules, compare_pooling=False)
    assert round(plan.objective, 6) == 72


def test_a_fundable_intervention_is_not_listed():
    inputs = partnership((BudgetLine("p", 2026, 100),), (intervention("a", 10, 3),))
    commitment = Commitment("p", "a", {2026: 30})
    assert stop_list(inputs, simple_rules(), [commitment], current_year=2026) == []


def test_changed_evidence_moves_the_money():
    """B's effect doubled (10 per £20 = 0.5/£) beats A (0.3/£): all £100 to B, 50 avoided."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),), (intervention("a", 10, 3), intervention("b", 20, 5))
    )
    changed = with_evidence(inputs, "b", effect_scale=2.0)
    plan = optimise(changed, simple_rules(), compare_pooling=False)
    assert round(_funding(plan)[("p", "b", 2026)], 6) == 100
    assert round(plan.objective, 6) == 50


@settings(max_examples=25, deadline=None)
@given(
    spent_a=st.floats(min_value=0, max_value=50),
    spent_b=st.floats(min_value=0, max_value=50),
)
def test_held_money_is_always_a_floor(spent_a: float, spent_b: float):
    """Whatever has been spent (within the budget), the re-plan funds at least that much."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),), (intervention("a", 10, 3), intervention("b", 20, 5))
    )
    held = [HeldFunding("p", "a", 2026, spent_a, "l"), HeldFunding("p", "b", 2026, spent_b, "l")]
    new_inputs, new_rules = replan_inputs(inputs, simple_rules(), held, 2026)
    funding = _funding(optimise(new_inputs, new_rules, compare_pooling=False))
    assert funding[("p", "a", 2026)] >= spent_a - 0.01
    assert funding[("p", "b", 2026)] >= spent_b - 0.01
