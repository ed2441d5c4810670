"""Each allocation carries the value of the demand it avoids, as the objective counts it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from optimiser_builders import intervention, one_place, partnership, simple_rules

from optimiser import (
    BudgetLine,
    DemandAvoided,
    DemandType,
    Effect,
    Intervention,
    Partner,
    Place,
    optimise,
    plan_from_dict,
    plan_to_dict,
)
from optimiser.report import to_pence

ONE_PARTNER = (Partner("p", "Partner P"),)


def test_allocation_value_follows_segments_confidence_and_discounting():
    """Halifax has 30 children in three slices of 10 (multipliers 1.0, 0.8, 0.6). A (rated 3:
    confidence 0.8) costs £10 and avoids 1 police call (£100) in the year after taking part
    and 2 A&E visits (£50) the year after that; 3.5% discounting. A first-slice participant
    avoids 0.8 / 1.035 = 0.77295 calls and 1.6 / 1.035^2 = 1.49361 visits: £77.29 + £74.68.
    £250 buys 25 people: 10 + 10 x 0.8 + 5 x 0.6 = 21 first-slice equivalents, so
    16.2319 calls (£1,623.19) and 31.3660 visits (£1,568.30): £3,191.49."""
    demand_types = (
        DemandType("police", "Police call", 100, {"p": 1.0}),
        DemandType("ae", "A&E visit", 50, {"p": 1.0}),
    )
    a = Intervention(
        "a", "A", "family", "children", 10, "3", (Effect("police", 1, (1,)), Effect("ae", 2, (2,)))
    )
    inputs = partnership(
        (BudgetLine("p", 2026, 250),),
        (a,),
        partners=ONE_PARTNER,
        demand_types=demand_types,
        places=(one_place(30),),
    )
    rules = simple_rules(
        discount_rate=0.035,
        segment_shares=(1 / 3, 1 / 3, 1 / 3),
        segment_multipliers=(1.0, 0.8, 0.6),
    )
    plan = optimise(inputs, rules, compare_pooling=False)

    (allocation,) = plan.allocations
    calls, visits = 21 * 0.8 / 1.035, 21 * 1.6 / 1.035**2
    assert allocation.participants == pytest.approx(25)
    assert allocation.demand_avoided == (
        DemandAvoided("police", pytest.approx(calls), round(calls * 100, 2)),
        DemandAvoided("ae", pytest.approx(visits), round(visits * 50, 2)),
    )
    assert allocation.value_of_demand_avoided == round(calls * 100 + visits * 50, 2) == 3191.49
    assert allocation.value_of_demand_avoided == pytest.approx(plan.value_of_demand_avoided)
    assert plan.objective == pytest.approx(calls * 100 + visits * 50)


def test_allocation_values_add_up_to_the_plan_to_the_penny():
    """Many small allocations, values with odd fractions of a penny: rounded to whole pence,
    they still add up to the plan's value of demand avoided."""
    places = tuple(
        Place(f"l{n}", f"Place {n}", "Calderdale", {"children": 7 + n}) for n in range(40)
    )
    inputs = partnership(
        (BudgetLine("p", 2026, 100_000), BudgetLine("p", 2027, 100_000)),
        (intervention("a", 13, 1.2345), intervention("b", 17, 1.777)),
        partners=ONE_PARTNER,
        places=places,
    )
    rules = simple_rules(horizon_years=2, appraisal_years=3, discount_rate=0.035)
    plan = optimise(inputs, rules, compare_pooling=False)

    values = [a.value_of_demand_avoided for a in plan.allocations]
    assert len(values) == 160 and None not in values
    assert round(sum(values), 2) == pytest.approx(plan.value_of_demand_avoided, abs=0.011)
    for allocation in plan.allocations:
        # Each figure is within a penny of the exact value (odd pennies go where they add up).
        assert allocation.value_of_demand_avoided == pytest.approx(
            sum(d.value for d in allocation.demand_avoided), abs=0.011
        )


def test_to_pence_hands_odd_pennies_to_the_largest_remainders():
    pence = to_pence(np.array([0.334, 0.333, 0.333, 10.005]))
    assert pence.tolist() == [34, 33, 33, 1000] or pence.tolist() == [33, 33, 33, 1001]
    assert pence.sum() == round((0.334 + 0.333 + 0.333 + 10.005) * 100)
    assert to_pence(np.zeros(0)).tolist() == []


def test_stored_plans_without_allocation_values_still_load():
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 3),),
        partners=ONE_PARTNER,
        places=(one_place(),),
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)
    stored = json.loads(json.dumps(plan_to_dict(plan)))
    assert plan_from_dict(stored) == plan
    assert stored["allocations"][0]["value_of_demand_avoided"] == 30
    for allocation in stored["allocations"]:
        del allocation["value_of_demand_avoided"], allocation["demand_avoided"]
    (old,) = plan_from_dict(stored).allocations
    assert old.value_of_demand_avoided is None and old.demand_avoided == ()
    assert old.cost == 100
