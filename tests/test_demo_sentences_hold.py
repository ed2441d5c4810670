"""Every sentence of the demo's plans holds: each change a sentence quotes is made and the plan
re-solved (the generic harness of tests/optimiser/sentence_harness.py), and the sentences the
issue found wrong now say what really happens. Whole-programme scenarios included: their
sentences are checked in the linear program they say they count in."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask
from sqlmodel import select

import optimiser as opt
from models import Scenario
from models.scenario import FundingMode
from planner.db import new_session
from planner.solving.inputs import planning_inputs
from tests.optimiser.sentence_harness import check_by_re_solving


def _pooled_scenarios(app: Flask) -> list[tuple[str, opt.PlanningInputs, opt.ScenarioRules]]:
    with app.app_context(), new_session() as session:
        return [
            (scenario.name, *planning_inputs(session, scenario))
            for scenario in session.exec(select(Scenario)).all()
            if scenario.funding_mode != FundingMode.SEPARATE
        ]


def test_every_sentence_of_every_demo_plan_holds(demo_app: Flask) -> None:
    cases = _pooled_scenarios(demo_app)
    assert cases
    for name, inputs, whole_people_rules in cases:
        # The demo's scenarios plan whole people; their continuous problem is where every
        # sentence's shadow price and range are exact, so that is what is re-solved here.
        assert whole_people_rules.whole_programme, name
        rules = replace(whole_people_rules, whole_programme=False)
        plan = opt.optimise(inputs, rules, compare_pooling=False)
        if not plan.status.has_plan:
            continue
        # Whole people and programmes: the harness re-solves the linear program the sentences
        # say they count in (the plan's choices held, participants in fractions).
        checked, wrong = check_by_re_solving(inputs, rules, plan.binding_constraints)
        assert checked > 0, name
        assert wrong == [], (name, wrong[:3])


def test_the_kirklees_budget_no_longer_promises_what_it_cannot_add(demo_app: Flask) -> None:
    """The issue: '£10,000 more from Kirklees Council's 2026/27 budget would add about £24,100'
    while re-solving adds £0. Its allowable increase is £0: the sentence says more does nothing,
    and what would have to change."""
    name, inputs, rules = next(c for c in _pooled_scenarios(demo_app) if c[0] == "Pooled 2026-29")
    plan = opt.optimise(inputs, rules, compare_pooling=False)
    kirklees = next(b for b in plan.binding_constraints if b.row == "budget|Kirklees Council-2026")
    assert kirklees.allowable_increase == pytest.approx(0)
    assert kirklees.sentence.startswith(
        "More from Kirklees Council's 2026/27 budget does nothing at this plan until"
    )
    assert kirklees.change is not None and kirklees.change.objective_change == 0
