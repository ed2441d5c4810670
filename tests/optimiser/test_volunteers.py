"""Shared volunteers as a rule in the model: hand-solved cases, and the sentence on what one more
volunteer adds checked by raising the hours and solving again."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, Partner, SolveStatus, VolunteerPool, optimise

ONE_PARTNER = (Partner("p", "Partner P"),)


def _inputs(pools: tuple[VolunteerPool, ...], budget: float = 1000):  # type: ignore[no-untyped-def]
    return partnership(
        (BudgetLine("p", 2026, budget),),
        (
            intervention("a", 10, 4, volunteer_hours_per_participant=2),
            intervention("b", 20, 5),
        ),
        partners=ONE_PARTNER,
        volunteer_pools=pools,
    )


def _pool(hours: float) -> VolunteerPool:
    return VolunteerPool("l", 2026, hours, hours_per_volunteer=20, cost_per_volunteer=300)


def test_volunteer_hours_limit_the_intervention_that_needs_them():
    """£1,000. A: £10, 4 avoided, 2 volunteer hours each (0.40/£); B: £20, 5 avoided (0.25/£).
    60 hours: A at most 30 people (£300, 120 avoided); B with £700: 35 people, 175. Total 295.
    One more hour: half an A more (+2), £5 less of B (-1.25): 0.75 an hour, until B's £700 is
    gone (140 hours). One more volunteer (20 hours): 20 x 0.75 = 15."""
    plan = optimise(_inputs((_pool(60),)), simple_rules(), compare_pooling=False)
    assert plan.objective == pytest.approx(295)
    people = {a.intervention: a.participants for a in plan.allocations}
    assert people == pytest.approx({"a": 30, "b": 35})
    (use,) = plan.volunteers
    assert (use.hours_used, use.hours_available) == pytest.approx((60, 60))
    assert use.value_per_hour == pytest.approx(0.75)
    assert use.sentence == (
        "One more volunteer in Halifax in 2026/27 (20 hours a year, £300 to recruit, train and "
        "supervise) would add about £15 of demand avoided."
    )
    binding = next(b for b in plan.binding_constraints if b.row == "volunteers|l|2026")
    assert binding.allowable_increase == pytest.approx(140)
    assert binding.sentence == (
        "One more volunteer hour in Halifax in 2026/27 would add about £0.75 of demand avoided."
    )
    again = optimise(_inputs((_pool(80),)), simple_rules(), compare_pooling=False)
    assert again.objective - plan.objective == pytest.approx(15)  # the sentence holds


def test_one_more_volunteer_past_the_ranging_is_a_range_that_holds():
    """190 hours: A 95 people (£950, 380), B £50: 2.5 people (12.5); 392.5. Each more hour adds
    0.75 until B's £50 is gone after 10 hours; then the budget binds and hours add nothing.
    So one volunteer (20 hours) adds between 7.5 (10 x 0.75) and 15 (20 x 0.75): in fact 7.5."""
    plan = optimise(_inputs((_pool(190),)), simple_rules(), compare_pooling=False)
    assert plan.objective == pytest.approx(392.5)
    (use,) = plan.volunteers
    assert (use.one_more_low, use.one_more_high) == pytest.approx((7.5, 15))
    assert "would add between about £7.50 of demand avoided and about £15 of demand avoided" in (
        use.sentence
    )
    again = optimise(_inputs((_pool(210),)), simple_rules(), compare_pooling=False)
    gained = again.objective - plan.objective
    assert use.one_more_low - 1e-6 <= gained <= use.one_more_high + 1e-6


def test_without_volunteers_recorded_the_intervention_cannot_run():
    """No pool: A needs hours it cannot have; B takes the £1,000: 50 people, 250 avoided."""
    plan = optimise(_inputs(()), simple_rules(), compare_pooling=False)
    assert plan.objective == pytest.approx(250)
    assert {a.intervention for a in plan.allocations if a.participants > 0} == {"b"}
    (use,) = plan.volunteers
    assert use.sentence.startswith("No volunteers are recorded for Halifax in 2026/27")


def test_hours_to_spare_add_nothing():
    """1,000 hours: A is held by the budget (100 people, 200 hours); one more volunteer adds
    nothing, and solving again with 20 more hours changes nothing."""
    plan = optimise(_inputs((_pool(1000),)), simple_rules(), compare_pooling=False)
    assert plan.objective == pytest.approx(400)
    (use,) = plan.volunteers
    assert use.hours_used == pytest.approx(200)
    assert "would add nothing to this plan" in use.sentence


@settings(max_examples=15, deadline=None)
@given(hours=st.floats(min_value=0, max_value=400), budget=st.floats(min_value=50, max_value=3000))
def test_sentence_range_holds_when_solved_again(hours: float, budget: float) -> None:
    """Whatever the hours and budget: hours used never exceed hours given, and one more
    volunteer's gain on solving again lies in the range the plan states."""
    plan = optimise(_inputs((_pool(hours),), budget), simple_rules(), compare_pooling=False)
    assert plan.status is SolveStatus.OPTIMAL
    (use,) = plan.volunteers
    assert use.hours_used <= hours + 1e-4  # stored to 4 decimal places
    more = dataclasses.replace(_pool(hours), hours=hours + 20)
    again = optimise(_inputs((more,), budget), simple_rules(), compare_pooling=False)
    gained = (again.objective or 0) - (plan.objective or 0)
    assert use.one_more_low - 1e-6 <= gained <= use.one_more_high + 1e-6
