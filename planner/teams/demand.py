"""Demand a place can expect to avoid, from the plan's own figures for each allocation.

The optimiser stores, with each allocation, the units of each demand type it avoids and their
value (confidence-weighted and discounted, as the objective counts them); the place summary adds
those up rather than re-deriving them, so its figures are the plan's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import optimiser as opt
from models import Plan


@dataclass(frozen=True)
class DemandLine:
    """Demand expected to be avoided in this place, for one demand type."""

    name: str
    unit: str
    units: float
    value: float


def place_entries(plan: Plan, place_name: str) -> list[dict[str, Any]]:
    """The plan's stored allocations in one place (the stored answer names places by key)."""
    result = plan.result or {}
    names = {str(place["place"]): place["name"] for place in result.get("places", [])}
    return [
        entry
        for entry in result.get("allocations", [])
        if names.get(str(entry["place"]), str(entry["place"])) == place_name
    ]


def demand_lines(
    entries: list[dict[str, Any]], demand_types: Mapping[str, opt.DemandType]
) -> list[DemandLine]:
    """Units and value avoided per demand type over these allocations, largest value first."""
    units: dict[str, float] = defaultdict(float)
    values: dict[str, float] = defaultdict(float)
    for entry in entries:
        for avoided in entry.get("demand_avoided") or []:
            key = str(avoided["demand_type"])
            units[key] += float(avoided["units"])
            values[key] += float(avoided["value"])
    lines = []
    for key, value in values.items():
        demand_type = demand_types.get(key)
        name, unit = (demand_type.name, demand_type.unit) if demand_type else (key, "")
        lines.append(DemandLine(name, unit, units[key], value))
    return sorted(lines, key=lambda line: -line.value)


def demand_by_allocation(
    entries: list[dict[str, Any]],
    interventions: Iterable[opt.Intervention],
    demand_types: Mapping[str, opt.DemandType],
) -> dict[tuple[str, int], dict[str, float]]:
    """Units avoided per demand type name, for each (intervention name, year) of the place."""
    names = {intervention.key: intervention.name for intervention in interventions}
    found: dict[tuple[str, int], dict[str, float]] = {}
    for entry in entries:
        intervention = names.get(str(entry["intervention"]), str(entry["intervention"]))
        units = found.setdefault((intervention, int(entry["year"])), {})
        for avoided in entry.get("demand_avoided") or []:
            demand_type = demand_types.get(str(avoided["demand_type"]))
            name = demand_type.name if demand_type else str(avoided["demand_type"])
            units[name] = units.get(name, 0.0) + float(avoided["units"])
    return found
