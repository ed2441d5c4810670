"""Target mode: the least cost to reach a target under the same rules, hand-solved."""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, InputError, SolveStatus, optimise
from optimiser.scenario import DemandTarget


def _inputs(budget_p: float = 200, budget_q: float = 50):  # type: ignore[no-untyped-def]
    return partnership(
        (BudgetLine("p", 2026, budget_p), BudgetLine("q", 2026, budget_q)),
        (intervention("a", 10, 3, capacity=6), intervention("b", 20, 5)),
    )


def test_least_cost_buys_the_cheapest_demand_avoided_first():
    """Target 28 units. A: £10 for 3 (£3.33 a unit), capacity 6; B: £20 for 5 (£4 a unit).
    A first: 6 people, 18 units, £60; the other 10 units from B: 2 people, £40. Least cost £100.
    One more unit of target costs a fifth of a B place: £4. One more place on A replaces 3/5 of
    a B place (£12) for £10: it saves £2."""
    rules = simple_rules(target=DemandTarget(28, "d"))
    plan = optimise(_inputs(), rules)

    assert plan.status is SolveStatus.OPTIMAL
    assert plan.objective == pytest.approx(100)
    assert plan.total_spend == pytest.approx(100)
    people = {a.intervention: a.participants for a in plan.allocations}
    assert people == pytest.approx({"a": 6, "b": 2})
    assert sum(p.contribution for p in plan.partners) == pytest.approx(100)
    assert plan.objective_unit == "£ of spend"
    target = next(b for b in plan.binding_constraints if b.family == "target")
    assert target.shadow_price == pytest.approx(-4)
    assert target.sentence == (
        "The target of 28 Demand avoided binds: each one more Demand avoided it asks for costs "
        "about £4, and each one fewer saves about as much."
    )
    capacity = next(b for b in plan.binding_constraints if b.family == "capacity")
    assert capacity.sentence == (
        "One more participant place on A in Halifax in 2026/27 would add about £2 of savings "
        "on the least cost of the target."
    )
    assert plan.pooling is None


def test_target_sentences_hold_when_the_change_is_made():
    """Raising the target by one unit costs £4 more; one more place on A saves £2."""
    base = optimise(_inputs(), simple_rules(target=DemandTarget(28, "d"))).objective
    more = optimise(_inputs(), simple_rules(target=DemandTarget(29, "d"))).objective
    assert more - base == pytest.approx(4)
    roomier = partnership(
        (BudgetLine("p", 2026, 200), BudgetLine("q", 2026, 50)),
        (intervention("a", 10, 3, capacity=7), intervention("b", 20, 5)),
    )
    assert base - optimise(roomier, simple_rules(target=DemandTarget(28, "d"))).objective == (
        pytest.approx(2)
    )


def test_target_in_pounds_of_demand_avoided():
    """Unit cost of demand £1 (the builders' default), so a £28 target is the same as 28 units:
    least cost £100."""
    plan = optimise(_inputs(), simple_rules(target=DemandTarget(28)))
    assert plan.objective == pytest.approx(100)


def test_target_beyond_the_budgets_says_which_rules_clash():
    """Budgets £30 + £20 = £50 buy at most 5 places on A: 15 units. Target 28: short by 13,
    cheaper to fall short (1 a unit) than to break a budget (£4 a unit from B)."""
    plan = optimise(_inputs(30, 20), simple_rules(target=DemandTarget(28, "d")))
    assert plan.status is SolveStatus.INFEASIBLE
    assert plan.diagnosis is not None
    clash = next(c for c in plan.diagnosis.clashes if c.family == "target")
    assert clash.shortfall == pytest.approx(13)
    assert "cannot be reached within the budgets: it is 13 short" in clash.sentence


def test_a_target_of_zero_or_beyond_the_population_is_refused_naming_the_field():
    with pytest.raises(InputError, match="target: amount must be above 0"):
        DemandTarget(0, "d")
    # One year, 1,000 eligible: A reaches 6 (18 units), B all 1,000 (5,000 units): 5,018 at most.
    with pytest.raises(InputError, match="target: 6,000 is more than the whole eligible"):
        optimise(_inputs(), simple_rules(target=DemandTarget(6000, "d")))
    with pytest.raises(InputError, match="target: no demand type"):
        optimise(_inputs(), simple_rules(target=DemandTarget(10, "nope")))


def test_why_unfunded_in_target_mode_says_how_much_better_it_must_be():
    """C: £20 for 4 units (£5 a unit) against the target's £4 a unit from B. A unit is worth £4,
    so C's 4 units are worth £16: it needs to be £4 cheaper, or 5 units (25% more effective)."""
    inputs = partnership(
        (BudgetLine("p", 2026, 200), BudgetLine("q", 2026, 50)),
        (intervention("a", 10, 3, capacity=6), intervention("b", 20, 5), intervention("c", 20, 4)),
    )
    plan = optimise(inputs, simple_rules(target=DemandTarget(28, "d")))
    unfunded = next(n for n in plan.not_funded if n.intervention == "c")
    assert unfunded.cost_reduction_needed == pytest.approx(4)
    assert unfunded.effect_increase_needed == pytest.approx(0.25)
    assert "about 25% more effective, or about £4 cheaper per participant" in unfunded.sentence
