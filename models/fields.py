"""Column types and field shapes shared by the tables: exact money, years, JSON lists."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError
from sqlalchemy import JSON, Column, Numeric
from sqlmodel import Field

# Money is stored to the penny, never as a binary float: 12 digits of pounds is ample for any
# partnership budget.
MONEY_DIGITS = 14
MONEY_PLACES = 2
FIRST_YEAR = 2000
LAST_YEAR = 2100


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
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "missing": "is required",
    "string_too_short": "must be at least {min_length} characters",
    "string_too_long": "must be at most {max_length} characters",
    "enum": "must be one of: {expected}",
    "literal_error": "must be one of: {expected}",
}


def field_errors(error: ValidationError) -> dict[str, str]:
    """Turn a pydantic ValidationError into {field: plain-English reason} for forms and the API.

    The reason is worded for a commissioner ("must be 0 or more"), not a developer.
    """
    messages: dict[str, str] = {}
    for problem in error.errors():
        field = ".".join(str(part) for part in problem.get("loc", ())) or "__all__"
        template = _PLAIN_REASONS.get(problem["type"])
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
