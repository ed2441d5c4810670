"""Participatory budgets in the optimiser: residents' choices fixed first, the rest of the pool
optimised around them, and what their choice cost the optimised value. Hand-solved."""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import (
    BudgetLine,
    InputError,
    Partner,
    ResidentsChoice,
    SetAside,
    VolunteerPool,
    optimise,
)

ONE_PARTNER = (Partner("p", "Partner P"),)


def _inputs(set_asides, choices, capacity=None):  # type: ignore[no-untyped-def]
    return partnership(
        (BudgetLine("p", 2026, 1000),),
        (intervention("a", 10, 4, capacity=capacity), intervention("b", 20, 5)),
        partners=ONE_PARTNER,
        set_asides=set_asides,
        residents_choices=choices,
    )


def test_choices_fixed_and_the_rest_optimised_around_them():
    """£1,000; A £10 for 4 avoided (0.40/£), B £20 for 5 (0.25/£). £200 set aside in Halifax;
    residents choose B for 10 people (£200, 50 avoided). The pool keeps £800: 80 on A, 320.
    Without the set-aside: 100 on A, 400. Their choice cost 400 - (320 + 50) = 30."""
    plan = optimise(
        _inputs(
            (SetAside("l", 2026, 200, "Halifax decides"),),
            (ResidentsChoice("l", 2026, "More B", 200, "b", 10),),
        ),
        simple_rules(),
        compare_pooling=False,
    )
    assert plan.objective == pytest.approx(320)
    assert plan.total_spend == pytest.approx(800)
    residents = plan.residents
    assert residents is not None
    assert (residents.set_aside, residents.spent) == (200, 200)
    assert residents.value_of_choices == pytest.approx(50)
    assert residents.optimised_without == pytest.approx(400)
    assert residents.cost_to_optimised == pytest.approx(30)
    assert residents.sentence == (
        "Residents chose projects costing £200 of the £200 set aside; against optimising that "
        "money too, their choice cost about £30 of demand avoided (£ of demand avoided counted "
        "by the model: community proposals outside it count as none)."
    )


def test_chosen_people_are_not_served_twice():
    """A's provider takes 30 a year; residents chose A for 25 (£250 of £300 set aside, 100
    avoided). Only 5 places of A are left: £50, 20; the other £650 buys 32.5 of B, 162.5.
    Plain: 30 of A (£300, 120) and £700 of B (175): 295. Cost 295 - (182.5 + 100) = 12.5."""
    plan = optimise(
        _inputs(
            (SetAside("l", 2026, 300),),
            (ResidentsChoice("l", 2026, "A for 25", 250, "a", 25),),
            capacity=30,
        ),
        simple_rules(),
        compare_pooling=False,
    )
    people = {a.intervention: a.participants for a in plan.allocations}
    assert people == pytest.approx({"a": 5, "b": 32.5})
    assert plan.residents is not None
    assert plan.residents.cost_to_optimised == pytest.approx(12.5)


def test_choices_beyond_the_set_aside_are_refused():
    with pytest.raises(InputError, match="more than the £100 set aside"):
        optimise(
            _inputs((SetAside("l", 2026, 100),), (ResidentsChoice("l", 2026, "Hall", 150),)),
            simple_rules(),
            compare_pooling=False,
        )


def test_volunteer_hours_residents_projects_need_are_not_given_twice():
    """A needs 2 volunteer hours a participant; Halifax has 60 hours in 2026. Residents chose A
    for 10 people (£100 of £100 set aside), using 20 of the hours. The pool keeps £900 and 40
    hours: A for 20 people (£200, 80 avoided), B with £700 (35 people, 175): 255. Had the
    hours been given twice, A would take 30 people: 295."""
    inputs = partnership(
        (BudgetLine("p", 2026, 1000),),
        (
            intervention("a", 10, 4, volunteer_hours_per_participant=2),
            intervention("b", 20, 5),
        ),
        partners=ONE_PARTNER,
        set_asides=(SetAside("l", 2026, 100),),
        residents_choices=(ResidentsChoice("l", 2026, "A for 10", 100, "a", 10),),
        volunteer_pools=(VolunteerPool("l", 2026, 60, hours_per_volunteer=20),),
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)
    people = {a.intervention: a.participants for a in plan.allocations}
    assert people == pytest.approx({"a": 20, "b": 35})
    assert plan.objective == pytest.approx(255)
    (use,) = plan.volunteers
    assert use.hours_available == pytest.approx(40)
