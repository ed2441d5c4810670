"""Existing contracts have no name: a contract row is the contract with the same partner,
intervention and place whose years overlap its own. Changing a contract's years on its row
changes that contract; adding a second row that overlaps it is refused, since the committed
money would be counted twice."""

from __future__ import annotations

import io

import openpyxl
import pytest
from flask import Flask
from markupsafe import escape
from sqlmodel import select

from models import ExistingContract
from models.vocabulary import Role
from planner.db import new_session
from planner.excel.import_contracts import ABOUT_CONTRACTS
from planner.excel.import_outcome import FieldChange
from planner.excel.import_service import apply_import, preview_import
from planner.excel.inputs_workbook import build_current_inputs_workbook, build_inputs_workbook
from planner.inputs import service
from tests.excel.workbook_files import add_row


@pytest.fixture
def inputs(app: Flask) -> bytes:
    """Police with budgets for three years and one contract for Focused deterrence, 2026-28."""
    with app.app_context(), new_session() as session:
        police = service.create_partner(
            session, {"name": "West Yorkshire Police", "kind": "police"}
        )
        for year in (2026, 2027, 2028):
            service.create_budget_line(
                session, {"partner_id": police.id, "year": year, "maximum": "1000000"}
            )
        for name in ("Focused deterrence", "Mentoring"):
            programme = service.create_intervention(
                session,
                {
                    "name": name,
                    "target_group": "young people",
                    "unit_cost": 2500,
                    "price_year": 2022,
                },
            )
        focused = service.by_name(session, type(programme), "Focused deterrence")
        service.create_contract(
            session,
            {
                "partner_id": police.id,
                "intervention_id": focused.id,
                "years": "2026/27, 2027/28",
                "annual_amount": "250000",
            },
        )
        return build_current_inputs_workbook(session)


def with_contract_rows(content: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    change(workbook["Existing contracts"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def contracts(app: Flask) -> list[tuple[str, list[int], str]]:
    with app.app_context(), new_session() as session:
        return sorted(
            (str(c.intervention_id), sorted(c.years), str(c.annual_amount))
            for c in session.exec(select(ExistingContract))
        )


def test_changing_a_contracts_years_on_its_row_changes_that_contract(
    app: Flask, inputs: bytes
) -> None:
    def longer(sheet) -> None:  # type: ignore[no-untyped-def]
        sheet["D2"] = "2026/27, 2027/28, 2028/29"

    changed = with_contract_rows(inputs, longer)
    with app.app_context(), new_session() as session:
        preview = preview_import(session, changed)
        assert preview.ok, [str(p) for p in preview.problems]
        [change] = [c for c in preview.changes if c.sheet == "Existing contracts"]
        assert change.action == "update"
        assert change.fields == (
            FieldChange("Financial years", "2026/27, 2027/28", "2026/27, 2027/28, 2028/29"),
        )
        assert apply_import(session, changed).ok
    assert contracts(app) == [("1", [2026, 2027, 2028], "250000.00")]


def test_a_second_row_overlapping_a_contract_is_refused(app: Flask, inputs: bytes) -> None:
    def another(sheet) -> None:  # type: ignore[no-untyped-def]
        add_row(
            sheet, ["West Yorkshire Police", "Focused deterrence", None, "2027/28, 2028/29", 100000]
        )

    with app.app_context(), new_session() as session:
        outcome = apply_import(session, with_contract_rows(inputs, another))
    assert [str(problem) for problem in outcome.problems] == [
        "Existing contracts, row 3, column Financial years: overlaps the existing contract for "
        "2026/27 to 2027/28 (row 2); change its years on that row instead of adding another"
    ]
    assert contracts(app) == [("1", [2026, 2027], "250000.00")]


def test_a_contract_for_other_years_is_a_contract_of_its_own(app: Flask, inputs: bytes) -> None:
    def later(sheet) -> None:  # type: ignore[no-untyped-def]
        add_row(sheet, ["West Yorkshire Police", "Focused deterrence", None, "2028/29", 100000])

    with app.app_context(), new_session() as session:
        outcome = apply_import(session, with_contract_rows(inputs, later))
        assert outcome.ok, [str(p) for p in outcome.problems]
        assert outcome.total("create") == 1
    assert contracts(app) == [("1", [2026, 2027], "250000.00"), ("1", [2028], "100000.00")]


def test_two_new_rows_sharing_a_year_are_refused(app: Flask, inputs: bytes) -> None:
    def two(sheet) -> None:  # type: ignore[no-untyped-def]
        add_row(sheet, ["West Yorkshire Police", "Mentoring", None, "2026/27, 2027/28", 1000])
        add_row(sheet, ["West Yorkshire Police", "Mentoring", None, "2027/28", 2000])

    with app.app_context(), new_session() as session:
        outcome = preview_import(session, with_contract_rows(inputs, two))
    assert [str(problem) for problem in outcome.problems] == [
        "Existing contracts, row 4, column Financial years: its years overlap row 3 (2026/27 to "
        "2027/28) for the same partner, intervention and place; two contracts may not share a "
        "year, as that would count the money twice"
    ]


def test_a_contract_left_off_the_sheet_still_counts(app: Flask, inputs: bytes) -> None:
    """A fresh template that names the contract's years differently is that contract, and the
    preview says its years change; one overlapping two contracts must say which it is."""
    workbook = openpyxl.load_workbook(io.BytesIO(build_inputs_workbook()))
    add_row(
        workbook["Existing contracts"],
        ["West Yorkshire Police", "Focused deterrence", None, "2027/28", 250000],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    with app.app_context(), new_session() as session:
        outcome = preview_import(session, buffer.getvalue())
        assert [c.fields for c in outcome.changes if c.action == "update"] == [
            (FieldChange("Financial years", "2026/27, 2027/28", "2027/28"),)
        ]
        focused = session.exec(select(ExistingContract)).one()
        service.create_contract(
            session,
            {
                "partner_id": focused.partner_id,
                "intervention_id": focused.intervention_id,
                "years": "2028/29",
                "annual_amount": "1000",
            },
        )
        workbook["Existing contracts"]["D2"] = "2027/28, 2028/29"
        buffer = io.BytesIO()
        workbook.save(buffer)
        outcome = preview_import(session, buffer.getvalue())
        assert [str(problem) for problem in outcome.problems] == [
            "Existing contracts, row 2, column Financial years: overlaps 2 existing contracts "
            "(2026/27 to 2027/28 and 2028/29); give each on its own row with its years as they "
            "are, then change them one at a time"
        ]


def test_the_rule_is_said_on_the_about_sheet_and_the_pages(
    app: Flask, inputs: bytes, sign_in_as
) -> None:  # type: ignore[no-untyped-def]
    about = openpyxl.load_workbook(io.BytesIO(inputs))["About"]
    assert ABOUT_CONTRACTS in [cell.value for cell in about["A"]]
    assert ABOUT_CONTRACTS.startswith("Existing contracts have no name: a row is the contract")
    client = sign_in_as(Role.COMMISSIONER)
    assert str(escape(ABOUT_CONTRACTS)) in client.get("/inputs/import").data.decode()

    def longer(sheet) -> None:  # type: ignore[no-untyped-def]
        sheet["D2"] = "2026/27, 2027/28, 2028/29"

    page = client.post(
        "/inputs/import",
        data={"workbook": (io.BytesIO(with_contract_rows(inputs, longer)), "c.xlsx")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200 and str(escape(ABOUT_CONTRACTS)) in page.data.decode()
