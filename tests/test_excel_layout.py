"""Layout a finance lead relies on: filters and frozen headers on the money sheets, the
intervention-by-partner table on a sheet of its own, and a blank inputs template whose empty
rows already show money as pounds and keep financial years as text."""

from __future__ import annotations

import io

import openpyxl
import pytest

from planner.excel.cells import MONEY
from planner.excel.input_tables import INPUT_SHEETS
from planner.excel.inputs_workbook import FORMATTED_ROWS, build_inputs_workbook
from planner.excel.plan_workbook import build_plan_workbook
from tests.excel.plan_fixtures import solved_view


@pytest.fixture(scope="module")
def view():  # type: ignore[no-untyped-def]
    return solved_view()


@pytest.fixture(scope="module")
def workbook(view) -> openpyxl.Workbook:  # type: ignore[no-untyped-def]
    return openpyxl.load_workbook(io.BytesIO(build_plan_workbook(view)))


def test_funding_has_filters_and_a_frozen_header_with_its_total_outside_them(
    workbook, view
) -> None:  # type: ignore[no-untyped-def]
    funding = workbook["Funding"]
    partners = len(view.partner_keys())
    assert funding.auto_filter.ref == f"A1:E{1 + partners}"
    assert funding.freeze_panes == "A2"
    assert funding.cell(1 + partners + 1, 1).value is None
    assert funding.cell(1 + partners + 2, 1).value == "All partners"


def test_funding_by_intervention_is_a_sheet_of_its_own(workbook, view) -> None:  # type: ignore[no-untyped-def]
    sheet = workbook["Funding by intervention"]
    funded = sorted({view.intervention(a.intervention).name for a in view.result.allocations})
    assert sheet["A1"].value == "Intervention"
    assert [sheet.cell(row, 1).value for row in range(2, 2 + len(funded))] == funded
    assert sheet.auto_filter.ref == f"A1:E{1 + len(funded)}"
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(1 + len(funded) + 2, 1).value == "All interventions"
    assert sheet["B2"].value.startswith(("=SUMIFS('Allocations'!$L$2", "=SUMPRODUCT("))
    assert sheet.print_title_rows == "$1:$1"


def test_sensitivity_filters_its_binding_rules(workbook, view) -> None:  # type: ignore[no-untyped-def]
    sensitivity = workbook["Sensitivity"]
    binding = len(view.result.binding_constraints)
    assert binding > 1
    # Rule, kind, final value, shadow price, limit, allowable increase and decrease, meaning, id,
    # and why a range is blank.
    assert sensitivity["I1"].value == "Rule id"
    assert sensitivity["J1"].value == "Why a range is blank"
    assert sensitivity.auto_filter.ref == f"A1:J{1 + binding}"


def test_a_blank_template_formats_its_empty_rows() -> None:
    template = openpyxl.load_workbook(io.BytesIO(build_inputs_workbook()))
    checked = 0
    for table in INPUT_SHEETS:
        sheet = template[table.name]
        for index, col in enumerate(table.columns, start=1):
            expected = {"money": MONEY, "year": "@", "years": "@"}.get(col.kind)
            if expected is None:
                continue
            for row in (2, FORMATTED_ROWS + 1):
                assert sheet.cell(row, index).number_format == expected, (table.name, col.header)
                assert sheet.cell(row, index).value is None
            checked += 1
        assert sheet.auto_filter.ref.endswith(str(FORMATTED_ROWS + 1))
    # Eleven money columns on five sheets (unit costs with their range, cost per volunteer, an
    # intervention's cohort cost and minimum contract), six of years (the Volunteers sheet's
    # financial year too, an intervention's price year and the Price index sheet's financial year).
    assert checked == 17
    assert FORMATTED_ROWS == 500
