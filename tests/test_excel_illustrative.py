"""The inputs workbook keeps budget lines' and places' illustrative flag, as it keeps
interventions': an "Illustrative figures" column on the Budget lines and Places sheets of the
template, the export and the import."""

from __future__ import annotations

import io

import openpyxl
from flask import Flask
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import select

from models import BudgetLine, Place
from planner.db import new_session
from planner.excel.import_service import apply_import
from planner.excel.inputs_workbook import build_current_inputs_workbook, build_inputs_workbook
from planner.inputs import service
from tests.excel.workbook_files import add_row


def _column(sheet: Worksheet, header: str) -> list[tuple[object, object]]:
    """(first cell, cell under `header`) of each filled-in row, in order."""
    index = [cell.value for cell in sheet[1]].index(header)
    return [(row[0], row[index]) for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]


def _flags(app: Flask) -> tuple[dict[int, bool], dict[str, bool]]:
    with app.app_context(), new_session() as session:
        lines = {line.year: line.illustrative for line in session.exec(select(BudgetLine))}
        places = {place.name: place.illustrative for place in session.exec(select(Place))}
    return lines, places


def _inputs(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        partner = service.create_partner(session, {"name": "Kirklees Council"})
        for year, illustrative in ((2026, True), (2027, False)):
            service.create_budget_line(
                session,
                {
                    "partner_id": partner.id,
                    "year": year,
                    "maximum": 1000,
                    "illustrative": illustrative,
                },
            )
        for name, illustrative in (("Batley East", True), ("Dewsbury West", False)):
            service.create_place(
                session, {"name": name, "district": "Kirklees", "illustrative": illustrative}
            )


def test_the_template_has_the_column_with_a_yes_no_list() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(build_inputs_workbook()))
    for sheet_name, words in (("Budget lines", "the partner's budget"), ("Places", "local data")):
        sheet = workbook[sheet_name]
        cell = next(cell for cell in sheet[1] if cell.value == "Illustrative figures")
        assert words in cell.comment.text and "blank for No" in cell.comment.text
        lists = {v.formula1 for v in sheet.data_validations.dataValidation}
        assert '"Yes,No"' in lists, sheet_name


def test_the_round_trip_keeps_the_flag_and_an_edit_changes_it(app: Flask) -> None:
    _inputs(app)
    with app.app_context(), new_session() as session:
        exported = build_current_inputs_workbook(session)
    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    assert _column(workbook["Budget lines"], "Illustrative figures") == [
        ("Kirklees Council", "Yes"),  # 2026/27
        ("Kirklees Council", "No"),  # 2027/28
    ]
    assert _column(workbook["Places"], "Illustrative figures") == [
        ("Batley East", "Yes"),
        ("Dewsbury West", "No"),
    ]
    with app.app_context(), new_session() as session:
        outcome = apply_import(session, exported, filename="inputs.xlsx")
    assert outcome.ok and outcome.total("update") == outcome.total("create") == 0
    assert _flags(app) == (
        {2026: True, 2027: False},
        {"Batley East": True, "Dewsbury West": False},
    )
    headers = [cell.value for cell in workbook["Places"][1]]
    places_flag = 1 + headers.index("Illustrative figures")
    headers = [cell.value for cell in workbook["Budget lines"][1]]
    lines_flag = 1 + headers.index("Illustrative figures")
    workbook["Budget lines"].cell(2, lines_flag, "No")
    workbook["Budget lines"].cell(3, lines_flag, "Yes")
    workbook["Places"].cell(2, places_flag, "No")
    add_row(workbook["Places"], ["Ossett", "Wakefield", 1.1, "New ward"])  # flag left blank
    buffer = io.BytesIO()
    workbook.save(buffer)
    with app.app_context(), new_session() as session:
        outcome = apply_import(session, buffer.getvalue(), filename="edited.xlsx")
    assert outcome.ok, [str(problem) for problem in outcome.problems]
    assert (outcome.total("update"), outcome.total("create")) == (3, 1)
    assert _flags(app) == (
        {2026: False, 2027: True},
        {"Batley East": False, "Dewsbury West": False, "Ossett": False},
    )
