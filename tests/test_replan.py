"""In-year re-planning on the demo: spend held, what changes, agreeing a revision, roles."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from sqlmodel import col, select

from models import Plan, PlanAgreement
from models.plan import PlanKind, PlanStatus
from models.vocabulary import Role
from planner.db import new_session
from planner.delivery.agreement import agreed_plan
from planner.replanning.changes import what_changes
from planner.replanning.followups import held_funding
from planner.spend.variance import planned_payments
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
