"""The API for outcomes, the evidence register, re-plans and the stop list: roles, place scope,
validation in the one error shape, and re-solves answered 202 with the plan to follow."""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from models import DemandType, Place
from tests.test_place_view import api_token


def _ids(app: Flask) -> tuple[int, int, int]:
    from planner.db import new_session

    with app.app_context(), new_session() as session:
        places = {p.name: p.id for p in session.exec(select(Place)).all()}
        demand = session.exec(select(DemandType)).first()
        return places["Bradford Moor"], places["Armley"], demand.id  # type: ignore[return-value,union-attr]


def test_outcomes_are_scoped_to_a_place_leads_places(demo_app: Flask):
    own, other, demand = _ids(demo_app)
    client = demo_app.test_client()
    lead = api_token(demo_app, "placelead@demo.example")
    body = {"place_id": own, "demand_type_id": demand, "year": 2027, "observed": 9, "baseline": 11}
    assert client.put("/api/v1/outcomes", json=body, headers=lead).status_code == 200
    refused = client.put("/api/v1/outcomes", json={**body, "place_id": other}, headers=lead)
    assert refused.status_code == 403
    bad = client.put("/api/v1/outcomes", json={**body, "observed": -1}, headers=lead)
    assert bad.status_code == 422
    listed = client.get("/api/v1/outcomes", headers=lead).get_json()
    seen = {item["place_id"] for item in listed["items"]}
    assert own in seen and other not in seen
    finance = api_token(demo_app, "finance@demo.example")
    assert client.put("/api/v1/outcomes", json=body, headers=finance).status_code == 403


def test_evidence_change_needs_a_change_and_a_commissioner(demo_app: Flask):
    client = demo_app.test_client()
    commissioner = api_token(demo_app, "commissioner@demo.example")
    body = {"intervention_id": 1, "source": "Review", "source_date": "2026-10-01"}
    response = client.post("/api/v1/evidence-changes", json=body, headers=commissioner)
    assert response.status_code == 422
    assert "Change the rating" in str(response.get_json())
    finance = api_token(demo_app, "finance@demo.example")
    assert (
        client.post(
            "/api/v1/evidence-changes", json={**body, "effect_scale": 0.9}, headers=finance
        ).status_code
        == 403
    )
    assert client.get("/api/v1/evidence-changes", headers=finance).status_code == 200


def test_replan_is_queued_and_its_changes_read_back(demo_app: Flask):
    client = demo_app.test_client()
    commissioner = api_token(demo_app, "commissioner@demo.example")
    response = client.post("/api/v1/replans", json={"from_year": 2026}, headers=commissioner)
    assert response.status_code == 202, response.get_json()
    plan_id = response.get_json()["plan_id"]
    changes = client.get(f"/api/v1/replans/{plan_id}/changes", headers=commissioner).get_json()
    assert changes["status"] == "optimal" and changes["sentences"]
    out_of_range = client.post("/api/v1/replans", json={"from_year": 2040}, headers=commissioner)
    assert out_of_range.status_code == 422
    stop = client.get("/api/v1/stop-list", headers=commissioner).get_json()
    assert stop["items"] == [] and stop["minimum_rating"]
    lead = api_token(demo_app, "placelead@demo.example")
    assert client.get("/api/v1/stop-list", headers=lead).status_code == 403


def test_outcome_impact_sets_observed_against_baseline_and_expected(demo_app: Flask):
    """Each line's change is observed less baseline and its expected level the baseline less
    what the plan expected to avoid; the figures are the Outcomes page's; a place lead sees only
    their places, with the caveats."""
    from planner.db import new_session
    from planner.delivery.agreement import agreed_plan
    from planner.outcomes.impact import CAVEATS, outcome_lines

    client = demo_app.test_client()
    commissioner = api_token(demo_app, "commissioner@demo.example")
    impact = client.get("/api/v1/outcome-impact", headers=commissioner).get_json()
    with demo_app.app_context(), new_session() as session:
        plan = agreed_plan(session)
        expected = outcome_lines(session, plan, None)
        assert impact["plan_id"] == plan.id  # type: ignore[union-attr]
    assert impact["caveats"] == list(CAVEATS)
    assert len(impact["lines"]) == len(expected) > 0
    for line, page in zip(impact["lines"], expected, strict=True):
        assert (line["place"], line["demand_type"], line["year"]) == (
            page.place,
            page.demand_type,
            page.year,
        )
        assert line["expected_avoided"] == page.expected_avoided
        if line["baseline"] is not None:
            assert line["change"] == line["observed"] - line["baseline"]
            assert line["expected_level"] == max(line["baseline"] - line["expected_avoided"], 0)
    assert any(line["expected_avoided"] > 0 for line in impact["lines"])
    own, other, demand = _ids(demo_app)
    body = {"place_id": other, "demand_type_id": demand, "year": 2026, "observed": 7}
    assert client.put("/api/v1/outcomes", json=body, headers=commissioner).status_code == 200
    everyone = client.get("/api/v1/outcome-impact", headers=commissioner).get_json()["lines"]
    lead = api_token(demo_app, "placelead@demo.example")
    seen = {
        line["place"]
        for line in client.get("/api/v1/outcome-impact", headers=lead).get_json()["lines"]
    }
    with demo_app.app_context(), new_session() as session:
        names = {p.id: p.name for p in session.exec(select(Place)).all()}
    assert names[own] in seen and names[other] not in seen
    assert names[other] in {line["place"] for line in everyone}
