"""Column types and field shapes shared by the tables: exact money, years, JSON lists."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError
from sqlalchemy import JSON, Column, Numeric
from sqlmodel import Field

# Money is stored to the penny, never as a binary float: 12 digits of pounds is ample for any
# partnership budget.
MONEY_DIGITS = 14
MONEY_PLACES = 2
FIRST_YEAR = 2000
LAST_YEAR = 2100
# A list of financial years, as the API's document states it.
YEAR_ITEMS = {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}


def utc_now() -> datetime:
    """Timestamps are stored as naive UTC so SQLite and PostgreSQL agree."""
    return datetime.now(UTC).replace(tzinfo=None)


def money_field(*, default: Any = ..., ge: float = 0, **kwargs: Any) -> Any:
    """A Decimal field in pounds with pence precision, never negative unless `ge` says so."""
    return Field(
        default=default,
        ge=ge,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        sa_type=Numeric(MONEY_DIGITS, MONEY_PLACES),
        **kwargs,
    )


def optional_money_field(**kwargs: Any) -> Any:
    return Field(
        default=None,
        ge=0,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        sa_type=Numeric(MONEY_DIGITS, MONEY_PLACES),
        **kwargs,
    )


def year_field(**kwargs: Any) -> Any:
    """A financial year stored by its start year: 2026 means 2026/27."""
    return Field(ge=FIRST_YEAR, le=LAST_YEAR, **kwargs)


def json_list_field(**kwargs: Any) -> Any:
    """A short list (years, categories, districts) stored as JSON in one column."""
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False), **kwargs)


def json_dict_field(**kwargs: Any) -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False), **kwargs)


def strip_text(value: object) -> object:
    """Leading and trailing spaces are never meaningful in a name."""
    return value.strip() if isinstance(value, str) else value


def blank_to_none(value: object) -> object:
    """An optional text left blank in a form means 'none'."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def broken_on(schema: str, field: str, message: str, value: object) -> ValidationError:
    """A rule about the whole record, reported against the field the user should change (a
    plain ValueError from a model validator would belong to no field)."""
    # The message is shown as written: braces in it are not placeholders.
    template = message.replace("{", "{{").replace("}", "}}")
    problem = InitErrorDetails(
        type=PydanticCustomError("value_error", template), loc=(field,), input=value
    )
    return ValidationError.from_exception_data(schema, [problem])


_PLAIN_REASONS = {
    "greater_than_equal": "must be {ge} or more",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be {le} or less",
    "less_than": "must be less than {lt}",
    "decimal_max_places": "must be in pounds and pence (at most 2 decimal places)",
    "decimal_max_digits": "is too large",
    "decimal_parsing": "must be an amount of money, like 12500 or 12500.50",
    "int_parsing": "must be a whole number, like 12",
    "int_from_float": "must be a whole number, like 12",
    "float_parsing": "must be a number, like 0.5",
    "missing": "is required",
    "string_too_short": "must be at least {min_length} characters",
    "string_too_long": "must be at most {max_length} characters",
    "enum": "must be one of: {expected}",
    "literal_error": "must be one of: {expected}",
    "decimal_type": "must be an amount, like 12500 or 12500.50",
    "int_type": "must be a whole number, like 12",
    "float_type": "must be a number, like 0.5",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list, like [2026, 2027]",
    "dict_type": 'must be an object of names and values, like {{"3": 0.5}}',
    "model_type": "must be an object of names and values",
    "finite_number": "must be a number written with the digits 0-9",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} items",
    "extra_forbidden": "is not something this accepts; check its spelling",
    "missing_argument": "is required",
}
# Numbers that are shares typed as percentages, not money: their messages say so.
PERCENT_FIELDS = ("share_percent", "overspend_percent", "underspend_percent")
PERCENT_REASON = "must be a percentage with at most 2 decimal places, such as 33.33"


def field_errors(error: ValidationError) -> dict[str, str]:
    """Turn a pydantic ValidationError into {field: plain-English reason} for forms and the API.

    The reason is worded for a commissioner ("must be 0 or more"), not a developer.
    """
    messages: dict[str, str] = {}
    for problem in error.errors():
        field = ".".join(str(part) for part in problem.get("loc", ())) or "__all__"
        template = _PLAIN_REASONS.get(problem["type"])
        last = str(problem.get("loc", ("",))[-1]) if problem.get("loc") else ""
        if last in PERCENT_FIELDS and problem["type"] in (
            "decimal_max_places",
            "decimal_parsing",
            "decimal_type",
        ):
            template = PERCENT_REASON
        if problem.get("input") is None and problem["type"].endswith("_type"):
            # A null where a value belongs: say what to send instead.
            template = "must have a value, not null" + (
                f" ({template.removeprefix('must be ')})" if template else ""
            )
        elif last in ("page", "per_page") and problem["type"] == "extra_forbidden":
            template = "is not a paging parameter here: lists are paged with limit and offset"
        if (
            problem["type"] == "string_too_short"
            and (problem.get("ctx") or {}).get("min_length", 1) <= 1
        ):
            # A text that must not be empty is simply missing.
            template = _PLAIN_REASONS["missing"]
        if template:
            try:
                reason = template.format(**(problem.get("ctx") or {}))
            except (KeyError, IndexError):
                reason = problem["msg"]
        else:
            reason = str(problem["msg"]).removeprefix("Value error, ")
        messages.setdefault(field, reason)
    return messages


# A number as people and partner systems type one: ASCII digits, an optional sign, decimal point
# and exponent. Python (and so pydantic) would also read "1_000", Arabic-Indic digits and "nan";
# a commissioner typing those has made a mistake, and a plan solved with them would mislead.
PLAIN_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)
NUMBER_TYPES = (int, float, Decimal)
NOT_A_NUMBER = "not a number"


def is_plain_number(text: str) -> bool:
    """Whether `text` is a number written with the digits 0-9 (no underscores, no other
    scripts' digits, not nan or infinity)."""
    return PLAIN_NUMBER.fullmatch(text) is not None


def _numeric(annotation: object) -> bool:
    return annotation in NUMBER_TYPES or any(
        argument in NUMBER_TYPES for argument in get_args(annotation)
    )


def _plain(value: object) -> object:
    """The value, or a text pydantic refuses as a number (so the error names the field)."""
    if isinstance(value, bool):
        # JSON's true and false are not 1 and 0 to a commissioner.
        return NOT_A_NUMBER
    if isinstance(value, str) and not is_plain_number(value):
        return NOT_A_NUMBER
    if isinstance(value, float) and not math.isfinite(value):
        return NOT_A_NUMBER
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def plain_numbers(cls: type[BaseModel], data: Any) -> Any:
    """A model validator (mode="before"): every numeric field, and every number in a list or
    mapping of numbers, must be written with plain digits (see PLAIN_NUMBER)."""
    if not isinstance(data, dict):
        return data
    checked = dict(data)
    for name, info in cls.model_fields.items():
        if name in checked and (
            _numeric(info.annotation)
            or any(_numeric(argument) for argument in get_args(info.annotation))
        ):
            checked[name] = _plain(checked[name])
    return checked
