"""What residents chose cost the optimised value: the figure the plan states holds when acted on.
The change the sentence describes is optimising the set-aside money too; making it (the same
scenario with nothing set aside, through ``optimise``) and comparing the objectives gives the
figure the plan states, whatever the scenario plans with: the plain linear program, planning
for uncertainty (expected figures over draws), whole programmes, partners alone."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, DemandTarget, Partner, ResidentsChoice, SetAside, optimise
from optimiser.plan import Plan

ONE_PARTNER = (Partner("p", "Partner P"), Partner("q", "Partner Q"))


def _inputs(with_residents: bool):  # type: ignore[no-untyped-def]
    """£1,000 from P and £600 from Q; A £10 for 4 avoided, B £20 for 5. Residents of Halifax
    have £300 and chose B for 15 people: the optimiser would have put that money into A, so
    their choice costs something."""
    return partnership(
        (BudgetLine("p", 2026, 1000), BudgetLine("q", 2026, 600)),
        (intervention("a", 10, 4), intervention("b", 20, 5)),
        partners=ONE_PARTNER,
        set_asides=(SetAside("l", 2026, 300, "Halifax decides"),) if with_residents else (),
        residents_choices=(ResidentsChoice("l", 2026, "More B", 300, "b", 15),)
        if with_residents
        else (),
    )


def _stated(plan: Plan) -> float:
    """The figure in the plan's sentence about the residents' choice (0 for 'nothing')."""
    assert plan.residents is not None
    sentence = plan.residents.sentence
    if "cost the optimised value nothing" in sentence or "cost no more than" in sentence:
        return 0.0
    found = re.search(r"(?:their choice cost about|this way costs) £([\d,.]+)", sentence)
    assert found, sentence
    return float(found.group(1).replace(",", ""))


def _rounding(amount: float) -> float:
    """Half a unit of the third significant figure: how far 'about £X' may be from exact."""
    if abs(amount) < 0.005:
        return 0.005
    return 0.5 * 10 ** (math.floor(math.log10(abs(amount))) - 2)


SCENARIOS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "linear program": ({}, {}),
    "planning for uncertainty": ({"expected_over_draws": 40}, {}),
    "whole programmes": ({"whole_programme": True}, {}),
    "partners alone": ({}, {"separately": True}),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_cost_of_the_residents_choice_is_what_optimising_their_money_adds(
    scenario: str,
) -> None:
    rule_overrides, how = SCENARIOS[scenario]
    rules = simple_rules(**rule_overrides)
    plan = optimise(_inputs(True), rules, compare_pooling=False, **how)
    residents = plan.residents
    assert residents is not None and residents.cost_to_optimised is not None
    assert plan.objective is not None
    # The change the sentence describes: no set-aside, the money optimised with the rest.
    acted = optimise(_inputs(False), rules, compare_pooling=False, **how)
    assert acted.objective is not None
    real = acted.objective - (plan.objective + residents.value_of_choices)
    assert residents.optimised_without == pytest.approx(acted.objective, abs=0.01)
    assert residents.cost_to_optimised == pytest.approx(real, abs=0.02)
    assert _stated(plan) == pytest.approx(real, abs=_rounding(real) + 0.02)
    if scenario == "linear program":
        # Hand-solved: plain, all £1,600 on A: 640. With the set-aside the pool keeps £1,300,
        # all on A: 520, plus the residents' 15 on B: 75. Their choice cost 640 - 595 = 45.
        assert real == pytest.approx(45)
        assert "their choice cost about £45 of demand avoided" in residents.sentence


def test_in_target_mode_the_choice_counts_towards_the_target_and_its_cost_is_money() -> None:
    """Target 500 units of demand avoided. Residents' 15 on B avoid 75, so the pool need reach
    only 425: 106.25 on A, £1,062.50. With nothing set aside the least cost is 125 on A, £1,250.
    Their choice costs £1,062.50 + £300 - £1,250 = £112.50 more; acted on, the same."""
    rules = simple_rules(target=DemandTarget(500))
    plan = optimise(_inputs(True), rules, compare_pooling=False)
    acted = optimise(_inputs(False), rules, compare_pooling=False)
    residents = plan.residents
    assert residents is not None and plan.objective is not None and acted.objective is not None
    assert plan.objective == pytest.approx(1062.5)
    assert acted.objective == pytest.approx(1250)
    real = plan.objective + residents.spent - acted.objective
    assert residents.cost_to_optimised == pytest.approx(real) == pytest.approx(112.5)
    assert _stated(plan) == pytest.approx(real, abs=0.005)
    assert residents.sentence.endswith(
        "what they avoid counts towards the target, and reaching it this way costs £112.50 "
        "more than optimising that money too would."
    )


@pytest.mark.parametrize("plan_proven", [True, False])
def test_no_cost_is_stated_when_either_plan_was_not_proven_best(plan_proven: bool) -> None:
    """A solver stopped by its time limit gives a plan it did not prove best: the difference
    between two such plans would not hold when re-solved, so the sentence states no figure."""
    from optimiser.build import build
    from optimiser.planning import planned_inputs
    from optimiser.residents import residents_outcome
    from optimiser.wording import Gain

    asked, rules = _inputs(True), simple_rules()
    planned = planned_inputs(asked, rules)
    model = build(planned, rules)
    outcome = residents_outcome(
        asked, model, 520.0, Gain(planned, rules), lambda: (640.0, plan_proven is False),
        proven=plan_proven,
    )  # fmt: skip
    assert outcome.cost_to_optimised is None and outcome.optimised_without is None
    which = "the plan with that money optimised too" if plan_proven else "this plan"
    assert outcome.sentence == (
        "Residents chose projects costing £300 of the £300 set aside; the solver did not "
        f"prove {which} best within its time limit, so what their choice cost the optimised "
        "value is not stated."
    )
