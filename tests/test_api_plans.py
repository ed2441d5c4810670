"""Scenarios and plans through the API on the demo partnership: rules checked in words, a run
solved and read back, the Excel export, and agreeing a plan."""

from __future__ import annotations

import re
from decimal import Decimal

from flask import Flask
from sqlmodel import select

from models import BudgetLine, Plan
from planner.db import new_session
from tests.test_place_view import LEAD, api_token, demo_app  # noqa: F401  (shared demo fixture)


def test_scenario_rules_are_checked_in_words(demo_app: Flask) -> None:  # noqa: F811
    headers = api_token(demo_app, "commissioner@demo.example")
    client = demo_app.test_client()
    wrong = client.post(
        "/api/v1/scenarios",
        json={"name": "Too strict", "min_evidence_rating": "NE", "horizon_years": 30},
        headers=headers,
    )
    assert wrong.status_code == 422
    fields = {error["field"] for error in wrong.json["errors"]}
    assert {"horizon_years"} <= fields
    unknown = client.post(
        "/api/v1/scenarios",
        json={
            "name": "Override",
            "budget_overrides": [{"budget_line_id": 999999, "maximum": "100"}],
        },
        headers=headers,
    )
    assert unknown.status_code == 422
    assert unknown.json["errors"] == [
        {
            "field": "budget_overrides.0.budget_line_id",
            "message": "There is no budget line with id 999999",
        }
    ]
    single = client.post(
        "/api/v1/scenarios", json={"name": "One type", "objective": "single"}, headers=headers
    )
    assert single.status_code == 422
    assert single.json["errors"] == [
        {
            "field": "objective_demand_type_id",
            "message": "Choose the demand type to reduce when optimising one type only",
        }
    ]
    half_cap = client.post(
        "/api/v1/scenarios", json={"name": "Cap", "max_cost_per_unit": "900"}, headers=headers
    )
    assert half_cap.status_code == 422
    assert [error["field"] for error in half_cap.json["errors"]] == [
        "max_cost_per_unit_demand_type_id"
    ]


def test_run_read_export_and_agree_a_plan(demo_app: Flask) -> None:  # noqa: F811
    headers = api_token(demo_app, "commissioner@demo.example")
    client = demo_app.test_client()
    with demo_app.app_context(), new_session() as session:
        line = session.exec(select(BudgetLine)).first()
    created = client.post(
        "/api/v1/scenarios",
        json={
            "name": "API scenario",
            "first_year": 2026,
            "horizon_years": 2,
            "budget_overrides": [
                {"budget_line_id": line.id, "maximum": str(line.maximum), "minimum": None}  # type: ignore[union-attr]
            ],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.json
    scenario_id = created.json["id"]
    assert created.json["budget_overrides"][0]["budget_line_id"] == line.id  # type: ignore[union-attr]
    etag = client.get(f"/api/v1/scenarios/{scenario_id}", headers=headers).headers["ETag"]
    renamed = client.patch(
        f"/api/v1/scenarios/{scenario_id}",
        json={"description": "From a partner system"},
        headers={**headers, "If-Match": etag},
    )
    assert renamed.status_code == 200
    assert renamed.json["budget_overrides"] == created.json["budget_overrides"]

    run = client.post(f"/api/v1/scenarios/{scenario_id}/plans", headers=headers)
    assert run.status_code == 202, run.json
    plan_id = run.json["id"]
    plan = client.get(f"/api/v1/plans/{plan_id}", headers=headers).json
    assert plan["status"] == "optimal"
    assert plan["years"] == [2026, 2027]
    assert plan["allocations"] and plan["binding_constraints"] is not None
    listed = client.get(f"/api/v1/plans?scenario_id={scenario_id}", headers=headers).json
    assert [item["id"] for item in listed["items"]] == [plan_id]
    # Money is pounds as a string with pence, here as in the rest of the API.
    with demo_app.app_context(), new_session() as session:
        stored = session.get(Plan, plan_id)
        spend, benefit = f"{stored.total_spend:.2f}", f"{stored.total_benefit:.2f}"  # type: ignore[union-attr]
    assert (plan["total_spend"], plan["total_benefit"]) == (spend, benefit)
    assert (listed["items"][0]["total_spend"], listed["items"][0]["total_benefit"]) == (
        spend,
        benefit,
    )
    assert isinstance(plan["objective"], str) and isinstance(plan["pooling_gain"], str)
    pence = re.compile(r"^-?\d+\.\d\d$")
    first = plan["allocations"][0]
    assert pence.match(first["cost"]) and pence.match(first["value_of_demand_avoided"])
    assert all(pence.match(f["amount"]) for f in first["funding"])
    assert all(pence.match(d["value"]) for d in first["demand_avoided"])
    assert all(pence.match(p["contribution"]) for p in plan["partners"])
    # ...and it reconciles to the penny, every way it adds up.
    assert sum(Decimal(a["cost"]) for a in plan["allocations"]) == Decimal(spend)
    assert sum(Decimal(p["contribution"]) for p in plan["partners"]) == Decimal(spend)
    assert sum(Decimal(line["spend"]) for line in plan["budget_lines"]) == Decimal(spend)
    assert sum(Decimal(year["spend"]) for year in plan["spend_by_year"]) == Decimal(spend)
    assert all(pence.match(line["maximum"]) for line in plan["budget_lines"])
    for allocation in plan["allocations"]:
        paid = sum(Decimal(f["amount"]) for f in allocation["funding"])
        assert paid == Decimal(allocation["cost"])

    finance = api_token(demo_app, "finance@demo.example")
    workbook = client.get(f"/api/v1/plans/{plan_id}/workbook", headers=finance)
    assert workbook.status_code == 200
    assert workbook.mimetype.endswith("spreadsheetml.sheet")
    assert workbook.data[:2] == b"PK"
    assert (
        client.get(
            f"/api/v1/plans/{plan_id}/workbook", headers=api_token(demo_app, LEAD)
        ).status_code
        == 403
    )

    assert (
        client.post(f"/api/v1/plans/{plan_id}/agreement", json={}, headers=finance).status_code
        == 403
    )
    agreed = client.post(
        f"/api/v1/plans/{plan_id}/agreement", json={"note": "Board, 12 March"}, headers=headers
    )
    assert agreed.status_code == 201
    history = client.get("/api/v1/agreements", headers=headers).json
    assert history["items"][0]["plan_id"] == plan_id and history["total"] >= 2
    again = client.post(f"/api/v1/plans/{plan_id}/agreement", json={}, headers=headers)
    assert (
        again.status_code == 422 and "already the agreed plan" in again.json["errors"][0]["message"]
    )

    missing = client.post("/api/v1/scenarios/999999/plans", headers=headers)
    assert missing.status_code == 404
