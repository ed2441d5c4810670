"""The plan workbook's Unspent sheet: each partner-year with money left unspent, and why.

The same entries as the plan page and the API (``optimiser.unspent``): the unspent amount is a
live formula (available less spent), with a total a finance lead can check against the budgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from openpyxl.worksheet.worksheet import Worksheet

from optimiser import UnspentMoney
from planner.excel.cells import (
    BOLD,
    WRAP,
    column,
    finish_table,
    money_cell,
    safe_cell_text,
    write_header,
    write_title,
)
from planner.excel.plan_view import PlanWorkbookView, financial_year_label

UNSPENT = "Unspent"
HEADER_ROW = 4


@dataclass(frozen=True)
class UnspentColumn:
    """One column of the sheet: its header, and what goes in a row's cell."""

    header: str
    kind: str  # text, money or formula
    value: Callable[[UnspentMoney, int], object]


def _unspent_formula(_entry: UnspentMoney, row: int) -> str:
    return f"={_letter('Available')}{row}-{_letter('Spent')}{row}"


COLUMNS = (
    UnspentColumn("Partner", "text", lambda entry, _row: entry.name),
    UnspentColumn("Year", "text", lambda entry, _row: financial_year_label(entry.year)),
    UnspentColumn("Available", "money", lambda entry, _row: entry.available),
    UnspentColumn("Spent", "money", lambda entry, _row: entry.spend),
    UnspentColumn("Unspent", "formula", _unspent_formula),
    UnspentColumn("Why", "text", lambda entry, _row: _why(entry)),
)


def _letter(header: str) -> str:
    return column(1 + [c.header for c in COLUMNS].index(header))


def _why(entry: UnspentMoney) -> str:
    """The reason without the opening the table's columns already say."""
    return entry.sentence.split(": ", 1)[1] if ": " in entry.sentence else entry.sentence


def write_unspent(sheet: Worksheet, view: PlanWorkbookView) -> None:
    """Each partner-year with money left unspent: available, spent, unspent and why."""
    write_title(sheet, 1, "Money left unspent")
    entries = view.result.unspent
    note = (
        "Each partner-year whose budget lines the plan does not spend in full, and why."
        if entries
        else "The plan spends every budget line in full: no money is left unspent."
    )
    safe_cell_text(sheet.cell(2, 1), note)
    write_header(sheet, HEADER_ROW, [c.header for c in COLUMNS])
    row = HEADER_ROW
    for entry in entries:
        row += 1
        for number, definition in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row, number)
            content = definition.value(entry, row)
            if definition.kind == "text":
                safe_cell_text(cell, content)
                cell.alignment = WRAP
            else:
                money_cell(cell, content)
    if entries:
        total = row + 1
        safe_cell_text(sheet.cell(total, 1), "All partners").font = BOLD
        for header in ("Available", "Spent", "Unspent"):
            letter = _letter(header)
            formula = f"=SUM({letter}{HEADER_ROW + 1}:{letter}{row})"
            money_cell(sheet[f"{letter}{total}"], formula).font = BOLD
    finish_table(
        sheet,
        header_row=HEADER_ROW,
        last_row=row,
        last_column=len(COLUMNS),
        widths={len(COLUMNS): 80},
    )
