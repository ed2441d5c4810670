"""The exact inputs and rules a plan was solved with, as plain JSON, and back.

A plan stores this snapshot when it is started and is solved from it, so what the plan says it
used is what it used, and it still reads correctly after the partnership's records change.
Sources (evidence ratings, unit-cost publications) are kept beside the figures.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlmodel import Session, select

import optimiser as opt
from models import DemandType, Intervention, Scenario
from models.fields import utc_now

SNAPSHOT_VERSION = 1


def json_ready(item: Any) -> Any:
    """Dataclasses, enums, mappings, tuples and Decimals as JSON values; non-finite numbers as
    null (PostgreSQL's JSON refuses NaN)."""
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {f.name: json_ready(getattr(item, f.name)) for f in dataclasses.fields(item)}
    if isinstance(item, Enum):
        return item.value
    if isinstance(item, Mapping):
        return {str(key): json_ready(value) for key, value in item.items()}
    if isinstance(item, tuple | list):
        return [json_ready(value) for value in item]
    if isinstance(item, Decimal):
        return float(item)
    if isinstance(item, datetime):
        return item.isoformat(timespec="seconds")
    if isinstance(item, float) and not math.isfinite(item):
        return None
    return item


def take_snapshot(
    session: Session,
    scenario: Scenario,
    inputs: opt.PlanningInputs,
    rules: opt.ScenarioRules,
    time_limit: float,
) -> dict[str, Any]:
    """Everything the plan will be solved with, and where the published figures came from."""
    return {
        "version": SNAPSHOT_VERSION,
        "taken_at": json_ready(utc_now()),
        "scenario": {
            "id": scenario.id,
            "name": scenario.name,
            "description": scenario.description,
            "funding_mode": scenario.funding_mode.value,
            "time_limit_seconds": time_limit,
        },
        "inputs": json_ready(inputs),
        "rules": json_ready(rules),
        "sources": _sources(session),
    }


def _sources(session: Session) -> dict[str, list[dict[str, Any]]]:
    interventions = session.exec(select(Intervention).order_by(Intervention.name)).all()
    demand_types = session.exec(select(DemandType).order_by(DemandType.name)).all()
    return {
        "interventions": [
            {
                "name": i.name,
                "evidence_rating": i.evidence_rating,
                "cost_rating": i.cost_rating,
                "rating_source": i.rating_source,
                "rating_date": i.rating_date,
                "rating_url": i.rating_url,
                "illustrative": i.illustrative,
            }
            for i in interventions
        ],
        "demand_types": [
            {
                "name": d.name,
                "unit": d.unit,
                "unit_cost": float(d.unit_cost),
                "price_year": d.price_year,
                "cost_source": d.cost_source,
                "cost_source_url": d.cost_source_url,
                "cost_published": d.cost_published,
            }
            for d in demand_types
        ],
    }


def _price_index(data: Mapping[str, Any] | None) -> opt.PriceIndex | None:
    if not data:
        return None
    return opt.PriceIndex(
        deflators=tuple((int(year), float(value)) for year, value in data["deflators"]),
        real_year=int(data["real_year"]),
        source=data.get("source", ""),
    )


def inputs_from_snapshot(
    snapshot: Mapping[str, Any],
) -> tuple[opt.PlanningInputs, opt.ScenarioRules]:
    """Rebuild the optimiser's inputs and rules from a stored snapshot."""
    data = snapshot["inputs"]
    inputs = opt.PlanningInputs(
        partners=tuple(opt.Partner(**row) for row in data["partners"]),
        budget_lines=tuple(
            opt.BudgetLine(
                **{
                    **row,
                    "ring_fence": tuple(row["ring_fence"]),
                    "districts": tuple(row["districts"]),
                }
            )
            for row in data["budget_lines"]
        ),
        demand_types=tuple(opt.DemandType(**row) for row in data["demand_types"]),
        interventions=tuple(
            opt.Intervention(
                **{
                    **row,
                    "effects": tuple(
                        opt.Effect(**{**effect, "years_after": tuple(effect["years_after"])})
                        for effect in row["effects"]
                    ),
                }
            )
            for row in data["interventions"]
        ),
        places=tuple(opt.Place(**row) for row in data["places"]),
        cycles=tuple(
            opt.CommissioningCycle(**{**row, "open_years": tuple(row["open_years"])})
            for row in data["cycles"]
        ),
        contracts=tuple(
            opt.ExistingContract(**{**row, "years": tuple(row["years"])})
            for row in data["contracts"]
        ),
        # Snapshots taken before volunteers were kept have none.
        volunteer_pools=tuple(opt.VolunteerPool(**row) for row in data.get("volunteer_pools", [])),
        set_asides=tuple(opt.SetAside(**row) for row in data.get("set_asides", [])),
        residents_choices=tuple(
            opt.ResidentsChoice(**row) for row in data.get("residents_choices", [])
        ),
        # Snapshots taken before prices were kept have no index: prices were taken as cash.
        prices=_price_index(data.get("prices")),
    )
    rules_data = dict(snapshot["rules"])
    cost_rule = rules_data.pop("max_cost_per_unit")
    overrides = rules_data.pop("budget_overrides")
    target = rules_data.pop("target", None)  # snapshots before target mode have none
    rules = opt.ScenarioRules(
        **{
            **rules_data,
            "max_cost_per_unit": opt.CostPerUnitRule(**cost_rule) if cost_rule else None,
            "budget_overrides": tuple(opt.BudgetOverride(**row) for row in overrides),
            "target": opt.DemandTarget(**target) if target else None,
            "segment_shares": tuple(rules_data["segment_shares"]),
            "segment_multipliers": tuple(rules_data["segment_multipliers"]),
        }
    )
    return inputs, rules
