"""The one mapping between a scenario row and the optimiser's ``ScenarioRules``, both ways.

Fields carry the same names on both sides (``optimiser.families.SETTINGS`` and the few below):
the only work here is turning the partnership's database ids (partners, demand types) into the
names the optimiser keys its rules by, and back again for a plan's stored rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from models import Scenario
from models.vocabulary import ObjectiveChoice
from optimiser.families import SETTINGS

# Copied as they are, both ways: the numeric settings and the few plain fields beside them.
SAME_FIELDS = (*SETTINGS, "first_year", "min_evidence_rating", "whole_programme")
# Mappings keyed by a partner's or a demand type's id in the table and by its name in the rules.
KEYED_BY = {"partner_fairness_overrides": "partner", "priority_weights": "demand"}


def rule_fields(
    scenario: Scenario, partner_names: Mapping[str, str], demand_names: Mapping[str, str]
) -> dict[str, Any]:
    """``ScenarioRules`` fields from a scenario (caps and budget overrides aside), keyed by
    names; ``partner_names`` and ``demand_names`` map ids (as text) to names."""
    names = {"partner": partner_names, "demand": demand_names}
    fields: dict[str, Any] = {name: getattr(scenario, name) for name in SAME_FIELDS}
    for field, kind in KEYED_BY.items():
        fields[field] = {
            names[kind][key]: weight
            for key, weight in getattr(scenario, field).items()
            if key in names[kind]
        }
    fields["appraisal_years"] = max(
        int(scenario.setting_value("appraisal_years")), scenario.horizon
    )
    fields["confidence"] = scenario.confidence_levels()
    fields["objective"] = ObjectiveChoice(scenario.objective).value
    fields["objective_demand_type"] = demand_names.get(str(scenario.objective_demand_type_id))
    segments = len(scenario.segment_multipliers)
    fields["segment_shares"] = tuple(1 / segments for _ in range(segments))
    fields["segment_multipliers"] = tuple(scenario.segment_multipliers)
    return fields


def scenario_fields(
    rules: Mapping[str, Any], partner_ids: Mapping[str, int], demand_ids: Mapping[str, int]
) -> dict[str, Any]:
    """Scenario fields from a plan's stored rules (``ScenarioRules`` as JSON), keyed by ids;
    the reverse of ``rule_fields``. Partners or demand types no longer recorded are left out."""
    ids = {"partner": partner_ids, "demand": demand_ids}
    fields: dict[str, Any] = {name: rules[name] for name in SAME_FIELDS if name in rules}
    for field, kind in KEYED_BY.items():
        fields[field] = {
            str(ids[kind][key]): weight
            for key, weight in rules.get(field, {}).items()
            if key in ids[kind]
        }
    fields["whole_programme"] = bool(rules.get("whole_programme"))
    fields["confidence"] = dict(rules.get("confidence", {}))
    fields["objective"] = ObjectiveChoice(rules.get("objective") or ObjectiveChoice.VALUE.value)
    single = rules.get("objective_demand_type")
    fields["objective_demand_type_id"] = demand_ids.get(single) if single else None
    cost = rules.get("max_cost_per_unit")
    fields["max_cost_per_unit"] = Decimal(str(cost["max_cost"])) if cost else None
    fields["max_cost_per_unit_demand_type_id"] = (
        demand_ids.get(cost["demand_type"]) if cost else None
    )
    fields["segment_multipliers"] = list(rules.get("segment_multipliers", []))
    target = rules.get("target")
    fields["target_amount"] = target["amount"] if target else None
    fields["target_demand_type_id"] = (
        demand_ids.get(target["demand_type"]) if target and target["demand_type"] else None
    )
    return fields
