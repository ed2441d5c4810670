"""Whole-programme plans: why a programme switched off by its set-up cost or cohort is not funded.

The explanations of a whole-programme plan come from the linear program with
the programme choices fixed. A programme fixed off is tight against its own
switch there, which says nothing about why it is off: its reach row is left
out of the binding rules, and its reason is what running it would cost.
"""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, DemandType, ObjectiveKind, Partner, optimise
from optimiser.whole import IN_FRACTIONS

ONE_PARTNER = (Partner("p", "Partner P"),)


def _plan(*interventions, **rules):  # type: ignore[no-untyped-def]
    inputs = partnership((BudgetLine("p", 2026, 100),), interventions, partners=ONE_PARTNER)
    return optimise(inputs, simple_rules(whole_programme=True, **rules), compare_pooling=False)


def test_programme_off_for_its_set_up_cost_says_what_running_it_would_cost():
    """£100. A: set-up £50, then £10 and 4 avoided each, capacity 10; B: £20, 5 avoided.
    B alone: 5 people, 25 avoided. Running A: £50 set-up leaves £50 for 5 participants of
    A (better per pound than B: 0.40 against 0.25), 20 avoided: £5 less. So A is off, and
    its reach row (tight only because A is off) is not a binding rule: only the budget is,
    at 0.25 a pound."""
    plan = _plan(intervention("a", 10, 4, capacity=10, fixed_cost=50), intervention("b", 20, 5))

    assert plan.objective == pytest.approx(25)
    assert [b.row for b in plan.binding_constraints] == ["budget|p-2026"]
    assert plan.binding_constraints[0].shadow_price == pytest.approx(0.25)
    (unfunded,) = plan.not_funded
    assert unfunded.reason == "outcompeted"
    assert unfunded.reduced_cost == pytest.approx(5)
    assert unfunded.sentence == (
        "A is not funded: its set-up cost of £50 is not repaid: running it in its best place, "
        "Halifax in 2026/27, would lower the plan's value by about £5, with the other "
        f"programmes as planned{IN_FRACTIONS}."
    )


def test_set_up_cost_and_cohort_are_named_together():
    """£100. A: set-up £20, minimum cohort 4, £10 and 2 avoided each; B: £20, 5 avoided.
    B alone: 25. Running A takes £20 + 4 x £10 = £60 for 8 avoided, and B the other £40
    for 10: 18, so £7 less (more A participants are worse still: 0.2 a pound against 0.25)."""
    plan = _plan(intervention("a", 10, 2, fixed_cost=20, min_cohort=4), intervention("b", 20, 5))

    assert plan.objective == pytest.approx(25)
    (unfunded,) = plan.not_funded
    assert unfunded.sentence == (
        "A is not funded: its set-up cost of £20 and minimum cohort of 4 are not repaid: "
        "running it in its best place, Halifax in 2026/27, would lower the plan's value by "
        f"about £7, with the other programmes as planned{IN_FRACTIONS}."
    )


def test_programme_that_cannot_run_at_all_says_so():
    """£100; A: £10, 4 avoided, minimum cohort 12 (£120): it cannot run within the budget.
    B takes the money: 5 x 5 = 25."""
    plan = _plan(intervention("a", 10, 4, min_cohort=12), intervention("b", 20, 5))

    assert plan.objective == pytest.approx(25)
    (unfunded,) = plan.not_funded
    assert unfunded.sentence == (
        "A is not funded: it cannot run anywhere within the rules with its minimum cohort of "
        "12, with the other programmes as planned."
    )
    assert [b.row for b in plan.binding_constraints] == ["budget|p-2026"]


def test_single_demand_objective_words_the_loss_in_its_demand():
    """Objective: A&E attendances only, both programmes avoid them. As in the first case,
    running A (set-up £50) gives 20 attendances avoided against B's 25: 5 fewer."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (
            intervention("a", 10, 4, capacity=10, fixed_cost=50, demand="ae"),
            intervention("b", 20, 5, demand="ae"),
        ),
        partners=ONE_PARTNER,
        demand_types=(DemandType("ae", "A&E attendances", 1.0, {"p": 1.0}),),
    )
    rules = simple_rules(
        whole_programme=True, objective=ObjectiveKind.SINGLE, objective_demand_type="ae"
    )
    plan = optimise(inputs, rules, compare_pooling=False)

    (unfunded,) = plan.not_funded
    assert unfunded.sentence == (
        "A is not funded: its set-up cost of £50 is not repaid: running it in its best place, "
        "Halifax in 2026/27, would lower the plan's objective by about 5 A&E attendances "
        f"avoided, with the other programmes as planned{IN_FRACTIONS}."
    )
