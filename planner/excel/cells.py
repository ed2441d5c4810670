"""How every cell the app writes to Excel looks and behaves: safe text, money, headers, widths,
printing, and rounding that reconciles to the pound. Sheet names are fixed words, never data.

Every user string goes through `safe_cell_text()`, so a partner called "=HYPERLINK(...)" is shown
as text and can never run as a formula.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.core.spreadsheet_text import starts_like_formula, writable_text

MONEY = '"£"#,##0.00;[Red]-"£"#,##0.00'
WHOLE_POUNDS = '"£"#,##0;[Red]-"£"#,##0'
PEOPLE = "#,##0.0"
RATIO = "0.00"
PERCENT = "0.0%"
HEADER_FONT = Font(bold=True)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
OK_FILL = PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE")
OK_FONT = Font(color="006100", bold=True)
PROBLEM_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
PROBLEM_FONT = Font(color="9C0006", bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

MAX_COLUMN_WIDTH = 60
WIDE_SHEET = 250  # characters of column width across; wider tables print on A3, two pages across


def safe_cell_text(cell: Cell, text: object) -> Cell:
    """Write user text into `cell` so that it can only ever be text.

    The cell is typed as a string, and text that starts like a formula also gets Excel's
    quote-prefix flag: Excel and LibreOffice show it exactly as typed and keep it as text when
    someone edits the cell. The value itself is unchanged, so it survives a round trip, except
    for control characters no workbook can hold, which become U+FFFD rather than fail the export.
    """
    value = writable_text(text)
    cell.value = value
    cell.data_type = "s"
    if starts_like_formula(value) or value.startswith("'"):
        cell.quotePrefix = True
    return cell


def sheet_ref(sheet: Worksheet | str) -> str:
    """The sheet's name as a formula refers to it: 'Funding'!"""
    title = sheet if isinstance(sheet, str) else sheet.title
    return "'" + title.replace("'", "''") + "'!"


def column(index: int) -> str:
    return get_column_letter(index)


def write_header(sheet: Worksheet, row: int, headers: Sequence[str], first_column: int = 1) -> None:
    """A bold, shaded header row."""
    for offset, header in enumerate(headers):
        cell = sheet.cell(row=row, column=first_column + offset)
        safe_cell_text(cell, header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")


def write_title(sheet: Worksheet, row: int, text: str, *, section: bool = False) -> None:
    cell = safe_cell_text(sheet.cell(row=row, column=1), text)
    cell.font = SECTION_FONT if section else TITLE_FONT


def money_cell(cell: Cell, amount: object, *, whole: bool = False) -> Cell:
    """Money in pounds: a number (or formula) with a currency format."""
    cell.value = amount
    cell.number_format = WHOLE_POUNDS if whole else MONEY
    return cell


def finish_table(
    sheet: Worksheet,
    *,
    header_row: int,
    last_row: int,
    last_column: int,
    widths: dict[int, float] | None = None,
    landscape: bool = True,
    filters: bool = True,
) -> None:
    """Freeze and filter the header, size the columns and set the sheet up for printing."""
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if filters and last_row > header_row:
        sheet.auto_filter.ref = f"A{header_row}:{column(last_column)}{last_row}"
    fit_columns(sheet, widths or {})
    print_setup(sheet, header_row=header_row, landscape=landscape)
    total_width = sum(
        sheet.column_dimensions[column(index)].width or 8.43 for index in range(1, last_column + 1)
    )
    if total_width > WIDE_SHEET:
        # Fitted to one A4 page, a table this wide prints too small to read: A3, two pages
        # across, with the first column on each.
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
        sheet.page_setup.fitToWidth = 2
        sheet.print_title_cols = "A:A"


def fit_columns(sheet: Worksheet, widths: dict[int, float]) -> None:
    """Columns wide enough for their longest text (formulas count as a money figure)."""
    best: dict[int, float] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            if (
                isinstance(cell.value, str)
                and cell.value.startswith("=")
                and cell.data_type == "f"
                or isinstance(cell.value, float | int | Decimal)
            ):
                length = 14.0
            else:
                length = max(len(part) for part in str(cell.value).splitlines() or [""]) + 2
            best[cell.column] = max(best.get(cell.column, 8.0), length)
    for index, width in best.items():
        sheet.column_dimensions[column(index)].width = min(
            widths.get(index, width), MAX_COLUMN_WIDTH
        )
    for index, width in widths.items():
        sheet.column_dimensions[column(index)].width = width


def print_setup(sheet: Worksheet, *, header_row: int | None, landscape: bool = True) -> None:
    """A4, fitted to the page width, header repeated on every page, page numbers in the footer."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    if header_row:
        sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.oddFooter.center.text = "&A – page &P of &N"
    sheet.oddHeader.right.text = "&D"


# Points per line of text at the workbooks' 11-point size, and how many characters of a column's
# width a line holds (LibreOffice fits a little more; a bold header a little less).
LINE_HEIGHT = 15.0
CHARACTERS_PER_WIDTH = 1.0


def fit_row_heights(sheet: Worksheet) -> None:
    """Rows tall enough for their wrapped text. LibreOffice keeps the height a row was saved
    with, so text that wraps to three lines in a one-line row prints over the rows above and
    below it; each row with wrapped text gets the height of its longest cell (an estimate from
    the column's width, word by word), or keeps a taller height it was given."""
    merged_width: dict[tuple[int, int], float] = {}
    for merged in sheet.merged_cells.ranges:
        if merged.min_row == merged.max_row:
            merged_width[(merged.min_row, merged.min_col)] = sum(
                _width(sheet, index) for index in range(merged.min_col, merged.max_col + 1)
            )
    for row in sheet.iter_rows():
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or cell.data_type == "f":
                continue
            if cell.alignment is None or not cell.alignment.wrap_text:
                continue
            width = merged_width.get((cell.row, cell.column)) or _width(sheet, cell.column)
            lines = max(lines, wrapped_lines(cell.value, width))
        if lines > 1:
            number = row[0].row
            height = sheet.row_dimensions[number].height or 0
            sheet.row_dimensions[number].height = max(height, lines * LINE_HEIGHT)


def _width(sheet: Worksheet, index: int) -> float:
    return sheet.column_dimensions[column(index)].width or 8.43


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide, wrapped at spaces."""
    per_line = max(1, int(width * CHARACTERS_PER_WIDTH))
    return sum(
        max(1, len(textwrap.wrap(paragraph, per_line))) for paragraph in text.splitlines() or [""]
    )


def ok_or_problem_formatting(sheet: Worksheet, cells: str) -> None:
    """Green for a cell reading OK, red for one reading "Problem: ..."."""
    first = cells.split(":")[0].replace("$", "")
    sheet.conditional_formatting.add(
        cells, FormulaRule(formula=[f'{first}="OK"'], fill=OK_FILL, font=OK_FONT)
    )
    sheet.conditional_formatting.add(
        cells,
        FormulaRule(formula=[f'LEFT({first},7)="Problem"'], fill=PROBLEM_FILL, font=PROBLEM_FONT),
    )


def largest_remainder(
    amounts: Sequence[float | Decimal], total: Decimal, step: Decimal
) -> list[Decimal]:
    """Round each amount to a multiple of `step` so that the rounded amounts add up to `total`.

    Each amount is rounded down, then the shortfall is given a step at a time to the amounts that
    lost most in rounding (the largest-remainder method), so a column of rounded figures always
    sums to the rounded total printed beneath it.
    """
    exact = [Decimal(str(amount)) for amount in amounts]
    floors = [(amount / step).to_integral_value(rounding=ROUND_FLOOR) * step for amount in exact]
    remainders = [amount - floor for amount, floor in zip(exact, floors, strict=True)]
    shortfall = int(((total - sum(floors, Decimal(0))) / step).to_integral_value())
    order = sorted(range(len(exact)), key=lambda index: (-remainders[index], index))
    rounded = list(floors)
    if shortfall >= 0:
        for index in order[:shortfall]:
            rounded[index] += step
    else:
        for index in list(reversed(order))[:-shortfall]:
            rounded[index] -= step
    return rounded


def to_pounds(amount: float | Decimal | None) -> Decimal:
    """A figure in pounds and pence."""
    return Decimal(str(amount or 0)).quantize(Decimal("0.01"))


def whole_pounds(amount: Decimal) -> Decimal:
    """To the nearest pound, halves up, as Excel's ROUND and number formats show it."""
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def text_list(values: Iterable[Any]) -> str:
    """A short list in one cell: '2026/27, 2027/28'."""
    return ", ".join(str(value) for value in values)
