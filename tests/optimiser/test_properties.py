"""Properties that hold for every valid partnership, checked on random small instances."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimiser import (
    BudgetLine,
    DemandType,
    Effect,
    Intervention,
    Partner,
    Place,
    PlanningInputs,
    ScenarioRules,
    SolveStatus,
    evidence_level,
    optimise,
)
from optimiser.pooling import solve_alone

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YEARS = (2026, 2027)
TOLERANCE = 1e-4


@st.composite
def partnerships(draw: Any, *, roomy: bool = False) -> tuple[PlanningInputs, ScenarioRules]:
    """Random partnerships; ``roomy`` ones have capacity and population that never bind."""
    partners = tuple(Partner(f"p{n}", f"Partner {n}") for n in range(draw(st.integers(1, 3))))
    demand_types = []
    for n in range(draw(st.integers(1, 3))):
        weights = [draw(st.integers(0, 4)) for _ in partners]
        if not any(weights):
            weights[0] = 1
        shares = {p.key: w / sum(weights) for p, w in zip(partners, weights, strict=True)}
        unit_cost = draw(st.integers(50, 5000))
        demand_types.append(DemandType(f"d{n}", f"Demand {n}", unit_cost, shares))
    interventions = []
    for n in range(draw(st.integers(1, 4))):
        effects = tuple(
            Effect(d.key, draw(st.floats(0.01, 1.0)), (draw(st.integers(0, 2)),))
            for d in demand_types
            if draw(st.booleans())
        ) or (Effect(demand_types[0].key, 0.5, (1,)),)
        interventions.append(
            Intervention(
                key=f"i{n}",
                name=f"Intervention {n}",
                category=draw(st.sampled_from(["family", "school"])),
                target_group="children",
                unit_cost=draw(st.integers(100, 3000)),
                evidence_rating=draw(st.sampled_from(["4", "3+", "3", "2", "NL2", "NE"])),
                effects=effects,
                capacity=None if roomy else draw(st.one_of(st.none(), st.integers(1, 200))),
            )
        )
    places = tuple(
        Place(
            f"l{n}",
            f"Place {n}",
            draw(st.sampled_from(["North", "South"])),
            {"children": 10**9 if roomy else draw(st.integers(0, 400))},
            need_index=draw(st.floats(0.1, 3.0)),
        )
        for n in range(draw(st.integers(1, 3)))
    )
    lines = tuple(
        BudgetLine(
            partner.key,
            year,
            draw(st.integers(0, 200_000)),
            ring_fence=draw(st.sampled_from([(), ("family",)])),
            districts=() if roomy else draw(st.sampled_from([(), ("North",)])),
        )
        for partner in partners
        for year in YEARS
        if draw(st.booleans()) or year == YEARS[0]
    )
    inputs = PlanningInputs(
        partners=partners,
        budget_lines=lines,
        demand_types=tuple(demand_types),
        interventions=tuple(interventions),
        places=places,
    )
    rules = ScenarioRules(
        first_year=YEARS[0],
        horizon_years=2,
        appraisal_years=4,
        min_share_rated_3_plus=draw(st.sampled_from([0.0, 0.3, 0.7])),
        partner_fairness=draw(st.sampled_from([0.0, 0.1, 0.5])),
        need_floor=0.0 if roomy else draw(st.sampled_from([0.0, 0.2, 0.5])),
        portfolio_vfm_ratio=draw(st.sampled_from([0.0, 0.5])),
    )
    return inputs, rules


@SETTINGS
@given(partnerships())
def test_every_plan_keeps_the_rules(case: tuple[PlanningInputs, ScenarioRules]) -> None:
    inputs, rules = case
    plan = optimise(inputs, rules, compare_pooling=False, time_limit=20)
    assert plan.status is SolveStatus.OPTIMAL  # no minimums or contracts: all-zero is feasible

    paid: dict[tuple[str, int], float] = defaultdict(float)
    for allocation in plan.allocations:
        # Funding equals delivery cost.
        assert sum(f.amount for f in allocation.funding) == pytest.approx(allocation.cost, abs=0.05)
        for funding in allocation.funding:
            paid[(funding.partner, allocation.year)] += funding.amount
        # No NE intervention is funded.
        assert evidence_level(inputs.intervention(allocation.intervention).evidence_rating) > 0
    # Budgets are never exceeded.
    for (partner, year), amount in paid.items():
        limit = sum(
            b.maximum for b in inputs.budget_lines if b.partner == partner and b.year == year
        )
        assert amount <= limit + 0.05 * len(plan.allocations) + TOLERANCE
    # Fairness between partners and need floors hold.
    for outcome in plan.partners:
        alpha = rules.fairness_for(outcome.partner)
        assert outcome.benefit >= alpha * outcome.contribution - 0.05
    for place in plan.places:
        if place.need_floor is not None:
            assert place.spend >= place.need_floor - 0.05
    strong = sum(e.spend for e in plan.evidence_mix if e.rating in ("4", "3"))
    assert strong >= rules.min_share_rated_3_plus * plan.total_spend - 0.05


@SETTINGS
@given(partnerships(), st.data())
def test_pooling_is_never_worse_than_any_partner_alone(
    case: tuple[PlanningInputs, ScenarioRules], data: Any
) -> None:
    """Every plan of a partner alone is a pooled plan too, with one exception: a need floor.

    Alone, a partner meets the floor only in the places its own money may reach; pooled, the
    floor covers every place any partner's money may reach, and meeting it there may cost
    more than the pool gains (hand-solved in test_alone_need_floor). So the comparison holds
    when the floor is off or the partner's money reaches every place the pool's does.
    """
    inputs, rules = case
    plan = optimise(inputs, rules, compare_pooling=False, time_limit=20)
    partner = data.draw(st.sampled_from([p.key for p in inputs.partners]))
    alone, covered = solve_alone(inputs, rules, partner, time_limit=20)
    assert plan.objective is not None
    pooled_covers = {place.place for place in plan.places if place.need_share > 0}
    if rules.need_floor > 0 and covered < pooled_covers:
        return
    assert plan.objective >= alone.objective - 1e-6 * max(1.0, abs(alone.objective))


@SETTINGS
@given(partnerships(roomy=True))
def test_pooling_beats_the_sum_alone_when_capacity_does_not_bind(
    case: tuple[PlanningInputs, ScenarioRules],
) -> None:
    inputs, rules = case
    plan = optimise(inputs, rules, time_limit=20)
    assert plan.pooling is not None and plan.objective is not None
    assert plan.objective >= plan.pooling.sum_alone - 1e-6 * max(1.0, plan.pooling.sum_alone)


@SETTINGS
@given(partnerships(), st.data())
def test_raising_a_budget_never_lowers_the_objective(
    case: tuple[PlanningInputs, ScenarioRules], data: Any
) -> None:
    inputs, rules = case
    index = data.draw(st.integers(0, len(inputs.budget_lines) - 1))
    extra = data.draw(st.integers(1, 100_000))
    lines = list(inputs.budget_lines)
    lines[index] = replace(lines[index], maximum=lines[index].maximum + extra)
    before = optimise(inputs, rules, compare_pooling=False, time_limit=20).objective
    after = optimise(
        replace(inputs, budget_lines=tuple(lines)), rules, compare_pooling=False, time_limit=20
    ).objective
    assert before is not None and after is not None
    assert after >= before - 1e-6 * max(1.0, abs(before))
