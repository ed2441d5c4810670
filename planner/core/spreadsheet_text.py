"""Text bound for a spreadsheet that must stay text.

Excel and LibreOffice read a cell (or a CSV field) that starts with one of `FORMULA_TRIGGERS`
as a formula, so a partner called "=HYPERLINK(...)" could run as one. The Excel workbooks mark
such cells as text (`planner.excel.cells.safe_cell_text`); CSV has no such mark, so CSV fields
get a leading apostrophe, which spreadsheets take to mean "this is text".
"""

from __future__ import annotations

import re

# Characters a workbook cannot hold (openpyxl refuses them, and Excel would call the file
# corrupt): the C0 controls other than tab, newline and carriage return. Names refuse them when
# typed (models.text), but a record saved before that rule, or an old plan's inputs, may still
# have one: written out, it becomes U+FFFD, the replacement character, so an export never fails.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\ufffd"

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def writable_text(value: object) -> str:
    """Text with any character a spreadsheet cannot hold replaced (the second guard, after the
    validation that refuses them on the way in)."""
    return UNWRITABLE.sub(REPLACEMENT, "" if value is None else str(value))


def safe_csv_text(value: object) -> str:
    """A CSV field that a spreadsheet shows as text, never runs."""
    text = writable_text(value)
    return "'" + text if starts_like_formula(text) else text
