"""The plan workbook's Inputs sheet: the snapshot a plan was solved with, readable as an audit
record - field names in words, the partnership's own names exactly as typed, money in pounds,
years like 2026/27, fixed values in words, and each list of records a table with filters."""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pytest
from openpyxl import Workbook

from planner.excel.cells import MONEY
from planner.excel.plan_inputs import write_inputs
from planner.excel.plan_workbook import build_plan_workbook
from tests.excel.plan_fixtures import solved_view

VRU = "West Yorkshire Violence Reduction Unit"
SNAPSHOT = {
    "version": 1,
    "taken_at": "2026-03-01T09:30:00",
    "scenario": {"id": 4, "name": "Pooled 2026-29", "funding_mode": "pooled"},
    "inputs": {
        "partners": [
            {"key": "Kirklees Council", "name": "Kirklees Council", "kind": "local_authority"},
            {"key": VRU, "name": VRU, "kind": "violence_reduction_unit", "district": None},
        ],
        "budget_lines": [
            {
                "partner": "Kirklees Council",
                "year": 2026,
                "maximum": 450000.0,
                "committed_minimum": 0.0,
                "status": "indicative",
                "ring_fence": [],
                "districts": ["Kirklees"],
            },
            {
                "partner": VRU,
                "year": 2027,
                "maximum": 700000.0,
                "committed_minimum": 500000.0,
                "status": "confirmed",
                "ring_fence": ["diversion", "mentoring"],
                "districts": [],
            },
        ],
        "interventions": [
            {
                "key": "A&E violence navigators",
                "name": "A&E violence navigators",
                "category": "other",
                "unit_cost": 500.0,
                "evidence_rating": "NL2",
                "effects": [
                    {
                        "demand_type": "A&E attendance",
                        "reduction_per_participant": 0.5,
                        "years_after": [0, 1],
                    }
                ],
            }
        ],
        "cycles": [{"partner": VRU, "open_years": [2026, 2028], "budget_setting_month": 4}],
        "contracts": [
            {
                "partner": VRU,
                "intervention": "Focused deterrence",
                "years": [2026, 2027],
                "amount_per_year": 250000.0,
                "place": None,
            }
        ],
    },
    "rules": {
        "first_year": 2026,
        "need_floor": 0.05,
        "objective": "value",
        "partner_fairness_overrides": {VRU: 0.0},
        "confidence": {"4": 1.0, "NL2": 0.0},
        "place_caps": {"Dewsbury West": 100000.0},
        "category_caps": {},
    },
}


@pytest.fixture(scope="module")
def sheet():  # type: ignore[no-untyped-def]
    view = dataclasses.replace(solved_view(), inputs=SNAPSHOT)
    workbook = Workbook()
    write_inputs(workbook.active, view)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active


def cells(sheet) -> dict[str, openpyxl.cell.Cell]:  # type: ignore[no-untyped-def]
    """Every cell holding text, by its text (the first such cell)."""
    found: dict[str, openpyxl.cell.Cell] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                found.setdefault(cell.value, cell)
    return found


def right_of(sheet, text: str, steps: int = 1):  # type: ignore[no-untyped-def]
    cell = cells(sheet)[text]
    return sheet.cell(cell.row, cell.column + steps)


def below(sheet, header: str, rows: int = 1):  # type: ignore[no-untyped-def]
    cell = cells(sheet)[header]
    return sheet.cell(cell.row + rows, cell.column)


def test_names_the_partnership_typed_are_shown_exactly(sheet) -> None:  # type: ignore[no-untyped-def]
    text = cells(sheet)
    assert VRU in text and "Dewsbury West" in text and "NL2" in text
    assert "West yorkshire violence reduction unit" not in text
    assert "Nl2" not in text and "Dewsbury west" not in text
    settings = {row[0].value: row[1] for row in sheet.iter_rows() if row[0].value is not None}
    assert settings["NL2"].value == 0
    assert settings[VRU].value == 0
    assert settings["Dewsbury West"].number_format == MONEY


def test_field_names_and_fixed_values_are_in_words(sheet) -> None:  # type: ignore[no-untyped-def]
    text = cells(sheet)
    for words in (
        "Maximum (£)",
        "Committed minimum (£)",
        "Ring-fenced to categories",
        "Local authority",
        "Violence reduction unit",
        "Confirmed",
        "Pooled",
        "Most value of demand avoided (£)",
        "Partnership-wide",
        "All places",
        "Diversion, Mentoring",
        "April",
    ):
        assert words in text, words
    assert not any("_" in value for value in text if value not in ("A&E violence navigators",))
    assert "None" not in [cell.value for cell in sheet["F"]], "an empty ring-fence is Any category"
    assert below(sheet, "Ring-fenced to categories").value == "Any category"
    assert below(sheet, "Districts", 2).value == "All districts"


def test_years_read_like_2026_27(sheet) -> None:  # type: ignore[no-untyped-def]
    assert below(sheet, "Financial year").value == "2026/27"
    assert below(sheet, "Financial years").value == "2026/27, 2027/28"
    assert below(sheet, "Open years").value == "2026/27, 2028/29"
    assert right_of(sheet, "First financial year").value == "2026/27"
    assert below(sheet, "Years after taking part").value == "0, 1"


def test_effects_have_a_table_of_their_own_one_figure_a_cell(sheet) -> None:  # type: ignore[no-untyped-def]
    """Each effect is a row a formula can refer to, under its intervention's name; a blank
    standard error is a blank cell, never the word 'None'."""
    title = cells(sheet)["Inputs: Interventions: Effects"]
    header = [cell.value for cell in sheet[title.row + 1] if cell.value is not None]
    assert header == [
        "Intervention",
        "Demand type",
        "Reduction per participant",
        "Years after taking part",
    ]
    row = [cell.value for cell in sheet[title.row + 2]][:4]
    assert row == ["A&E violence navigators", "A&E attendance", 0.5, "0, 1"]
    assert "Effects" not in [cell.value for cell in sheet[cells(sheet)["Category"].row]]


def test_money_has_a_currency_format(sheet) -> None:  # type: ignore[no-untyped-def]
    for header in ("Maximum (£)", "Committed minimum (£)", "Unit cost (£)", "Annual amount (£)"):
        value = below(sheet, header)
        assert isinstance(value.value, float | int) and value.number_format == MONEY, header
    assert below(sheet, "Maximum (£)").value == 450000
    assert right_of(sheet, "Place need floor").number_format == "0.0%"


def test_each_list_of_records_is_a_table_with_filters(sheet) -> None:  # type: ignore[no-untyped-def]
    refs = {table.displayName: table.ref for table in sheet.tables.values()}
    budget = next(ref for name, ref in refs.items() if "Budget_lines" in name)
    header = cells(sheet)["Maximum (£)"].row
    assert budget == f"A{header}:G{header + 2}"
    # partners, budget lines, interventions and their effects, cycles, contracts
    assert len(refs) == 6
    assert sheet.freeze_panes == "A3"


def test_the_whole_workbook_opens_with_its_tables(tmp_path) -> None:  # type: ignore[no-untyped-def]
    content = build_plan_workbook(dataclasses.replace(solved_view(), inputs=SNAPSHOT))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert len(workbook["Inputs"].tables) == 6
