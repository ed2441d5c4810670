"""The pooled-fund agreement's risk share applied to the forecast over- or underspend, worked by
hand, on the spend page, in the spend API and on the quarterly return's Risk share sheet (and
the spend summary's headroom and cost per person).

The partnership: Council and NHS fund one allocation (Social prescribing in Halifax, 2026/27):
Council £60,000 (£15,000 a quarter), NHS £40,000 (£10,000 a quarter); pool £100,000. The
agreement holds a 2% contingency reserve: £2,000. Stated shares: of an overspend Council 70%,
NHS 30%; of an underspend Council 25%, NHS 75%.

Overspend: Council Q2 actual £20,000 and Q3 forecast £20,000.01, so its outturn is 15,000 +
20,000 + 20,000.01 + 15,000 = £70,000.01 (+£10,000.01); NHS Q3 forecast £11,000: £41,000
(+£1,000). Forecast overspend £11,000.01. The reserve meets £2,000; £9,000.01 is left to share.
  By contributions (60/40): reserve parts £1,200 and £800; beyond it Council 5,400.006 and NHS
  3,600.004 round down to £5,400.00 and £3,600.00; the penny left goes to Council, which lost
  more in rounding: £5,400.01 and £3,600.00.
  By stated percentages (70/30): reserve parts £1,400 and £600; beyond it 6,300.007 and 2,700.003:
  the penny to Council again: £6,300.01 and £2,700.00.
Underspend: Council Q4 forecast £5,000 (outturn £50,000, −£10,000); NHS Q4 forecast £7,000
(£37,000, −£3,000). Forecast underspend £13,000; the reserve is not drawn.
  By contributions (60/40): Council gets back £7,800, NHS £5,200.
  By stated percentages (25/75): Council £3,250, NHS £9,750.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from flask import Flask
from sqlmodel import select

from models import (
    DeliveryRecord,
    Intervention,
    Partner,
    Place,
    Plan,
    PlanAgreement,
    Scenario,
    SpendRecord,
)
from models.plan import PlanStatus
from models.pooled_fund import PooledFundAgreement, PooledFundShare, RiskShareBasis
from models.vocabulary import Role
from planner.db import new_session
from planner.spend.returns import COLUMNS as RETURN_COLUMNS
from planner.spend.returns import HEADER_ROW
from planner.spend.risk_sheet import COLUMNS, RISK_SHARE, SUMMARY, SUMMARY_ROW
from tests.excel.recalculate import recalculate
from tests.test_api_tokens import bearer, token_for

YEAR = 2026
CONTRIBUTIONS = RiskShareBasis.CONTRIBUTIONS
PERCENTAGES = RiskShareBasis.PERCENTAGES

# quarter figures per partner: (quarter, actual, forecast)
OVERSPEND = {
    "Council": [(2, "20000", None), (3, None, "20000.01")],
    "NHS": [(3, None, "11000")],
}
UNDERSPEND = {"Council": [(4, None, "5000")], "NHS": [(4, None, "7000")]}

# basis, spend -> (variance, reserve drawn, {partner: (from reserve, beyond reserve)})
CASES = {
    "contributions-overspend": (
        CONTRIBUTIONS,
        OVERSPEND,
        "11000.01",
        "2000.00",
        {"Council": ("1200.00", "5400.01"), "NHS": ("800.00", "3600.00")},
    ),
    "percentages-overspend": (
        PERCENTAGES,
        OVERSPEND,
        "11000.01",
        "2000.00",
        {"Council": ("1400.00", "6300.01"), "NHS": ("600.00", "2700.00")},
    ),
    "contributions-underspend": (
        CONTRIBUTIONS,
        UNDERSPEND,
        "-13000.00",
        "0.00",
        {"Council": ("0.00", "-7800.00"), "NHS": ("0.00", "-5200.00")},
    ),
    "percentages-underspend": (
        PERCENTAGES,
        UNDERSPEND,
        "-13000.00",
        "0.00",
        {"Council": ("0.00", "-3250.00"), "NHS": ("0.00", "-9750.00")},
    ),
}


def build_partnership(
    app: Flask,
    spend: dict[str, list[tuple[int, str | None, str | None]]],
    basis: RiskShareBasis | None,
) -> None:
    """The agreed plan above, its spend records, and (unless ``basis`` is None) its agreement
    sharing overspends and underspends alike by ``basis``."""
    with app.app_context(), new_session() as session:
        council, nhs = Partner(name="Council"), Partner(name="NHS")
        intervention = Intervention(
            name="Social prescribing", target_group="Adults", unit_cost=Decimal(1000)
        )
        place = Place(name="Halifax", district="Calderdale")
        scenario = Scenario(name="Pooled 2026", first_year=YEAR)
        session.add_all([council, nhs, intervention, place, scenario])
        session.flush()
        plan = Plan(
            scenario_id=scenario.id,
            scenario_name=scenario.name,
            status=PlanStatus.OPTIMAL,
            result={
                "years": [YEAR],
                "allocations": [
                    {
                        "intervention": "Social prescribing",
                        "place": "Halifax",
                        "year": YEAR,
                        "participants": 100.0,
                        "cost": 100000.0,
                        "funding": [
                            {"partner": "Council", "amount": 60000.0},
                            {"partner": "NHS", "amount": 40000.0},
                        ],
                    }
                ],
                "budget_lines": [
                    {"partner": "Council", "year": YEAR, "maximum": 65000.0, "spend": 60000.0},
                    {"partner": "NHS", "year": YEAR, "maximum": 40000.0, "spend": 40000.0},
                ],
            },
        )
        session.add(plan)
        session.flush()
        session.add(PlanAgreement(plan_id=plan.id, scenario_name=scenario.name))
        ids = {"Council": council.id, "NHS": nhs.id}
        for partner, quarters in spend.items():
            for quarter, actual, forecast in quarters:
                session.add(
                    SpendRecord(
                        partner_id=ids[partner],  # type: ignore[arg-type]
                        intervention_id=intervention.id,  # type: ignore[arg-type]
                        place_id=place.id,  # type: ignore[arg-type]
                        year=YEAR,
                        quarter=quarter,
                        actual=Decimal(actual) if actual else None,
                        forecast=Decimal(forecast) if forecast else None,
                    )
                )
        if basis is not None:
            agreement = PooledFundAgreement(
                scenario_id=scenario.id,  # type: ignore[arg-type]
                host_partner_id=council.id,
                overspend_basis=basis,
                underspend_basis=basis,
                contingency_percent=Decimal(2),
                reference="Section 75 agreement, schedule 3",
            )
            session.add(agreement)
            session.flush()
            for partner, over, under in (("Council", 70, 25), ("NHS", 30, 75)):
                session.add(
                    PooledFundShare(
                        agreement_id=agreement.id,  # type: ignore[arg-type]
                        partner_id=ids[partner],  # type: ignore[arg-type]
                        overspend_percent=Decimal(over),
                        underspend_percent=Decimal(under),
                    )
                )
        session.commit()


def _cells(row_html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)
    ]


def page_rows(page: str) -> dict[str, list[str]]:
    """The risk-share table's rows by partner (first cell)."""
    table = page.split('id="risk-share-table"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1]
    rows = [_cells(row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    footer = _cells(table.split("<tfoot>")[1])
    return {row[0]: row for row in [*rows, footer]}


def pounds(text: str) -> str:
    return f"£{abs(Decimal(text)):,.2f}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_risk_share_on_the_page_and_in_the_api(app: Flask, sign_in_as, case: str) -> None:
    basis, spend, variance, drawn, parts = CASES[case]
    build_partnership(app, spend, basis)
    page = sign_in_as(Role.FINANCE_LEAD).get(f"/spend/?year={YEAR}").get_data(as_text=True)
    page = page.replace("&#39;", "'")
    rows = page_rows(page)
    for partner, (from_reserve, beyond) in parts.items():
        assert rows[partner][5] == pounds(from_reserve), rows[partner]
        assert rows[partner][6] == pounds(beyond), rows[partner]
    assert rows["All partners"][3].replace("−", "-").replace("+", "") == (
        f"{'-' if variance.startswith('-') else ''}{pounds(variance)}"
    )
    over = not variance.startswith("-")
    if over:
        for partner, (from_reserve, beyond) in parts.items():
            assert rows[partner][7] == pounds(str(Decimal(from_reserve) + Decimal(beyond)))
        assert "it meets the first £2,000.00 of the overspend" in page
        council = parts["Council"][1]
        assert f"Council pays {pounds(council)}" in page
        assert "The £9,000.01 beyond the reserve is shared" in page
    else:
        assert "a forecast underspend of £13,000.00" in page
        assert "The contingency reserve of £2,000.00 is not drawn" in page
        assert f"Council gets back {pounds(parts['Council'][1])}" in page
    how = "in the agreement's stated percentages" if basis == PERCENTAGES else "in proportion"
    assert how in page

    token = token_for(app, Role.FINANCE_LEAD)
    response = app.test_client().get(f"/api/v1/spend-summary?year={YEAR}", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    risk = response.get_json()["risk_share"]
    assert risk["has_agreement"] is True and risk["problem"] is None
    assert Decimal(risk["variance"]) == Decimal(variance)
    assert Decimal(risk["reserve"]) == Decimal("2000.00")
    assert Decimal(risk["reserve_drawn"]) == Decimal(drawn)
    got = {
        row["partner"]: (Decimal(row["from_reserve"]), Decimal(row["beyond_reserve"]))
        for row in risk["partners"]
    }
    assert got == {p: (Decimal(a), Decimal(b)) for p, (a, b) in parts.items()}
    assert sum(b for _, b in got.values()) == Decimal(risk["to_share"])
    assert risk["sentences"] and risk["overspend_basis"] == basis.value

    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    summary = spec["components"]["schemas"]["SpendSummary"]
    assert "risk_share" in summary["required"]
    shares = spec["components"]["schemas"]["PartnerRiskShareOut"]["properties"]
    assert "beyond_reserve" in shares and shares["beyond_reserve"]["description"]


def _return_column(field: str) -> int:
    return next(i for i, column in enumerate(RETURN_COLUMNS, start=1) if column.field == field)


def _sheet_column(header: str) -> int:
    return next(i for i, column in enumerate(COLUMNS, start=1) if column.header == header)


@pytest.mark.parametrize("case", ["contributions-overspend", "percentages-underspend"])
def test_risk_share_sheet_recalculates_to_the_hand_worked_figures(
    app: Flask, sign_in_as, tmp_path: Path, case: str
) -> None:
    """The Risk share sheet's formulas, worked out by LibreOffice, give the page's figures. In
    the underspend case the finance lead then types a lower Q4 forecast for Council on the Return
    sheet (£4,000 for £5,000), and the sheet follows: underspend £14,000, of which Council gets
    back 25% = £3,500 and NHS 75% = £10,500."""
    basis, spend, variance, drawn, parts = CASES[case]
    build_partnership(app, spend, basis)
    content = sign_in_as(Role.FINANCE_LEAD).get(f"/spend/return.xlsx?year={YEAR}").data
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Return", RISK_SHARE]
    if case.endswith("underspend"):
        typed = book["Return"]
        [council] = [
            row
            for row in range(HEADER_ROW + 1, typed.max_row + 1)
            if typed.cell(row, 1).value == "Council"
        ]
        typed.cell(council, _return_column("forecast_4")).value = 4000
        edited = io.BytesIO()
        book.save(edited)
        content = edited.getvalue()
        variance = "-14000.00"
        parts = {"Council": ("0.00", "-3500.00"), "NHS": ("0.00", "-10500.00")}
    sheet = recalculate(content, tmp_path)[RISK_SHARE]
    summary = {
        key: Decimal(str(sheet.cell(SUMMARY_ROW + offset, 2).value)).quantize(Decimal("0.01"))
        for offset, (key, _label) in enumerate(SUMMARY)
    }
    assert summary["variance"] == Decimal(variance)
    assert summary["reserve"] == Decimal("2000.00")
    assert summary["drawn"] == Decimal(drawn)
    rows = {
        sheet.cell(row, 1).value: row
        for row in range(SUMMARY_ROW + len(SUMMARY) + 2, sheet.max_row + 1)
        if sheet.cell(row, 1).value in parts
    }
    from_column = _sheet_column("From its part of the reserve (£)")
    beyond_column = _sheet_column("Beyond the reserve: pays (+) or gets back (−) (£)")
    for partner, (from_reserve, beyond) in parts.items():
        row = rows[partner]
        assert Decimal(str(sheet.cell(row, from_column).value)).quantize(Decimal("0.01")) == (
            Decimal(from_reserve)
        )
        assert Decimal(str(sheet.cell(row, beyond_column).value)).quantize(Decimal("0.01")) == (
            Decimal(beyond)
        )


def test_without_an_agreement_the_page_api_and_workbook_say_so(
    app: Flask, sign_in_as, tmp_path: Path
) -> None:
    build_partnership(app, OVERSPEND, None)
    client = sign_in_as(Role.COMMISSIONER)
    page = client.get(f"/spend/?year={YEAR}").get_data(as_text=True).replace("&#39;", "'")
    plain = "Scenario 'Pooled 2026' has no pooled-fund agreement, so no risk share is applied"
    assert plain in page and 'id="risk-share-table"' not in page
    token = token_for(app, Role.COMMISSIONER)
    risk = app.test_client().get("/api/v1/spend-summary", headers=bearer(token)).get_json()
    assert risk["risk_share"]["has_agreement"] is False
    assert risk["risk_share"]["partners"] == []
    assert any(plain in sentence for sentence in risk["risk_share"]["sentences"])
    content = client.get(f"/spend/return.xlsx?year={YEAR}").data
    sheet = openpyxl.load_workbook(io.BytesIO(content))[RISK_SHARE]
    words = [sheet.cell(row, 1).value for row in range(1, sheet.max_row + 1)]
    assert any(plain in str(text) for text in words)


def test_spend_summary_gives_headroom_and_cost_per_person(app: Flask) -> None:
    """Overspend records: Council has spent £20,000 (its Q2 actual; the rest are forecasts).
    Planned: £100,000 for 100 people, £1,000 each. The place lead has recorded 25 started, so
    far £20,000 / 25 = £800 each. Council's headroom: budget £65,000 less outturn £70,000.01 =
    −£5,000.01; NHS: £40,000 less £41,000 = −£1,000."""
    build_partnership(app, OVERSPEND, CONTRIBUTIONS)
    with app.app_context(), new_session() as session:
        session.add(
            DeliveryRecord(
                place_id=session.exec(select(Place.id)).one(),
                intervention_id=session.exec(select(Intervention.id)).one(),
                year=YEAR,
                started=25,
                completed=0,
            )
        )
        session.commit()
    token = token_for(app, Role.COMMISSIONER)
    summary = app.test_client().get("/api/v1/spend-summary", headers=bearer(token)).get_json()
    [cost] = summary["cost_per_person"]
    assert (cost["intervention"], cost["place"], cost["planned_people"]) == (
        "Social prescribing",
        "Halifax",
        100.0,
    )
    assert Decimal(cost["planned_per_person"]) == Decimal(1000)
    assert (cost["started"], Decimal(cost["spent"])) == (25, Decimal(20000))
    assert Decimal(cost["delivered_per_person"]) == Decimal(800)
    headroom = {row["partner"]: row for row in summary["headroom"]}
    assert Decimal(headroom["Council"]["headroom"]) == Decimal("-5000.01")
    assert Decimal(headroom["Council"]["planned"]) == Decimal(60000)
    assert Decimal(headroom["NHS"]["headroom"]) == Decimal("-1000.00")


def test_the_spend_page_and_api_open_on_the_year_under_way(app: Flask, sign_in_as) -> None:
    """A plan for 2026/27 and 2027/28 with actual spend recorded in 2027/28: both open there."""
    build_partnership(app, {}, CONTRIBUTIONS)
    with app.app_context(), new_session() as session:
        plan = session.exec(select(Plan)).one()
        later = {**plan.result["allocations"][0], "year": YEAR + 1}
        plan.result = {
            **plan.result,
            "years": [YEAR, YEAR + 1],
            "allocations": [*plan.result["allocations"], later],
        }
        session.add(plan)
        session.add(
            SpendRecord(
                partner_id=session.exec(select(Partner.id).where(Partner.name == "NHS")).one(),
                intervention_id=session.exec(select(Intervention.id)).one(),
                place_id=session.exec(select(Place.id)).one(),
                year=YEAR + 1,
                quarter=1,
                actual=Decimal(9000),
            )
        )
        session.commit()
    page = sign_in_as(Role.FINANCE_LEAD).get("/spend/").get_data(as_text=True)
    assert "Planned 2027/28" in page
    token = token_for(app, Role.FINANCE_LEAD)
    summary = app.test_client().get("/api/v1/spend-summary", headers=bearer(token)).get_json()
    assert summary["year"] == YEAR + 1
    assert Decimal(summary["total"]["spent"]) == Decimal(9000)
