"""More small plans solved by hand: the value rules, caps, objectives, appraisal and overrides.

Each docstring states the arithmetic; the builders' defaults keep it simple (no
discounting, one segment, effects in the year of participation, rating 4).
"""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import (
    BudgetLine,
    BudgetOverride,
    CostPerUnitRule,
    DemandType,
    Effect,
    ExistingContract,
    Intervention,
    ObjectiveKind,
    Partner,
    Place,
    SolveStatus,
    optimise,
)

ONE_PARTNER = (Partner("p", "Partner P"),)
TWO_DEMANDS = (
    DemandType("police", "Police call-out", 1.0, {"p": 1.0}),
    DemandType("ae", "A&E attendance", 1.0, {"p": 1.0}),
)


def _binding(plan, row):  # type: ignore[no-untyped-def]
    return next(b for b in plan.binding_constraints if b.row == row)


def test_cost_per_unit_rule_binds():
    """P £100. A: £10, 4 police call-outs avoided (0.40/£); B: £20, 5 A&E attendances (0.25/£).
    At most £5 of spend per A&E attendance avoided: 10a + 20b <= 5 x 5b, so b >= 2a (people).
    With the budget, a = 2 and b = 4: 8 + 20 = 28 (A alone would give 40).
    Duals: 10y + 10z = 4 and 20y - 5z = 5 give the budget y = 0.28 and the rule z = 0.12 per
    pound of spend allowed over £5 an attendance: allowing £1 more spend than the rule allows
    adds 0.12."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 4, demand="police"), intervention("b", 20, 5, demand="ae")),
        partners=ONE_PARTNER,
        demand_types=TWO_DEMANDS,
    )
    rules = simple_rules(max_cost_per_unit=CostPerUnitRule("ae", 5))
    plan = optimise(inputs, rules, compare_pooling=False)

    assert plan.objective == pytest.approx(28)
    people = {a.intervention: a.participants for a in plan.allocations}
    assert people == pytest.approx({"a": 2, "b": 4})
    rule = _binding(plan, "cost_per_unit|ae")
    assert rule.shadow_price == pytest.approx(0.12)
    assert rule.sentence == (
        "The most cost of £5 per A&E attendance avoided holds the plan back: allowing £1 more spend than it "
        "allows would add about £0.12 of demand avoided."
    )
    assert _binding(plan, "budget|p-2026").shadow_price == pytest.approx(0.28)


def test_place_cap_with_district_balancing():
    """Calderdale Council has £100 for Calderdale's places only, so each district balances
    its own money; the police have £100 anywhere. A (£10, 3 avoided) runs in Halifax
    (Calderdale) and Dewsbury (Kirklees); spend in Halifax is capped at £50. The council's
    money can go nowhere else, so £50 of it is spent and £50 left; the police's £100 goes to
    Dewsbury. 150 x 0.3 = 45. £10 more allowed in Halifax is £10 more of the council's
    money: £3; £10 more police money: £3. The council's budget does not bind."""
    places = (
        Place("h", "Halifax", "Calderdale", {"children": 1000}),
        Place("d", "Dewsbury", "Kirklees", {"children": 1000}),
    )
    inputs = partnership(
        (BudgetLine("c", 2026, 100, districts=("Calderdale",)), BudgetLine("w", 2026, 100)),
        (intervention("a", 10, 3),),
        partners=(Partner("c", "Calderdale Council"), Partner("w", "West Yorkshire Police")),
        places=places,
    )
    plan = optimise(inputs, simple_rules(place_caps={"h": 50}), compare_pooling=False)

    assert plan.objective == pytest.approx(45)
    spend = {p.place: p.spend for p in plan.places}
    assert spend == pytest.approx({"h": 50, "d": 100})
    paid = {(a.place, f.partner): f.amount for a in plan.allocations for f in a.funding}
    assert ("d", "c") not in paid  # the council pays only in its own district
    assert sum(amount for (_place, partner), amount in paid.items() if partner == "c") == (
        pytest.approx(50)
    )
    cap = _binding(plan, "cap_place|h")
    assert cap.shadow_price == pytest.approx(0.3)
    assert cap.sentence == (
        "The cap of £50 on spend in Halifax holds the plan back: £10 more allowed would add about £3 of "
        "demand avoided."
    )
    assert _binding(plan, "budget|w-2026").shadow_price == pytest.approx(0.3)
    assert "budget|c-2026" not in {b.row for b in plan.binding_constraints}


def test_priority_objective_weighs_demand_by_priority():
    """Police call-outs weigh 2, A&E attendances 1. A: £10, 3 call-outs (0.6 priority units
    a pound); B: £20, 10 attendances (0.5 a pound; by value B would win, 0.5 against 0.3).
    All £100 to A: 30 call-outs, 60 priority units, £30 of demand avoided. B's reduced cost:
    20 x 0.6 - 10 = 2 a participant: 20% more effective, or 2 / 0.6 = £3.33 cheaper."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 3, demand="police"), intervention("b", 20, 10, demand="ae")),
        partners=ONE_PARTNER,
        demand_types=TWO_DEMANDS,
    )
    rules = simple_rules(objective=ObjectiveKind.PRIORITY, priority_weights={"police": 2, "ae": 1})
    plan = optimise(inputs, rules, compare_pooling=False)

    assert plan.objective == pytest.approx(60)
    assert plan.objective_unit == "priority-weighted units of demand avoided"
    assert plan.value_of_demand_avoided == pytest.approx(30)
    assert _binding(plan, "budget|p-2026").sentence == (
        "£10 more from Partner P's 2026/27 budget would add about 6 priority-weighted units of "
        "demand avoided."
    )
    (unfunded,) = plan.not_funded
    assert unfunded.reduced_cost == pytest.approx(2)
    assert unfunded.sentence == (
        "B is not funded: it was outcompeted. It would need to be about 20% more effective, or "
        "about £3.33 cheaper per participant (£16.70 instead of £20), to enter the plan."
    )


def test_portfolio_value_for_money_binds():
    """P £100. A: £10, 3 avoided, capacity 5 (£50, 0.3/£); B: £20, 2 avoided (0.1/£).
    Benefit at least 0.25 x spend: 15 + 0.1b >= 0.25 (50 + b), so b <= £16.67: 16.67 avoided
    from £66.67 (the budget does not bind). Easing the ratio by d lets b grow by
    d x spend / 0.15, each pound adding 0.1: the shadow price is -0.1 / 0.15 = -0.667 per unit
    of right-hand side: letting the benefit fall £1 short of it adds 0.67.
    One more place on A adds 3 and frees 3 - 2.5 = 0.5 of the rule for 3.33 of B: 3.33."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 3, capacity=5), intervention("b", 20, 2)),
        partners=ONE_PARTNER,
    )
    plan = optimise(inputs, simple_rules(portfolio_vfm_ratio=0.25), compare_pooling=False)

    assert plan.objective == pytest.approx(50 / 3)
    assert plan.total_spend == pytest.approx(200 / 3, abs=0.01)
    rule = _binding(plan, "portfolio_vfm")
    assert rule.shadow_price == pytest.approx(-2 / 3)
    assert rule.sentence == (
        "The rule that benefit is at least 0.25 times spend holds the plan back: letting the benefit fall £1 "
        "short of it would add about £0.67 of demand avoided."
    )
    assert _binding(plan, "capacity|a|l|2026").shadow_price == pytest.approx(10 / 3)
    assert "budget|p-2026" not in {b.row for b in plan.binding_constraints}


def _low_value_partnership(**extra):  # type: ignore[no-untyped-def]
    """A (£10, 3 avoided, 10 places: £100), V (£10, 1.5 avoided) and W (£10, 1 avoided, youth),
    P £100 and Q £200, benefit at least 0.2 x spend."""
    return partnership(
        (BudgetLine("p", 2026, 100, **extra.pop("line", {})), BudgetLine("q", 2026, 200)),
        (
            intervention("a", 10, 3, capacity=10),
            intervention("v", 10, 1.5),
            intervention("w", 10, 1, category="youth"),
        ),
        **extra,
    )


def test_committed_minimum_binds():
    """P's £100 may pay only for youth programmes (W, 0.1/£) and it committed £60. Benefit must
    be at least 0.2 x spend. A takes £100 (30); then each pound of V (0.15/£) uses 0.05 of
    the rule's slack of 10 and each pound of W 0.1: V is better (3 against 1 per unit of
    slack). Held to £60 of W, V gets (10 - 6) / 0.05 = £80: 30 + 12 + 6 = 48. Each pound less
    required of P frees 0.1 of slack, 2 pounds of V: 2 x 0.15 - 0.1 = 0.2 a pound."""
    inputs = _low_value_partnership(line={"committed_minimum": 60, "ring_fence": ("youth",)})
    plan = optimise(inputs, simple_rules(portfolio_vfm_ratio=0.2), compare_pooling=False)

    assert plan.objective == pytest.approx(48)
    spend = {a.intervention: a.cost for a in plan.allocations}
    assert spend == pytest.approx({"a": 100, "v": 80, "w": 60})
    committed = _binding(plan, "committed|p-2026")
    assert committed.shadow_price == pytest.approx(-0.2)
    assert committed.sentence == (
        "Partner P's committed minimum of £60 in 2026/27 holds the plan back: £10 less required would add "
        "about £2 of demand avoided."
    )


def test_existing_contract_is_a_lower_bound_that_binds():
    """As above without the ring-fence or commitment: on its own the plan would put nothing
    into W (V uses the rule's slack better) and reach 30 + 30 = 60 with all £300. P's
    existing contract of £60 for W holds W at £60: V gets £80 and the plan 48, £60 unspent;
    each pound less of the contract is worth 0.2."""
    inputs = _low_value_partnership(contracts=(ExistingContract("p", "w", (2026,), 60),))
    plan = optimise(inputs, simple_rules(portfolio_vfm_ratio=0.2), compare_pooling=False)

    assert plan.objective == pytest.approx(48)
    contract = _binding(plan, "contract|p|w|2026")
    assert contract.shadow_price == pytest.approx(-0.2)
    assert contract.sentence == (
        "Partner P's existing contract of £60 for W in 2026/27 holds the plan back: £10 less required would "
        "add about £2 of demand avoided."
    )


def test_need_floor_sentence():
    """Halifax and Dewsbury have equal need and the floor is 0.5: each place gets at least a
    quarter of spend. A (£10, 3 avoided) has no capacity in Dewsbury, so Dewsbury takes B
    (£20, 5 avoided): £25 there (the floor), £75 of A in Halifax: 6.25 + 22.5 = 28.75.
    £1 less required in Dewsbury moves £1 from B to A: 0.30 - 0.25 = 0.05."""
    places = (
        Place("l", "Halifax", "Calderdale", {"children": 1000}, need_index=1.0),
        Place("m", "Dewsbury", "Kirklees", {"children": 1000}, need_index=1.0, capacity={"a": 0}),
    )
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 3), intervention("b", 20, 5)),
        partners=ONE_PARTNER,
        places=places,
    )
    plan = optimise(inputs, simple_rules(need_floor=0.5), compare_pooling=False)

    assert plan.objective == pytest.approx(28.75)
    floor = _binding(plan, "need_floor|m")
    assert floor.sentence == (
        "The need floor for Dewsbury (at least £25) holds the plan back: £1 less required there would add "
        "about £0.05 of demand avoided."
    )


def _appraisal_inputs(lines):  # type: ignore[no-untyped-def]
    """A: £100 a participant, avoiding one £1,000 unit in each of the three years after."""
    return partnership(
        lines,
        (Intervention("a", "A", "family", "children", 100, "4", (Effect("d", 1, (1, 2, 3)),)),),
        partners=ONE_PARTNER,
        demand_types=(DemandType("d", "Demand", 1000, {"p": 1.0}),),
    )


def test_effects_after_the_appraisal_period_count_nothing():
    """£100 buys one participant in 2026/27. Appraised over 4 years (2026/27 to 2029/30), the
    effects one, two and three years later all count: £3,000. Over 2 years only the first
    (2027/28) does: £1,000; the later two arrive after the period and count nothing."""
    inputs = _appraisal_inputs((BudgetLine("p", 2026, 100),))

    long = optimise(inputs, simple_rules(appraisal_years=4), compare_pooling=False)
    short = optimise(inputs, simple_rules(appraisal_years=2), compare_pooling=False)

    assert long.objective == pytest.approx(3000)
    assert short.objective == pytest.approx(1000)


def test_a_late_start_whose_effects_all_fall_after_the_period_is_not_funded():
    """Two planning years, appraised over 2. P's only money is in 2027/28: a participant
    starting then avoids demand from 2028/29, after the appraisal period, so the money buys
    nothing and A is not funded there."""
    inputs = _appraisal_inputs((BudgetLine("p", 2027, 100),))
    rules = simple_rules(horizon_years=2, appraisal_years=2)
    plan = optimise(inputs, rules, compare_pooling=False)

    assert plan.status is SolveStatus.OPTIMAL
    assert plan.objective == pytest.approx(0)
    assert plan.allocations == ()
    (unfunded,) = plan.not_funded
    assert unfunded.sentence == (
        "A is not funded: its expected effect counts for nothing under this scenario's weights, "
        "evidence confidence and appraisal period."
    )


def test_budget_overrides_replace_maximum_and_committed_minimum():
    """P's line has £100 with £50 committed. A scenario raising the maximum to £150 buys
    15 participants of A (£10, 3 avoided): 45. One lowering it to £40 also lowers the
    commitment to £40 (never above the maximum): 12 avoided, and the budget of £40 binds."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100, committed_minimum=50),),
        (intervention("a", 10, 3),),
        partners=ONE_PARTNER,
    )
    raised = optimise(
        inputs,
        simple_rules(budget_overrides=(BudgetOverride("p-2026", maximum=150),)),
        compare_pooling=False,
    )
    lowered = optimise(
        inputs,
        simple_rules(budget_overrides=(BudgetOverride("p-2026", maximum=40),)),
        compare_pooling=False,
    )

    assert raised.objective == pytest.approx(45)
    assert lowered.objective == pytest.approx(12)
    assert _binding(lowered, "budget|p-2026").label == "Partner P's 2026/27 budget of £40"
    assert _binding(lowered, "budget|p-2026").sentence == (
        "£1 more from Partner P's 2026/27 budget would add about £0.30 of demand avoided."
    )
