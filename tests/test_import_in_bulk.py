"""An import writes in bulk: new named records wait to be written together, and the audit events
with them. What a user sees must not change: each event names its record by id, a record added
earlier in the same import is referred to by its id, a second name differing only in capitals is
refused before anything is written, and a save that changes nothing leaves no trace."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlmodel import func, select

from models import AuditEvent, BudgetLine, CommissioningCycle, Partner
from planner.db import new_session
from planner.excel.import_service import apply_import
from planner.excel.inputs_workbook import build_inputs_workbook
from planner.inputs import service
from planner.inputs.bulk import written_in_bulk
from planner.inputs.validation import InputError, by_name


def audit_count(session) -> int:  # type: ignore[no-untyped-def]
    return session.exec(select(func.count()).select_from(AuditEvent)).one()


def test_records_created_by_an_import_are_named_by_id_and_referred_to_by_later_sheets(
    app: Flask,
) -> None:
    workbook = build_inputs_workbook(
        {
            "Partners": [
                {"name": "Acme Trust", "kind": "other"},
                {"name": "Calder Police", "kind": "police"},
            ],
            "Commissioning cycles": [
                {"partner": "Calder Police", "budget_setting_month": "March"},
            ],
            "Budget lines": [
                {"partner": "Acme Trust", "year": "2026/27", "maximum": 50000},
                {"partner": "Calder Police", "year": "2026/27", "maximum": 80000},
            ],
        }
    )
    with app.app_context(), new_session() as session:
        outcome = apply_import(session, workbook, filename="new.xlsx")
        assert outcome.ok and outcome.applied, [str(p) for p in outcome.problems]
        partners = {p.name: p.id for p in session.exec(select(Partner))}
        lines = {
            (line.partner_id, float(line.maximum)) for line in session.exec(select(BudgetLine))
        }
        assert lines == {(partners["Acme Trust"], 50000.0), (partners["Calder Police"], 80000.0)}
        cycle = session.exec(select(CommissioningCycle)).one()
        assert cycle.partner_id == partners["Calder Police"]
        created = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "partner", AuditEvent.action == "create")
        ).all()
        assert {(e.after["name"], e.entity_id, e.after["id"]) for e in created} == {
            (name, str(partner_id), partner_id) for name, partner_id in partners.items()
        }
        summary = session.exec(select(AuditEvent).where(AuditEvent.action == "import")).one()
        assert summary.summary == "Imported new.xlsx: 5 created, 0 updated, 0 unchanged"


def test_a_record_added_in_bulk_counts_for_names_before_it_is_written(app: Flask) -> None:
    with app.app_context(), new_session() as session, written_in_bulk(session):
        acme = service.upsert_partner(
            session, {"name": "Acme Trust", "kind": "other"}, commit=False
        )
        assert acme.id is None  # waiting to be written with the rest of the import
        with pytest.raises(InputError) as refused:
            service.create_partner(session, {"name": "ACME  trust", "kind": "police"}, commit=False)
        assert "There is already a partner called 'Acme Trust'" in refused.value.errors["name"]
        found = by_name(session, Partner, "acme trust")
        assert found is acme and acme.id is not None  # written when first referred to


def test_a_save_that_changes_nothing_records_nothing(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        partner = service.create_partner(session, {"name": "Acme Trust", "kind": "other"})
        events, version = audit_count(session), partner.version
        service.update_partner(session, partner.id, {"name": "Acme Trust", "kind": "other"})
        assert (audit_count(session), partner.version) == (events, version)
        service.update_partner(session, partner.id, {"notes": "Runs the panel"})
        assert (audit_count(session), partner.version) == (events + 1, version + 1)
