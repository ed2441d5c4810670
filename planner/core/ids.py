"""Record ids and other whole numbers in addresses, kept within what the database can hold.

Every `<int:...>` in a route is a `RecordIdConverter`: its pattern matches only the numbers from
0 to MAX_RECORD_ID, so a larger one matches no page (404) instead of reaching the database, where
SQLite fails with "Python int too large" and PostgreSQL with a DataError. (Bounding the number in
the pattern, rather than checking the value once matched, keeps the answer a 404 for every
method: werkzeug answers 405 when a value fails its check on a path other methods also serve.)

Query parameters (`?scenario=3`, `?page=2`) are read with `number_arg` and `number_args`, which
refuse anything but a whole number from 1 to MAX_RECORD_ID with a 400 page in words.
"""

from __future__ import annotations

import re

from flask import abort, request
from werkzeug.routing import IntegerConverter

# PostgreSQL's integer column (SQLite's is wider): no record id or page number goes beyond it.
MAX_RECORD_ID = 2**31 - 1


def numbers_up_to(limit: int) -> str:
    """A regular expression for the whole numbers 0 to `limit` (leading zeros allowed): every
    number with fewer digits, then for each digit of `limit` the numbers that agree with it
    so far and are smaller at that digit, then `limit` itself. Digits are 0-9 only: werkzeug
    reads routes without re.ASCII, where \\d would also match other scripts' digits ("/plans/١")."""
    digits = str(limit)
    shorter = [rf"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    same_length = []
    for position, digit in enumerate(digits):
        lowest = 1 if position == 0 and len(digits) > 1 else 0
        if int(digit) > lowest:
            rest = len(digits) - position - 1
            tail = rf"[0-9]{{{rest}}}" if rest else ""
            same_length.append(f"{digits[:position]}[{lowest}-{int(digit) - 1}]{tail}")
    return f"0*(?:{'|'.join([*shorter, *same_length, digits])})"


class RecordIdConverter(IntegerConverter):
    """`<int:...>`: a whole number from 0 to MAX_RECORD_ID."""

    regex = numbers_up_to(MAX_RECORD_ID)


def number_arg(name: str, what: str, *, default: int | None = None) -> int | None:
    """The whole number in the query parameter `name` (1 to MAX_RECORD_ID), `default` when it is
    absent or blank; a 400 page naming `what` it should be when it is anything else."""
    text = request.args.get(name, "").strip()
    if not text:
        return default
    return _whole_number(text, what)


def number_args(name: str, what: str) -> list[int]:
    """Every whole number given as `name` (?plan=1&plan=2), refusing any that is not one."""
    return [_whole_number(text.strip(), what) for text in request.args.getlist(name)]


def _whole_number(text: str, what: str) -> int:
    if not re.fullmatch(RecordIdConverter.regex, text, flags=re.ASCII) or int(text) < 1:
        shown = text if len(text) <= 24 else text[:24] + "…"
        abort(
            400,
            description=f"The address asks for {what} ‘{shown}’, which is not one: it should be a "
            f"whole number from 1 to {MAX_RECORD_ID:,}. Go back and choose from the page.",
        )
    return int(text)
