"""An import never ignores part of a workbook in silence: a sheet or column the template does not
have is a problem (with a near match suggested), and so is a formula with no saved value, which
would otherwise read as an empty cell."""

from __future__ import annotations

import io

import openpyxl
import pytest
from flask import Flask

from planner.db import new_session
from planner.excel.import_service import preview_import
from planner.excel.importer import UNCALCULATED
from planner.excel.inputs_workbook import build_current_inputs_workbook
from planner.inputs import service
from tests.excel.recalculate import convert

SHEETS = (
    "About, Partners, Commissioning cycles, Budget lines, Existing contracts, Demand types, "
    "Cost shares, Interventions, Effects, Places, Populations, Capacity overrides, "
    "Risk indicators, Indicator values, Volunteers, Providers, Price index"
)


@pytest.fixture
def exported(app: Flask) -> bytes:
    with app.app_context(), new_session() as session:
        service.create_partner(session, {"name": "Kirklees Council", "kind": "local_authority"})
        service.create_place(session, {"name": "Dewsbury West", "district": "Kirklees"})
        return build_current_inputs_workbook(session)


def changed(content: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems(app: Flask, content: bytes) -> list[str]:
    with app.app_context(), new_session() as session:
        outcome = preview_import(session, content)
        return [str(problem) for problem in outcome.problems]


def test_a_misspelt_sheet_is_a_problem_naming_the_sheet_it_may_mean(app, exported) -> None:  # type: ignore[no-untyped-def]
    def rename(workbook: openpyxl.Workbook) -> None:
        workbook["Places"].title = "Place"

    assert problems(app, changed(exported, rename)) == [
        f"Place: not a sheet this template has; expected one of {SHEETS}. Did you mean Places?"
    ]


def test_an_extra_sheet_is_a_problem(app, exported) -> None:  # type: ignore[no-untyped-def]
    def add(workbook: openpyxl.Workbook) -> None:
        workbook.create_sheet("Working notes")

    assert problems(app, changed(exported, add)) == [
        f"Working notes: not a sheet this template has; expected one of {SHEETS}"
    ]


def test_an_unknown_column_is_a_problem(app, exported) -> None:  # type: ignore[no-untyped-def]
    def add(workbook: openpyxl.Workbook) -> None:
        workbook["Partners"]["E1"] = "Budget"
        workbook["Partners"]["E2"] = 1000

    assert problems(app, changed(exported, add)) == [
        "Partners, row 1, column Budget: not a column this template has; expected one of Name, "
        "Kind, District, Notes"
    ]


def test_a_misspelt_column_is_unknown_and_its_column_missing(app, exported) -> None:  # type: ignore[no-untyped-def]
    def misspell(workbook: openpyxl.Workbook) -> None:
        workbook["Places"]["B1"] = "Distrct *"

    assert problems(app, changed(exported, misspell)) == [
        "Places, row 1, column Distrct *: not a column this template has; expected one of Name, "
        "District, Need index, Description, Illustrative figures. Did you mean District?",
        "Places, row 1, column District: this column is missing; keep row 1 as in the template",
    ]


def test_a_column_given_twice_is_a_problem(app, exported) -> None:  # type: ignore[no-untyped-def]
    def repeat(workbook: openpyxl.Workbook) -> None:
        workbook["Partners"]["E1"] = "notes"

    assert problems(app, changed(exported, repeat)) == [
        "Partners, row 1, column Notes: this column appears twice; keep one"
    ]


def test_a_formula_with_no_saved_value_says_so(app, exported) -> None:  # type: ignore[no-untyped-def]
    def formula(workbook: openpyxl.Workbook) -> None:
        workbook["Places"]["C2"] = "=2*1.5"  # openpyxl saves formulas without their results

    assert problems(app, changed(exported, formula)) == [
        f"Places, row 2, column Need index: {UNCALCULATED}"
    ]
    assert UNCALCULATED == (
        "holds a formula with no saved value; type the value in or save the file in Excel first"
    )


def test_the_command_line_lists_them_and_saves_nothing(app, exported, tmp_path) -> None:  # type: ignore[no-untyped-def]
    def both(workbook: openpyxl.Workbook) -> None:
        workbook["Places"].title = "Place"
        workbook["Partners"]["A2"] = "=UPPER(B2)"

    path = tmp_path / "inputs.xlsx"
    path.write_bytes(changed(exported, both))
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "Place: not a sheet this template has" in result.output
    assert f"Partners, row 2, column Name: {UNCALCULATED}" in result.output
    assert "2 problem(s)" in result.output and "nothing was saved" in result.output


@pytest.mark.libreoffice
def test_a_formula_saved_with_its_value_imports_the_value(app, exported, tmp_path) -> None:  # type: ignore[no-untyped-def]
    def formula(workbook: openpyxl.Workbook) -> None:
        workbook["Places"]["C2"] = "=2*1.5"

    saved = convert(changed(exported, formula), tmp_path).read_bytes()
    with app.app_context(), new_session() as session:
        outcome = preview_import(session, saved)
        assert outcome.ok, [str(problem) for problem in outcome.problems]
        assert [(c.sheet, c.action) for c in outcome.changes if c.action != "unchanged"] == [
            ("Places", "update")
        ]
