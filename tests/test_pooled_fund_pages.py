"""The pooled-fund agreement page (read by all planners, changed by commissioners), and a plan's
exposure and headroom under it."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from flask import Flask
from sqlmodel import select

from models import AuditEvent, Partner, Plan, Scenario
from models.pooled_fund import PooledFundAgreement, RiskShareBasis
from models.vocabulary import Role
from planner.db import new_session
from planner.pooled_fund.service import plan_pooled_fund
from tests.planning_fixtures import demo_client

POOLED = "Pooled 2026-29"


@pytest.fixture(scope="module")
def commissioner(demo_app: Flask):  # type: ignore[no-untyped-def]
    return demo_client(demo_app, Role.COMMISSIONER)


@pytest.fixture(scope="module")
def finance(demo_app: Flask):  # type: ignore[no-untyped-def]
    return demo_client(demo_app, Role.FINANCE_LEAD)


def ids(app: Flask) -> tuple[int, dict[str, int]]:
    with app.app_context(), new_session() as session:
        scenario = session.exec(select(Scenario).where(Scenario.name == POOLED)).one()
        partners = {p.name: p.id for p in session.exec(select(Partner))}
        return scenario.id, partners  # type: ignore[return-value]


def agreement_of(app: Flask, scenario_id: int) -> PooledFundAgreement:
    with app.app_context(), new_session() as session:
        agreement = session.exec(
            select(PooledFundAgreement).where(PooledFundAgreement.scenario_id == scenario_id)
        ).one()
        agreement.shares  # noqa: B018  (load before the session closes)
        return agreement


def errors_in(page: bytes) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", message).replace("Error:", "").strip())
        for message in re.findall(r'class="error-message"[^>]*>(.*?)</p>', page.decode(), re.S)
    ]


def test_finance_reads_the_agreement_but_cannot_change_it(demo_app: Flask, finance) -> None:  # type: ignore[no-untyped-def]
    scenario_id, _ = ids(demo_app)
    page = finance.get(f"/scenarios/{scenario_id}/pooled-fund").get_data(as_text=True)
    assert "Leeds City Council" in page and "2% of each year" in page
    assert "Save the agreement" not in page
    refused = finance.post(f"/scenarios/{scenario_id}/pooled-fund", data={"host_partner_id": "1"})
    assert refused.status_code in (400, 403)


def test_percentages_that_do_not_add_up_are_refused_and_nothing_changes(
    demo_app: Flask,
    commissioner,  # type: ignore[no-untyped-def]
) -> None:
    scenario_id, partners = ids(demo_app)
    form = {
        "host_partner_id": str(partners["Leeds City Council"]),
        "overspend_basis": "percentages",
        "underspend_basis": "contributions",
        "contingency_percent": "3",
        f"overspend-{partners['Leeds City Council']}": "60",
        f"overspend-{partners['West Yorkshire Police']}": "30",
        f"underspend-{partners['West Yorkshire Police']}": "abc",
    }
    response = commissioner.post(f"/scenarios/{scenario_id}/pooled-fund", data=form)
    assert response.status_code == 422
    errors = errors_in(response.data)
    assert (
        "The partners' stated shares of an overspend add up to 90%; they must add up to 100%"
        in errors
    )
    assert (
        "West Yorkshire Police's share of an underspend must be a percentage, like 40 or 12.5"
        in errors
    )
    kept = agreement_of(demo_app, scenario_id)
    assert kept.overspend_basis == RiskShareBasis.CONTRIBUTIONS
    assert kept.contingency_percent == Decimal(2) and kept.shares == []


def test_a_commissioner_records_stated_percentages_audited(demo_app: Flask, commissioner) -> None:  # type: ignore[no-untyped-def]
    scenario_id, partners = ids(demo_app)
    police, leeds = partners["West Yorkshire Police"], partners["Leeds City Council"]
    form = {
        "host_partner_id": str(leeds),
        "overspend_basis": "percentages",
        "underspend_basis": "contributions",
        "contingency_percent": "2",
        "reference": "Section 75 agreement, schedule 3",
        f"overspend-{leeds}": "60",
        f"overspend-{police}": "40",
    }
    response = commissioner.post(f"/scenarios/{scenario_id}/pooled-fund", data=form)
    assert response.status_code == 302
    saved = agreement_of(demo_app, scenario_id)
    assert saved.overspend_basis == RiskShareBasis.PERCENTAGES
    assert {s.partner_id: s.overspend_percent for s in saved.shares} == {
        leeds: Decimal(60),
        police: Decimal(40),
    }
    with demo_app.app_context(), new_session() as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "pooled_fund_agreement")
        ).one()
        assert event.before["overspend_basis"] == "contributions"  # type: ignore[index]
        assert event.after["overspend_basis"] == "percentages"  # type: ignore[index]
    # The agreed plan's reserve now falls 60/40 on Leeds and the police.
    plan = finance_plan_page(demo_app, commissioner)
    assert "Section 75 agreement, schedule 3" in plan
    with demo_app.app_context(), new_session() as session:
        stored = session.exec(select(Plan).where(Plan.scenario_id == scenario_id)).first()
        position = plan_pooled_fund(session, stored)  # type: ignore[arg-type]
    assert position is not None
    for pool in position.years:
        parts = {row.partner: row.reserve_share for row in position.exposures_in(pool.year)}
        assert parts["Leeds City Council"] + parts["West Yorkshire Police"] == pool.reserve
        assert parts["Leeds City Council"] == (pool.reserve * Decimal("0.6")).quantize(
            Decimal("0.01")
        ) or abs(parts["Leeds City Council"] - pool.reserve * Decimal("0.6")) < Decimal("0.01")


def finance_plan_page(app: Flask, client) -> str:  # type: ignore[no-untyped-def]
    scenario_id, _ = ids(app)
    with app.app_context(), new_session() as session:
        plan = session.exec(select(Plan).where(Plan.scenario_id == scenario_id)).first()
        assert plan is not None
        plan_id = plan.id
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert 'id="pooled-fund-exposure"' in page and 'id="pooled-fund-headroom"' in page
    return page


def test_the_plan_shows_exposure_and_headroom(demo_app: Flask, finance) -> None:  # type: ignore[no-untyped-def]
    page = finance_plan_page(demo_app, finance)
    assert "Leeds City Council hosts the fund" in page
    assert "Each further £1,000 overspent" in page


def test_a_copied_scenario_keeps_the_agreement(demo_app: Flask, commissioner) -> None:  # type: ignore[no-untyped-def]
    scenario_id, _ = ids(demo_app)
    original = agreement_of(demo_app, scenario_id)
    response = commissioner.post(f"/scenarios/{scenario_id}/copy")
    assert response.status_code == 302
    copy_id = int(re.search(r"/scenarios/(\d+)/edit", response.location).group(1))  # type: ignore[union-attr]
    copied = agreement_of(demo_app, copy_id)
    assert copied.id != original.id
    assert (copied.host_partner_id, copied.overspend_basis, copied.contingency_percent) == (
        original.host_partner_id,
        original.overspend_basis,
        original.contingency_percent,
    )
    assert [(s.partner_id, s.overspend_percent) for s in copied.shares] == [
        (s.partner_id, s.overspend_percent) for s in original.shares
    ]
