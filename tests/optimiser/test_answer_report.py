"""Excel Solver's Answer and Sensitivity reports as data, on a plan solved by hand."""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import NO_LIMIT, BudgetLine, Partner, optimise, plan_from_dict, plan_to_dict

ONE_PARTNER = (Partner("p", "Partner P"),)


def _plan(**rules):  # type: ignore[no-untyped-def]
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 4), intervention("b", 20, 5)),
        partners=ONE_PARTNER,
    )
    return optimise(inputs, simple_rules(**rules), compare_pooling=False)


def test_answer_and_sensitivity_of_a_hand_solved_plan():
    """P £100. A: £10, 4 avoided (0.40 a pound), 1,000 eligible; B: £20, 5 avoided (0.25).
    The plan: 10 participants of A, 40 avoided. The budget: final value £100 = its limit, no
    slack, shadow price 0.40; it can rise £9,900 (A's 1,000 people cost £10,000) and fall £100.
    A's slice: 10 participants, reduced cost 0, objective coefficient 4 per participant; it
    stays best however much it rises, and can fall 1.5 (to 2.5, 0.25 a pound, B's rate)."""
    plan = _plan()

    (budget,) = plan.rule_rows
    assert budget.row == "budget|p-2026" and budget.label == "Partner P's 2026/27 budget of £100"
    assert budget.activity == pytest.approx(100) and budget.limit == pytest.approx(100)
    assert budget.slack == 0 and budget.binding and budget.sense == "at most"
    assert budget.shadow_price == pytest.approx(0.4)
    assert budget.allowable_increase == pytest.approx(9_900)
    assert budget.allowable_decrease == pytest.approx(100)
    assert budget.range_note == ""

    (cell,) = plan.variable_cells
    assert cell.name == "A in Halifax in 2026/27, slice 1"
    assert cell.final_value == pytest.approx(10)
    assert cell.reduced_cost == pytest.approx(0)
    assert cell.objective_coefficient == pytest.approx(4)
    assert cell.allowable_increase == NO_LIMIT
    assert cell.allowable_decrease == pytest.approx(1.5)

    assert plan_from_dict(plan_to_dict(plan)).rule_rows == plan.rule_rows


def test_a_rule_with_slack_is_reported_as_not_binding():
    """A cap of £500 on A is never reached (P has £100): final value £100, slack £400, not
    binding, shadow price 0."""
    plan = _plan(intervention_caps={"a": 500})
    cap = next(rule for rule in plan.rule_rows if rule.family == "cap_intervention")
    assert cap.activity == pytest.approx(100)
    assert cap.slack == pytest.approx(400)
    assert not cap.binding and cap.shadow_price == 0
    assert [rule.family for rule in plan.rule_rows][0] == "budget"  # budgets first


def test_a_whole_programme_plan_says_what_its_ranges_assume():
    """Explained with each programme's choice held (a linear program), the same ranges as
    above, each row saying what they assume."""
    plan = _plan(whole_programme=True)
    (budget,) = plan.rule_rows
    assert budget.allowable_increase == pytest.approx(9_900)
    assert "kept as planned" in budget.range_note
