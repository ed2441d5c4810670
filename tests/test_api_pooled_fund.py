"""The pooled-fund agreement and a plan's exposure and headroom through the API."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from flask import Flask
from sqlmodel import select

from models import Partner, Plan, Scenario
from planner.db import new_session
from tests.test_place_view import api_token, demo_app  # noqa: F401  (shared demo fixture)


def _ids(app: Flask) -> tuple[int, dict[str, int], int]:
    with app.app_context(), new_session() as session:
        scenario = session.exec(select(Scenario).where(Scenario.name == "Pooled 2026-29")).one()
        partners = {p.name: p.id for p in session.exec(select(Partner))}
        plan = session.exec(select(Plan).where(Plan.scenario_id == scenario.id)).first()
        return scenario.id, partners, plan.id  # type: ignore[return-value, union-attr]


def test_read_and_replace_the_agreement(demo_app: Flask) -> None:  # noqa: F811
    scenario_id, partners, plan_id = _ids(demo_app)
    client = demo_app.test_client()
    reader = api_token(demo_app, "finance@demo.example")
    editor = api_token(demo_app, "commissioner@demo.example")
    address = f"/api/v1/scenarios/{scenario_id}/pooled-fund-agreement"
    read = client.get(address, headers=reader)
    assert read.status_code == 200
    assert read.json["host_partner_name"] == "Leeds City Council"
    assert read.json["contingency_percent"] == "2.00"
    assert client.put(address, json={"host_partner_id": 1}, headers=reader).status_code == 403
    wrong = client.put(
        address,
        json={
            "host_partner_id": partners["Leeds City Council"],
            "overspend_basis": "percentages",
            "shares": [{"partner_id": partners["Leeds City Council"], "overspend_percent": "99"}],
        },
        headers=editor,
    )
    assert wrong.status_code == 422
    assert wrong.json["errors"] == [
        {
            "field": "overspend_basis",
            "message": "The partners' stated shares of an overspend add up to 99%; they must add "
            "up to 100%",
        }
    ]
    assert client.get(address, headers=reader).json["overspend_basis"] == "contributions"
    replaced = client.put(
        address,
        json={
            "host_partner_id": partners["NHS West Yorkshire Integrated Care Board"],
            "contingency_percent": "5",
        },
        headers=editor,
    )
    assert replaced.status_code == 200
    assert replaced.json["host_partner_name"] == "NHS West Yorkshire Integrated Care Board"

    figures = client.get(f"/api/v1/plans/{plan_id}/pooled-fund", headers=reader)
    assert figures.status_code == 200
    body = figures.json
    assert body["host"] == "NHS West Yorkshire Integrated Care Board"
    for year in body["years"]:
        # 5% of the pool, rounded down to the penny (the reserve never promises a part of a
        # penny more than the agreement's share), shared in whole pence that add up to it.
        pooled = Decimal(year["pooled_spend"])
        reserve = (pooled * Decimal("0.05")).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
        assert Decimal(year["reserve"]) == reserve
        parts = [
            Decimal(r["reserve_share"]) for r in body["exposures"] if r["year"] == year["year"]
        ]
        assert sum(parts) == Decimal(year["reserve"])
        contributions = [
            Decimal(r["contribution"]) for r in body["exposures"] if r["year"] == year["year"]
        ]
        assert sum(contributions) == pooled
    for line in body["headroom"]:
        assert Decimal(line["headroom"]) == Decimal(line["maximum"]) - Decimal(line["planned"])


def test_a_scenario_without_an_agreement_says_so(demo_app: Flask) -> None:  # noqa: F811
    with demo_app.app_context(), new_session() as session:
        other = session.exec(select(Scenario).where(Scenario.name != "Pooled 2026-29")).first()
        assert other is not None
        name, other_id = other.name, other.id
    answer = demo_app.test_client().get(
        f"/api/v1/scenarios/{other_id}/pooled-fund-agreement",
        headers=api_token(demo_app, "finance@demo.example"),
    )
    assert answer.status_code == 404
    assert answer.json["errors"][0]["message"] == (
        f"Scenario '{name}' has no pooled-fund agreement yet"
    )
