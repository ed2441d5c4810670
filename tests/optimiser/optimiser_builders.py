"""Builders of small partnerships for the hand-solved optimiser tests.

Defaults keep the arithmetic simple: no discounting, one segment with
multiplier 1, effects in the year of participation, unit cost of demand £1,
evidence rating 4 (confidence 1.0).
"""

from __future__ import annotations

from typing import Any

from optimiser import (
    BudgetLine,
    DemandType,
    Effect,
    Intervention,
    Partner,
    Place,
    PlanningInputs,
    ScenarioRules,
)


def intervention(
    key: str, unit_cost: float, units: float, *, demand: str = "d", rating: str = "4", **extra: Any
) -> Intervention:
    """An intervention avoiding ``units`` of ``demand`` per participant, in the same year."""
    fields: dict[str, Any] = {"category": "family", "target_group": "children"} | extra
    return Intervention(
        key=key,
        name=key.upper(),
        unit_cost=unit_cost,
        evidence_rating=rating,
        effects=(Effect(demand, units, (0,)),),
        **fields,
    )


def simple_rules(**overrides: Any) -> ScenarioRules:
    settings: dict[str, Any] = {
        "first_year": 2026,
        "discount_rate": 0.0,
        "segment_shares": (1.0,),
        "segment_multipliers": (1.0,),
    } | overrides
    return ScenarioRules(**settings)


def one_place(population: float = 1000, district: str = "Calderdale") -> Place:
    return Place("l", "Halifax", district, {"children": population})


def partnership(
    lines: tuple[BudgetLine, ...],
    interventions: tuple[Intervention, ...],
    *,
    partners: tuple[Partner, ...] = (Partner("p", "Partner P"), Partner("q", "Partner Q")),
    demand_types: tuple[DemandType, ...] | None = None,
    places: tuple[Place, ...] | None = None,
    **extra: Any,
) -> PlanningInputs:
    if demand_types is None:
        shares = {partner.key: 1 / len(partners) for partner in partners}
        demand_types = (DemandType("d", "Demand", 1.0, shares),)
    return PlanningInputs(
        partners=partners,
        budget_lines=lines,
        demand_types=demand_types,
        interventions=interventions,
        places=places or (one_place(),),
        **extra,
    )
