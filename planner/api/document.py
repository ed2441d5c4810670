"""The OpenAPI document states the rules the API's validators apply, not only the types.

pydantic writes a money field as "a number or any string" and a name as "any string", but the
API refuses a string that is not an amount, a sum with more than two decimal places, and a name
with a hidden character. A partner system reading the document (and schemathesis, which sends
what the document allows and expects it accepted) would be misled. So after flask-openapi3 has
built the document, each schema's fields are given what their validators check:

- an amount (a Decimal field): a JSON number in steps of 0.01 (or whatever its places allow) up
  to what its digits hold, or a string of plain digits 0-9 with at most that many places;
- a name or other one-line text: no control, formatting, private-use or line-separating
  character, and something other than spaces when it is required;
- a note: the same, but line breaks and tabs are allowed;
- a web address: http:// or https:// and a host, or blank.
"""

from __future__ import annotations

import sys
import unicodedata
from decimal import Decimal
from functools import cache
from typing import Any, get_args

from flask_openapi3 import OpenAPI
from pydantic import BaseModel

from models.text import (
    HIDDEN_CATEGORIES,
    INVISIBLE_LETTERS,
    NOTE_WHITESPACE,
    note_text,
    one_line_text,
    web_address,
)

# Unpaired surrogates cannot be written in a UTF-8 document at all, so they need no mention.
_STATED_CATEGORIES = HIDDEN_CATEGORIES - {"Cs"}
# Planes 15 and 16 are all private use: a look-ahead refuses them as one range, which pattern
# tools handle far faster than 131,068 characters in a [^...] class.
_PRIVATE_PLANES = 0xF0000
_NO_PRIVATE_PLANES = f"(?![\\s\\S]*[{chr(_PRIVATE_PLANES)}-{chr(sys.maxunicode)}])"
WEB_ADDRESS_PATTERN = (
    r"^([Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]*[A-Za-z0-9](:[0-9]{1,5})?(/[!-\[\]-~]*)?)?$"
)


class PlannerOpenAPI(OpenAPI):
    """flask-openapi3's app, whose document also states the validators' rules."""

    def generate_spec_json(self) -> None:
        super().generate_spec_json()
        state_rules(self.spec_json)


def state_rules(document: dict[str, Any]) -> None:
    """Give each component schema's fields the rules their validators apply."""
    models = models_by_name()
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        model = models.get(name)
        if model is None:
            continue
        # A PATCH body's schema (resources.partial) is checked by the schema it was made from.
        validators = _validators_by_field(getattr(model, "__rules_from__", model))
        for field, shown in (schema.get("properties") or {}).items():
            info = model.model_fields.get(field)
            if info is None:
                continue
            if _is_decimal(info.annotation):
                _state_amount(shown, info.metadata)
            rules = validators.get(field, set())
            required = any(getattr(item, "min_length", 0) for item in info.metadata)
            if one_line_text in rules:
                _state_text(shown, one_line_pattern(required=required))
            elif note_text in rules:
                _state_text(shown, note_pattern())
            elif web_address in rules:
                _state_text(shown, WEB_ADDRESS_PATTERN)


def models_by_name() -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    waiting: list[type[BaseModel]] = [BaseModel]
    while waiting:
        model = waiting.pop()
        for subclass in model.__subclasses__():
            found.setdefault(subclass.__name__, subclass)
            waiting.append(subclass)
    return found


def _validators_by_field(model: type[BaseModel]) -> dict[str, set[Any]]:
    by_field: dict[str, set[Any]] = {}
    for decorator in model.__pydantic_decorators__.field_validators.values():
        for field in decorator.info.fields:
            by_field.setdefault(field, set()).add(decorator.func)
    return by_field


def _is_decimal(annotation: object) -> bool:
    return annotation is Decimal or Decimal in get_args(annotation)


def _alternatives(shown: dict[str, Any]) -> list[dict[str, Any]]:
    alternatives: list[dict[str, Any]] = shown.get("anyOf", [shown])
    return alternatives


def _state_amount(shown: dict[str, Any], metadata: list[Any]) -> None:
    places = next(
        (item.decimal_places for item in metadata if hasattr(item, "decimal_places")), None
    )
    digits = next((item.max_digits for item in metadata if hasattr(item, "max_digits")), None)
    if places is None:
        return
    bounds = {
        name: Decimal(str(getattr(item, name)))
        for item in metadata
        for name in ("ge", "gt", "le")
        if getattr(item, name, None) is not None
    }
    if digits is None:
        digits = len(str(int(bounds["le"]))) + places if "le" in bounds else 12 + places
    whole_digits = digits - places
    largest = Decimal(10) ** whole_digits - Decimal(10) ** -places
    if "le" in bounds:
        largest = min(largest, bounds["le"])
    for alternative in _alternatives(shown):
        if alternative.get("type") == "number":
            alternative["multipleOf"] = float(Decimal(10) ** -places)
            alternative["maximum"] = float(largest)
        elif alternative.get("type") == "string":
            alternative["pattern"] = _amount_pattern(whole_digits, places, bounds)


def _amount_pattern(whole_digits: int, places: int, bounds: dict[str, Decimal]) -> str:
    """Plain digits with at most `places` decimals, within the bounds where a pattern can say so
    (at most a power of ten, such as a percentage's 100; more than 0)."""
    fraction = rf"(\.[0-9]{{1,{places}}})?" if places else ""
    limit = bounds.get("le")
    if limit is not None and limit == limit.to_integral() and str(int(limit)).strip("0") == "1":
        top = str(int(limit))
        below = rf"[0-9]{{1,{len(top) - 1}}}{fraction}"
        exact = top + (rf"(\.0{{1,{places}}})?" if places else "")
        return rf"^({below}|{exact})$"
    if "gt" in bounds and bounds["gt"] == 0:
        # At least one digit other than 0, before or after the point.
        nonzero = rf"[0-9]{{0,{whole_digits - 1}}}[1-9][0-9]{{0,{whole_digits - 1}}}{fraction}"
        small = rf"0?\.[0-9]{{0,{places - 1}}}[1-9][0-9]{{0,{places - 1}}}" if places else ""
        body = f"{nonzero}|{small}" if small else nonzero
        return rf"^({body})$"
    return rf"^[0-9]{{1,{whole_digits}}}{fraction}$"


def _state_text(shown: dict[str, Any], pattern: str) -> None:
    for alternative in _alternatives(shown):
        if alternative.get("type") == "string":
            alternative["pattern"] = pattern


@cache
def _hidden_ranges(allowed: frozenset[str] = frozenset()) -> str:
    """The characters models.text refuses, as the inside of a regular expression's [...]
    (written as the characters themselves, which every regular expression dialect reads)."""
    hidden = [
        code
        for code in range(_PRIVATE_PLANES)
        if chr(code) not in allowed
        and (
            unicodedata.category(chr(code)) in _STATED_CATEGORIES or chr(code) in INVISIBLE_LETTERS
        )
    ]
    return _as_ranges(hidden)


@cache
def _visible_spaces() -> str:
    """Spaces a name may hold but not consist of (str.strip removes them)."""
    return _as_ranges(
        [
            code
            for code in range(sys.maxunicode + 1)
            if chr(code).isspace() and unicodedata.category(chr(code)) not in HIDDEN_CATEGORIES
        ]
    )


def _as_ranges(codes: list[int]) -> str:
    parts: list[str] = []
    start = previous = None
    for code in [*codes, None]:
        if code is not None and previous is not None and code == previous + 1:
            previous = code
            continue
        if start is not None and previous is not None:
            parts.append(chr(start) if start == previous else f"{chr(start)}-{chr(previous)}")
        start = previous = code
    return "".join(parts)


def one_line_pattern(*, required: bool) -> str:
    hidden = _hidden_ranges()
    if not required:
        return f"^{_NO_PRIVATE_PLANES}[^{hidden}]*$"
    return f"^{_NO_PRIVATE_PLANES}[^{hidden}]*[^{hidden}{_visible_spaces()}][^{hidden}]*$"


def note_pattern() -> str:
    return f"^{_NO_PRIVATE_PLANES}[^{_hidden_ranges(frozenset(NOTE_WHITESPACE))}]*$"
