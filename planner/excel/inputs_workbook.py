"""The inputs workbook: the blank template a partnership fills in, and the export of the current
inputs in exactly the same shape, so exporting and importing again changes nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, select

from models import (
    BudgetLine,
    CapacityOverride,
    CommissioningCycle,
    CostShare,
    DemandType,
    ExistingContract,
    Intervention,
    InterventionEffect,
    Partner,
    Place,
    PlacePopulation,
)
from models.intervention import InterventionCategory
from models.vocabulary import (
    MONTH_NAMES,
    PARTNER_KIND_LABELS,
    BudgetStatus,
    financial_year_label,
)
from planner.excel.cells import (
    MONEY,
    WRAP,
    column,
    print_setup,
    safe_cell_text,
    write_header,
    write_title,
)
from planner.excel.community_sheets import community_rows
from planner.excel.import_contracts import ABOUT_CONTRACTS
from planner.excel.input_columns import InputColumn, InputSheet
from planner.excel.input_tables import ABOUT_SHEET, INPUT_SHEETS
from planner.excel.price_sheet import price_rows
from planner.inputs.named import named_by_id

# Drop-down lists and validations reach this far down each sheet.
MAX_INPUT_ROWS = 5000
# Rows given their column's number format (and filter) before anyone fills them in.
FORMATTED_ROWS = 500
TEXT = "@"
CELL_FORMATS = {"money": MONEY, "year": TEXT, "years": TEXT}
InputRows = Mapping[str, Sequence[Mapping[str, Any]]]


def build_inputs_workbook(rows: InputRows | None = None) -> bytes:
    """The inputs workbook: an About sheet, then one sheet per input table with notes on each
    column and drop-down lists; filled with `rows` ({sheet name: [{field: value}]}) or blank."""
    workbook = Workbook()
    about = workbook.active
    about.title = ABOUT_SHEET
    _write_about(about)
    for table in INPUT_SHEETS:
        sheet = workbook.create_sheet(table.name)
        _write_table(sheet, table, (rows or {}).get(table.name, ()))
    workbook.properties.title = "Partnership inputs"
    workbook.properties.creator = "Pooled commissioning planner"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_about(sheet: Worksheet) -> None:
    write_title(sheet, 1, "Partnership inputs for the pooled commissioning planner")
    lines = [
        "Each sheet after this one is one table of inputs. Row 1 holds the column names: keep "
        "them as they are. Hover over a column name to read what it means.",
        "Names identify records: a row whose name already exists updates that record, a new "
        "name creates one (names are compared ignoring capitals, extra spaces and look-alike "
        "letters). A record that a sheet leaves out is deleted only if you tick the box to on "
        "the import's preview; a sheet left out of the workbook leaves its records as they are.",
        ABOUT_CONTRACTS,
        "Money is in pounds. Financial years are written like 2026/27. Lists go in one cell, "
        "separated by commas.",
        "The import checks every row before it changes anything: if any row has a problem, it "
        "lists each one (sheet, row and column) and saves nothing.",
    ]
    for row, line in enumerate(lines, start=3):
        safe_cell_text(sheet.cell(row, 1), line).alignment = WRAP
        sheet.row_dimensions[row].height = 32
    header_row = 4 + len(lines)
    write_header(sheet, header_row, ["Sheet", "What it holds"])
    for row, table in enumerate(INPUT_SHEETS, start=header_row + 1):
        safe_cell_text(sheet.cell(row, 1), table.name)
        safe_cell_text(sheet.cell(row, 2), table.about).alignment = WRAP
    sheet.column_dimensions["A"].width = 100
    sheet.column_dimensions["B"].width = 90
    print_setup(sheet, header_row=None, landscape=True)


def _write_table(sheet: Worksheet, table: InputSheet, rows: Sequence[Mapping[str, Any]]) -> None:
    write_header(sheet, 1, [_header(col) for col in table.columns])
    for index, col in enumerate(table.columns, start=1):
        comment = Comment(col.note + (" Required." if col.required else ""), "Planner")
        comment.width, comment.height = 260, 90
        sheet.cell(1, index).comment = comment
        sheet.column_dimensions[column(index)].width = col.width
        letter = column(index)
        number_format = CELL_FORMATS.get(col.kind)
        if number_format:
            # Formatted ahead of being filled in, so a blank template shows pounds as pounds
            # and keeps 2026/27 as text rather than letting Excel read it as a date.
            for row in range(2, max(len(rows), FORMATTED_ROWS) + 2):
                sheet[f"{letter}{row}"].number_format = number_format
        _add_validation(sheet, col, letter)
    for row, record in enumerate(rows, start=2):
        for index, col in enumerate(table.columns, start=1):
            _write_value(sheet.cell(row, index), col, record.get(col.field))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{column(len(table.columns))}{max(len(rows), FORMATTED_ROWS) + 1}"
    print_setup(sheet, header_row=1, landscape=True)


def _header(col: InputColumn) -> str:
    return col.header + (" *" if col.required else "")


def _add_validation(sheet: Worksheet, col: InputColumn, letter: str) -> None:
    """A drop-down list for columns with a fixed list or names from another sheet."""
    if col.choices_from:
        source = "'" + col.choices_from.replace("'", "''") + "'"
        formula = f"={source}!$A$2:$A${MAX_INPUT_ROWS}"
    elif col.choices:
        formula = '"' + ",".join(col.choices) + '"'
    else:
        return
    validation = DataValidation(type="list", formula1=formula, allow_blank=not col.required)
    validation.error = f"Choose a value from the list. {col.note}"[:225]
    validation.errorTitle = col.header[:32]
    validation.prompt = col.note[:250]
    validation.showErrorMessage = True
    # Names from another sheet may be new in this import, so Excel warns rather than refuses.
    validation.errorStyle = "warning" if col.choices_from else "stop"
    validation.add(f"{letter}2:{letter}{MAX_INPUT_ROWS}")
    sheet.add_data_validation(validation)


def _write_value(cell: Any, col: InputColumn, value: Any) -> None:
    if value is None:
        return
    if col.kind == "money":
        cell.value = Decimal(value)
        cell.number_format = MONEY
    elif (
        col.kind == "number"
        and isinstance(value, int | float | Decimal)
        and not isinstance(value, bool)
    ):
        cell.value = value
    else:
        safe_cell_text(cell, value)


def current_input_rows(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every current input, as the inputs workbook's rows ({sheet name: [{field: value}]})."""
    partners = named_by_id(session, Partner)
    interventions = named_by_id(session, Intervention)
    places = named_by_id(session, Place)
    demand_types = named_by_id(session, DemandType)
    category_label = {category.value: category.label for category in InterventionCategory}
    rows: dict[str, list[dict[str, Any]]] = {
        "Partners": [
            {
                "name": p.name,
                "kind": PARTNER_KIND_LABELS.get(p.kind, str(p.kind)),
                "district": p.district,
                "notes": p.notes,
            }
            for p in partners.values()
        ],
        "Commissioning cycles": [
            {
                "partner": partners[c.partner_id].name,
                "budget_setting_month": MONTH_NAMES[c.budget_setting_month - 1],
                "open_years": _years(c.open_years),
                "contract_length_years": c.contract_length_years,
            }
            for c in sorted(
                session.exec(select(CommissioningCycle)), key=lambda c: partners[c.partner_id].name
            )
        ],
        "Budget lines": [
            {
                "partner": partners[b.partner_id].name,
                "year": financial_year_label(b.year),
                "maximum": b.maximum,
                "minimum": b.minimum,
                "status": BudgetStatus(b.status).value.capitalize(),
                "ring_fence": ", ".join(category_label.get(c, c) for c in b.ring_fence),
                "districts": ", ".join(b.districts),
                "illustrative": "Yes" if b.illustrative else "No",
            }
            for b in sorted(
                session.exec(select(BudgetLine)),
                key=lambda b: (partners[b.partner_id].name, b.year),
            )
        ],
        "Existing contracts": [
            {
                "partner": partners[c.partner_id].name,
                "intervention": interventions[c.intervention_id].name,
                "place": places[c.place_id].name if c.place_id else None,
                "years": _years(c.years),
                "annual_amount": c.annual_amount,
                "notes": c.notes,
            }
            for c in sorted(
                session.exec(select(ExistingContract)),
                key=lambda c: (
                    partners[c.partner_id].name,
                    interventions[c.intervention_id].name,
                    c.id,
                ),
            )
        ],
        "Demand types": [
            {field: getattr(d, field) for field in _fields("Demand types")}
            for d in demand_types.values()
        ],
        "Cost shares": [
            {
                "demand_type": demand_types[s.demand_type_id].name,
                "partner": partners[s.partner_id].name,
                "share_percent": s.share_percent,
            }
            for s in sorted(
                session.exec(select(CostShare)),
                key=lambda s: (demand_types[s.demand_type_id].name, partners[s.partner_id].name),
            )
        ],
        "Interventions": [
            {
                **{field: getattr(i, field) for field in _fields("Interventions")},
                "category": category_label.get(i.category, str(i.category)),
                "illustrative": "Yes" if i.illustrative else "No",
                "price_year": financial_year_label(i.price_year) if i.price_year else "",
            }
            for i in interventions.values()
        ],
        "Effects": [
            {
                "intervention": interventions[e.intervention_id].name,
                "demand_type": demand_types[e.demand_type_id].name,
                "reduction_per_participant": e.reduction_per_participant,
                "years_after": ", ".join(str(year) for year in e.years_after),
                "standard_error": e.standard_error,
                "effect_low": e.effect_low,
                "effect_high": e.effect_high,
                "spread_source": e.spread_source,
            }
            for e in sorted(
                session.exec(select(InterventionEffect)),
                key=lambda e: (
                    interventions[e.intervention_id].name,
                    demand_types[e.demand_type_id].name,
                ),
            )
        ],
        "Places": [
            {
                **{field: getattr(p, field) for field in _fields("Places")},
                "illustrative": "Yes" if p.illustrative else "No",
            }
            for p in places.values()
        ],
        "Populations": [
            {
                "place": places[p.place_id].name,
                "target_group": p.target_group,
                "population": p.population,
            }
            for p in sorted(
                session.exec(select(PlacePopulation)),
                key=lambda p: (places[p.place_id].name, p.target_group),
            )
        ],
        "Capacity overrides": [
            {
                "place": places[o.place_id].name,
                "intervention": interventions[o.intervention_id].name,
                "capacity": o.capacity,
            }
            for o in sorted(
                session.exec(select(CapacityOverride)),
                key=lambda o: (places[o.place_id].name, interventions[o.intervention_id].name),
            )
        ],
        **community_rows(session),
        **price_rows(session),
    }
    return rows


def _fields(sheet_name: str) -> list[str]:
    table = next(table for table in INPUT_SHEETS if table.name == sheet_name)
    return [col.field for col in table.columns]


def _years(years: Sequence[int]) -> str:
    return ", ".join(financial_year_label(year) for year in sorted(years))


def build_current_inputs_workbook(session: Session) -> bytes:
    """The current inputs as a workbook in the template's shape."""
    return build_inputs_workbook(current_input_rows(session))
