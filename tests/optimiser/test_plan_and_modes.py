"""Whole-programme mode, objectives, discounting, input validation and the plan's dict form."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import (
    BudgetLine,
    DemandType,
    Effect,
    InputError,
    Intervention,
    ObjectiveKind,
    Partner,
    SolveStatus,
    optimise,
    plan_from_dict,
    plan_to_dict,
)

ONE_PARTNER = (Partner("p", "Partner P"),)


def test_whole_programme_pays_set_up_cost_and_reports_gap_to_relaxation():
    """£100. A: set-up £20 per place and year, then £10 and 4 avoided each, capacity 10.
    B: £20, 5 avoided. Running A: 20 + 10n <= 100 gives n = 8, 32 avoided (B: 25).
    Relaxed, A pays 20y with y >= n/10: £12 per participant, 100/12 = 8.33 people,
    33.33 avoided. Gap (33.33 - 32) / 33.33 = 4%. Whole: A's switch and a whole number of
    participants for each of A and B (three integer variables)."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 4, capacity=10, fixed_cost=20), intervention("b", 20, 5)),
        partners=ONE_PARTNER,
    )
    plan = optimise(inputs, simple_rules(whole_programme=True), compare_pooling=False)

    assert plan.status is SolveStatus.OPTIMAL
    assert plan.objective == pytest.approx(32)
    assert plan.model_size.integer_variables == 3
    assert plan.relaxation_objective == pytest.approx(100 / 3)
    assert plan.relaxation_gap == pytest.approx(0.04)
    (allocation,) = plan.allocations
    assert allocation.cost == pytest.approx(100)
    assert allocation.participants == pytest.approx(8)


def test_minimum_cohort_stops_a_programme_too_small_to_run():
    """£100; A: £10, 4 avoided, minimum cohort 12 (would cost £120): it cannot run.
    B takes the money: 5 x 5 = 25."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 4, min_cohort=12), intervention("b", 20, 5)),
        partners=ONE_PARTNER,
    )
    plan = optimise(inputs, simple_rules(whole_programme=True), compare_pooling=False)
    assert plan.objective == pytest.approx(25)


def test_discounting_and_confidence_use_the_green_book_defaults():
    """One participant of a rated-3 programme (confidence 0.8) avoiding 1 in each of the
    two years after taking part, £1,000 a unit, first year, 3.5%:
    0.8 x 1000 x (1/1.035 + 1/1.035^2) = 0.8 x 1000 x 1.89969 = 1,519.75 per participant.
    £100 buys one participant at £100 (one segment)."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (Intervention("a", "A", "family", "children", 100, "3+", (Effect("d", 1, (1, 2)),)),),
        partners=ONE_PARTNER,
        demand_types=(DemandType("d", "Demand", 1000, {"p": 1.0}),),
    )
    rules = simple_rules(discount_rate=0.035)
    plan = optimise(inputs, rules, compare_pooling=False)
    expected = 0.8 * 1000 * (1 / 1.035 + 1 / 1.035**2)
    assert plan.objective == pytest.approx(expected)
    assert plan.value_of_demand_avoided == pytest.approx(expected, abs=0.01)


def test_diminishing_returns_fill_the_best_segment_first():
    """Population 30 in three slices of 10 with multipliers 1.0, 0.8, 0.6; A: £10, 3 avoided.
    £250 buys 25 people: 10 x 3 + 10 x 2.4 + 5 x 1.8 = 30 + 24 + 9 = 63."""
    from optimiser_builders import one_place

    inputs = partnership(
        (BudgetLine("p", 2026, 250),),
        (intervention("a", 10, 3),),
        partners=ONE_PARTNER,
        places=(one_place(30),),
    )
    rules = simple_rules(segment_shares=(1 / 3, 1 / 3, 1 / 3), segment_multipliers=(1, 0.8, 0.6))
    plan = optimise(inputs, rules, compare_pooling=False)
    assert plan.objective == pytest.approx(63)


def test_single_demand_objective_speaks_in_that_demand():
    """Objective: A&E attendances only. A avoids 3 per £10 of another demand, B 5 per £20
    of A&E: all £100 to B, 25 attendances; £10 more adds 2.5. A's call-outs count for
    nothing in this objective, so no price or effect would bring it in."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 3, demand="other"), intervention("b", 20, 5, demand="ae")),
        partners=ONE_PARTNER,
        demand_types=(
            DemandType("other", "Police call-outs", 1.0, {"p": 1.0}),
            DemandType("ae", "A&E attendances", 1.0, {"p": 1.0}),
        ),
    )
    rules = simple_rules(objective=ObjectiveKind.SINGLE, objective_demand_type="ae")
    plan = optimise(inputs, rules, compare_pooling=False)
    assert plan.objective == pytest.approx(25)
    (budget,) = plan.binding_constraints
    assert budget.sentence == (
        "£10 more from Partner P's 2026/27 budget would add about 2.5 A&E attendances avoided."
    )
    assert plan.objective_unit == "A&E attendances avoided"
    assert plan.value_of_demand_avoided == pytest.approx(25)  # £1 a unit, either demand
    (unfunded,) = plan.not_funded
    assert unfunded.sentence == (
        "A is not funded: its expected effect counts for nothing under this scenario's weights, "
        "evidence confidence and appraisal period."
    )


def test_plan_round_trips_through_json():
    inputs = partnership(
        (BudgetLine("p", 2026, 60), BudgetLine("q", 2026, 40)),
        (
            intervention("a", 10, 3, capacity=6),
            intervention("b", 20, 5),
            intervention("n", 5, 9, rating="NE"),
        ),
    )
    plan = optimise(inputs, simple_rules(partner_fairness=0.1))
    stored = json.loads(json.dumps(plan_to_dict(plan)))
    assert stored["status"] == "optimal"
    assert plan_from_dict(stored) == plan


def test_plans_stored_before_labels_and_ranging_still_load():
    """A plan stored before binding rules and clashes had labels, final values, limits and
    ranging loads with those empty."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),), (intervention("a", 10, 3),), partners=ONE_PARTNER
    )
    stored = json.loads(json.dumps(plan_to_dict(optimise(inputs, simple_rules()))))
    new_fields = ("label", "activity", "limit", "allowable_increase", "allowable_decrease")
    for binding in stored["binding_constraints"]:
        for name in new_fields:
            del binding[name]
    (binding,) = plan_from_dict(stored).binding_constraints
    assert binding.row == "budget|p-2026"
    assert (binding.label, binding.activity, binding.limit) == ("", None, None)
    assert binding.allowable_increase is binding.allowable_decrease is None


def test_infeasible_plan_round_trips_with_its_diagnosis():
    inputs = partnership(
        (BudgetLine("p", 2026, 200, committed_minimum=100),),
        (intervention("a", 10, 3),),
        partners=ONE_PARTNER,
    )
    plan = optimise(inputs, simple_rules(intervention_caps={"a": 70}))
    assert plan.diagnosis is not None
    assert plan_from_dict(json.loads(json.dumps(plan_to_dict(plan)))) == plan


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: BudgetLine("p", 2026, -5), "budget line 'p-2026': maximum must be at least 0"),
        (
            lambda: BudgetLine("p", 2026, 10, committed_minimum=20),
            "budget line 'p-2026': committed_minimum 20 is above maximum 10",
        ),
        (
            lambda: DemandType("d", "Demand", 1.0, {"p": 0.5}),
            "demand type 'd': shares must sum to 1, they sum to 0.5000",
        ),
        (
            lambda: intervention("a", 10, 3, rating="5"),
            "intervention 'a': evidence_rating '5' is not one of",
        ),
        (
            lambda: simple_rules(need_floor=1.5),
            "scenario rules: need_floor must be between 0 and 1",
        ),
    ],
)
def test_inputs_are_checked_with_messages_naming_item_and_field(make, message):  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()


def test_unknown_references_are_named():
    with pytest.raises(InputError, match="budget line 'x-2026': partner 'x' is unknown"):
        partnership((BudgetLine("x", 2026, 10),), (intervention("a", 10, 3),))


def test_solving_keeps_standard_output_clean():
    """highspy prints a banner from C; the optimiser silences file descriptor 1 around it."""
    tests = os.path.dirname(__file__)
    root = os.path.dirname(os.path.dirname(tests))
    script = (
        f"import sys; sys.path[:0] = [{tests!r}, {root!r}]\n"
        "from optimiser_builders import *\n"
        "from optimiser import BudgetLine, Partner, optimise\n"
        "inputs = partnership((BudgetLine('p', 2026, 100),), (intervention('a', 10, 3),),"
        " partners=(Partner('p', 'P'),))\n"
        "optimise(inputs, simple_rules())\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert finished.stdout == ""
