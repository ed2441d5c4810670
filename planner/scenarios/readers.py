"""How the scenario schema reads one value, and the words it refuses it with.

Each reader (used as a pydantic ``BeforeValidator``) takes what the form typed (text) or the API sent
(JSON), and returns the value or refuses it with a message of its own that says what to type, so
no generic pydantic wording reaches a person and the form and the API say the same thing. Numbers
are read only when written with the digits 0-9 (``models.fields.is_plain_number``): not ``1_000``,
not another script's digits, not nan. Each reader's JSON schema (``WithJsonSchema``) documents
every value it accepts, numbers written as text included, so the API's document never refuses
what the API takes.
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
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from models.fields import FIRST_YEAR, LAST_YEAR, is_plain_number
from models.scenario import DEFAULT_CONFIDENCE
from models.text import note_text, one_line_text
from planner.scenarios.forms import (
    FUNDABLE_RATINGS,
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


def number_schema(low: float, high: float, *, whole: bool = False, optional: bool = False) -> Any:
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


def setting_field(name: str) -> Any:
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
            number_schema(
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


def text_reader(label: str, most: int, example: str, *, note: bool = False) -> Any:
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


def read_first_year(value: object) -> int:
    year = _whole(value)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise refused(
            f"The first year must be a financial year from {FIRST_YEAR} to {LAST_YEAR}, written as "
            "the year it starts: 2026 for 2026/27"
        )
    return year


def choice_reader(label: str, allowed: Mapping[str, Any], message: str = "") -> Any:
    def read(value: object) -> Any:
        if isinstance(value, str) and value in allowed:
            return allowed[value]
        raise refused(message or f"{label} must be one of: {', '.join(allowed)}")

    return BeforeValidator(read)


def read_rating(value: object) -> str:
    rating = value.removesuffix("+") if isinstance(value, str) and value in RATINGS_TYPED else ""
    if rating not in FUNDABLE_RATINGS:
        raise refused(
            "The weakest evidence rating to fund must be one of 4, 3, 2 or NL2 (NE is never funded)"
        )
    return rating


def demand_type_id(label: str) -> Any:
    def read(value: object) -> int | None:
        if _blank(value):
            return None
        chosen = _whole(value)
        if chosen is None or chosen < 1:
            raise refused(f"{label} must be a demand type from the list (its id, such as 3)")
        return chosen

    return BeforeValidator(read)


def money_reader(label: str, *, required: bool, above_zero: bool = False) -> Any:
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


def money_schema(*, optional: bool) -> Any:
    kinds: list[dict[str, Any]] = [
        {"type": "number", "minimum": 0, "exclusiveMaximum": 1e12},
        {"type": "string", "pattern": PLAIN_PATTERN},
    ]
    if optional:
        kinds.append({"type": "null"})
    return WithJsonSchema({"anyOf": kinds})


def read_target_amount(value: object) -> float | None:
    if _blank(value):
        return None
    amount = plain_decimal(value)
    if amount is None or amount <= 0 or amount >= MOST_MONEY:
        raise refused(
            "The target must be a number above 0, such as 100 (leave it out to plan the most for "
            "the budgets)"
        )
    return float(amount)


def weights_reader(label: str, wanted: str) -> Any:
    def read(value: object) -> dict[str, object]:
        if not isinstance(value, dict):
            raise refused(f'{label} must be names and values, such as {{"3": {wanted}}}')
        if len(value) > MOST_ITEMS:
            raise refused(f"{label} may list at most {MOST_ITEMS} entries")
        return value

    return BeforeValidator(read)


def weight_reader(label: str, most: float, example: str) -> Any:
    def read(value: object) -> float:
        number = plain_decimal(value)
        if number is None or not 0 <= number <= Decimal(str(most)):
            raise refused(f"{label} must be a number from 0 to {display_number(most)}, {example}")
        return float(number)

    return BeforeValidator(read)


def read_confidence(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise refused('The confidence must be names and values, such as {"3": 0.8}')
    for level in value:
        if level not in DEFAULT_CONFIDENCE:
            raise refused(f"'{level}' is not an evidence rating: use 4, 3, 2 or NL2")
    return value


def read_segments(value: object) -> list[float]:
    wanted = "Segment multipliers must be 1 to 10 numbers from 0 to 1, such as 1, 0.8, 0.6"
    if not isinstance(value, list) or not 1 <= len(value) <= 10:
        raise refused(wanted)
    numbers = [plain_decimal(item) for item in value]
    if any(number is None or not 0 <= number <= 1 for number in numbers):
        raise refused(wanted)
    return [float(number) for number in numbers if number is not None]


def yes_or_no(label: str) -> Any:
    def read(value: object) -> bool:
        if not isinstance(value, bool):
            raise refused(f"{label} must be true or false")
        return value

    return BeforeValidator(read)


def items_reader(label: str, example: str) -> Any:
    def read(value: object) -> list[object]:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise refused(f"{label} must be a list of objects, such as [{example}]")
        if len(value) > MOST_ITEMS:
            raise refused(f"{label} may list at most {MOST_ITEMS} entries")
        return value

    return BeforeValidator(read)


def read_budget_line_id(value: object) -> int:
    chosen = _whole(value)
    if chosen is None or chosen < 1:
        raise refused("The budget line must be a budget line's id, such as 3")
    return chosen


def every_field_read(cls: type[BaseModel], data: Any) -> Any:
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
MONEY = money_schema(optional=False)
OPTIONAL_MONEY = money_schema(optional=True)


def read_cap_target(value: object) -> str:
    if _blank(value) or not isinstance(value, str) or len(value.strip()) > 160:
        raise refused(CHOOSE_CAP_TARGET)
    try:
        one_line_text(value.strip())
    except ValueError as error:
        raise refused(f"The cap's target {error}") from None
    return value.strip()
