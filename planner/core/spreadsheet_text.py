"""Text bound for a spreadsheet that must stay text.

Excel and LibreOffice read a cell (or a CSV field) that starts with one of `FORMULA_TRIGGERS`
as a formula, so a partner called "=HYPERLINK(...)" could run as one. The Excel workbooks mark
such cells as text (`planner.excel.cells.safe_cell_text`); CSV has no such mark, so CSV fields
get a leading apostrophe, which spreadsheets take to mean "this is text".
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def safe_csv_text(value: object) -> str:
    """A CSV field that a spreadsheet shows as text, never runs."""
    text = "" if value is None else str(value)
    return "'" + text if starts_like_formula(text) else text
