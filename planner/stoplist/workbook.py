"""The stop list as an Excel workbook, for the decommissioning paper: each listed activity with
its rating, break point and reason, the money committed before the break (spent whatever
happens) and the money freed each year from it, with totals as formulas."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
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
from planner.stoplist.service import StopList

STOP_LIST = "Stop list"
HEADER_ROW = 4
TEXT_HEADERS = ("Partner", "Intervention", "Place", "Rated", "What", "Can stop in", "Why then")


def build_stop_list_workbook(listed: StopList) -> bytes:
    """One sheet: the list, a column per year for the money freed, and the totals."""
    book = Workbook()
    sheet: Worksheet = book.active
    sheet.title = STOP_LIST
    plan = listed.plan
    write_title(
        sheet,
        1,
        f"Stop list: plan {plan.id} ({plan.scenario_name}) from {financial_year_label(listed.year)}",
    )
    safe_cell_text(
        sheet.cell(2, 1),
        f"Contracts and agreed funding for interventions now rated NE or below the minimum "
        f"rating {listed.minimum}, each stopping at its next break point: money committed before "
        "then is spent whatever happens; the money from then on is freed.",
    ).alignment = WRAP
    years = sorted(
        {year for item in listed.items for year in item.commitment.amounts}
        | {year for item in listed.items for year in item.freed}
    )
    headers = [
        *TEXT_HEADERS,
        "Committed before the break (£)",
        *(f"Freed {financial_year_label(year)} (£)" for year in years),
        "Freed in all (£)",
    ]
    last_column = len(headers)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=min(last_column, 9))
    sheet.row_dimensions[2].height = 45
    write_header(sheet, HEADER_ROW, headers)
    first_year_column = len(TEXT_HEADERS) + 2
    for row, item in enumerate(listed.items, start=HEADER_ROW + 1):
        commitment = item.commitment
        what = (
            "Contract, " + ", ".join(financial_year_label(y) for y in commitment.contract_years)
            if commitment.contract_years
            else "Agreed funding"
        )
        texts = (
            commitment.partner,
            commitment.intervention,
            commitment.place or "",
            item.rating,
            what,
            financial_year_label(item.break_year) if item.break_year else "not within the plan",
            item.reason,
        )
        for column, text in enumerate(texts, start=1):
            safe_cell_text(sheet.cell(row, column), text)
        money_cell(
            sheet.cell(row, len(TEXT_HEADERS) + 1),
            round(sum(item.committed_before_break.values()), 2),
        )
        for offset, year in enumerate(years):
            money_cell(
                sheet.cell(row, first_year_column + offset), round(item.freed.get(year, 0.0), 2)
            )
        first = get_column_letter(first_year_column)
        last = get_column_letter(first_year_column + len(years) - 1)
        money_cell(sheet.cell(row, last_column), f"=SUM({first}{row}:{last}{row})")
    total_row = HEADER_ROW + len(listed.items) + 1
    safe_cell_text(sheet.cell(total_row, 1), "All listed").font = BOLD
    for column in range(len(TEXT_HEADERS) + 1, last_column + 1):
        letter = get_column_letter(column)
        cell = money_cell(
            sheet.cell(total_row, column),
            f"=SUM({letter}{HEADER_ROW + 1}:{letter}{total_row - 1})" if listed.items else 0,
        )
        cell.font = BOLD
    finish_table(
        sheet,
        header_row=HEADER_ROW,
        last_row=total_row - 1,
        last_column=last_column,
        widths={1: 30, 2: 34, 3: 20, 5: 24, 7: 40},
    )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
