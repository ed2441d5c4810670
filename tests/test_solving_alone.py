"""The "Each partner alone" scenario with a need floor: each partner meets it where it may pay.

Pure: the separate plan is one model of the optimiser (optimiser.separate), with no app or database.
"""

from __future__ import annotations

import pytest

import optimiser as opt


def _partnership() -> opt.PlanningInputs:
    """Kirklees Council £100 for Kirklees places only; the police £40 anywhere.

    Huddersfield (Kirklees) and Halifax (Calderdale) have equal need; one programme costs £10
    and avoids 3 units of £1 demand per participant.
    """
    return opt.PlanningInputs(
        partners=(
            opt.Partner("k", "Kirklees Council", district="Kirklees"),
            opt.Partner("w", "West Yorkshire Police"),
        ),
        budget_lines=(
            opt.BudgetLine("k", 2026, 100, districts=("Kirklees",)),
            opt.BudgetLine("w", 2026, 40),
        ),
        demand_types=(opt.DemandType("d", "Demand", 1.0, {"k": 0.5, "w": 0.5}),),
        interventions=(
            opt.Intervention(
                key="a",
                name="A",
                category="family",
                target_group="children",
                unit_cost=10,
                evidence_rating="4",
                effects=(opt.Effect("d", 3, (0,)),),
            ),
        ),
        places=(
            opt.Place("h", "Huddersfield", "Kirklees", {"children": 1000}),
            opt.Place("c", "Halifax", "Calderdale", {"children": 1000}),
        ),
    )


def test_partners_commissioning_separately_meet_the_partnerships_need_floor():
    """Floor phi = 0.5 on the combined plan, over both places (equal need). Each partner buys
    the programme for its half of the benefit: the council its £100 in Huddersfield, the
    police its £40, which the floor sends to Halifax: each place at least 0.5 x £140 x 1/2 =
    £35. £140 in all, 42 avoided."""
    rules = opt.ScenarioRules(
        first_year=2026,
        discount_rate=0.0,
        segment_shares=(1.0,),
        segment_multipliers=(1.0,),
        need_floor=0.5,
    )
    plan = opt.optimise(_partnership(), rules, time_limit=10, separately=True)

    assert plan.status is opt.SolveStatus.OPTIMAL
    assert plan.objective == pytest.approx(42)
    assert plan.total_spend == pytest.approx(140)
    places = {p.place: p for p in plan.places}
    assert places["h"].need_share == places["c"].need_share == 0.5
    assert places["h"].need_floor == places["c"].need_floor == pytest.approx(35)
    for place in plan.places:
        assert place.need_floor is not None and place.spend >= place.need_floor - 0.01
    assert plan.messages[0].startswith("Each partner commissions separately")
    assert sum(a.value_of_demand_avoided or 0 for a in plan.allocations) == pytest.approx(42)
    assert sum(d.units for a in plan.allocations for d in a.demand_avoided) == pytest.approx(42)
    pooling = opt.compare_pooling(_partnership(), rules, None, time_limit=10)
    assert pooling is not None and pooling.separate_objective == pytest.approx(42)
    assert {a.partner: a.objective for a in pooling.alone} == pytest.approx({"k": 30, "w": 12})


def test_each_partner_alone_keeps_its_own_budget_override():
    """The scenario raises the police's £40 to £60 (an override of its budget line). Alone,
    the council keeps its £100 (the police's override is no business of its own plan, and is
    not an unknown budget line) and the police plans with £60: 30 + 18 = 48 avoided."""
    rules = opt.ScenarioRules(
        first_year=2026,
        discount_rate=0.0,
        segment_shares=(1.0,),
        segment_multipliers=(1.0,),
        budget_overrides=(opt.BudgetOverride("w-2026", maximum=60),),
    )
    plan = opt.optimise(_partnership(), rules, time_limit=10, separately=True)

    assert plan.status is opt.SolveStatus.OPTIMAL
    assert plan.objective == pytest.approx(48)
    assert {p.partner: p.contribution for p in plan.partners} == {"k": 100, "w": 60}
