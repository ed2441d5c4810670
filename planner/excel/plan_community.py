"""The plan workbook's Community sheet: shared volunteers per place and year (hours given, hours
used as a live share, what one more volunteer would add) and what residents chose in the
scenario's participatory budgets, with what their choice cost the optimised value. The same
figures and sentences as the plan page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from planner.excel.cells import (
    WRAP,
    finish_table,
    money_cell,
    safe_cell_text,
    write_header,
    write_title,
)
from planner.excel.plan_view import PlanWorkbookView, financial_year_label

COMMUNITY = "Community"
HEADER_ROW = 4
PERCENT = "0%"


@dataclass(frozen=True)
class CommunityColumn:
    header: str
    kind: str  # text, number, money, formula or percent
    value: Callable[[Any, int], object]
    width: float = 16


VOLUNTEER_COLUMNS = (
    CommunityColumn("Place", "text", lambda use, _r: use.place, 26),
    CommunityColumn("Year", "text", lambda use, _r: financial_year_label(use.year), 10),
    CommunityColumn("Hours given", "number", lambda use, _r: use.hours_available),
    CommunityColumn("Hours used", "number", lambda use, _r: use.hours_used),
    CommunityColumn("Share used", "percent", lambda _use, r: f"=IF(C{r}>0,D{r}/C{r},0)"),
    CommunityColumn("Hours per volunteer", "number", lambda use, _r: use.hours_per_volunteer),
    CommunityColumn("Cost per volunteer", "money", lambda use, _r: use.cost_per_volunteer),
    CommunityColumn("One more volunteer", "text", lambda use, _r: use.sentence, 70),
)
CHOICE_COLUMNS = (
    CommunityColumn("Project residents chose", "text", lambda c, _r: c.title, 26),
    CommunityColumn("Year", "text", lambda c, _r: financial_year_label(c.year), 10),
    CommunityColumn("Place", "text", lambda c, _r: c.place),
    CommunityColumn(
        "Participants", "number", lambda c, _r: c.participants if c.intervention else None
    ),
    CommunityColumn("Cost", "money", lambda c, _r: c.cost),
    CommunityColumn("Intervention", "text", lambda c, _r: c.intervention or "community proposal"),
    CommunityColumn("Benefit counted", "number", lambda c, _r: c.value),
)


def write_community(sheet: Worksheet, view: PlanWorkbookView) -> None:
    """Volunteers first (a table with filters), then residents' choices below it."""
    write_title(sheet, 1, "Shared volunteers and residents' choices")
    safe_cell_text(
        sheet.cell(2, 1),
        "Volunteer hours by place and year, and what one more volunteer would add (each "
        "sentence holds when the hours are raised and the plan solved again).",
    )
    uses = view.result.volunteers
    write_header(sheet, HEADER_ROW, [c.header for c in VOLUNTEER_COLUMNS])
    row = HEADER_ROW
    for use in uses:
        row += 1
        _write_row(sheet, row, VOLUNTEER_COLUMNS, use)
    if not uses:
        row += 1
        safe_cell_text(sheet.cell(row, 1), "No intervention in this plan needs volunteers.")
    finish_table(
        sheet,
        header_row=HEADER_ROW,
        last_row=max(row, HEADER_ROW),
        last_column=len(VOLUNTEER_COLUMNS),
        widths={i + 1: c.width for i, c in enumerate(VOLUNTEER_COLUMNS)},
        filters=bool(uses),
    )
    row += 2
    write_title(sheet, row, "What residents chose", section=True)
    residents = view.result.residents
    row += 1
    if residents is None:
        safe_cell_text(sheet.cell(row, 1), "This scenario sets no money aside for residents.")
        return
    safe_cell_text(sheet.cell(row, 1), residents.sentence).alignment = WRAP
    row += 1
    write_header(sheet, row, [c.header for c in CHOICE_COLUMNS])
    for choice in residents.chosen:
        row += 1
        _write_row(sheet, row, CHOICE_COLUMNS, choice)


def _write_row(sheet: Worksheet, row: int, columns: tuple[CommunityColumn, ...], item: Any) -> None:
    for number, definition in enumerate(columns, start=1):
        value = definition.value(item, row)
        cell = sheet.cell(row, number)
        if definition.kind == "text":
            safe_cell_text(cell, value).alignment = WRAP
        elif definition.kind == "money":
            money_cell(cell, value)
        else:
            cell.value = value
            if definition.kind == "percent":
                cell.number_format = PERCENT
