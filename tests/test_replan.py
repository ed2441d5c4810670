"""In-year re-planning on the demo: spend held, what changes, agreeing a revision, roles."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
from flask import Flask
from sqlmodel import col, select

from models import Plan, PlanAgreement
from models.plan import PlanKind, PlanStatus
from models.vocabulary import Role
from planner.db import new_session
from planner.delivery.agreement import agreed_plan
from planner.excel.plan_changes import WHAT_CHANGES
from planner.replanning.changes import what_changes
from planner.replanning.followups import held_funding
from planner.spend.returns import COLUMNS as RETURN_COLUMNS
from planner.spend.returns import HEADER_ROW
from planner.spend.variance import SpendLine, planned_payments, year_spend
from tests.excel.recalculate import recalculate
from tests.planning_fixtures import demo_client

YEAR = 2026


def _latest_replan(app: Flask) -> int:
    with app.app_context(), new_session() as session:
        plan = session.exec(
            select(Plan).where(Plan.kind == PlanKind.REPLAN).order_by(col(Plan.id).desc())
        ).first()
        assert plan is not None
        return plan.id  # type: ignore[return-value]


def test_replan_holds_spend_and_reads_what_changes(demo_app: Flask):
    client = demo_client(demo_app, Role.COMMISSIONER)
    response = client.post("/replan/", data={"from_year": YEAR})
    assert response.status_code == 302
    replan_id = _latest_replan(demo_app)
    with demo_app.app_context(), new_session() as session:
        base = agreed_plan(session)
        replan = session.get(Plan, replan_id)
        assert PlanStatus(replan.status) == PlanStatus.OPTIMAL, replan.message  # type: ignore[union-attr]
        assert replan.based_on_plan_id == base.id  # type: ignore[union-attr]
        held = held_funding(session, base, YEAR)  # type: ignore[arg-type]
        assert held, "the demo records spend, so something is held"
        # The model holds money per partner and intervention, and delivery per place: which
        # partner's pound pays for which place is the plan's reading, not a rule.
        paid = planned_payments(replan)  # type: ignore[arg-type]
        by_partner: dict[tuple[str, str], Decimal] = {}
        by_place: dict[tuple[str, str], Decimal] = {}
        for (partner, intervention, place, year), amount in paid.items():
            if year == YEAR:
                by_partner[(partner, intervention)] = (
                    by_partner.get((partner, intervention), Decimal(0)) + amount
                )
                by_place[(intervention, place)] = (
                    by_place.get((intervention, place), Decimal(0)) + amount
                )
        held_partner: dict[tuple[str, str], Decimal] = {}
        held_place: dict[tuple[str, str], Decimal] = {}
        for item in held:
            amount = Decimal(str(item.amount))
            held_partner[(item.partner, item.intervention)] = (
                held_partner.get((item.partner, item.intervention), Decimal(0)) + amount
            )
            held_place[(item.intervention, item.place)] = (
                held_place.get((item.intervention, item.place), Decimal(0)) + amount
            )  # type: ignore[index]
        for key, amount in held_partner.items():
            assert by_partner.get(key, Decimal(0)) >= amount - Decimal("0.05"), key
        for key, amount in held_place.items():
            assert by_place.get(key, Decimal(0)) >= amount - Decimal("0.05"), key
        changes = what_changes(base, replan)  # type: ignore[arg-type]
        # Every table row is the difference of the two plans' own figures.
        for row in changes.by_partner:
            before = sum(a for k, a in planned_payments(base).items() if k[0] == row.label)  # type: ignore[arg-type]
            assert row.before == before
    page = client.get(f"/replan/{replan_id}").get_data(as_text=True)
    assert "In sentences" in page and "Agree this revision" in page
    # The re-plan's workbook carries the same comparison, after its Summary sheet.
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/plans/{replan_id}/workbook.xlsx").data))
    assert book.sheetnames[1] == WHAT_CHANGES
    sheet = book[WHAT_CHANGES]
    cells = {
        str(sheet.cell(r, 1).value): r
        for r in range(1, sheet.max_row + 1)
        if sheet.cell(r, 1).value
    }
    assert all(sentence in cells for sentence in changes.sentences)
    assert f"A re-solve of plan {base.id} from 2026/27" in str(sheet.cell(2, 1).value)  # type: ignore[union-attr]
    for row in changes.by_partner:
        at = [r for label, r in cells.items() if label == row.label and r > cells["By partner"]][0]
        assert Decimal(str(sheet.cell(at, 2).value)) == row.before
        assert Decimal(str(sheet.cell(at, 3).value)) == row.after
        assert sheet.cell(at, 4).value == f"=C{at}-B{at}"


def test_finance_leads_read_but_cannot_replan_or_agree(demo_app: Flask):
    finance = demo_client(demo_app, Role.FINANCE_LEAD)
    assert finance.get("/replan/").status_code == 200
    assert finance.post("/replan/", data={"from_year": YEAR}).status_code == 403
    assert demo_client(demo_app, Role.PLACE_LEAD).get("/replan/").status_code == 403


def test_agreeing_a_revision_keeps_the_history_and_the_sentences_hold(demo_app: Flask):
    client = demo_client(demo_app, Role.COMMISSIONER)
    client.post("/replan/", data={"from_year": YEAR})
    replan_id = _latest_replan(demo_app)
    assert (
        demo_client(demo_app, Role.FINANCE_LEAD).post(f"/replan/{replan_id}/agree").status_code
        == 403
    )
    with demo_app.app_context(), new_session() as session:
        old = agreed_plan(session)
        expected = what_changes(old, session.get(Plan, replan_id))  # type: ignore[arg-type]
    response = client.post(f"/replan/{replan_id}/agree", data={"note": "Board, minute 4"})
    assert response.status_code == 302
    with demo_app.app_context(), new_session() as session:
        now = agreed_plan(session)
        assert now.id == replan_id  # type: ignore[union-attr]
        agreement = session.exec(
            select(PlanAgreement).order_by(col(PlanAgreement.id).desc())
        ).first()
        assert agreement.revises_plan_id == old.id  # type: ignore[union-attr]
        assert agreement.changes == " ".join(expected.sentences)[:4000]  # type: ignore[union-attr]
        # The place figures the sentences quote are the agreed plan's figures now.
        for row in expected.by_place:
            after = sum(
                a
                for k, a in planned_payments(now).items()
                if k[2] == row.label and k[3] >= YEAR  # type: ignore[arg-type]
            )
            assert after == row.after
    page = client.get("/agreed-plan/").get_data(as_text=True)
    assert f"In-year revision of plan {old.id}" in page  # type: ignore[union-attr]
    # The old re-plan revised a plan that is no longer agreed: it cannot be agreed again.
    response = client.post(f"/replan/{replan_id}/agree")
    assert response.status_code == 302


def test_spend_against_an_agreed_revision_moves_only_with_what_is_new():
    """Re-plan A held £45,000 spent in Q1 (£20,000) and Q2 (£25,000) and plans £60,000.01 for
    the year: Q1 and Q2 plan what was spent, and the £15,000.01 left is Q3 £7,500.00 and Q4
    £7,500.01. With nothing else recorded the outturn is the plan (the even profile would say
    20,000 + 25,000 + 15,000 + 15,000.01 = £75,000.01, an overspend nobody made); a Q3 forecast of
    £9,000 makes it £61,500.01, £1,500.00 over."""
    line = SpendLine("P", "I", "L", YEAR, Decimal("60000.01"))
    line.actual = {1: Decimal(20000), 2: Decimal(25000)}
    line.held = {1: Decimal(20000), 2: Decimal(25000)}
    assert [line.planned_quarter(q) for q in (1, 2, 3, 4)] == [
        Decimal(20000),
        Decimal(25000),
        Decimal("7500.00"),
        Decimal("7500.01"),
    ]
    assert line.variance == 0
    line.forecast = {3: Decimal(9000)}
    assert line.outturn == Decimal("61500.01") and line.variance == Decimal("1500.00")


def test_the_spend_page_of_an_agreed_revision_counts_only_forecasts_made_since(
    demo_app: Flask, tmp_path: Path
):
    """After agreeing a re-plan from the year under way (two quarters of actuals in), the
    quarters it held show no variance (give or take a penny a line in sharing the allocations'
    actuals between partners), and each line's quarters add up to its year: the variance left is
    what the forecasts and later quarters make."""
    client = demo_client(demo_app, Role.COMMISSIONER)
    client.post("/replan/", data={"from_year": YEAR})
    replan_id = _latest_replan(demo_app)
    assert client.post(f"/replan/{replan_id}/agree").status_code == 302
    with demo_app.app_context(), new_session() as session:
        plan = agreed_plan(session)
        assert plan.id == replan_id  # type: ignore[union-attr]
        assert plan.inputs["followup"]["quarters_reported"] == [1, 2]  # type: ignore[union-attr]
        spend = year_spend(session, plan, YEAR)  # type: ignore[arg-type]
    for line in spend.lines:
        assert sum(line.planned_quarter(q) for q in (1, 2, 3, 4)) == line.planned
    first, second, _third, _fourth = spend.by_quarter()
    assert first.spent > 0 and second.spent > 0
    pennies = Decimal("0.01") * len(spend.lines)
    assert abs(first.variance) <= pennies and abs(second.variance) <= pennies
    page = client.get(f"/spend/?year={YEAR}").get_data(as_text=True)
    assert f"Plan {replan_id}" in page
    # The quarterly return's outturn formulas give the same figures, held quarters and all.
    sheet = recalculate(client.get(f"/spend/return.xlsx?year={YEAR}").data, tmp_path)["Return"]
    outturn = next(i for i, c in enumerate(RETURN_COLUMNS, start=1) if c.field == "outturn")
    for offset, line in enumerate(spend.lines):
        cell = sheet.cell(HEADER_ROW + 1 + offset, outturn).value
        assert abs(Decimal(str(cell)) - line.outturn) < Decimal("0.02"), line
