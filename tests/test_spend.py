"""Actual spend and forecasts: the outturn arithmetic, the form, the quarterly return (template,
row-level errors, preview, one transaction, LibreOffice recalculation), the API and the roles."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
from flask import Flask
from sqlmodel import select

from models import AuditEvent, Intervention, Partner, Place, SpendRecord
from models.vocabulary import Role
from planner.db import new_session
from planner.delivery.agreement import agreed_plan
from planner.spend.returns import COLUMNS, HEADER_ROW
from planner.spend.variance import SpendLine, planned_payments, year_spend
from tests.excel.recalculate import recalculate
from tests.planning_fixtures import demo_client

YEAR = 2026


def test_outturn_takes_actual_then_forecast_then_the_plan_quarter():
    """Plan £1,000 a year: £250 a quarter. Q1 actual £200, Q2 actual £300 with a stale forecast of
    £900 (the actual wins), Q3 forecast £400, Q4 nothing (plan: £250). Outturn 200+300+400+250 =
    £1,150; variance +£150, an overspend; spent so far £500."""
    line = SpendLine("P", "I", "L", YEAR, Decimal(1000))
    line.actual = {1: Decimal(200), 2: Decimal(300)}
    line.forecast = {2: Decimal(900), 3: Decimal(400)}
    assert line.outturn == Decimal(1150)
    assert line.variance == Decimal(150)
    assert line.spent == Decimal(500)


def test_plan_quarters_add_up_to_the_year_to_the_penny():
    """£1,000.01 a year: three quarters of £250.00 and a fourth of £250.01."""
    line = SpendLine("P", "I", "L", YEAR, Decimal("1000.01"))
    assert [line.planned_quarter(q) for q in (1, 2, 3)] == [Decimal("250.00")] * 3
    assert line.planned_quarter(4) == Decimal("250.01")


def _allocation(app: Flask) -> dict[str, object]:
    """An allocation of the demo's agreed plan with no spend recorded yet."""
    with app.app_context(), new_session() as session:
        plan = agreed_plan(session)
        assert plan is not None
        recorded = {
            (r.partner_id, r.intervention_id, r.place_id) for r in session.exec(select(SpendRecord))
        }
        ids = {
            t: {row.name: row.id for row in session.exec(select(t)).all()}
            for t in (Partner, Intervention, Place)
        }
        for (partner, intervention, place, _year), amount in sorted(
            planned_payments(plan, YEAR).items()
        ):
            key = (ids[Partner][partner], ids[Intervention][intervention], ids[Place][place])
            if key not in recorded and amount > 1000:
                return {
                    "partner": partner,
                    "intervention": intervention,
                    "place": place,
                    "partner_id": key[0],
                    "intervention_id": key[1],
                    "place_id": key[2],
                    "planned": amount,
                }
    raise AssertionError("no allocation without spend")


def test_finance_lead_records_a_quarter_and_the_variance_moves(demo_app: Flask):
    target = _allocation(demo_app)
    client = demo_client(demo_app, Role.FINANCE_LEAD)
    response = client.post(
        "/spend/record",
        data={
            "partner_id": target["partner_id"],
            "intervention_id": target["intervention_id"],
            "place_id": target["place_id"],
            "year": YEAR,
            "quarter": 1,
            "actual": "1,234.50",
        },
    )
    assert response.status_code == 302
    with demo_app.app_context(), new_session() as session:
        spend = year_spend(session, agreed_plan(session), YEAR)  # type: ignore[arg-type]
        [line] = [
            ln
            for ln in spend.lines
            if (ln.partner, ln.intervention, ln.place)
            == (target["partner"], target["intervention"], target["place"])
        ]
        assert line.actual == {1: Decimal("1234.50")}
        assert line.outturn == Decimal("1234.50") + 3 * line.planned_quarter(1) + (
            line.planned_quarter(4) - line.planned_quarter(1)
        )
        event = session.exec(select(AuditEvent).where(AuditEvent.entity == "spend")).all()[-1]
        assert "£1,234.50 spent" in event.summary
    page = client.get("/spend/?year=2026").get_data(as_text=True)
    assert "Headroom in each partner" in page and str(target["place"]) in page


def test_bad_figures_are_refused_naming_the_field_and_nothing_is_saved(demo_app: Flask):
    target = _allocation(demo_app)
    client = demo_client(demo_app, Role.FINANCE_LEAD)
    with demo_app.app_context(), new_session() as session:
        before = len(session.exec(select(SpendRecord)).all())
    response = client.post(
        "/spend/record",
        data={
            "partner_id": target["partner_id"],
            "intervention_id": target["intervention_id"],
            "place_id": target["place_id"],
            "year": YEAR,
            "quarter": 2,
            "actual": "lots",
        },
    )
    assert response.status_code == 422
    assert "is not a sum of money" in response.get_data(as_text=True)
    response = client.post(
        "/spend/record",
        data={
            "partner_id": target["partner_id"],
            "intervention_id": target["intervention_id"],
            "place_id": target["place_id"],
            "year": YEAR,
            "quarter": 2,
        },
    )
    assert response.status_code == 422
    assert "actual spend or a forecast" in response.get_data(as_text=True)
    with demo_app.app_context(), new_session() as session:
        assert len(session.exec(select(SpendRecord)).all()) == before


def test_only_finance_leads_and_admins_record_spend(demo_app: Flask):
    for role in (Role.COMMISSIONER, Role.PLACE_LEAD):
        assert demo_client(demo_app, role).get("/spend/record").status_code == 403
    assert demo_client(demo_app, Role.PLACE_LEAD).get("/spend/").status_code == 403
    assert demo_client(demo_app, Role.COMMISSIONER).get("/spend/").status_code == 200


def _column(field: str) -> int:
    return next(i for i, c in enumerate(COLUMNS, start=1) if c.field == field)


def test_quarterly_return_round_trip_and_row_errors(demo_app: Flask, tmp_path: Path):
    client = demo_client(demo_app, Role.FINANCE_LEAD)
    content = client.get("/spend/return.xlsx?year=2026").data
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["Return"]
    first = HEADER_ROW + 1
    sheet.cell(first, _column("actual_3")).value = 777.77
    sheet.cell(first + 1, _column("partner")).value = "Nobody Council"
    sheet.cell(first + 1, _column("actual_1")).value = 5
    sheet.cell(first + 2, _column("forecast_4")).value = "soon"
    broken = io.BytesIO()
    book.save(broken)
    response = client.post(
        "/spend/import",
        data={"workbook": (io.BytesIO(broken.getvalue()), "return.xlsx")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Sheet Return, row {first + 1}, column Partner: there is no partner called" in page
    assert f"Sheet Return, row {first + 2}, column Q4 forecast" in page
    with demo_app.app_context(), new_session() as session:
        assert not session.exec(
            select(SpendRecord).where(SpendRecord.actual == Decimal("777.77"))
        ).all()

    sheet.cell(first + 1, _column("partner")).value = None
    sheet.cell(first + 1, _column("actual_1")).value = None
    sheet.cell(first + 2, _column("forecast_4")).value = None
    fixed = io.BytesIO()
    book.save(fixed)
    response = client.post(
        "/spend/import",
        data={"workbook": (io.BytesIO(fixed.getvalue()), "return.xlsx")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "£777.77 actual" in page
    token = (
        page.split('name="token" type="hidden" value="')[1].split('"')[0]
        if 'name="token" type="hidden"' in page
        else page.split('id="token" name="token" type="hidden" value="')[1].split('"')[0]
    )
    response = client.post("/spend/import/confirm", data={"token": token, "confirm": "1"})
    assert response.status_code == 302
    with demo_app.app_context(), new_session() as session:
        [saved] = session.exec(
            select(SpendRecord).where(SpendRecord.actual == Decimal("777.77"))
        ).all()
        assert saved.quarter == 3


def test_return_formulas_recalculate_in_libreoffice(demo_app: Flask, tmp_path: Path):
    """The outturn formula matches the app's figure for a row with actuals and a forecast."""
    client = demo_client(demo_app, Role.FINANCE_LEAD)
    content = client.get("/spend/return.xlsx?year=2026").data
    sheet = recalculate(content, tmp_path)["Return"]
    with demo_app.app_context(), new_session() as session:
        spend = year_spend(session, agreed_plan(session), YEAR)  # type: ignore[arg-type]
    for offset, line in enumerate(spend.lines):
        row = HEADER_ROW + 1 + offset
        assert abs(
            Decimal(str(sheet.cell(row, _column("outturn")).value)) - line.outturn
        ) < Decimal("0.02")
        assert abs(
            Decimal(str(sheet.cell(row, _column("variance")).value)) - line.variance
        ) < Decimal("0.02")


def test_api_records_spend_and_reports_the_variance(demo_app: Flask):
    from tests.test_place_view import api_token

    target = _allocation(demo_app)
    client = demo_app.test_client()
    headers = api_token(demo_app, "finance@demo.example")
    body = {
        "partner_id": target["partner_id"],
        "intervention_id": target["intervention_id"],
        "place_id": target["place_id"],
        "year": YEAR,
        "quarter": 4,
        "forecast": "10.00",
    }
    response = client.put("/api/v1/spend-records", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["forecast"] in ("10.00", "10.0", 10.0, "10")
    bad = client.put("/api/v1/spend-records", json={**body, "quarter": 5}, headers=headers)
    assert bad.status_code == 422
    summary = client.get("/api/v1/spend-summary?year=2026", headers=headers).get_json()
    assert summary["year"] == YEAR
    assert Decimal(summary["total"]["variance"]) == Decimal(summary["total"]["outturn"]) - Decimal(
        summary["total"]["planned"]
    )
    lead = api_token(demo_app, "placelead@demo.example")
    assert client.put("/api/v1/spend-records", json=body, headers=lead).status_code == 403


def test_figures_recorded_against_the_wrong_allocation_are_deleted_by_form(demo_app: Flask):
    target = _allocation(demo_app)
    finance = demo_client(demo_app, Role.FINANCE_LEAD)
    body = {
        "partner_id": target["partner_id"],
        "intervention_id": target["intervention_id"],
        "place_id": target["place_id"],
        "year": YEAR,
        "quarter": 2,
        "actual": "4321.09",
    }
    assert finance.post("/spend/record", data=body).status_code == 302
    with demo_app.app_context(), new_session() as session:
        [record] = session.exec(
            select(SpendRecord).where(SpendRecord.actual == Decimal("4321.09"))
        ).all()
    page = finance.get(f"/spend/?year={YEAR}").get_data(as_text=True)
    assert f"/spend/records/{record.id}/delete" in page and "£4,321.09" in page
    assert "Figures recorded for" not in (
        demo_client(demo_app, Role.COMMISSIONER).get(f"/spend/?year={YEAR}").get_data(as_text=True)
    )
    refused = demo_client(demo_app, Role.COMMISSIONER).post(f"/spend/records/{record.id}/delete")
    assert refused.status_code == 403
    response = finance.post(f"/spend/records/{record.id}/delete")
    assert response.status_code == 302
    with demo_app.app_context(), new_session() as session:
        assert session.get(SpendRecord, record.id) is None
        event = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "spend", AuditEvent.action == "delete")
        ).all()[-1]
        assert "£4,321.09 spent" in event.summary and event.before["actual"] == "4321.09"  # type: ignore[index]
    again = finance.post(f"/spend/records/{record.id}/delete", follow_redirects=True)
    assert "already been deleted" in again.get_data(as_text=True)
