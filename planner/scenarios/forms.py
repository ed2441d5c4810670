"""The scenario form: every rule of a scenario, read from the posted form and written back to it.

People type shares as percentages (35 means 35%) while the model stores fractions (0.35); the
conversion happens here and nowhere else. Each problem is reported against the input it is about,
in words a commissioner understands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from models.fields import is_plain_number
from models.scenario import DEFAULT_CONFIDENCE, DEFAULT_SEGMENT_MULTIPLIERS, CapScope, Scenario
from models.vocabulary import ObjectiveChoice, parse_financial_year
from optimiser.families import SETTINGS, Setting
from planner.core.years import InFinancialYear

CONFIDENCE_LEVELS = ("4", "3", "2", "NL2")
FUNDABLE_RATINGS = ("4", "3", "2", "NL2")
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
)
NUMBER_RULES: dict[str, NumberRule] = {
    **{name: NumberRule.of(setting) for name, setting in SETTINGS.items()},
    TIME_LIMIT.name: TIME_LIMIT,
}


def number_rules(time_limit_ceiling: float | None = None) -> dict[str, NumberRule]:
    """The numeric rules as this server offers them: the time limit never beyond the server's
    own ceiling (SOLVE_TIME_LIMIT), since a longer search would be cut short there anyway."""
    rule = NUMBER_RULES["time_limit_seconds"]
    if time_limit_ceiling is None or time_limit_ceiling >= rule.maximum:
        return NUMBER_RULES
    ceiling = max(int(time_limit_ceiling), int(rule.minimum))
    limited = replace(
        rule,
        maximum=ceiling,
        hint=f"{rule.hint} This server lets it search for at most {ceiling} seconds.",
        why_maximum="the longest this server lets the optimiser search",
    )
    return {**NUMBER_RULES, limited.name: limited}


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
class ScenarioSubmission:
    """A posted scenario form, parsed: model fields, budget overrides, caps and any problems."""

    fields: dict[str, Any] = field(default_factory=dict)
    budget_overrides: dict[int, tuple[Decimal, Decimal | None]] = field(default_factory=dict)
    caps: list[tuple[CapScope, str, Decimal]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    # Posted from the web form: problems are shown against its inputs (checks.form_input).
    from_form: bool = False


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
    source = scenario or Scenario(name="")
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


class _Reader:
    """Reads typed values from the posted form, collecting a plain reason for each problem."""

    def __init__(self, posted: Mapping[str, str], errors: dict[str, str]) -> None:
        self.posted = posted
        self.errors = errors

    def text(self, name: str) -> str:
        return str(self.posted.get(name, "")).strip()

    def number(
        self,
        name: str,
        label: str,
        low: float,
        high: float,
        *,
        whole: bool = False,
        why_high: str = "",
        unit: str = "",
    ) -> float | None:
        text = self.text(name).replace(",", "").removesuffix("%").strip()
        if not text:
            return None
        try:
            if not is_plain_number(text):
                raise InvalidOperation(text)
            number = float(Decimal(text))
        except InvalidOperation:
            self.errors[name] = f"{label} must be a number, like {display_number(high / 2)}"
            return None
        if whole and number != int(number):
            self.errors[name] = f"{label} must be a whole number"
            return None
        if not low <= number <= high:
            self.errors[name] = (
                f"{label} must be between {display_number(low)} and {display_number(high)}"
                + (f" {unit}" if unit in ("years", "seconds") else "")
                + (f", {why_high}" if why_high else "")
            )
            return None
        return int(number) if whole else number

    def money(self, name: str, label: str) -> Decimal | None:
        text = self.text(name).replace(",", "").removeprefix("£").strip()
        if not text:
            return None
        try:
            if not is_plain_number(text):
                raise InvalidOperation(text)
            amount = Decimal(text)
        except InvalidOperation:
            self.errors[name] = f"{label} must be an amount of money, like 25000 or 25000.50"
            return None
        if not amount.is_finite() or amount < 0:
            self.errors[name] = f"{label} must be £0 or more"
            return None
        if amount.as_tuple().exponent < -2:  # type: ignore[operator]
            self.errors[name] = f"{label} must be in pounds and pence (at most 2 decimal places)"
            return None
        if amount >= Decimal("1e12"):
            self.errors[name] = f"{label} is too large"
            return None
        return amount

    def choice_id(self, name: str, known: list[tuple[int, str]], label: str) -> int | None:
        text = self.text(name)
        if not text:
            return None
        if not text.isdigit() or int(text) not in {key for key, _ in known}:
            self.errors[name] = f"Choose {label} from the list"
            return None
        return int(text)


def parse_scenario_form(
    posted: Mapping[str, str],
    choices: ScenarioChoices,
    rules: Mapping[str, NumberRule] = NUMBER_RULES,
) -> ScenarioSubmission:
    """Read every rule from the posted form, each number within `rules` (see number_rules).
    Problems go to `errors`, keyed by input name."""
    submission = ScenarioSubmission(from_form=True)
    read = _Reader(posted, submission.errors)
    fields = submission.fields
    fields["name"] = read.text("name")
    if not fields["name"]:
        submission.errors["name"] = "Enter a name for the scenario"
    fields["description"] = read.text("description")
    try:
        fields["first_year"] = parse_financial_year(read.text("first_year") or "x")
    except ValueError:
        submission.errors["first_year"] = "Choose the first financial year of the plan"
    fields["funding_mode"] = read.text("funding_mode") or "pooled"
    rating = read.text("min_evidence_rating")
    if rating not in FUNDABLE_RATINGS:
        submission.errors["min_evidence_rating"] = "Choose the weakest evidence rating to fund"
    fields["min_evidence_rating"] = rating

    for name, rule in rules.items():
        number = read.number(
            name,
            rule.label,
            rule.minimum,
            rule.maximum,
            whole=rule.whole,
            why_high=rule.why_maximum,
            unit=rule.unit,
        )
        if number is None and name not in submission.errors:
            submission.errors[name] = (
                f"Enter the {rule.label.lower()} (default {rule.default_text()})"
            )
        elif number is not None:
            fields[name] = number / 100 if rule.percent else number

    _read_cost_cap(read, choices, fields)
    _read_objective(read, choices, fields)
    _read_target(read, choices, fields)
    fields["confidence"] = _read_confidence(read)
    fields["partner_fairness_overrides"] = {
        str(partner_id): factor
        for partner_id, name in choices.partners
        if (
            factor := read.number(
                f"fairness-{partner_id}", f"The fairness factor for {name}", 0, 100
            )
        )
        is not None
    }
    fields["segment_multipliers"] = _read_segments(read)
    fields["whole_programme"] = read.text("whole_programme") in ("y", "on", "1", "true")
    submission.budget_overrides = _read_budget_overrides(read, choices)
    submission.caps = _read_caps(read, choices)
    return submission


def _read_cost_cap(read: _Reader, choices: ScenarioChoices, fields: dict[str, Any]) -> None:
    demand_type_id = read.choice_id(
        "max_cost_per_unit_demand_type_id", choices.demand_types, "the demand type"
    )
    amount = read.money("max_cost_per_unit", "The most to spend per unit avoided")
    if demand_type_id is not None and amount is None and "max_cost_per_unit" not in read.errors:
        read.errors["max_cost_per_unit"] = (
            "Enter the most to spend per unit avoided, or choose no demand type"
        )
    if amount is not None and demand_type_id is None:
        read.errors["max_cost_per_unit_demand_type_id"] = (
            "Choose the demand type the cost-per-unit cap is about, or leave the amount blank"
        )
    if amount is not None and amount <= 0:
        read.errors["max_cost_per_unit"] = "The most to spend per unit avoided must be more than £0"
    fields["max_cost_per_unit_demand_type_id"] = demand_type_id
    fields["max_cost_per_unit"] = amount


def _read_target(read: _Reader, choices: ScenarioChoices, fields: dict[str, Any]) -> None:
    """Target mode: an amount above 0, in the chosen demand type's units or in pounds."""
    fields["target_demand_type_id"] = read.choice_id(
        "target_demand_type_id", choices.demand_types, "the demand type"
    )
    text = read.text("target_amount").replace(",", "").replace("£", "")
    if not text:
        fields["target_amount"] = None
        return
    try:
        amount = float(text)
    except ValueError:
        read.errors["target_amount"] = "The target must be a number, like 100"
        return
    if not amount > 0:
        read.errors["target_amount"] = (
            "The target must be more than 0 (leave it blank to plan the most for the budgets)"
        )
        return
    fields["target_amount"] = amount


def _read_objective(read: _Reader, choices: ScenarioChoices, fields: dict[str, Any]) -> None:
    objective = read.text("objective") or ObjectiveChoice.VALUE.value
    if objective not in {choice.value for choice in ObjectiveChoice}:
        read.errors["objective"] = "Choose what the plan should maximise"
        objective = ObjectiveChoice.VALUE.value
    fields["objective"] = objective
    fields["priority_weights"] = {
        str(demand_type_id): weight
        for demand_type_id, name in choices.demand_types
        if (
            weight := read.number(
                f"priority-{demand_type_id}", f"The priority weight of {name}", 0, 1000
            )
        )
        is not None
    }
    single = read.choice_id("objective_demand_type_id", choices.demand_types, "the demand type")
    fields["objective_demand_type_id"] = single
    if objective == ObjectiveChoice.SINGLE and single is None:
        read.errors.setdefault(
            "objective_demand_type_id", "Choose the demand type to reduce when optimising one type"
        )
    if objective == ObjectiveChoice.PRIORITY and not any(
        weight > 0 for weight in fields["priority_weights"].values()
    ):
        key = f"priority-{choices.demand_types[0][0]}" if choices.demand_types else "objective"
        read.errors.setdefault(key, "Give at least one demand type a priority weight above 0")


def _read_confidence(read: _Reader) -> dict[str, float]:
    weights: dict[str, float] = {}
    for level in CONFIDENCE_LEVELS:
        weight = read.number(
            f"confidence-{level}", f"The confidence for evidence rated {level}", 0, 1
        )
        weights[level] = DEFAULT_CONFIDENCE[level] if weight is None else weight
    return weights


def _read_segments(read: _Reader) -> list[float]:
    text = read.text("segment_multipliers")
    if not text:
        return list(DEFAULT_SEGMENT_MULTIPLIERS)
    try:
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not all(is_plain_number(part) for part in parts):
            raise InvalidOperation(text)
        multipliers = [float(Decimal(part)) for part in parts]
    except InvalidOperation:
        read.errors["segment_multipliers"] = (
            "Write the multipliers as numbers separated by commas, like 1, 0.8, 0.6"
        )
        return list(DEFAULT_SEGMENT_MULTIPLIERS)
    if not 1 <= len(multipliers) <= 10:
        read.errors["segment_multipliers"] = "Give between 1 and 10 segment multipliers"
    elif any(not 0 <= m <= 1 for m in multipliers):
        read.errors["segment_multipliers"] = "Each segment multiplier must be between 0 and 1"
    return multipliers


def _read_budget_overrides(
    read: _Reader, choices: ScenarioChoices
) -> dict[int, tuple[Decimal, Decimal | None]]:
    overrides: dict[int, tuple[Decimal, Decimal | None]] = {}
    for line in choices.budget_lines:
        label = f"{line.partner} {line.year_label}"
        maximum = read.money(f"budget-max-{line.id}", f"The maximum for {label}")
        minimum = read.money(f"budget-min-{line.id}", f"The committed minimum for {label}")
        if maximum is None and minimum is None:
            continue
        effective_max = line.maximum if maximum is None else maximum
        if minimum is not None and minimum > effective_max:
            read.errors[f"budget-min-{line.id}"] = (
                f"The committed minimum for {label} (£{minimum:,.2f}) is more than its "
                f"maximum (£{effective_max:,.2f})"
            )
            continue
        overrides[line.id] = (effective_max, minimum if minimum is not None else line.minimum)
    return overrides


def _read_caps(read: _Reader, choices: ScenarioChoices) -> list[tuple[CapScope, str, Decimal]]:
    known = {target.value: target for target in choices.cap_targets}
    caps: dict[str, tuple[CapScope, str, Decimal]] = {}
    # No scenario has more caps than there are things to cap.
    for row in range(cap_row_count(read.text("cap-rows"), len(choices.cap_targets))):
        chosen = read.text(f"cap-{row}-target")
        amount = read.money(f"cap-{row}-maximum", "The cap")
        if not chosen:
            if amount is not None:
                read.errors[f"cap-{row}-target"] = (
                    "Choose what this cap limits, or clear the amount"
                )
            continue
        if chosen not in known:
            read.errors[f"cap-{row}-target"] = "Choose a place, intervention or category to cap"
            continue
        target = known[chosen]
        if amount is None:
            read.errors.setdefault(
                f"cap-{row}-maximum",
                f"Enter the most to spend on {target.label}, or choose no cap",
            )
            continue
        if chosen in caps:
            read.errors[f"cap-{row}-target"] = f"{target.label} is capped twice; keep one cap"
            continue
        caps[chosen] = (target.scope, target.target, amount)
    return list(caps.values())
