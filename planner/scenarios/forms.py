"""The scenario form: what it offers, its inputs for a saved scenario, and the posted form read
into the scenario schema's field names.

Nothing is checked here: ``read_scenario_form`` only gathers the typed strings under the API's
field names (the rows of budget overrides and caps into lists), and ``schema.ScenarioInput``
checks them exactly as it checks the API's JSON, reading shares as percentages (35 means 35%)
because the values came from the form. Each problem comes back keyed by API field and is shown
against the input it is about (``ScenarioForm.input_for``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from models.scenario import CapScope, Scenario
from optimiser.families import SETTINGS, Section, Setting
from planner.core.years import InFinancialYear

CONFIDENCE_LEVELS = ("4", "3", "2", "NL2")
FUNDABLE_RATINGS = ("4", "3", "2", "NL2")
MAX_PRIORITY_WEIGHT = 1000
MAX_FAIRNESS_FACTOR = 100
BLANK_CAP_ROWS = 3
# The caps table offers the saved caps and three blank rows; a posted row count is trusted only
# that far, and never beyond this many rows (each row is a long list of places to choose from).
MAX_CAP_ROWS = 50


@dataclass(frozen=True)
class NumberRule:
    """One numeric rule of a scenario as the form shows it: label, one-line explanation, unit.

    Built from the optimiser's registry (``optimiser.families.SETTINGS``); only the solver's
    time limit, a setting of the run rather than a rule of the plan, is described here.
    """

    name: str
    label: str
    hint: str
    unit: str  # "%", "x", "£", "years", "seconds" or ""
    minimum: float
    maximum: float
    default: float
    whole: bool = False
    percent: bool = False  # typed as a percentage, stored as a fraction
    why_maximum: str = ""  # why the upper limit is what it is, when a person would ask
    glossary: str = ""  # the glossary entry that explains it
    section: Section = field(kw_only=True)  # the form's section it sits in (the registry's)

    @classmethod
    def of(cls, setting: Setting) -> NumberRule:
        """The form's view of one registry setting."""
        return cls(
            name=setting.name,
            label=setting.label,
            hint=setting.help,
            unit=setting.unit.value,
            minimum=setting.minimum,
            maximum=setting.maximum,
            default=setting.default,
            whole=setting.whole,
            percent=setting.percent,
            why_maximum=setting.why_maximum,
            glossary=setting.glossary,
            section=setting.section,
        )

    def default_text(self) -> str:
        return display_number(self.default * 100 if self.percent else self.default)


TIME_LIMIT = NumberRule(
    "time_limit_seconds",
    "Time limit",
    "Longest the optimiser may search; it then returns the best plan found so far.",
    "seconds",
    1,
    3600,
    60,
    whole=True,
    section=Section.SOLVER,
)
NUMBER_RULES: dict[str, NumberRule] = {
    **{name: NumberRule.of(setting) for name, setting in SETTINGS.items()},
    TIME_LIMIT.name: TIME_LIMIT,
}


def ceiling_rule(rule: NumberRule, time_limit_ceiling: float | None) -> NumberRule:
    """The rule as this server offers it: the time limit never beyond the server's own ceiling
    (SOLVE_TIME_LIMIT), since a longer search would be cut short there anyway."""
    if rule.name != TIME_LIMIT.name or time_limit_ceiling is None:
        return rule
    if time_limit_ceiling >= rule.maximum:
        return rule
    ceiling = max(int(time_limit_ceiling), int(rule.minimum))
    return replace(
        rule,
        maximum=ceiling,
        hint=f"{rule.hint} This server lets it search for at most {ceiling} seconds.",
        why_maximum="the longest this server lets the optimiser search",
    )


def number_rules(time_limit_ceiling: float | None = None) -> dict[str, NumberRule]:
    """The numeric rules as this server offers them (see ceiling_rule)."""
    return {name: ceiling_rule(rule, time_limit_ceiling) for name, rule in NUMBER_RULES.items()}


@dataclass(frozen=True)
class CapTarget:
    """Something a scenario can cap spend on: a place, an intervention or a category."""

    scope: CapScope
    target: str
    label: str

    @property
    def value(self) -> str:
        return f"{self.scope.value}:{self.target}"


@dataclass(frozen=True)
class BudgetLineChoice(InFinancialYear):
    id: int
    partner: str
    year: int
    maximum: Decimal
    minimum: Decimal | None


@dataclass(frozen=True)
class ScenarioChoices:
    """What the form offers: the partnership's partners, demand types, caps and budget lines."""

    partners: list[tuple[int, str]]
    demand_types: list[tuple[int, str]]
    cap_targets: list[CapTarget]
    budget_lines: list[BudgetLineChoice]
    years: list[int]

    def cap_label(self, scope: str, target: str) -> str:
        for choice in self.cap_targets:
            if choice.scope.value == scope and choice.target == target:
                return choice.label
        return f"{scope} {target} (no longer recorded)"

    def partner_name(self, partner_id: str) -> str:
        return dict((str(key), name) for key, name in self.partners).get(
            partner_id, f"partner {partner_id} (no longer recorded)"
        )

    def demand_type_name(self, demand_type_id: object) -> str:
        return dict((str(key), name) for key, name in self.demand_types).get(
            str(demand_type_id), f"demand type {demand_type_id} (no longer recorded)"
        )


@dataclass
class ScenarioForm:
    """A posted scenario form as the scenario schema reads it (``schema.ScenarioInput``): the
    values under the API's field names, and which input each budget override and cap came from,
    so each problem is shown next to the input it is about."""

    values: dict[str, Any] = field(default_factory=dict)
    override_lines: list[int] = field(default_factory=list)  # budget line id of each override
    cap_rows: list[int] = field(default_factory=list)  # form row of each cap
    first_demand_type: int | None = None

    def input_for(self, key: str) -> str:
        """The input a problem keyed by API field belongs to: "priority_weights.3" is the input
        "priority-3", "budget_overrides.0.minimum" is "budget-min-<its line>"."""
        family, _, rest = key.partition(".")
        item, _, part = rest.partition(".")
        if family == "priority_weights":
            return f"priority-{item or self.first_demand_type or ''}"
        if family == "partner_fairness_overrides" and item:
            return f"fairness-{item}"
        if family == "confidence" and item:
            return f"confidence-{item}"
        if family == "budget_overrides" and item.isdigit() and int(item) < len(self.override_lines):
            kind = "min" if part == "minimum" else "max"
            return f"budget-{kind}-{self.override_lines[int(item)]}"
        if family == "caps" and item.isdigit() and int(item) < len(self.cap_rows):
            kind = "maximum" if part == "maximum" else "target"
            return f"cap-{self.cap_rows[int(item)]}-{kind}"
        return key


def display_number(value: float | int | Decimal | None) -> str:
    """A number as a person would type it: 0.035 -> '0.035', 3.50 -> '3.5', 1.0 -> '1'."""
    if value is None:
        return ""
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text or "0"


def display_money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".removesuffix(".00")


def form_values(scenario: Scenario | None) -> dict[str, str]:
    """The form's inputs for an existing scenario, or the defaults for a new one."""
    # A new scenario plans whole people and programmes unless its maker turns it off.
    source = scenario or Scenario(name="", whole_programme=True)
    values: dict[str, str] = {
        "name": source.name,
        "description": source.description,
        "first_year": str(source.first_year),
        "funding_mode": source.funding_mode.value,
        "min_evidence_rating": source.min_evidence_rating,
        "objective": source.objective.value,
        "objective_demand_type_id": str(source.objective_demand_type_id or ""),
        "max_cost_per_unit_demand_type_id": str(source.max_cost_per_unit_demand_type_id or ""),
        "max_cost_per_unit": display_money(source.max_cost_per_unit),
        "target_amount": display_number(source.target_amount),
        "target_demand_type_id": str(source.target_demand_type_id or ""),
        "segment_multipliers": ", ".join(display_number(m) for m in source.segment_multipliers),
        "whole_programme": "y" if source.whole_programme else "",
    }
    for name, rule in NUMBER_RULES.items():
        number = getattr(source, name)
        values[name] = display_number(number * 100 if rule.percent else number)
    for level, weight in source.confidence_levels().items():
        values[f"confidence-{level}"] = display_number(weight)
    for partner_id, factor in source.partner_fairness_overrides.items():
        values[f"fairness-{partner_id}"] = display_number(factor)
    for demand_type_id, weight in source.priority_weights.items():
        values[f"priority-{demand_type_id}"] = display_number(weight)
    for override in source.budget_overrides if scenario else []:
        values[f"budget-max-{override.budget_line_id}"] = display_money(override.maximum)
        values[f"budget-min-{override.budget_line_id}"] = display_money(override.minimum)
    for row, cap in enumerate(source.caps if scenario else []):
        values[f"cap-{row}-target"] = f"{cap.scope.value}:{cap.target}"
        values[f"cap-{row}-maximum"] = display_money(cap.maximum)
    values["cap-rows"] = str(len(source.caps if scenario else []) + BLANK_CAP_ROWS)
    return values


def cap_row_count(posted: object, saved_caps: int) -> int:
    """How many rows of caps to read from a posted form and show again: the hidden `cap-rows`
    the form posted back, if it is a small whole number, but no more than the form offered (the
    saved caps and three blank rows, at most MAX_CAP_ROWS unless more caps are saved), so a forged
    number neither fails nor builds a huge page."""
    offered = max(min(saved_caps + BLANK_CAP_ROWS, MAX_CAP_ROWS), saved_caps)
    text = str(posted or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        return offered
    return max(min(int(text), offered), min(BLANK_CAP_ROWS, offered))


# Typing conveniences the form allows before a number is read: "£25,000", "35%". Commas are
# taken out only where they group thousands ("25,000"), never as a decimal comma ("2,5").
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?", re.ASCII)


def typed_number(text: object) -> str:
    """A number as typed on the form, without the pound sign, per cent sign or thousands
    commas a person may add; whatever remains is read (and refused) by the schema."""
    cleaned = str(text or "").strip().removeprefix("£").removesuffix("%").strip()
    return cleaned.replace(",", "") if _GROUPED.fullmatch(cleaned) else cleaned


def read_scenario_form(posted: Mapping[str, str], choices: ScenarioChoices) -> ScenarioForm:
    """The posted form's values under the schema's field names; nothing is checked here (the
    schema and ``checks.reference_problems`` check form and API alike)."""

    def text(name: str) -> str:
        return str(posted.get(name, "")).strip()

    form = ScenarioForm(
        first_demand_type=choices.demand_types[0][0] if choices.demand_types else None
    )
    values = form.values
    for name in ("name", "description", "first_year", "min_evidence_rating"):
        values[name] = text(name)
    for name in ("funding_mode", "objective"):
        if text(name):  # a choice left unmade keeps its default, as an API field left out does
            values[name] = text(name)
    for name in NUMBER_RULES:
        values[name] = typed_number(posted.get(name))
    for name in (
        "objective_demand_type_id",
        "max_cost_per_unit_demand_type_id",
        "target_demand_type_id",
    ):
        values[name] = text(name)
    values["max_cost_per_unit"] = typed_number(posted.get("max_cost_per_unit"))
    values["target_amount"] = typed_number(posted.get("target_amount"))
    values["confidence"] = _typed_mapping(posted, "confidence", CONFIDENCE_LEVELS)
    values["partner_fairness_overrides"] = _typed_mapping(
        posted, "fairness", [str(key) for key, _ in choices.partners]
    )
    values["priority_weights"] = _typed_mapping(
        posted, "priority", [str(key) for key, _ in choices.demand_types]
    )
    segments = text("segment_multipliers")
    if segments:
        values["segment_multipliers"] = [p.strip() for p in segments.split(",") if p.strip()]
    values["whole_programme"] = text("whole_programme") in ("y", "on", "1", "true")
    values["budget_overrides"] = []
    for line in choices.budget_lines:
        maximum = typed_number(posted.get(f"budget-max-{line.id}"))
        minimum = typed_number(posted.get(f"budget-min-{line.id}"))
        if not maximum and not minimum:
            continue
        # A blank half keeps the budget line's own figure.
        values["budget_overrides"].append(
            {
                "budget_line_id": line.id,
                "maximum": maximum or line.maximum,
                "minimum": minimum or line.minimum,
            }
        )
        form.override_lines.append(line.id)
    values["caps"] = []
    for row in range(cap_row_count(text("cap-rows"), len(choices.cap_targets))):
        chosen = text(f"cap-{row}-target")
        amount = typed_number(posted.get(f"cap-{row}-maximum"))
        if not chosen and not amount:
            continue
        scope, _, target = chosen.partition(":")
        values["caps"].append({"scope": scope, "target": target, "maximum": amount})
        form.cap_rows.append(row)
    return form


def _typed_mapping(posted: Mapping[str, str], prefix: str, keys: Iterable[str]) -> dict[str, str]:
    """The inputs `prefix-<key>` that were filled in, by key."""
    return {
        key: typed_number(posted.get(f"{prefix}-{key}"))
        for key in keys
        if str(posted.get(f"{prefix}-{key}", "")).strip()
    }
