"""Small plans solved by hand: exact optimum, allocations, shadow prices and sentences."""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, one_place, partnership, simple_rules

from optimiser import (
    BudgetLine,
    CommissioningCycle,
    DemandType,
    ExistingContract,
    Partner,
    Place,
    SolveStatus,
    optimise,
)
from optimiser.pooling import held_back_sentence


def _binding(plan, row):  # type: ignore[no-untyped-def]
    return next(b for b in plan.binding_constraints if b.row == row)


def test_budget_goes_to_best_value_first():
    """P £60 + Q £40 = £100. A: £10 each, 3 avoided, capacity 6; B: £20 each, 5 avoided.
    A first (0.30/£): 6 people, £60. B with the other £40: 2 people. Avoided 18 + 10 = 28.
    One more pound buys 1/20 of B: each budget's shadow price is 0.25, so £10 more adds £2.50.
    One more place on A saves £10 of B (-0.50) and adds 3: shadow price 3 - 2.5 = 0.5."""
    inputs = partnership(
        (BudgetLine("p", 2026, 60), BudgetLine("q", 2026, 40)),
        (intervention("a", 10, 3, capacity=6), intervention("b", 20, 5)),
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)

    assert plan.status is SolveStatus.OPTIMAL
    assert plan.objective == pytest.approx(28)
    people = {a.intervention: a.participants for a in plan.allocations}
    assert people == pytest.approx({"a": 6, "b": 2})
    assert plan.total_spend == pytest.approx(100)
    assert _binding(plan, "budget|p-2026").shadow_price == pytest.approx(0.25)
    assert _binding(plan, "budget|p-2026").sentence == (
        "£10 more from Partner P's 2026/27 budget would add about £2.50 of demand avoided."
    )
    assert _binding(plan, "capacity|a|l|2026").shadow_price == pytest.approx(0.5)
    assert _binding(plan, "capacity|a|l|2026").sentence == (
        "One more participant place on A in Halifax in 2026/27 would add about £0.50 "
        "of demand avoided."
    )
    # Funding equals delivery cost, split by partner.
    for allocation in plan.allocations:
        assert sum(f.amount for f in allocation.funding) == pytest.approx(allocation.cost)
    assert {p.partner: p.contribution for p in plan.partners} == {"p": 60, "q": 40}


def test_outcompeted_intervention_says_how_much_better_it_must_be():
    """£100; B: £20, 5 avoided (0.25/£); C: £20, rated 3 so 4 x 0.8 = 3.2 counted (0.16/£).
    All money to B: 25. C's reduced cost per participant: 20 x 0.25 - 3.2 = 1.8.
    More effective by 1.8 / 3.2 = 56.25%; or cheaper by 1.8 / 0.25 = £7.20 (£12.80)."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("b", 20, 5), intervention("c", 20, 4, rating="3")),
        partners=(Partner("p", "Partner P"),),
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)

    assert plan.objective == pytest.approx(25)
    (unfunded,) = plan.not_funded
    assert unfunded.reduced_cost == pytest.approx(1.8)
    assert unfunded.effect_increase_needed == pytest.approx(0.5625)
    assert unfunded.cost_reduction_needed == pytest.approx(7.2)
    assert unfunded.sentence == (
        "C is not funded: it was outcompeted. It would need to be about 56.2% more effective, "
        "or about £7.20 cheaper per participant (£12.80 instead of £20), to enter the plan."
    )


def test_excluded_interventions_name_their_rule():
    """NE is never funded; a rating 2 programme is below a minimum of 3; a BCR of 0.25 is
    below a threshold of 0.3 (B: 5 avoided x £1 / £20)."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (
            intervention("a", 10, 4),
            intervention("b", 20, 5),
            intervention("n", 10, 9, rating="NE"),
            intervention("w", 10, 9, rating="2+"),
        ),
        partners=(Partner("p", "Partner P"),),
    )
    plan = optimise(inputs, simple_rules(min_evidence_rating="3", bcr_threshold=0.3))

    reasons = {n.intervention: (n.reason, n.sentence) for n in plan.not_funded}
    assert reasons["n"] == (
        "ne",
        "N is not funded: its evidence rating is NE (found not effective or harmful), and NE "
        "programmes are never funded.",
    )
    assert reasons["w"] == (
        "rating",
        "W is not funded: its evidence rating 2+ is below the scenario's minimum of 3.",
    )
    assert reasons["b"] == (
        "bcr",
        "B is not funded: its benefit-cost ratio of 0.25 is below the threshold of 0.3.",
    )
    assert plan.objective == pytest.approx(40)


def test_partner_fairness_binds():
    """Demand dP falls wholly to P, dQ wholly to Q. A avoids 3 dQ per £10 (0.30/£ to Q);
    B avoids 5 dP per £20 (0.25/£ to P). P and Q have £50 each; fairness alpha = 0.2.
    P's benefit 0.25 b >= 0.2 x 50 needs b >= 40, so a = 60: 18 + 10 = 28.
    Forgiving £1 of P's benefit moves £4 from B to A: 4 x 0.05 = 0.20 (shadow -0.2).
    Q's budget: £1 more buys A, 0.30. P's: £1 more needs £0.80 of B: 0.8 x 0.25 + 0.2 x 0.3
    = 0.26."""
    inputs = partnership(
        (BudgetLine("p", 2026, 50), BudgetLine("q", 2026, 50)),
        (intervention("a", 10, 3, demand="dq"), intervention("b", 20, 5, demand="dp")),
        demand_types=(
            DemandType("dp", "Police call-outs", 1.0, {"p": 1.0}),
            DemandType("dq", "A&E attendances", 1.0, {"q": 1.0}),
        ),
    )
    plan = optimise(inputs, simple_rules(partner_fairness=0.2), compare_pooling=False)

    assert plan.objective == pytest.approx(28)
    spend = {a.intervention: a.cost for a in plan.allocations}
    assert spend == pytest.approx({"a": 60, "b": 40})
    fairness = _binding(plan, "fairness|p")
    assert fairness.shadow_price == pytest.approx(-0.2)
    assert fairness.sentence == (
        "Partner P's partner fairness rule (benefit to it at least 0.2 times its contribution) holds the plan back: "
        "letting its benefit fall £10 short would add about £2 of demand avoided."
    )
    assert _binding(plan, "budget|q-2026").shadow_price == pytest.approx(0.3)
    assert _binding(plan, "budget|p-2026").shadow_price == pytest.approx(0.26)
    benefit = {p.partner: (p.contribution, p.benefit) for p in plan.partners}
    assert benefit == {"p": (50, 10), "q": (50, 18)}


def test_pooling_pays_when_benefits_fall_in_both_pockets():
    """A: £10, avoids 3 of a demand shared half and half (0.15/£ to each partner);
    B: £20, avoids 5 that fall to P alone (0.25/£). £50 each; fairness alpha = 0.2.
    Alone, P needs 0.15a + 0.25b >= 0.2(a + b), so b >= a: a = b = 25, 7.5 + 6.25 = 13.75;
    Q alone gets only 0.15/£ from A, below 0.2, and nothing from B: 0.
    Pooled, all £100 on A: each partner gets 15 >= 10: 30.
    Separately, each buys for its own benefit: P spends a on A and 50 - a on B, Q c on A.
    Q's fairness: 0.15(a + c) >= 0.2c, so c <= 3a. Own benefits 0.15a + 0.25(50 - a) + 0.15c
    = 12.5 + 0.35a at c = 3a, best at c = 50, a = 50/3: A gets £66.67 (20 avoided), B £33.33
    (8.33): 28.33. Pooling adds 1.67 over the separate plan; the 13.75 and 0 alone are
    figures of their own, never added up.
    Q alone is held back by its fairness rule: £1 of slack allows 0.15x - 0.2x >= -1,
    x = £20 on A, 6 avoided, so its shadow price is 6."""
    inputs = partnership(
        (BudgetLine("p", 2026, 50), BudgetLine("q", 2026, 50)),
        (intervention("a", 10, 3, demand="shared"), intervention("b", 20, 5, demand="dp")),
        demand_types=(
            DemandType("dp", "Police call-outs", 1.0, {"p": 1.0}),
            DemandType("shared", "Domestic abuse incidents", 1.0, {"p": 0.5, "q": 0.5}),
        ),
    )
    plan = optimise(inputs, simple_rules(partner_fairness=0.2))

    assert plan.objective == pytest.approx(30)
    assert plan.pooling is not None
    alone = {a.partner: a.objective for a in plan.pooling.alone}
    assert alone == pytest.approx({"p": 13.75, "q": 0})
    assert plan.pooling.separate_objective == pytest.approx(28 + 1 / 3)
    assert plan.pooling.value_of_pooling == pytest.approx(1 + 2 / 3)
    held_back = {a.partner: a.held_back for a in plan.pooling.alone}
    assert held_back == {
        "p": "",
        "q": "Alone it spends £0 of the £50 its budgets allow. Partner Q's partner fairness rule "
        "(benefit to it at least 0.2 times its contribution) holds the plan back: letting its benefit fall £1 "
        "short would add about £6 of demand avoided.",
    }
    assert plan.pooling.sentence == (
        "Pooling adds about £1.70 of demand avoided over the same partners commissioning "
        "separately from the same people and providers (£30 of demand avoided pooled against "
        "£28.30 of demand avoided separately, each partner's money buying only for the "
        "benefit that falls to it)."
    )


def test_closed_commissioning_window_freezes_funding_at_existing_contract():
    """P has £60 in 2026/27 and its window is closed: its funding of B stays at the
    existing contract of £30, and of A at £0... so A gets nothing from P. Q (£40, window
    open) buys A: 4 people, 12 avoided. B: £30 / £20 = 1.5 people, 7.5. Total 19.5, with
    £30 of P's budget unspent. The window row for B: £1 more to B adds 0.25 (P has spare
    money): shadow +0.25."""
    inputs = partnership(
        (BudgetLine("p", 2026, 60), BudgetLine("q", 2026, 40)),
        (intervention("a", 10, 3), intervention("b", 20, 5)),
        cycles=(CommissioningCycle("p", open_years=(2027,)),),
        contracts=(ExistingContract("p", "b", (2026,), 30),),
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)

    assert plan.objective == pytest.approx(19.5)
    funding = {(a.intervention, f.partner): f.amount for a in plan.allocations for f in a.funding}
    assert funding == pytest.approx({("a", "q"): 40, ("b", "p"): 30})
    window = _binding(plan, "window|p|b|2026")
    assert window.shadow_price == pytest.approx(0.25)
    assert window.sentence == (
        "Partner P's closed commissioning window in 2026/27, which holds its funding of B at "
        "its existing contracts (£30) holds the plan back: £10 more would add about £2.50 of demand avoided."
    )


def test_evidence_share_binds():
    """£100. A: rated 2 (confidence 0.5), £10, 6 avoided, so 3 counted (0.30/£).
    B: rated 4, £20, 5 avoided (0.25/£). At least 60% of spend rated 3+: B £60, A £40.
    Avoided 15 + 12 = 27. Lowering the share to 59% moves £1 from B to A: +0.05.
    £1 more budget: B 60.6, A 40.4: 0.27 per pound, so £10 adds £2.70."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 6, rating="2"), intervention("b", 20, 5)),
        partners=(Partner("p", "Partner P"),),
    )
    plan = optimise(inputs, simple_rules(min_share_rated_3_plus=0.6), compare_pooling=False)

    assert plan.objective == pytest.approx(27)
    assert {a.intervention: a.cost for a in plan.allocations} == pytest.approx({"a": 40, "b": 60})
    share = _binding(plan, "evidence_share")
    assert share.shadow_price == pytest.approx(-0.05)
    assert share.sentence == (
        "The rule that at least 60% of spend goes to programmes rated 3 or above holds the plan back: "
        "allowing £1 less spend on programmes rated 3 or above than it asks would add about "
        "£0.05 of demand avoided."
    )
    assert _binding(plan, "budget|p-2026").sentence == (
        "£10 more from Partner P's 2026/27 budget would add about £2.70 of demand avoided."
    )
    mix = {e.rating: e.share for e in plan.evidence_mix}
    assert mix["4"] == pytest.approx(0.6)
    assert mix["2"] == pytest.approx(0.4)


def test_need_floor_binds():
    """Two places with equal need; £100; A costs £10 and avoids 3 in Halifax (capacity 10)
    but in Dewsbury only its capacity of 2 can be used... floor phi = 0.5: each place at
    least 0.5 x 0.5 x total = 25% of spend. Dewsbury can take B only (A has no capacity
    there): B £20, 5 avoided. Plan: Dewsbury B £25 (6.25), Halifax A £75 (22.5): 28.75."""
    places = (
        Place("l", "Halifax", "Calderdale", {"children": 1000}, need_index=1.0),
        Place("m", "Dewsbury", "Kirklees", {"children": 1000}, need_index=1.0, capacity={"a": 0}),
    )
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 3), intervention("b", 20, 5)),
        partners=(Partner("p", "Partner P"),),
        places=places,
    )
    plan = optimise(inputs, simple_rules(need_floor=0.5), compare_pooling=False)

    assert plan.objective == pytest.approx(28.75)
    spend = {p.place: (p.spend, p.need_floor) for p in plan.places}
    assert spend == {"l": (75, 25), "m": (25, 25)}
    floor = _binding(plan, "need_floor|m")
    assert floor.shadow_price == pytest.approx(-0.05)


def test_infeasible_commitment_is_diagnosed_with_names_and_money():
    """Kirklees Council committed £400,000 in 2026/27, ring-fenced to school-based
    programmes in Kirklees. The only one costs £1,000 a pupil and providers can take 310
    pupils in Kirklees: £310,000. £90,000 of the commitment cannot be spent."""
    inputs = partnership(
        (
            BudgetLine(
                "kirklees",
                2026,
                500_000,
                committed_minimum=400_000,
                ring_fence=("school-based",),
                districts=("Kirklees",),
            ),
        ),
        (
            intervention("school", 1000, 3, category="school-based", capacity=310),
            intervention("family", 500, 3),
        ),
        partners=(Partner("kirklees", "Kirklees Council"),),
        places=(one_place(5000, district="Kirklees"),),
    )
    plan = optimise(inputs, simple_rules())

    assert plan.status is SolveStatus.INFEASIBLE
    assert plan.diagnosis is not None
    (clash,) = plan.diagnosis.clashes
    assert clash.row == "committed|kirklees-2026"
    assert clash.shortfall == pytest.approx(90_000)
    assert clash.sentence == (
        "Kirklees Council's committed minimum of £400,000 in 2026/27 cannot be spent: its "
        "ring-fence allows only school-based programmes, whose capacity in Kirklees costs "
        "£310,000."
    )
    assert plan.diagnosis.summary == (
        "The rules cannot all be met. The rule that matters most is Kirklees Council's "
        "committed minimum of £400,000 in 2026/27: the smallest change that makes a plan "
        "possible is for it to give way by £90,000 (a smaller committed minimum)."
    )


def test_clashing_rules_are_named_together():
    """Partner P committed £100 but the scenario caps family programmes at £70: the
    commitment is £30 short, and the cap is the rule it clashes with. Breaking either by
    £30 costs the same; a promise to spend gives way before the scenario's own rules.
    Held to its £100, the commitment makes the cap give way: that is the clash."""
    inputs = partnership(
        (BudgetLine("p", 2026, 200, committed_minimum=100),),
        (intervention("a", 10, 3),),
        partners=(Partner("p", "Partner P"),),
    )
    plan = optimise(inputs, simple_rules(category_caps={"family": 70}))

    assert plan.status is SolveStatus.INFEASIBLE
    assert plan.diagnosis is not None
    (clash,) = plan.diagnosis.clashes
    assert clash.row == "committed|p-2026"
    assert clash.shortfall == pytest.approx(30)
    assert clash.clashes_with == ("the cap of £70 on family programmes",)
    assert clash.sentence == (
        "Partner P's committed minimum of £100 in 2026/27 cannot be spent: £30 of it has "
        "nowhere to go. It clashes with the cap of £70 on family programmes."
    )


def test_binding_rules_carry_final_value_limit_and_ranging_like_excel_solver():
    """P £100. A: £10, 3 avoided, capacity 6; B: £20, 5 avoided, 1,000 children to reach.
    A fills its 6 places (£60), B takes £40 (2 people). The budget (final value £100, limit
    £100, shadow 0.25) keeps that price while B has room to grow or shrink: up by
    998 x £20 = £19,960 (B reaches all 1,000), down by £40 (B to nothing). A's capacity
    (0.5 a place) holds from 0 places up to 10, when A alone takes the £100: up 4, down 6.
    The larger shadow price comes first."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 3, capacity=6), intervention("b", 20, 5)),
        partners=(Partner("p", "Partner P"),),
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)

    capacity, budget = plan.binding_constraints
    assert (capacity.row, budget.row) == ("capacity|a|l|2026", "budget|p-2026")
    assert budget.label == "Partner P's 2026/27 budget of £100"
    assert (budget.activity, budget.limit) == (pytest.approx(100), 100)
    assert budget.allowable_increase == pytest.approx(19_960)
    assert budget.allowable_decrease == pytest.approx(40)
    assert capacity.label == "The capacity of A in Halifax in 2026/27 (6 participants)"
    assert (capacity.activity, capacity.limit) == (pytest.approx(6), 6)
    assert capacity.allowable_increase == pytest.approx(4)
    assert capacity.allowable_decrease == pytest.approx(6)


def test_a_partner_alone_held_back_by_capacity_or_an_unexplained_solve_says_so():
    """With no rule binding, what holds a partner alone back is capacity and reach; a
    mixed-integer solve has no shadow prices, so it says only how much is left unspent; a
    partner that spends (all but a tenth of a percent of) its budgets gets no sentence."""
    assert held_back_sentence(40, 100, "") == (
        "Alone it spends £40 of the £100 its budgets allow: the provider capacity and eligible "
        "people its money may reach are used up."
    )
    assert held_back_sentence(40, 100, None) == "Alone it spends £40 of the £100 its budgets allow."
    assert held_back_sentence(99_950, 100_000, "A rule binds.") == ""
