"""The quarterly return: an Excel workbook finance leads fill in and import, in the manner of the
Better Care Fund's quarterly returns.

The Risk share sheet applies the scenario's pooled-fund agreement to the forecast over- or
underspend, live over the Return sheet (`planner.spend.risk_sheet`).

The Return sheet has one row per allocation (partner, intervention, place) of the agreed plan in
the year, with the plan's figure, a column each for the four quarters' actual spend and forecast,
and live formulas for the forecast outturn and the variance. Columns are described once
(``COLUMNS``) and read back by their headers, so a reordered sheet still imports. Reading checks
every row and reports each problem by sheet, row and column; nothing is saved here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.spend import QUARTER_MONTHS, QUARTERS
from models.vocabulary import financial_year_label
from planner.excel.cells import (
    MONEY,
    WRAP,
    fit_columns,
    money_cell,
    safe_cell_text,
    write_header,
    write_title,
)
from planner.excel.import_reader import ImportRefused, check_is_xlsx
from planner.inputs.validation import InputError, financial_year
from planner.spend.risk import ForecastRiskShare
from planner.spend.risk_sheet import RISK_SHARE, write_risk_share
from planner.spend.service import money_or_none
from planner.spend.variance import YearSpend

SHEET = "Return"
TEMPLATE = "the quarterly return template on the Spend page"
HEADER_ROW = 4


@dataclass(frozen=True)
class ReturnColumn:
    header: str
    field: str
    width: float
    money: bool = False


COLUMNS: tuple[ReturnColumn, ...] = (
    ReturnColumn("Partner", "partner", 28),
    ReturnColumn("Intervention", "intervention", 34),
    ReturnColumn("Place", "place", 22),
    ReturnColumn("Financial year", "year", 12),
    ReturnColumn("Planned for the year", "planned", 16, money=True),
    *(
        column
        for quarter in QUARTERS
        for column in (
            ReturnColumn(f"Q{quarter} plan", f"plan_{quarter}", 13, money=True),
            ReturnColumn(f"Q{quarter} actual", f"actual_{quarter}", 13, money=True),
            ReturnColumn(f"Q{quarter} forecast", f"forecast_{quarter}", 13, money=True),
        )
    ),
    ReturnColumn("Forecast outturn", "outturn", 16, money=True),
    ReturnColumn("Variance", "variance", 14, money=True),
    ReturnColumn("Notes", "notes", 40),
)
CALCULATED = {"planned", "outturn", "variance", *(f"plan_{quarter}" for quarter in QUARTERS)}
REQUIRED = ("partner", "intervention", "place", "year")


@dataclass(frozen=True)
class ReturnRow:
    """One row of a return as read: where it was, and the figures per quarter."""

    row: int
    partner: str
    intervention: str
    place: str
    year: int
    actual: dict[int, Decimal | None]
    forecast: dict[int, Decimal | None]
    notes: str


@dataclass(frozen=True)
class ReturnProblem:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Sheet {self.sheet}, row {self.row}, column {self.column}: {self.message}"


def _letter(field: str) -> str:
    index = next(i for i, column in enumerate(COLUMNS) if column.field == field)
    return get_column_letter(index + 1)


def build_return_workbook(spend: YearSpend, risk: ForecastRiskShare | None = None) -> bytes:
    """The return for one year, filled with the plan and every figure recorded so far, and a
    Risk share sheet applying the pooled-fund agreement to the forecast variance (when given)."""
    book = Workbook()
    sheet: Worksheet = book.active
    sheet.title = SHEET
    year = financial_year_label(spend.year)
    write_title(
        sheet,
        1,
        f"Quarterly spend return, {year}: plan {spend.plan.id} ({spend.plan.scenario_name})",
    )
    safe_cell_text(
        sheet.cell(2, 1),
        "Type each quarter's actual spend once it is known, and a forecast for quarters still to "
        "come. A quarter with neither counts at its plan: a quarter of the year's, except in the "
        "year an in-year re-plan started, whose plan for the quarters already reported is what "
        "was spent in them (left blank, nothing was) and the rest of the year spread over the "
        "others. "
        + "; ".join(f"Q{q}: {months}" for q, months in QUARTER_MONTHS.items())
        + ". Do not change the partner, intervention, place or year of a row; add rows for spend the plan did not expect.",
    ).alignment = WRAP
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS))
    sheet.row_dimensions[2].height = 45
    write_header(sheet, HEADER_ROW, [column.header for column in COLUMNS])
    for offset, line in enumerate(spend.lines, start=1):
        row = HEADER_ROW + offset
        values: dict[str, Any] = {
            "partner": line.partner,
            "intervention": line.intervention,
            "place": line.place,
            "year": year,
            "planned": line.planned,
            "notes": "",
        }
        for quarter in QUARTERS:
            values[f"plan_{quarter}"] = line.planned_quarter(quarter)
            values[f"actual_{quarter}"] = line.actual.get(quarter)
            values[f"forecast_{quarter}"] = line.forecast.get(quarter)
        for index, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row, index)
            if column.field == "outturn":
                cell.value = _outturn_formula(row, line.held)
                cell.number_format = MONEY
            elif column.field == "variance":
                cell.value = f"={_letter('outturn')}{row}-{_letter('planned')}{row}"
                cell.number_format = MONEY
            elif column.money:
                if values[column.field] is not None:
                    money_cell(cell, values[column.field])
                else:
                    cell.number_format = MONEY
            else:
                safe_cell_text(cell, values[column.field])
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 4)
    fit_columns(sheet, {index: column.width for index, column in enumerate(COLUMNS, start=1)})
    if risk is not None:
        write_risk_share(
            book.create_sheet(RISK_SHARE),
            risk,
            return_sheet=SHEET,
            partner_column=_letter("partner"),
            planned_column=_letter("planned"),
            outturn_column=_letter("outturn"),
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _outturn_formula(row: int, held: Collection[int] = ()) -> str:
    """Each quarter: the actual if typed, else the forecast if typed, else the quarter's plan (a
    row a finance lead adds has no plan: its blank quarters count as nothing). A quarter a
    re-plan held was over when it was re-planned: left blank, nothing was spent in it."""
    parts = []
    for quarter in QUARTERS:
        actual = f"{_letter(f'actual_{quarter}')}{row}"
        forecast = f"{_letter(f'forecast_{quarter}')}{row}"
        plan = "0" if quarter in held else f"N({_letter(f'plan_{quarter}')}{row})"
        parts.append(f'IF({actual}<>"",{actual},IF({forecast}<>"",{forecast},{plan}))')
    return "=" + "+".join(parts)


def read_return(content: bytes) -> tuple[list[ReturnRow], list[ReturnProblem]]:
    """Every row of an uploaded return, and every problem found (by sheet, row and column)."""
    check_is_xlsx(content, template=TEMPLATE)
    try:
        book = load_workbook(BytesIO(content), data_only=True, read_only=True)
    except Exception as error:  # noqa: BLE001  (any unreadable workbook is refused in words)
        raise ImportRefused(f"This workbook cannot be read ({error}). Use {TEMPLATE}.") from None
    if SHEET not in book.sheetnames:
        raise ImportRefused(f"The workbook has no sheet called {SHEET}. Use {TEMPLATE}.")
    rows = list(book[SHEET].iter_rows(values_only=True))
    if len(rows) < HEADER_ROW:
        raise ImportRefused(f"Sheet {SHEET} has no header row (row {HEADER_ROW}). Use {TEMPLATE}.")
    headers = [str(value or "").strip().casefold() for value in rows[HEADER_ROW - 1]]
    positions: dict[str, int] = {}
    missing = []
    for column in COLUMNS:
        if column.header.casefold() in headers:
            positions[column.field] = headers.index(column.header.casefold())
        elif column.field not in CALCULATED:
            missing.append(column.header)
    if missing:
        raise ImportRefused(
            f"Sheet {SHEET}, row {HEADER_ROW} is missing the column(s) {', '.join(missing)}. Use {TEMPLATE}."
        )
    parsed: list[ReturnRow] = []
    problems: list[ReturnProblem] = []
    for number, values in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        cells = {
            field: values[index] if index < len(values) else None
            for field, index in positions.items()
        }
        figures = [f"{kind}_{q}" for q in QUARTERS for kind in ("actual", "forecast")]
        if all(cells.get(field) in (None, "") for field in figures):
            continue  # an allocation with nothing to report yet (or a blank row)
        row_problems = _row_problems(number, cells)
        if row_problems:
            problems += row_problems
            continue
        parsed.append(_row(number, cells))
    return parsed, problems


def _header(field: str) -> str:
    return next(column.header for column in COLUMNS if column.field == field)


def _row_problems(number: int, cells: dict[str, Any]) -> list[ReturnProblem]:
    problems = []
    for field in REQUIRED:
        if cells.get(field) in (None, ""):
            problems.append(ReturnProblem(SHEET, number, _header(field), "is blank"))
    if cells.get("year") not in (None, ""):
        try:
            financial_year(cells["year"], "year")
        except InputError as error:
            problems.append(ReturnProblem(SHEET, number, _header("year"), error.errors["year"]))
    for quarter in QUARTERS:
        for kind in ("actual", "forecast"):
            field = f"{kind}_{quarter}"
            try:
                amount = money_or_none(cells.get(field), field)
            except InputError as error:
                problems.append(ReturnProblem(SHEET, number, _header(field), error.errors[field]))
                continue
            if amount is not None and amount < 0:
                problems.append(ReturnProblem(SHEET, number, _header(field), "cannot be below £0"))
    return problems


def _row(number: int, cells: dict[str, Any]) -> ReturnRow:
    return ReturnRow(
        row=number,
        partner=str(cells["partner"]).strip(),
        intervention=str(cells["intervention"]).strip(),
        place=str(cells["place"]).strip(),
        year=financial_year(cells["year"], "year"),  # type: ignore[arg-type]
        actual={q: money_or_none(cells.get(f"actual_{q}"), "a") for q in QUARTERS},
        forecast={q: money_or_none(cells.get(f"forecast_{q}"), "f") for q in QUARTERS},
        notes=str(cells.get("notes") or "").strip()[:1000],
    )
