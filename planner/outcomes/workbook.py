"""Outcomes as an Excel workbook: each recorded outcome beside its baseline and the demand the
agreed plan expected to avoid, with the change and the expected level as formulas, and the
analyst's caveats on their own sheet. The first sheet has the import's columns under a header
in row 1, so a place lead can correct or add rows and import the file back."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.vocabulary import financial_year_label
from planner.excel.cells import WRAP, finish_table, safe_cell_text, write_header, write_title
from planner.outcomes.impact import CAVEATS, OutcomeLine

OUTCOMES = "Outcomes"
READ_WITH_CARE = "Read with care"
# The import's columns first (planner.outcomes.service.COLUMNS), then the worked-out ones.
HEADERS = (
    "Place",
    "Demand type",
    "Financial year",
    "Observed",
    "Baseline",
    "Source",
    "Change against baseline",
    "Plan expected to avoid",
    "Baseline less expected",
    "Unit",
)
NUMBER = "#,##0.0"


def _letter(header: str) -> str:
    return get_column_letter(HEADERS.index(header) + 1)


def build_outcomes_workbook(lines: list[OutcomeLine]) -> bytes:
    book = Workbook()
    sheet: Worksheet = book.active
    sheet.title = OUTCOMES
    write_header(sheet, 1, HEADERS)
    observed, baseline = _letter("Observed"), _letter("Baseline")
    expected = _letter("Plan expected to avoid")
    for row, line in enumerate(lines, start=2):
        texts = {
            "Place": line.place,
            "Demand type": line.demand_type,
            "Financial year": financial_year_label(line.year),
            "Source": line.source,
            "Unit": line.unit,
        }
        for header, text in texts.items():
            safe_cell_text(sheet.cell(row, HEADERS.index(header) + 1), text)
        numbers = {
            "Observed": line.observed,
            "Baseline": line.baseline,
            "Plan expected to avoid": line.expected_avoided,
            "Change against baseline": (
                f'=IF({baseline}{row}="","",{observed}{row}-{baseline}{row})'
            ),
            "Baseline less expected": (
                f'=IF({baseline}{row}="","",MAX({baseline}{row}-{expected}{row},0))'
            ),
        }
        for header, value in numbers.items():
            cell = sheet.cell(row, HEADERS.index(header) + 1)
            cell.value = value
            cell.number_format = NUMBER
    finish_table(
        sheet,
        header_row=1,
        last_row=len(lines) + 1,
        last_column=len(HEADERS),
        widths={1: 28, 2: 34, 6: 30},
    )
    _write_caveats(book.create_sheet(READ_WITH_CARE))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_caveats(sheet: Worksheet) -> None:
    write_title(sheet, 1, "Read these figures with care")
    for row, caveat in enumerate(CAVEATS, start=3):
        safe_cell_text(sheet.cell(row, 1), caveat).alignment = WRAP
        sheet.row_dimensions[row].height = 60
    sheet.column_dimensions["A"].width = 110
