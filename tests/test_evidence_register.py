"""The evidence register and the stop list on the demo: a change is recorded with its source,
applied to the intervention, audited, the agreed plan flagged and re-solved as a job; the stop
list then lists the activity at its break point, and its re-solve frees exactly that money."""

from __future__ import annotations

import io

import openpyxl
from flask import Flask
from sqlmodel import select

from models import AuditEvent, EvidenceChange, Intervention, Plan
from models.plan import PlanKind, PlanStatus
from models.vocabulary import Role
from planner.db import new_session
from planner.delivery.agreement import agreed_plan
from planner.replanning.changes import what_changes
from planner.replanning.followups import held_funding
from planner.stoplist.service import build_stop_list
from tests.planning_fixtures import demo_client


def _funded_intervention(app: Flask) -> tuple[int, str]:
    """The intervention the agreed plan spends most on."""
    with app.app_context(), new_session() as session:
        plan = agreed_plan(session)
        totals: dict[str, float] = {}
        for allocation in plan.result["allocations"]:  # type: ignore[union-attr]
            totals[allocation["intervention"]] = (
                totals.get(allocation["intervention"], 0.0) + allocation["cost"]
            )
        name = max(totals, key=totals.__getitem__)
        intervention = session.exec(select(Intervention).where(Intervention.name == name)).one()
        return intervention.id, name  # type: ignore[return-value]


def test_bad_changes_are_refused_naming_the_field(demo_app: Flask):
    intervention_id, _name = _funded_intervention(demo_app)
    client = demo_client(demo_app, Role.COMMISSIONER)
    response = client.post(
        "/evidence/",
        data={"intervention_id": intervention_id, "source": "Review", "source_date": "2026-10-01"},
    )
    assert response.status_code == 422
    assert "Change the rating, the cost per participant or the effect" in response.get_data(
        as_text=True
    )
    response = client.post(
        "/evidence/",
        data={
            "intervention_id": intervention_id,
            "effect_scale": "half",
            "source": "Review",
            "source_date": "2026-10-01",
        },
    )
    assert (
        response.status_code == 422
        and "effect multiplier must be a number" in response.get_data(as_text=True)
    )
    assert demo_client(demo_app, Role.FINANCE_LEAD).post("/evidence/", data={}).status_code == 403
    with demo_app.app_context(), new_session() as session:
        assert not session.exec(select(EvidenceChange)).all()


def test_rating_change_flags_the_plan_and_the_stop_list_frees_its_money(demo_app: Flask):
    intervention_id, name = _funded_intervention(demo_app)
    client = demo_client(demo_app, Role.COMMISSIONER)
    with demo_app.app_context(), new_session() as session:
        assert build_stop_list(session).items == []  # type: ignore[union-attr]
    response = client.post(
        "/evidence/",
        data={
            "intervention_id": intervention_id,
            "evidence_rating": "NE",
            "source": "New trial (test)",
            "source_date": "2026-10-01",
        },
    )
    assert response.status_code == 302
    with demo_app.app_context(), new_session() as session:
        [change] = session.exec(select(EvidenceChange)).all()
        base = agreed_plan(session)
        assert change.agreed_plan_id == base.id and change.rating_before != "NE"  # type: ignore[union-attr]
        assert session.get(Intervention, intervention_id).evidence_rating == "NE"  # type: ignore[union-attr]
        assert session.exec(select(AuditEvent).where(AuditEvent.entity == "evidence")).all()
        check = session.get(Plan, change.check_plan_id)
        assert check.kind == PlanKind.EVIDENCE and PlanStatus(check.status).has_allocation, (
            check.message
        )  # type: ignore[union-attr]
        changes = what_changes(base, check)  # type: ignore[arg-type]
        assert name in changes.stopped
        assert f"{name} stops" in " ".join(changes.sentences)
        # What was already spent on it this year cannot go elsewhere: the check says so.
        spent = sum(h.amount for h in held_funding(session, base, 2026) if h.intervention == name)  # type: ignore[arg-type]
        assert spent > 0
        assert (
            f"the £{spent:,.0f} already spent or committed on activity the rules no longer fund "
            "in 2026/27 is spent whatever happens, so it is set aside"
        ) in check.inputs["followup"]["summary"]  # type: ignore[union-attr]
        # The agreed plan itself is untouched until someone re-plans and agrees a revision.
        assert agreed_plan(session).id == base.id  # type: ignore[union-attr]
        listed = build_stop_list(session)
        assert listed.items and {i.commitment.intervention for i in listed.items} == {name}  # type: ignore[union-attr]
        for item in listed.items:  # type: ignore[union-attr]
            assert item.break_year is None or item.break_year > listed.year  # type: ignore[union-attr]
            assert all(year >= item.break_year for year in item.freed)  # type: ignore[operator]
    register = openpyxl.load_workbook(
        io.BytesIO(client.get("/evidence/evidence-register.xlsx").data)
    )["Evidence register"]
    [recorded] = list(register.iter_rows(min_row=2, values_only=True))
    assert recorded[2:5] == (name, change.rating_before, "NE")
    assert recorded[8] == "New trial (test)" and recorded[9].date().isoformat() == "2026-10-01"
    assert recorded[11:] == (f"Plan {base.id}", f"Plan {check.id}")  # type: ignore[union-attr]
    assert "Download the register" in client.get("/evidence/").get_data(as_text=True)
    page = client.get("/stop-list/").get_data(as_text=True)
    assert name in page and "Money freed" in page and "Download the stop list" in page
    # The workbook lists the same activities and the money each frees each year.
    sheet = openpyxl.load_workbook(
        io.BytesIO(demo_client(demo_app, Role.FINANCE_LEAD).get("/stop-list/stop-list.xlsx").data)
    )["Stop list"]
    headers = [cell.value for cell in sheet[4]]
    rows = list(sheet.iter_rows(min_row=5, max_row=4 + len(listed.items), values_only=True))  # type: ignore[union-attr]
    for item, row in zip(listed.items, rows, strict=True):  # type: ignore[union-attr]
        assert (row[0], row[1]) == (item.commitment.partner, item.commitment.intervention)
        for year, amount in item.freed.items():
            column = headers.index(f"Freed {year}/{(year + 1) % 100:02d} (£)")
            assert abs(row[column] - amount) < 0.01
        assert row[-1].startswith("=SUM(")
    assert sheet.cell(5 + len(rows), 1).value == "All listed"
    response = client.post("/stop-list/")
    assert response.status_code == 302
    with demo_app.app_context(), new_session() as session:
        resolve = session.exec(select(Plan).where(Plan.kind == PlanKind.STOP_LIST)).one()
        assert PlanStatus(resolve.status).has_allocation, resolve.message
        # Stopped everywhere: the re-solve funds none of it in any year.
        assert not [
            a
            for a in resolve.result["allocations"]
            if a["intervention"] == name and a["participants"] > 1e-6
        ]
    assert demo_client(demo_app, Role.FINANCE_LEAD).post("/stop-list/").status_code == 403
