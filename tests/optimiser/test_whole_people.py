"""Whole people, whole cohorts and minimum contracts (whole-programme mode), solved by hand.

One partner, one place (Halifax, 1,000 children unless said), one demand type worth £1 a unit,
so the objective is units of demand avoided.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optimiser_builders import intervention, one_place, partnership, simple_rules

from optimiser import BudgetLine, InputError, Intervention, Partner, SolveStatus, optimise
from optimiser.build import build
from optimiser.plan import PartnerFunding
from optimiser.separate import build_separate, pooled_value
from optimiser.solve import SolveResult, solve_model
from optimiser.whole import at_least_separate, closeness, percent_up, proven_gap
from optimiser.wording import Gain

ONE_PARTNER = (Partner("p", "Partner P"),)
WHOLE = simple_rules(whole_programme=True)


def _plan(budget: float, *interventions: Intervention, population: float = 1000, **rules):  # type: ignore[no-untyped-def]
    inputs = partnership(
        (BudgetLine("p", 2026, budget),),
        interventions,
        partners=ONE_PARTNER,
        places=(one_place(population),),
    )
    return optimise(inputs, simple_rules(**rules), compare_pooling=False)


def _people(plan) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return {a.intervention: a.participants for a in plan.allocations}


def test_whole_people_change_the_best_plan():
    """£100. A: £30, 1.2 units each (0.04 a pound); B: £20, 0.7 units (0.035 a pound).
    In fractions all on A: 100/30 = 3.33 people, 4.0 units. Whole people:
    3 A (£90) = 3.6, with £10 left; 2 A + 2 B (£100) = 2.4 + 1.4 = 3.8; 1 A + 3 B (£90) = 3.3;
    5 B = 3.5. Best: 2 A and 2 B, 3.8, below the relaxation's 4.0 by 5%."""
    a, b = intervention("a", 30, 1.2), intervention("b", 20, 0.7)

    fractions = _plan(100, a, b)
    assert fractions.objective == pytest.approx(4.0)
    assert _people(fractions) == {"a": pytest.approx(100 / 30, abs=1e-4)}

    whole = _plan(100, a, b, whole_programme=True)
    assert whole.status is SolveStatus.OPTIMAL
    assert whole.objective == pytest.approx(3.8)
    assert _people(whole) == {"a": 2, "b": 2}
    assert all(a.cohorts == 0 for a in whole.allocations)
    assert whole.total_spend == pytest.approx(100)
    assert whole.relaxation_objective == pytest.approx(4.0)
    assert whole.relaxation_gap == pytest.approx(0.05)
    # The solver closes the gap on so small a plan: it is the best possible, and says so.
    assert (
        "In whole people and programmes this is the best possible plan: the solver proved "
        "that no plan does better."
    ) in whole.messages


def test_a_budget_that_buys_three_and_a_third_buys_three():
    """£100 at £30 each, 1 unit each: 3 participants (£90), not 3.33; £10 is left unspent,
    and the unspent money is reported."""
    plan = _plan(100, intervention("a", 30, 1), whole_programme=True)

    (allocation,) = plan.allocations
    assert allocation.participants == 3
    assert allocation.cost == 90
    assert allocation.funding == (PartnerFunding("p", 90.0),)
    (unspent,) = plan.unspent
    assert unspent.unspent == pytest.approx(10)


def test_cohorts_are_bought_whole_and_paid_in_full():
    """A is delivered in cohorts of 8 at £200 a cohort (£25 a head when full), 1 unit each,
    20 children eligible. £1,000 and nothing else to buy: 20 children take 3 cohorts
    (8 + 8 + 4), and the third, half full, is paid in full: £600 for 20 participants."""
    a = intervention("a", 30, 1, cohort_size=8, cohort_cost=200)
    plan = _plan(1000, a, population=20, whole_programme=True)

    (allocation,) = plan.allocations
    assert allocation.participants == 20
    assert allocation.cohorts == 3
    assert allocation.cost == 600
    assert plan.objective == pytest.approx(20)
    assert allocation.participants <= 8 * allocation.cohorts


def test_a_part_filled_cohort_loses_to_another_programme():
    """As above, with B at £40 a head, 1 unit (0.025 a pound). Two full cohorts (16 children,
    £400, 0.04 a pound) then £600 left: B takes 15 (15 units); a third cohort for the last 4
    children (£200, 0.02 a pound) and B with £400 (10) gives 14 instead. Best: 2 cohorts and
    15 of B, 31 units. In plain (LP) mode A costs £30 a head: 20 children (£600) and B with
    £400 (10): 30."""
    a = intervention("a", 30, 1, cohort_size=8, cohort_cost=200)
    b = intervention("b", 40, 1)

    plan = _plan(1000, a, b, population=20, whole_programme=True)
    assert plan.objective == pytest.approx(31)
    allocations = {x.intervention: x for x in plan.allocations}
    assert (allocations["a"].participants, allocations["a"].cohorts) == (16, 2)
    assert allocations["a"].cost == 400
    assert allocations["b"].participants == 15

    # Explained with the 2 cohorts held: each of their 16 places is full, and one more place
    # would add its 1 unit; £100 more would buy 2.5 of B (2.5 units), in fractions.
    said = {rule.row: rule.sentence for rule in plan.binding_constraints}
    assert said["cohort_places|a|l|2026"].startswith(
        "One more place in the whole cohorts of A in Halifax in 2026/27 would add about £1 of "
        "demand avoided; places come 8 to a cohort, at £200 a cohort (counting participants in "
        "fractions"
    )
    assert said["budget|p-2026"].startswith(
        "£100 more from Partner P's 2026/27 budget would add about £2.50 of demand avoided"
    )

    plain = _plan(1000, a, b, population=20)
    assert plain.objective == pytest.approx(30)
    assert {x.intervention: x.cohorts for x in plain.allocations} == {"a": 0, "b": 0}


def test_a_cohort_without_its_own_price_costs_its_size_at_the_unit_cost():
    """Cohorts of 5 at the unit cost of £10 (£50 a cohort); 7 children eligible; £100: two
    cohorts (£100) take all 7."""
    plan = _plan(100, intervention("a", 10, 1, cohort_size=5), population=7, whole_programme=True)
    (allocation,) = plan.allocations
    assert (allocation.participants, allocation.cohorts, allocation.cost) == (7, 2, 100)


def test_a_minimum_contract_keeps_a_programme_out():
    """£100. A: £10, 1 unit, 5 children eligible; B: £20, 1.5 units (0.075 a pound), 1,000
    eligible (its own target group). A's most is 5 children, £50, under its £60 minimum
    contract, so A cannot run: B takes 5 (£100), 7.5 units. (Without the minimum, A 4 and
    B 3: 8.5.)"""
    small = replace(intervention("a", 10, 1, minimum_contract=60), target_group="small")
    b = intervention("b", 20, 1.5)
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (small, b),
        partners=ONE_PARTNER,
        places=(replace(one_place(), population={"children": 1000, "small": 5}),),
    )
    plan = optimise(inputs, WHOLE, compare_pooling=False)
    assert plan.objective == pytest.approx(7.5)
    assert _people(plan) == {"b": 5}

    without = optimise(
        replace(inputs, interventions=(replace(small, minimum_contract=0.0), b)),
        WHOLE,
        compare_pooling=False,
    )
    assert without.objective == pytest.approx(8.5)


def test_a_minimum_contract_a_programme_can_meet_keeps_it_in_at_that_size():
    """As above with a £40 minimum: A 5 + B 2 (£90) = 8; A 4 (£40, exactly the minimum) +
    B 3 (£60) = 8.5; A 3 would be £30, under the minimum; B alone 7.5. Best: A 4, B 3."""
    small = replace(intervention("a", 10, 1, minimum_contract=40), target_group="small")
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (small, intervention("b", 20, 1.5)),
        partners=ONE_PARTNER,
        places=(replace(one_place(), population={"children": 1000, "small": 5}),),
    )
    plan = optimise(inputs, WHOLE, compare_pooling=False)
    assert plan.objective == pytest.approx(8.5)
    assert _people(plan) == {"a": 4, "b": 3}
    assert {a.intervention: a.cost for a in plan.allocations} == {"a": 40, "b": 60}


def test_shadow_prices_come_from_the_lp_with_choices_fixed_and_hold_when_re_solved():
    """£1,000; A: set-up £100, then £25 and 1.2 units each. Whole: (1,000 - 100) / 25 = 36
    people exactly, 43.2 units. The explained LP (A's switch held on, participants in
    fractions) has the same plan and a binding budget worth 1.2 / 25 = 0.048 a pound, not
    degenerate (36 is inside A's reach). £100 more buys 4 more people: 4.8 more, as said."""
    a = intervention("a", 25, 1.2, fixed_cost=100)
    plan = _plan(1000, a, whole_programme=True)
    assert plan.objective == pytest.approx(43.2)
    assert _people(plan) == {"a": 36}
    (budget,) = plan.binding_constraints
    assert budget.row == "budget|p-2026"
    assert budget.shadow_price == pytest.approx(0.048)
    assert any(
        m.startswith("Shadow prices are from the linear program with programme")
        for m in plan.messages
    )
    more = _plan(1100, a, whole_programme=True)
    assert more.objective - plan.objective == pytest.approx(100 * 0.048)


def test_the_gap_in_words_rounds_up_and_names_the_time_limit():
    """The words are never closer than the proof: 0.0682% is 'within 0.07%'. A plan stopped at
    the time limit states the gap it reached; one with no bound says it cannot say."""
    gain = Gain(partnership((BudgetLine("p", 2026, 1),), (intervention("a", 1, 1),)), WHOLE)
    assert percent_up(0.000682) == "0.07%"
    assert percent_up(0.001) == "0.1%"
    assert percent_up(0.0312) == "3.2%"
    assert percent_up(1e-7) == "0.01%"
    proven = SolveResult(SolveStatus.OPTIMAL, 99.932, 0.0007, 1.0, "kOptimal", bound=100.0)
    assert proven_gap(proven) == pytest.approx(0.00068)
    assert closeness(proven, gain) == (
        "In whole people and programmes this plan is within 0.07% of the best possible plan "
        "(the solver proved that no plan does better than its bound)."
    )
    stopped = SolveResult(SolveStatus.TIME_LIMIT, 99.0, 0.01, 60.0, "kTimeLimit", bound=100.0)
    assert closeness(stopped, gain) == (
        "When the solver stopped, this plan was within 1% of the best possible plan (the gap "
        "it had reached against its bound)."
    )
    unbounded = replace(stopped, bound=None)
    assert "cannot be said" in closeness(unbounded, gain)


def test_a_pooled_solve_below_the_separate_plan_is_solved_again_from_it():
    """Two partners, one each of A (£30, 1.2 units) and B (£20, 0.7 units), £100 each, the
    demand shared equally. Told the pooled solve found only 1 unit, ``at_least_separate``
    solves again from the separate plan, so the pooled plan is at least the separate one."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100), BudgetLine("q", 2026, 100)),
        (intervention("a", 30, 1.2), intervention("b", 20, 0.7)),
    )
    separate = build_separate(inputs, WHOLE)
    separate_result = solve_model(separate, 20)
    floor = pooled_value(separate)
    model = build(inputs, WHOLE)
    poor = replace(solve_model(model, 20), objective=1.0)

    again, found = at_least_separate(
        inputs, WHOLE, model, poor, (separate, separate_result), 20, {}
    )
    assert again is not model
    assert found.objective is not None and found.objective >= floor - 1e-6
    # £200 pooled: 6 A (£180) and 1 B (£20) = 7.2 + 0.7 = 7.9; 4 A and 4 B = 7.6; 5 A and 2 B
    # (£190) = 7.4; in fractions 8.0. So 7.9.
    assert found.objective == pytest.approx(7.9)


def test_new_fields_are_checked():
    with pytest.raises(InputError, match="cohort_cost needs a cohort_size"):
        intervention("a", 10, 1, cohort_cost=100)
    with pytest.raises(InputError, match="minimum_contract must be at least 0"):
        intervention("a", 10, 1, minimum_contract=-1)
    with pytest.raises(InputError, match="cohort_size must be at least 0"):
        intervention("a", 10, 1, cohort_size=-8)


@st.composite
def _small_whole_partnerships(draw):  # type: ignore[no-untyped-def]
    programmes = []
    for n in range(draw(st.integers(1, 3))):
        size = draw(st.sampled_from([0, 0, 4, 8]))
        programmes.append(
            intervention(
                f"i{n}",
                draw(st.integers(10, 90)),
                draw(st.floats(0.1, 3.0)),
                cohort_size=size,
                cohort_cost=draw(st.sampled_from([0, 150])) if size else 0,
                minimum_contract=draw(st.sampled_from([0, 0, 100])),
                fixed_cost=draw(st.sampled_from([0, 0, 50])),
            )
        )
    inputs = partnership(
        (
            BudgetLine("p", 2026, draw(st.integers(0, 2000))),
            BudgetLine("q", 2026, draw(st.integers(0, 2000))),
        ),
        tuple(programmes),
        places=(one_place(draw(st.integers(0, 60))),),
    )
    return inputs


@settings(max_examples=40, deadline=None)
@given(_small_whole_partnerships())
def test_whole_plans_are_whole_within_their_cohorts_and_below_their_relaxation(inputs):  # type: ignore[no-untyped-def]
    plan = optimise(inputs, WHOLE, time_limit=20)
    assert plan.status is SolveStatus.OPTIMAL and plan.objective is not None
    by_key = {i.key: i for i in inputs.interventions}
    for allocation in plan.allocations:
        assert allocation.participants == int(allocation.participants)
        programme = by_key[allocation.intervention]
        if programme.cohort_size > 0:
            assert allocation.participants <= programme.cohort_size * allocation.cohorts
            price = programme.cohort_cost or programme.cohort_size * programme.unit_cost
            assert allocation.cost == pytest.approx(
                price * allocation.cohorts + programme.fixed_cost, abs=0.01
            )
        else:
            assert allocation.cohorts == 0
        if programme.minimum_contract > 0 and allocation.participants > 0:
            assert allocation.cost >= programme.minimum_contract - 0.01
    assert plan.relaxation_objective is not None
    assert plan.objective <= plan.relaxation_objective + 1e-6 * max(1.0, plan.relaxation_objective)
    pooling = plan.pooling
    assert pooling is not None and pooling.separate_objective is not None
    assert plan.objective >= pooling.separate_objective - 1e-6 * max(1.0, plan.objective)
    assert pooling.value_of_pooling is not None and pooling.value_of_pooling >= 0


def test_money_that_must_be_spent_but_fits_no_whole_participant_is_diagnosed():
    """£50 at most, £40 committed; A costs £30 a head. In fractions 1.67 people spend £50;
    whole, 1 spends £30 (£10 short of the commitment) and 2 spend £60 (£10 over the budget).
    The diagnosis: the commitment gives way by £10, clashing with the budget."""
    inputs = partnership(
        (BudgetLine("p", 2026, 50, committed_minimum=40),),
        (intervention("a", 30, 1),),
        partners=ONE_PARTNER,
    )
    assert optimise(inputs, simple_rules(), compare_pooling=False).objective == pytest.approx(5 / 3)
    plan = optimise(inputs, WHOLE, compare_pooling=False)
    assert plan.status is SolveStatus.INFEASIBLE
    assert plan.diagnosis is not None
    (clash,) = plan.diagnosis.clashes
    assert (clash.row, clash.shortfall) == ("committed|p-2026", pytest.approx(10))
    assert clash.clashes_with == ("Partner P's 2026/27 budget of £50",)


def test_a_start_already_within_the_gap_of_the_relaxation_is_the_answer():
    """The example of ``test_whole_people_change_the_best_plan`` with a 15% gap target and
    three more programmes worth less a pound than B (£50 for 0.5 units): the relaxation (4.0,
    all on A, 3.33 people) leaves A fractional and B to E at a whole 0, four in five whole
    columns settled (``SETTLED_ENOUGH``). Holding them, the best whole plan is 3 A (3.6), 10%
    below 4.0, so within the target of the relaxation's bound: HiGHS's full search is not
    needed, and the plan says how close it is against that bound, read back whole from the kept
    solution."""
    a, b = intervention("a", 30, 1.2), intervention("b", 20, 0.7)
    weaker = tuple(intervention(key, 50, 0.5) for key in ("c", "d", "e"))
    inputs = partnership((BudgetLine("p", 2026, 100),), (a, b, *weaker), partners=ONE_PARTNER)
    plan = optimise(inputs, WHOLE, compare_pooling=False, mip_rel_gap=0.15)
    assert plan.status is SolveStatus.OPTIMAL
    assert plan.objective == pytest.approx(3.6)
    assert _people(plan) == {"a": 3}
    assert plan.mip_gap == pytest.approx(0.1)
    assert plan.allocations[0].cost == 90
    assert (
        "In whole people and programmes this plan is within 10% of the best possible plan "
        "(the solver proved that no plan does better than its bound)."
    ) in plan.messages


def test_a_relaxation_that_settles_too_little_is_left_to_highs_own_search():
    """The same without C to E: the relaxation settles B alone, one whole column in two, under
    ``SETTLED_ENOUGH``, so nothing is completed near it and 3 A is not the answer; HiGHS
    searches from nothing, finds the best plan, 2 A and 2 B (3.8), and proves it."""
    a, b = intervention("a", 30, 1.2), intervention("b", 20, 0.7)
    inputs = partnership((BudgetLine("p", 2026, 100),), (a, b), partners=ONE_PARTNER)
    plan = optimise(inputs, WHOLE, compare_pooling=False, mip_rel_gap=0.15)
    assert plan.status is SolveStatus.OPTIMAL
    assert plan.objective == pytest.approx(3.8)
    assert _people(plan) == {"a": 2, "b": 2}
    assert plan.mip_gap == pytest.approx(0.0)


def test_a_tie_only_because_the_cohorts_are_held_is_not_called_a_free_way_in():
    """£1,000. A in cohorts of 8 at £200 (1 unit a head: 0.04 a pound), minimum contract £500;
    B £40 a head, 0.5 units (0.0125 a pound). Whole: 5 cohorts of A spend it all, 40 units
    (4 cohorts and 5 of B: 32 + 2.5 = 34.5). Explained with the 5 cohorts held, a pound more
    could only go to B, so B's reduced cost is 0: a tie in that linear program, not a way into
    the whole plan at no loss, and the words say which."""
    a = intervention("a", 30, 1, cohort_size=8, cohort_cost=200, minimum_contract=500)
    plan = _plan(1000, a, intervention("b", 40, 0.5), whole_programme=True)
    assert plan.objective == pytest.approx(40)
    (allocation,) = plan.allocations
    assert (allocation.participants, allocation.cohorts, allocation.cost) == (40, 5, 1000)
    (unfunded,) = plan.not_funded
    assert unfunded.reason == "tie"
    assert unfunded.sentence == (
        "B is not funded: in whole people and programmes the best plan found leaves it out; "
        "counting participants in fractions, with the plan's programmes and cohorts held, it "
        "would tie with the funded programmes at the margin."
    )
