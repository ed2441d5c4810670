"""Imports that say what is missing and can delete: a sheet the workbook lacks is reported, and
a record its sheet leaves out is listed with what depends on it, deleted only when asked, and
refused (nothing changing) where the agreed plan still needs it."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from flask import Flask
from sqlmodel import select

from models import AuditEvent, BudgetLine, Partner
from planner.db import new_session
from planner.excel.import_service import apply_import, preview_import
from planner.excel.inputs_workbook import build_current_inputs_workbook
from planner.inputs.budgets import save_budget_line
from planner.inputs.partners import create_partner

TEMPORARY = "Temporary Community Fund"


@pytest.fixture(scope="module")
def exported(demo_app: Flask) -> bytes:
    """The demo's inputs as exported, before a partner and its budget line are added; so the
    workbook leaves those two out."""
    with demo_app.app_context(), new_session() as session:
        content = build_current_inputs_workbook(session)
        partner = create_partner(session, {"name": TEMPORARY, "kind": "voluntary_sector"})
        save_budget_line(
            session, {"partner_id": partner.id, "year": 2026, "maximum": Decimal(5000)}
        )
    return content


def without(content: bytes, sheet: str, first_cell: str | None = None) -> bytes:
    """The workbook less a sheet, or less the row of `sheet` whose first cell and second cell
    read `first_cell` ("Bradford Council|2026/27")."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    if first_cell is None:
        del workbook[sheet]
    else:
        wanted = first_cell.split("|")
        table = workbook[sheet]
        for row in range(2, table.max_row + 1):
            cells = [str(table.cell(row, index + 1).value) for index in range(len(wanted))]
            if cells == wanted:
                table.delete_rows(row)
                break
        else:
            raise AssertionError(f"no row {first_cell} on {sheet}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def partner_exists(app: Flask, name: str) -> bool:
    with app.app_context(), new_session() as session:
        return session.exec(select(Partner).where(Partner.name == name)).first() is not None


def test_a_missing_sheet_is_reported(demo_app: Flask, exported: bytes) -> None:
    with demo_app.app_context(), new_session() as session:
        preview = preview_import(session, without(exported, "Budget lines"))
    assert preview.ok
    assert preview.missing_sheets == ["Budget lines"]
    assert preview.missing_sheets_sentence() == (
        "The workbook has no Budget lines sheet: what that sheet holds is left as it is."
    )
    # No Budget lines sheet: its records are not listed to be deleted.
    assert all(record.sheet != "Budget lines" for record in preview.missing)


def test_left_out_records_are_listed_with_their_dependents_and_kept_unless_asked(
    demo_app: Flask, exported: bytes
) -> None:
    with demo_app.app_context(), new_session() as session:
        preview = preview_import(session, exported)
    missing = {(record.sheet, record.label): record for record in preview.missing}
    assert set(missing) == {("Budget lines", f"{TEMPORARY} · 2026/27"), ("Partners", TEMPORARY)}
    partner = missing[("Partners", TEMPORARY)]
    assert partner.depends == "it has 1 budget line" and partner.refused == ""
    with demo_app.app_context(), new_session() as session:
        kept = apply_import(session, exported)
    assert kept.applied and kept.deleted == []
    assert partner_exists(demo_app, TEMPORARY)


def test_a_record_the_agreed_plan_needs_is_refused_and_nothing_changes(
    demo_app: Flask, exported: bytes
) -> None:
    content = without(exported, "Budget lines", "Bradford Council|2026/27")
    with demo_app.app_context(), new_session() as session:
        preview = preview_import(session, content)
    refused = {record.label: record.refused for record in preview.missing}
    assert refused["Bradford Council · 2026/27"].startswith("the agreed plan (plan ")
    assert "spends £600,000.00 from it" in refused["Bradford Council · 2026/27"]
    with demo_app.app_context(), new_session() as session:
        outcome = apply_import(session, content, delete_missing=True)
    assert not outcome.ok and not outcome.applied
    assert [(p.sheet, p.row) for p in outcome.problems] == [("Budget lines", None)]
    assert "Bradford Council · 2026/27 has no row on this sheet" in outcome.problems[0].reason
    assert "Put its row back, or import without deleting" in outcome.problems[0].reason
    assert partner_exists(demo_app, TEMPORARY), "a refused import changes nothing"
    with demo_app.app_context(), new_session() as session:
        assert session.exec(select(BudgetLine).where(BudgetLine.year == 2026)).first()


def test_deleted_on_confirmation_children_first_and_audited(
    demo_app: Flask, exported: bytes
) -> None:
    with demo_app.app_context(), new_session() as session:
        outcome = apply_import(session, exported, delete_missing=True, filename="inputs.xlsx")
    assert outcome.ok and outcome.applied
    assert [(r.sheet, r.label) for r in outcome.deleted] == [
        ("Budget lines", f"{TEMPORARY} · 2026/27"),
        ("Partners", TEMPORARY),
    ]
    assert outcome.summary().endswith(", 2 deleted")
    assert not partner_exists(demo_app, TEMPORARY)
    with demo_app.app_context(), new_session() as session:
        deletions = session.exec(
            select(AuditEvent.entity).where(AuditEvent.action == "delete")
        ).all()
        assert {"budget_line", "partner"} <= set(deletions)
