"""The one scenario input schema: what the scenario form and the API accept, and the words for
what they refuse.

The form's strings (``forms.read_scenario_form``) and the API's JSON (POST, and PATCH merged into
the stored values) are both validated by ``ScenarioInput``, so both refuse exactly the same things
with the same words, each word saying what to type. Every field reads its own value
(``BeforeValidator``) and refuses anything else with a message of its own, so no generic pydantic
wording reaches a person; the numeric settings come from ``optimiser.families.SETTINGS`` through
``forms.NUMBER_RULES``. Numbers are written with the digits 0-9 only (not ``1_000``, not another
script's digits, not nan). Shares are percentages on the form (35 means 35%) and fractions in the
API (0.35); the validation context says which (``ScenarioContext``). What depends on the
partnership (that a budget line, demand type, partner or cap target exists) is checked once, by
``checks.reference_problems``; errors are keyed by the API's field names ("priority_weights.3"),
and the form shows each against its own input (``forms.ScenarioForm.input_for``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from models.fields import FIRST_YEAR, LAST_YEAR, field_errors, is_plain_number
from models.scenario import DEFAULT_CONFIDENCE, DEFAULT_SEGMENT_MULTIPLIERS, CapScope, FundingMode
from models.text import note_text, one_line_text
from models.vocabulary import ObjectiveChoice
from planner.scenarios.forms import (
    FUNDABLE_RATINGS,
    MAX_FAIRNESS_FACTOR,
    MAX_PRIORITY_WEIGHT,
    NUMBER_RULES,
    TIME_LIMIT,
    NumberRule,
    ceiling_rule,
    display_number,
)

SCENARIO_PROBLEM = "scenario_value"  # the pydantic error type of every message written here
MONEY_WANTED = "an amount such as 12500 or 12500.50"
PERCENT_WANTED = (
    "with at most 2 decimal places, such as 33.33 (through the API, a fraction: 0.3333)"
)
MOST_MONEY = Decimal("1e12")
MOST_ITEMS = 500
MOST_POWER = 1000
LARGEST_ID = 2_147_483_647
# What the JSON schema says a number may be written as: a JSON number, or text in plain digits.
PLAIN_PATTERN = r"^\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*$"
SCENARIO_NAME_EXAMPLE = "Pooled 2026-29"
# A "+" rating counts as its level.
RATINGS_TYPED = (*FUNDABLE_RATINGS, "4+", "3+", "2+")
CHOOSE_CAP_TARGET = (
    "Choose what this cap limits (a place, an intervention or a category), or clear its amount"
)


@dataclass(frozen=True)
class ScenarioContext:
    """How to read the values: typed on the form (shares as percentages) or sent to the API
    (shares as fractions), and the longest search this server allows (SOLVE_TIME_LIMIT)."""

    from_form: bool = False
    time_limit_ceiling: float | None = None


def _context(info: ValidationInfo) -> ScenarioContext:
    return info.context if isinstance(info.context, ScenarioContext) else ScenarioContext()


def refused(message: str) -> PydanticCustomError:
    """A problem in the words given (field_errors passes them on as written)."""
    return PydanticCustomError(SCENARIO_PROBLEM, message)


def problems_at(problems: Mapping[str, str], schema: str = "ScenarioInput") -> ValidationError:
    """Several problems at once, each against the field ("budget_overrides.0.minimum") it is
    about (a model validator's plain ValueError would belong to no field)."""
    return ValidationError.from_exception_data(
        schema,
        [
            InitErrorDetails(
                type=refused(message),
                loc=tuple(int(part) if part.isdigit() else part for part in key.split(".")),
                input=None,
            )
            for key, message in problems.items()
        ],
    )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def plain_decimal(value: object) -> Decimal | None:
    """The number `value` is, or None when it is not a finite number in plain digits (a bool is
    not a number; neither is "1_000", "٣" or "nan")."""
    number: Decimal | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float) and math.isfinite(value):
        number = Decimal(repr(value))
    elif isinstance(value, Decimal) and value.is_finite():
        number = value
    elif isinstance(value, str) and is_plain_number(value):
        try:
            number = Decimal(value.strip())
        except ArithmeticError:  # an exponent beyond what Decimal holds
            return None
    # No scenario value is within a thousand powers of ten of such a number; reading it on
    # (times 100 for a percentage) could overflow.
    if number is None or not -MOST_POWER < number.adjusted() < MOST_POWER:
        return None
    return number


def _places(number: Decimal) -> int:
    """How many decimal places `number` needs (3.500 needs 1)."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _number_schema(low: float, high: float, *, whole: bool = False, optional: bool = False) -> Any:
    kinds: list[dict[str, Any]] = [
        {"type": "integer" if whole else "number", "minimum": low, "maximum": high},
        {"type": "string", "pattern": PLAIN_PATTERN},
    ]
    if optional:
        kinds.append({"type": "null"})
    return WithJsonSchema({"anyOf": kinds})


# --- numeric settings (the registry's) ----------------------------------------------------------


def setting_wanted(rule: NumberRule) -> str:
    """What to type for a numeric setting, in words."""
    low, high = display_number(rule.minimum), display_number(rule.maximum)
    if rule.percent:
        wanted = f"a percentage from {low} to {high} {PERCENT_WANTED}"
    elif rule.whole:
        wanted = f"a whole number of {rule.unit} from {low} to {high}"
    else:
        example = display_number(rule.default or 1)
        wanted = f"a number from {low} to {high}, such as {example}"
    return wanted + (f" ({high} is {rule.why_maximum})" if rule.why_maximum else "")


def _setting_reader(name: str) -> Callable[[object, ValidationInfo], float | int]:
    def read(value: object, info: ValidationInfo) -> float | int:
        context = _context(info)
        rule = ceiling_rule(NUMBER_RULES[name], context.time_limit_ceiling)
        if _blank(value):
            raise refused(f"{rule.label} is required: type {setting_wanted(rule)}")
        number = plain_decimal(value)
        if number is not None and rule.percent and not context.from_form:
            number *= 100  # the API sends a fraction; the rule is worded as a percentage
        if (
            number is None
            or not Decimal(str(rule.minimum)) <= number <= Decimal(str(rule.maximum))
            or (rule.whole and number != number.to_integral_value())
            or (rule.percent and _places(number) > 2)
        ):
            raise refused(f"{rule.label} must be {setting_wanted(rule)}")
        if rule.whole:
            return int(number)
        return float(number / 100) if rule.percent else float(number)

    return read


def _setting_field(name: str) -> Any:
    rule = NUMBER_RULES[name]
    stored_maximum = rule.maximum / 100 if rule.percent else rule.maximum
    description = f"{rule.label}: {rule.hint}"
    if rule.percent:
        description += " Sent as a fraction (0.35 means 35%), at most 4 decimal places."
    if name == TIME_LIMIT.name:
        description += " At most this server's ceiling (SOLVE_TIME_LIMIT, 60 seconds by default)."
    return (
        Annotated[
            int if rule.whole else float,
            BeforeValidator(_setting_reader(name)),
            _number_schema(
                rule.minimum / 100 if rule.percent else rule.minimum,
                stored_maximum,
                whole=rule.whole,
            ),
        ],
        Field(
            default=rule.default if not rule.whole else int(rule.default), description=description
        ),
    )


# --- other values ---------------------------------------------------------------------------------


def _text_reader(label: str, most: int, example: str, *, note: bool = False) -> Any:
    """A name (required, one line) or, with `note`, a description (may be empty)."""

    def read(value: object) -> str:
        if not note and _blank(value):
            raise refused(f"{label} is required: type {example}")
        if value is None:
            raise refused(f'{label} must be text, not null (send "" for none)')
        if not isinstance(value, str):
            raise refused(f"{label} must be text, such as {example}")
        text = value.strip()
        if len(text) > most:
            raise refused(f"{label} must be at most {most} characters; it has {len(text)}")
        try:
            (note_text if note else one_line_text)(text)
        except ValueError as error:
            raise refused(f"{label} {error}") from None
        return text

    return BeforeValidator(read)


def _whole(value: object) -> int | None:
    number = plain_decimal(value)
    if number is None or number != number.to_integral_value() or abs(number) > LARGEST_ID:
        return None
    return int(number)


def _first_year(value: object) -> int:
    year = _whole(value)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise refused(
            f"The first year must be a financial year from {FIRST_YEAR} to {LAST_YEAR}, written as "
            "the year it starts: 2026 for 2026/27"
        )
    return year


def _choice_reader(label: str, allowed: Mapping[str, Any], message: str = "") -> Any:
    def read(value: object) -> Any:
        if isinstance(value, str) and value in allowed:
            return allowed[value]
        raise refused(message or f"{label} must be one of: {', '.join(allowed)}")

    return BeforeValidator(read)


def _rating(value: object) -> str:
    rating = value.removesuffix("+") if isinstance(value, str) and value in RATINGS_TYPED else ""
    if rating not in FUNDABLE_RATINGS:
        raise refused(
            "The weakest evidence rating to fund must be one of 4, 3, 2 or NL2 (NE is never funded)"
        )
    return rating


def _demand_type_id(label: str) -> Any:
    def read(value: object) -> int | None:
        if _blank(value):
            return None
        chosen = _whole(value)
        if chosen is None or chosen < 1:
            raise refused(f"{label} must be a demand type from the list (its id, such as 3)")
        return chosen

    return BeforeValidator(read)


def _money_reader(label: str, *, required: bool, above_zero: bool = False) -> Any:
    def read(value: object) -> Decimal | None:
        if _blank(value):
            if required:
                raise refused(f"{label} is required: type {MONEY_WANTED}")
            return None
        amount = plain_decimal(value)
        if (
            amount is None
            or amount < 0
            or (above_zero and amount == 0)
            or amount >= MOST_MONEY
            or _places(amount) > 2
        ):
            more = "above £0" if above_zero else "of £0 or more"
            raise refused(
                f"{label} must be {MONEY_WANTED}: pounds {more}, with at most 2 decimal places"
            )
        # Kept as typed ("80000", "12500.50"), but "1e3" is written out as 1000.
        exponent = amount.as_tuple().exponent
        return amount.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else amount

    return BeforeValidator(read)


def _money_schema(*, optional: bool) -> Any:
    kinds: list[dict[str, Any]] = [
        {"type": "number", "minimum": 0, "exclusiveMaximum": 1e12},
        {"type": "string", "pattern": PLAIN_PATTERN},
    ]
    if optional:
        kinds.append({"type": "null"})
    return WithJsonSchema({"anyOf": kinds})


def _target_amount(value: object) -> float | None:
    if _blank(value):
        return None
    amount = plain_decimal(value)
    if amount is None or amount <= 0 or amount >= MOST_MONEY:
        raise refused(
            "The target must be a number above 0, such as 100 (leave it out to plan the most for "
            "the budgets)"
        )
    return float(amount)


def _weights_reader(label: str, wanted: str) -> Any:
    def read(value: object) -> dict[str, object]:
        if not isinstance(value, dict):
            raise refused(f'{label} must be names and values, such as {{"3": {wanted}}}')
        if len(value) > MOST_ITEMS:
            raise refused(f"{label} may list at most {MOST_ITEMS} entries")
        return value

    return BeforeValidator(read)


def _weight_reader(label: str, most: float, example: str) -> Any:
    def read(value: object) -> float:
        number = plain_decimal(value)
        if number is None or not 0 <= number <= Decimal(str(most)):
            raise refused(f"{label} must be a number from 0 to {display_number(most)}, {example}")
        return float(number)

    return BeforeValidator(read)


def _confidence(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise refused('The confidence must be names and values, such as {"3": 0.8}')
    for level in value:
        if level not in DEFAULT_CONFIDENCE:
            raise refused(f"'{level}' is not an evidence rating: use 4, 3, 2 or NL2")
    return value


def _segments(value: object) -> list[float]:
    wanted = "Segment multipliers must be 1 to 10 numbers from 0 to 1, such as 1, 0.8, 0.6"
    if not isinstance(value, list) or not 1 <= len(value) <= 10:
        raise refused(wanted)
    numbers = [plain_decimal(item) for item in value]
    if any(number is None or not 0 <= number <= 1 for number in numbers):
        raise refused(wanted)
    return [float(number) for number in numbers if number is not None]


def _yes_or_no(label: str) -> Any:
    def read(value: object) -> bool:
        if not isinstance(value, bool):
            raise refused(f"{label} must be true or false")
        return value

    return BeforeValidator(read)


def _items_reader(label: str, example: str) -> Any:
    def read(value: object) -> list[object]:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise refused(f"{label} must be a list of objects, such as [{example}]")
        if len(value) > MOST_ITEMS:
            raise refused(f"{label} may list at most {MOST_ITEMS} entries")
        return value

    return BeforeValidator(read)


def _budget_line_id(value: object) -> int:
    chosen = _whole(value)
    if chosen is None or chosen < 1:
        raise refused("The budget line must be a budget line's id, such as 3")
    return chosen


def _every_field_read(cls: type[BaseModel], data: Any) -> Any:
    """A required field left out is read as blank, so its own words say it is required."""
    if isinstance(data, dict):
        missing = {
            name: None
            for name, info in cls.model_fields.items()
            if info.is_required() and name not in data
        }
        return {**data, **missing}
    return data


# Ids and years may be sent as text in plain digits too, as the form sends them.
ID_SCHEMA = WithJsonSchema(
    {
        "anyOf": [
            {"type": "integer", "minimum": 1, "maximum": LARGEST_ID},
            {"type": "string", "pattern": PLAIN_PATTERN},
            {"type": "null"},
        ]
    }
)
MONEY = _money_schema(optional=False)
OPTIONAL_MONEY = _money_schema(optional=True)


class BudgetOverrideInput(BaseModel):
    """A scenario's replacement for one budget line's maximum (and committed minimum)."""

    budget_line_id: Annotated[
        int,
        BeforeValidator(_budget_line_id),
        _number_schema(1, LARGEST_ID, whole=True),
    ]
    maximum: Annotated[Decimal, _money_reader("The budget's maximum", required=True), MONEY] = (
        Field(description="Most this budget line may spend in the scenario, £.")
    )
    minimum: Annotated[
        Decimal | None, _money_reader("The committed minimum", required=False), OPTIONAL_MONEY
    ] = Field(
        default=None,
        description="Least it must spend, £ (left out or null: the budget line's own minimum).",
    )

    _read_all = model_validator(mode="before")(_every_field_read)

    @model_validator(mode="after")
    def minimum_within_maximum(self) -> BudgetOverrideInput:
        if self.minimum is not None and self.minimum > self.maximum:
            raise problems_at(
                {
                    "minimum": f"The committed minimum (£{self.minimum:,.2f}) is more than the "
                    f"maximum (£{self.maximum:,.2f}): type a smaller minimum or a larger maximum"
                },
                type(self).__name__,
            )
        return self


class CapInput(BaseModel):
    """Most the scenario may spend on one place, intervention or category over its years."""

    scope: Annotated[
        CapScope,
        _choice_reader("", {scope.value: scope for scope in CapScope}, CHOOSE_CAP_TARGET),
        WithJsonSchema({"enum": [scope.value for scope in CapScope]}),
    ]
    target: Annotated[
        str,
        BeforeValidator(
            lambda value: _cap_target(value)  # noqa: PLW0108  (a named reader reads worse)
        ),
        WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 160}),
    ] = Field(description="The place's or intervention's id, or the category's name.")
    maximum: Annotated[Decimal, _money_reader("The cap", required=True), MONEY] = Field(
        description="Most to spend on it over the scenario's years, £."
    )

    _read_all = model_validator(mode="before")(_every_field_read)


def _cap_target(value: object) -> str:
    if _blank(value) or not isinstance(value, str) or len(value.strip()) > 160:
        raise refused(CHOOSE_CAP_TARGET)
    try:
        one_line_text(value.strip())
    except ValueError as error:
        raise refused(f"The cap's target {error}") from None
    return value.strip()


def _cross_field_problems(details: ScenarioInput) -> dict[str, str]:
    """Rules between fields: an objective with what it needs, a cost cap with both halves."""
    problems: dict[str, str] = {}
    if details.objective == ObjectiveChoice.SINGLE and details.objective_demand_type_id is None:
        problems["objective_demand_type_id"] = (
            "Choose the demand type to reduce when optimising one type only"
        )
    if details.objective == ObjectiveChoice.PRIORITY and not any(
        weight > 0 for weight in details.priority_weights.values()
    ):
        problems["priority_weights"] = (
            "Give at least one demand type a priority weight above 0, such as 1"
        )
    if details.max_cost_per_unit is not None and details.max_cost_per_unit_demand_type_id is None:
        problems["max_cost_per_unit_demand_type_id"] = (
            "Choose the demand type the cost-per-unit cap is about, or leave its amount out"
        )
    if details.max_cost_per_unit is None and details.max_cost_per_unit_demand_type_id is not None:
        problems["max_cost_per_unit"] = (
            f"The most to spend per unit avoided is required with its demand type: type "
            f"{MONEY_WANTED}, or choose no demand type"
        )
    return problems


_Settings: type[BaseModel] = create_model(
    "ScenarioSettings",
    **{name: _setting_field(name) for name in NUMBER_RULES},
)


class ScenarioInput(_Settings):  # type: ignore[misc, valid-type]
    """A scenario as the form and the API give it: every rule, budget override and cap. Each
    numeric setting is a field named as in ``optimiser.families.SETTINGS``."""

    name: Annotated[
        str,
        _text_reader("The name", 120, f"a name such as {SCENARIO_NAME_EXAMPLE}"),
        WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 120}),
    ]
    description: Annotated[
        str,
        _text_reader("The description", 4000, "what the scenario is for", note=True),
        WithJsonSchema({"type": "string", "maxLength": 4000}),
    ] = ""
    first_year: Annotated[
        int,
        BeforeValidator(_first_year),
        _number_schema(FIRST_YEAR, LAST_YEAR, whole=True),
    ] = Field(default=2026, description="First financial year planned (2026 = 2026/27).")
    funding_mode: Annotated[
        FundingMode,
        _choice_reader("Funding", {mode.value: mode for mode in FundingMode}),
        WithJsonSchema({"enum": [mode.value for mode in FundingMode]}),
    ] = FundingMode.POOLED
    min_evidence_rating: Annotated[
        str,
        BeforeValidator(_rating),
        WithJsonSchema({"enum": list(RATINGS_TYPED)}),
    ] = Field(default="2", description="Weakest evidence rating that may be funded.")
    objective: Annotated[
        ObjectiveChoice,
        _choice_reader("What to maximise", {choice.value: choice for choice in ObjectiveChoice}),
        WithJsonSchema({"enum": [choice.value for choice in ObjectiveChoice]}),
    ] = ObjectiveChoice.VALUE
    priority_weights: Annotated[
        dict[
            str,
            Annotated[
                float,
                _weight_reader("Each priority weight", MAX_PRIORITY_WEIGHT, "such as 1 or 2.5"),
                _number_schema(0, MAX_PRIORITY_WEIGHT),
            ],
        ],
        _weights_reader("The priority weights", "2.5"),
    ] = Field(
        default_factory=dict,
        description="Weight per demand type id when the objective is priority-weighted.",
    )
    objective_demand_type_id: Annotated[
        int | None, _demand_type_id("The demand type to reduce"), ID_SCHEMA
    ] = Field(default=None, description="The demand type reduced when optimising one type only.")
    max_cost_per_unit_demand_type_id: Annotated[
        int | None, _demand_type_id("The cost-per-unit cap's demand type"), ID_SCHEMA
    ] = Field(default=None, description="Demand type for the cost-per-unit cap.")
    max_cost_per_unit: Annotated[
        Decimal | None,
        _money_reader("The most to spend per unit avoided", required=False, above_zero=True),
        OPTIONAL_MONEY,
    ] = Field(default=None, description="Most the plan may spend per unit avoided, £.")
    target_amount: Annotated[
        float | None,
        BeforeValidator(_target_amount),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1e12},
                    {"type": "string", "pattern": PLAIN_PATTERN},
                    {"type": "null"},
                ]
            }
        ),
    ] = Field(
        default=None,
        description="Target mode: the least cost to avoid at least this much demand (null: off).",
    )
    target_demand_type_id: Annotated[
        int | None, _demand_type_id("The target's demand type"), ID_SCHEMA
    ] = Field(default=None, description="The demand type the target counts (null: £ of all).")
    partner_fairness_overrides: Annotated[
        dict[
            str,
            Annotated[
                float,
                _weight_reader(
                    "Each partner's fairness factor", MAX_FAIRNESS_FACTOR, "such as 1 or 0.8"
                ),
                _number_schema(0, MAX_FAIRNESS_FACTOR),
            ],
        ],
        _weights_reader("The partners' fairness factors", "0.8"),
    ] = Field(
        default_factory=dict,
        description="Per-partner fairness factor by partner id, replacing the default.",
    )
    confidence: Annotated[
        dict[
            str,
            Annotated[
                float,
                _weight_reader("The confidence for each evidence rating", 1, "such as 0.8"),
                _number_schema(0, 1),
            ],
        ],
        BeforeValidator(_confidence),
    ] = Field(
        default_factory=dict,
        description="Discount on expected effect for evidence rated 4, 3, 2 or NL2.",
    )
    segment_multipliers: Annotated[
        list[float],
        BeforeValidator(_segments),
        WithJsonSchema(
            {
                "type": "array",
                "minItems": 1,
                "maxItems": 10,
                "items": {
                    "anyOf": [
                        {"type": "number", "minimum": 0, "maximum": 1},
                        {"type": "string", "pattern": PLAIN_PATTERN},
                    ]
                },
            }
        ),
    ] = Field(
        default_factory=lambda: list(DEFAULT_SEGMENT_MULTIPLIERS),
        description="Effect multiplier of each equal slice of the reachable population.",
    )
    whole_programme: Annotated[
        bool, _yes_or_no("Whole programmes"), WithJsonSchema({"type": "boolean"})
    ] = Field(default=False, description="Set-up costs and minimum cohorts (mixed-integer).")
    budget_overrides: Annotated[
        list[BudgetOverrideInput],
        _items_reader("The budget overrides", '{"budget_line_id": 3, "maximum": "12500"}'),
    ] = Field(default_factory=list, max_length=MOST_ITEMS)
    caps: Annotated[
        list[CapInput],
        _items_reader(
            "The caps", '{"scope": "category", "target": "parenting", "maximum": "12500"}'
        ),
    ] = Field(default_factory=list, max_length=MOST_ITEMS)

    _read_all = model_validator(mode="before")(_every_field_read)

    @model_validator(mode="after")
    def fields_agree(self) -> ScenarioInput:
        problems = _cross_field_problems(self)
        if problems:
            raise problems_at(problems)
        return self

    def scenario_fields(self) -> dict[str, Any]:
        """The scenario table's columns (budget overrides and caps are rows of their own)."""
        return self.model_dump(exclude={"budget_overrides", "caps"})


# The fields that are columns of the scenario table.
SCENARIO_COLUMNS = tuple(
    name for name in ScenarioInput.model_fields if name not in ("budget_overrides", "caps")
)


def validate_scenario(
    values: Mapping[str, object], context: ScenarioContext
) -> tuple[ScenarioInput | None, dict[str, str]]:
    """The scenario, or every problem with it keyed by field ("budget_overrides.0.minimum").

    A rule between fields (an objective and its demand type) is said alongside the fields'
    own mistakes: the values are read again with the mistaken fields at their defaults, and
    what that adds about other fields is kept."""
    try:
        return ScenarioInput.model_validate(dict(values), context=context), {}
    except ValidationError as error:
        errors = field_errors(error)
    wrong = {key.split(".")[0] for key in errors}
    again = {key: value for key, value in values.items() if key not in wrong}
    if "name" in wrong:
        again["name"] = "name"  # only so that the rest can be read; its problem is said
    try:
        ScenarioInput.model_validate(again, context=context)
    except ValidationError as error:
        for key, message in field_errors(error).items():
            if key.split(".")[0] not in wrong:
                errors.setdefault(key, message)
    return None, errors


def stored_values(scenario: Any) -> dict[str, Any]:
    """A saved scenario as the API would send it, for a PATCH to change."""
    values = {name: getattr(scenario, name) for name in SCENARIO_COLUMNS}
    values["budget_overrides"] = [
        {"budget_line_id": o.budget_line_id, "maximum": o.maximum, "minimum": o.minimum}
        for o in scenario.budget_overrides
    ]
    values["caps"] = [
        {"scope": c.scope.value, "target": c.target, "maximum": c.maximum} for c in scenario.caps
    ]
    return values
