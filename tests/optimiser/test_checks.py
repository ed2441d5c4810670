"""Scenario rules checked against the partnership: a rule naming nothing is an error, in words."""

from __future__ import annotations

from typing import Any

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import (
    BudgetLine,
    BudgetOverride,
    CostPerUnitRule,
    InputError,
    ObjectiveKind,
    Partner,
    check_rules,
    optimise,
)


def _inputs():  # type: ignore[no-untyped-def]
    return partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 3),),
        partners=(Partner("p", "Partner P"),),
    )


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (
            {"intervention_caps": {"Foo": 10}},
            "scenario rules: cap on intervention 'Foo' — no intervention has that name",
        ),
        (
            {"category_caps": {"health": 10}},
            "scenario rules: cap on category 'health' — no intervention is in that category",
        ),
        (
            {"place_caps": {"Leeds": 10}},
            "scenario rules: cap on place 'Leeds' — no place has that name",
        ),
        (
            {"partner_fairness_overrides": {"q": 0.5}},
            "scenario rules: partner fairness override for partner 'q' — no partner has that name",
        ),
        (
            {"budget_overrides": (BudgetOverride("q-2026", maximum=5),)},
            "scenario rules: budget override for budget line 'q-2026' — no budget line has "
            "that key",
        ),
        (
            {"max_cost_per_unit": CostPerUnitRule("ae", 100)},
            "scenario rules: most cost per unit of demand type 'ae' — no demand type has that name",
        ),
        (
            {"objective": ObjectiveKind.PRIORITY, "priority_weights": {"ae": 2}},
            "scenario rules: priority weight for demand type 'ae' — no demand type has that name",
        ),
        (
            {"objective": ObjectiveKind.SINGLE, "objective_demand_type": "ae"},
            "scenario rules: objective demand type 'ae' — no demand type has that name",
        ),
    ],
)
def test_rules_naming_something_the_partnership_lacks_are_refused(
    rules: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError) as raised:
        optimise(_inputs(), simple_rules(**rules), compare_pooling=False)
    assert str(raised.value) == message


def test_every_unknown_item_is_named_at_once():
    rules = simple_rules(intervention_caps={"Foo": 10}, place_caps={"Leeds": 5})
    with pytest.raises(InputError) as raised:
        check_rules(_inputs(), rules)
    assert str(raised.value) == (
        "scenario rules: cap on intervention 'Foo' — no intervention has that name; "
        "cap on place 'Leeds' — no place has that name"
    )


def test_rules_naming_what_is_there_pass():
    rules = simple_rules(
        intervention_caps={"a": 10},
        category_caps={"family": 10},
        place_caps={"l": 10},
        partner_fairness_overrides={"p": 0.1},
        budget_overrides=(BudgetOverride("p-2026", maximum=50),),
        max_cost_per_unit=CostPerUnitRule("d", 100),
    )
    check_rules(_inputs(), rules)


def test_negative_segment_multipliers_are_refused():
    with pytest.raises(InputError) as raised:
        simple_rules(segment_shares=(0.5, 0.5), segment_multipliers=(1.0, -0.5))
    assert str(raised.value) == "scenario rules: segment_multipliers must be at least 0, got -0.5"


def test_looking_up_a_missing_key_says_what_was_looked_for():
    with pytest.raises(InputError) as raised:
        _inputs().demand_type("ae")
    assert str(raised.value) == "no demand type has the key 'ae'"
