"""The evidence register as an Excel workbook: every change to an intervention's rating, cost or
effect, with its source and date, who recorded it, and the agreed plan it flagged and the
re-solve that shows what would move."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from models import EvidenceChange
from planner.excel.cells import finish_table, money_cell, safe_cell_text, write_header

REGISTER = "Evidence register"
HEADERS = (
    "Recorded",
    "Recorded by",
    "Intervention",
    "Rating before",
    "Rating after",
    "Cost per participant before (£)",
    "Cost per participant after (£)",
    "Effect on demand multiplied by",
    "Source",
    "Date of the source",
    "Note",
    "Agreed plan flagged",
    "Re-solve showing what would move",
)


def build_register_workbook(changes: list[EvidenceChange]) -> bytes:
    """One row per change, newest first, as the register page lists them."""
    book = Workbook()
    sheet: Worksheet = book.active
    sheet.title = REGISTER
    write_header(sheet, 1, HEADERS)
    for row, change in enumerate(changes, start=2):
        texts = (
            f"{change.recorded_at:%d %b %Y %H:%M} UTC",
            change.recorded_by_name,
            change.intervention_name,
            change.rating_before,
            change.evidence_rating or "no change",
        )
        for column, text in enumerate(texts, start=1):
            safe_cell_text(sheet.cell(row, column), text)
        if change.unit_cost is not None:
            money_cell(sheet.cell(row, 6), change.unit_cost_before)
            money_cell(sheet.cell(row, 7), change.unit_cost)
        if change.effect_scale is not None:
            sheet.cell(row, 8).value = change.effect_scale
        safe_cell_text(sheet.cell(row, 9), change.source)
        date_cell = sheet.cell(row, 10)
        date_cell.value = change.source_date
        date_cell.number_format = "dd mmm yyyy"
        safe_cell_text(sheet.cell(row, 11), change.note)
        safe_cell_text(
            sheet.cell(row, 12),
            f"Plan {change.agreed_plan_id}" if change.agreed_plan_id else "Not relied on",
        )
        safe_cell_text(
            sheet.cell(row, 13), f"Plan {change.check_plan_id}" if change.check_plan_id else ""
        )
    finish_table(
        sheet,
        header_row=1,
        last_row=len(changes) + 1,
        last_column=len(HEADERS),
        widths={3: 34, 9: 36, 11: 40},
    )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
