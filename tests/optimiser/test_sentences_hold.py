"""Every sentence with a figure holds when its change is made and the plan re-solved: on random
partnerships (every rule family that has a sentence), and hand-solved where a range is short or
nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, event, given, settings
from optimiser_builders import intervention, partnership, simple_rules
from sentence_harness import check_by_re_solving, re_solved_from_scratch
from test_properties import partnerships

from optimiser import BudgetLine, CommissioningCycle, PlanningInputs, ScenarioRules, optimise
from optimiser.sentences import QUOTED, round_step_within
from optimiser.whole import IN_FRACTIONS

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(partnerships())
def test_every_sentence_of_a_random_plan_holds_when_re_solved(
    case: tuple[PlanningInputs, ScenarioRules],
) -> None:
    inputs, rules = case
    if rules.whole_programme:
        rules = type(rules)(**{**rules.__dict__, "whole_programme": False})
    plan = optimise(inputs, rules, compare_pooling=False, time_limit=20)
    checked, wrong = check_by_re_solving(inputs, rules, plan.binding_constraints)
    for family in Counter(b.family for b in plan.binding_constraints if b.change):
        event(f"checked a {family} sentence")
    assert wrong == [], wrong[:3]
    # Every rule family that quotes a step carries its change (none is left unchecked).
    for rule in plan.binding_constraints:
        if rule.family in QUOTED:
            assert (
                rule.change is not None
                or "no figure is quoted" in rule.sentence
                or ("does not help" in rule.sentence)
            ), rule.sentence
    assert checked == sum(1 for b in plan.binding_constraints if b.change)


@SETTINGS
@given(partnerships())
def test_every_sentence_of_a_whole_plan_holds_in_the_program_it_counts_in(
    case: tuple[PlanningInputs, ScenarioRules],
) -> None:
    """Whole people and programmes: each sentence says it counts participants in fractions,
    and its figure holds in that linear program (the plan's choices held) when re-solved."""
    inputs, rules = case
    rules = type(rules)(**{**rules.__dict__, "whole_programme": True, "need_floor": 0.0})
    plan = optimise(inputs, rules, compare_pooling=False, time_limit=20)
    if not plan.status.has_plan:
        event("no whole plan (money that must be spent fits no whole participant)")
        return
    _checked, wrong = check_by_re_solving(inputs, rules, plan.binding_constraints)
    assert wrong == [], wrong[:3]
    for rule in plan.binding_constraints:
        assert rule.sentence.endswith(IN_FRACTIONS + "."), rule.sentence


def test_a_short_range_quotes_a_step_within_it():
    """P £60 and Q £40 over two programmes; A (£10, 3 avoided) takes 6, B (£20, 5 avoided) the
    rest. Each budget's shadow price 0.25 holds while B has room; the sentences quote a step
    the range covers, and re-solving from scratch gives the figure each states."""
    inputs = partnership(
        (BudgetLine("p", 2026, 60), BudgetLine("q", 2026, 40)),
        (intervention("a", 10, 3, capacity=6), intervention("b", 20, 5, capacity=3)),
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)

    for rule in plan.binding_constraints:
        assert rule.change is not None, rule.sentence
        real = re_solved_from_scratch(inputs, simple_rules(), rule.change)
        assert real == pytest.approx(rule.change.objective_change, abs=rule.change.tolerance)


def test_a_budget_with_no_range_says_more_does_nothing_and_what_must_change():
    """P's window is open in 2026 only: its 2027 funding equals its 2026 funding. A (£10, 1
    avoided) takes P's £50 each year. More 2027 money would have to be matched in 2026, whose
    budget (£50) is used up, so it does nothing until the 2026/27 budget changes too."""
    inputs = partnership(
        (BudgetLine("p", 2026, 50), BudgetLine("p", 2027, 50)),
        (intervention("a", 10, 1, capacity=10),),
        cycles=(CommissioningCycle("p", (2026,)),),
    )
    rules = simple_rules(horizon_years=2, appraisal_years=2)
    plan = optimise(inputs, rules, compare_pooling=False)

    first = next(b for b in plan.binding_constraints if b.row == "budget|p-2027")
    assert first.allowable_increase == 0
    assert first.sentence == (
        "More from Partner P's 2027/28 budget does nothing at this plan until Partner P's "
        "2026/27 budget of £50 changes too."
    )
    assert first.change is not None and first.change.objective_change == 0
    assert re_solved_from_scratch(inputs, rules, first.change) == pytest.approx(0, abs=1e-6)
    checked, wrong = check_by_re_solving(inputs, rules, plan.binding_constraints)
    assert checked >= 1 and wrong == []


def test_round_steps_within_a_range():
    assert round_step_within(6_913.99) == 5_000
    assert round_step_within(1_933.3) == 1_000
    assert round_step_within(0.425) == 0.2
    assert round_step_within(0.0) == 0


def _family_cases() -> list[tuple[str, PlanningInputs, ScenarioRules]]:
    """A small partnership for each rule family that has a sentence, built so that it binds."""
    from optimiser import CostPerUnitRule, DemandType, ExistingContract, Partner, Place

    two_programmes = (intervention("a", 10, 3, capacity=6), intervention("b", 20, 5))
    places = (
        Place("h", "Halifax", "Calderdale", {"children": 1000}, need_index=1.0),
        Place("d", "Dewsbury", "Kirklees", {"children": 1000}, need_index=3.0),
    )
    pockets = (
        DemandType("dp", "Police call-outs", 1.0, {"p": 1.0}),
        DemandType("dq", "A&E attendances", 1.0, {"q": 1.0}),
    )
    return [
        (
            "fairness",
            partnership(
                (BudgetLine("p", 2026, 50), BudgetLine("q", 2026, 50)),
                (intervention("a", 10, 3, demand="dq"), intervention("b", 20, 5, demand="dp")),
                demand_types=pockets,
            ),
            simple_rules(partner_fairness=0.2),
        ),
        (
            "evidence_share",
            partnership(
                (BudgetLine("p", 2026, 100),),
                (intervention("a", 10, 3, rating="2"), intervention("b", 10, 1)),
            ),
            simple_rules(min_share_rated_3_plus=0.6),
        ),
        (
            "need_floor",
            partnership(
                (BudgetLine("p", 2026, 100),),
                (intervention("a", 10, 3), intervention("b", 20, 5)),
                partners=(Partner("p", "Partner P"),),
                places=(
                    Place("l", "Halifax", "Calderdale", {"children": 1000}),
                    Place("m", "Dewsbury", "Kirklees", {"children": 1000}, capacity={"a": 0}),
                ),
            ),
            simple_rules(need_floor=0.5),
        ),
        (
            "portfolio_vfm",
            partnership((BudgetLine("p", 2026, 100),), two_programmes),
            simple_rules(portfolio_vfm_ratio=0.28),
        ),
        (
            "cost_per_unit",
            partnership(
                (BudgetLine("p", 2026, 100),),
                (intervention("a", 10, 4, demand="police"), intervention("b", 20, 5, demand="ae")),
                partners=(Partner("p", "Partner P"),),
                demand_types=(
                    DemandType("police", "Police call-outs", 1.0, {"p": 1.0}),
                    DemandType("ae", "A&E attendances", 1.0, {"p": 1.0}),
                ),
            ),
            simple_rules(max_cost_per_unit=CostPerUnitRule("ae", 5)),
        ),
        (
            "contract",
            partnership(
                (BudgetLine("p", 2026, 100),),
                (intervention("a", 10, 3, capacity=10), intervention("b", 10, 1)),
                contracts=(ExistingContract("p", "b", (2026,), 50),),
            ),
            simple_rules(),
        ),
        (
            "cap_place",
            partnership(
                (BudgetLine("p", 2026, 200),),
                (intervention("a", 10, 3),),
                places=(
                    Place("h", "Halifax", "Calderdale", {"children": 1000}, capacity={"a": 5}),
                    places[1],
                ),
            ),
            simple_rules(place_caps={"d": 50}),
        ),
        ("capacity", partnership((BudgetLine("p", 2026, 100),), two_programmes), simple_rules()),
    ]


@pytest.mark.parametrize(("family", "inputs", "rules"), _family_cases(), ids=lambda v: str(v)[:20])
def test_each_family_s_sentence_holds_when_re_solved(
    family: str, inputs: PlanningInputs, rules: ScenarioRules
) -> None:
    plan = optimise(inputs, rules, compare_pooling=False)
    quoted = [b for b in plan.binding_constraints if b.family == family and b.change]
    assert quoted, [b.sentence for b in plan.binding_constraints]
    checked, wrong = check_by_re_solving(inputs, rules, plan.binding_constraints)
    assert checked >= len(quoted) and wrong == [], wrong
    for rule in quoted:  # from scratch too: a fresh model with the change made
        assert rule.change is not None
        real = re_solved_from_scratch(inputs, rules, rule.change)
        assert real == pytest.approx(rule.change.objective_change, abs=rule.change.tolerance)
