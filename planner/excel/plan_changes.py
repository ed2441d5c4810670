"""The plan workbook's What changes sheet, for an in-year re-plan, an evidence check or a
stop-list re-solve: what it changes against the plan it re-solved, in the sentences the page
gives and in tables by partner, place and intervention, each change a live formula (re-solve
less agreed plan), so the board paper and the page say the same."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.worksheet.worksheet import Worksheet

from models.vocabulary import financial_year_label
from planner.excel.cells import (
    BOLD,
    WRAP,
    finish_table,
    money_cell,
    safe_cell_text,
    write_header,
    write_title,
)
from planner.replanning.changes import Changes, MoneyChange

WHAT_CHANGES = "What changes"
TEXT_WIDTH = 110


@dataclass(frozen=True)
class PlanChanges:
    """A follow-up plan beside the plan it re-solved."""

    kind_label: str  # "In-year re-plan", "Evidence check", "Stop list re-solve"
    based_on_plan_id: int
    about: str  # what was re-solved and why, as the page's lead sentence says it
    changes: Changes


def write_changes(sheet: Worksheet, changes: PlanChanges) -> None:
    """Sentences first, then one table each by partner, place and intervention."""
    found = changes.changes
    years = ", ".join(financial_year_label(year) for year in found.years)
    write_title(
        sheet, 1, f"{changes.kind_label}: what changes against plan {changes.based_on_plan_id}"
    )
    safe_cell_text(sheet.cell(2, 1), changes.about).alignment = WRAP
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    sheet.row_dimensions[2].height = 45
    row = 4
    write_title(sheet, row, "In sentences", section=True)
    for sentence in found.sentences:
        row += 1
        safe_cell_text(sheet.cell(row, 1), sentence).alignment = WRAP
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        sheet.row_dimensions[row].height = 30 if len(sentence) > TEXT_WIDTH else 15
    for label, names in (("Added", found.added), ("Stopped", found.stopped)):
        if names:
            row += 1
            safe_cell_text(sheet.cell(row, 1), f"{label}: {', '.join(names)}.")
    row += 2
    safe_cell_text(sheet.cell(row, 1), f"Money over {years}. Rows that do not change are left out.")
    header = row
    for title, rows in (
        ("By partner", found.by_partner),
        ("By place", found.by_place),
        ("By intervention", found.by_intervention),
    ):
        row = _table(sheet, row + 2, title, changes.kind_label, rows)
    finish_table(
        sheet,
        header_row=header,
        last_row=row,
        last_column=4,
        widths={1: 48, 2: 18, 3: 18, 4: 16},
        filters=False,
    )
    sheet.freeze_panes = None


def _table(sheet: Worksheet, top: int, title: str, kind: str, rows: list[MoneyChange]) -> int:
    write_title(sheet, top, title, section=True)
    write_header(
        sheet,
        top + 1,
        (title.removeprefix("By ").capitalize(), "Agreed plan (£)", f"{kind} (£)", "Change (£)"),
    )
    row = top + 1
    for change in rows:
        row += 1
        safe_cell_text(sheet.cell(row, 1), change.label)
        money_cell(sheet.cell(row, 2), change.before)
        money_cell(sheet.cell(row, 3), change.after)
        money_cell(sheet.cell(row, 4), f"=C{row}-B{row}")
    if not rows:
        row += 1
        safe_cell_text(sheet.cell(row, 1), "No change.")
    else:
        row += 1
        safe_cell_text(sheet.cell(row, 1), "All shown").font = BOLD
        for column in "BCD":
            cell = money_cell(sheet[f"{column}{row}"], f"=SUM({column}{top + 2}:{column}{row - 1})")
            cell.font = BOLD
    return row
