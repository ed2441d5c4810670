"""The place-based team view on the demo partnership: place leads see only their places (by page,
CSV and API), the summary has what the issue lists, and it prints on one page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from models import Place, Plan, Scenario, User
from planner.auth.service import signed_in
from planner.db import new_session
from planner.delivery.agreement import agree_plan
from planner.demo.content import DEMO_PASSWORD
from planner.tokens.service import create_token
from tests.conftest import empty_database, make_app, sign_in

LEAD = "placelead@demo.example"  # leads Bradford Moor and Little Horton


@pytest.fixture(scope="module")
def demo_app(postgres_url: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The demo partnership with its first scenario solved and agreed."""
    from planner.demo.loader import load_demo
    from planner.solving.service import run_plan, start_plan

    folder = tmp_path_factory.mktemp("place_view")
    app = make_app(postgres_url or f"sqlite:///{folder / 'planner.sqlite'}", folder)
    with app.app_context():
        load_demo()
        with new_session() as session:
            scenario = session.exec(select(Scenario).where(Scenario.name == "Pooled 2026-29")).one()
            plan_id = start_plan(session, scenario.id, None).id  # type: ignore[arg-type]
        run_plan(app, plan_id)  # type: ignore[arg-type]
        with new_session() as session:
            commissioner = session.exec(
                select(User).where(User.email == "commissioner@demo.example")
            ).one()
            agree_plan(session, plan_id, signed_in(session, commissioner))
    yield app
    empty_database(app)


def places(app: Flask) -> dict[str, int]:
    with app.app_context(), new_session() as session:
        return {place.name: place.id for place in session.exec(select(Place)).all()}  # type: ignore[misc]


def browser(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, email, DEMO_PASSWORD)
    return client


def api_token(app: Flask, email: str) -> dict[str, str]:
    with app.app_context(), new_session() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        _, secret = create_token(session, user.id, {"name": "place view tests"})  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {secret}"}


def test_place_lead_sees_only_their_places_on_the_index(demo_app: Flask) -> None:
    page = browser(demo_app, LEAD).get("/place-teams/").get_data(as_text=True)
    assert "Bradford Moor" in page and "Little Horton" in page
    # Places the lead does not lead, one of them in the same district as theirs.
    others = ("Keighley Central", "Dewsbury West", "Gipton and Harehills")
    for name in others:
        assert name not in page
    everyone = browser(demo_app, "finance@demo.example").get("/place-teams/").get_data(as_text=True)
    for name in ("Bradford Moor", *others):
        assert name in everyone


def test_place_lead_cannot_open_another_place(demo_app: Flask) -> None:
    ids = places(demo_app)
    other = next(pid for name, pid in ids.items() if name not in ("Bradford Moor", "Little Horton"))
    lead = browser(demo_app, LEAD)
    assert lead.get(f"/place-teams/{other}").status_code == 403
    assert lead.get(f"/place-teams/{other}/summary.csv").status_code == 403
    refused = lead.post(f"/place-teams/{other}/delivery", data={"started": "1"})
    assert refused.status_code == 403
    assert lead.get(f"/place-teams/{ids['Bradford Moor']}").status_code == 200
    assert lead.get("/place-teams/999999").status_code == 404


def test_place_lead_cannot_see_another_place_through_the_api(demo_app: Flask) -> None:
    ids = places(demo_app)
    other = ids["Dewsbury West"]
    headers = api_token(demo_app, LEAD)
    client = demo_app.test_client()
    listed = client.get("/api/v1/place-summaries", headers=headers).json
    assert {row["name"] for row in listed["items"]} == {"Bradford Moor", "Little Horton"}
    refused = client.get(f"/api/v1/place-summaries/{other}", headers=headers)
    assert refused.status_code == 403
    assert refused.json["errors"][0]["field"] is None
    mine = client.get(f"/api/v1/place-summaries/{ids['Bradford Moor']}", headers=headers)
    assert mine.status_code == 200 and mine.json["allocations"]
    # Inputs stay closed to place leads, as on the web.
    assert client.get("/api/v1/places", headers=headers).status_code == 403
    plan_id = mine.json["agreed_plan_id"]
    rows = client.get(f"/api/v1/plans/{plan_id}/delivery?limit=500", headers=headers).json
    assert rows["total"] > 0
    assert {row["place"] for row in rows["items"]} <= {"Bradford Moor", "Little Horton"}


def test_summary_has_what_a_place_lead_needs(demo_app: Flask) -> None:
    ids = places(demo_app)
    headers = api_token(demo_app, "commissioner@demo.example")
    summary = (
        demo_app.test_client()
        .get(f"/api/v1/place-summaries/{ids['Bradford Moor']}", headers=headers)
        .json
    )
    allocation = summary["allocations"][0]
    assert allocation["target_group"]
    assert allocation["participants"] > 0
    assert allocation["eligible_population"] >= allocation["participants"] - 0.01
    assert 0 < allocation["capacity_used"] <= 1.0001
    assert allocation["funders"] and all(f["commissioning"] for f in allocation["funders"])
    funded = sum(float(f["amount"]) for f in allocation["funders"])
    assert funded == pytest.approx(float(allocation["cost"]), abs=0.05)
    assert summary["demand_reduction"]
    value = sum(float(d["value"]) for d in summary["demand_reduction"])
    allocated = sum(float(a["value_of_demand_avoided"]) for a in summary["allocations"])
    assert value == pytest.approx(allocated, rel=1e-3)
    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, summary["agreed_plan_id"])
        in_plan = sum(
            float(row.cost)
            for row in plan.allocations
            if row.place_name == "Bradford Moor"  # type: ignore[union-attr]
        )
    assert sum(float(a["cost"]) for a in summary["allocations"]) == pytest.approx(in_plan, abs=0.05)


def plan_demand_avoided(plan: Plan, place_name: str) -> dict[str, tuple[float, float]]:
    """(units, value) per demand type name, added up from the plan's own allocations."""
    result = plan.result
    names = {place["place"]: place["name"] for place in result["places"]}
    from planner.solving.snapshot import inputs_from_snapshot

    solved_with, _rules = inputs_from_snapshot(plan.inputs)
    demand_types = {d.key: d.name for d in solved_with.demand_types}
    totals: dict[str, tuple[float, float]] = {}
    for entry in result["allocations"]:
        if names[entry["place"]] != place_name:
            continue
        for avoided in entry["demand_avoided"]:
            name = demand_types[avoided["demand_type"]]
            units, value = totals.get(name, (0.0, 0.0))
            totals[name] = (units + avoided["units"], value + avoided["value"])
    return totals


def test_demand_reduction_is_the_plans_own_per_allocation_figures(demo_app: Flask) -> None:
    ids = places(demo_app)
    headers = api_token(demo_app, "commissioner@demo.example")
    summary = (
        demo_app.test_client()
        .get(f"/api/v1/place-summaries/{ids['Little Horton']}", headers=headers)
        .json
    )
    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, summary["agreed_plan_id"])
        expected = plan_demand_avoided(plan, "Little Horton")  # type: ignore[arg-type]
    assert len(expected) >= 3
    shown = {d["demand_type"]: (d["units"], d["value"]) for d in summary["demand_reduction"]}
    assert shown == {
        name: (round(units, 3), f"{value:.2f}") for name, (units, value) in expected.items()
    }


def test_summary_page_prints_and_downloads(demo_app: Flask) -> None:
    ids = places(demo_app)
    lead = browser(demo_app, LEAD)
    page = lead.get(f"/place-teams/{ids['Little Horton']}").get_data(as_text=True)
    for heading in (
        "Interventions by financial year",
        "Who funds it, and the commissioning dates that matter",
        "Demand reduction expected in Little Horton",
        "Planned against delivered",
        "Record delivery",
    ):
        assert heading in page
    assert "css/teams.css" in page and 'data-action="print"' in page
    css = lead.get("/static/css/teams.css").get_data(as_text=True)
    assert "@media print" in css and "size: A4" in css

    response = lead.get(f"/place-teams/{ids['Little Horton']}/summary.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows and {row["Place"] for row in rows} == {"Little Horton"}
    assert all(row["Financial year"].startswith("20") for row in rows)
    assert all(row["Funded by (£)"] for row in rows)
    # Demand avoided per demand type, one column each, adding up to the page's table.
    headers = api_token(demo_app, "commissioner@demo.example")
    summary = (
        demo_app.test_client()
        .get(f"/api/v1/place-summaries/{ids['Little Horton']}", headers=headers)
        .json
    )
    assert summary["demand_reduction"]
    for demand in summary["demand_reduction"]:
        column = f"{demand['demand_type']} avoided ({demand['unit']})"
        assert sum(float(row[column]) for row in rows) == pytest.approx(
            demand["units"], abs=0.001 * len(rows) + 0.001
        )


def test_csv_cannot_carry_formulas(demo_app: Flask, sign_in_as: Any = None) -> None:
    from planner.core.spreadsheet_text import safe_csv_text

    assert safe_csv_text('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_csv_text("-1+2") == "'-1+2"
    assert safe_csv_text("Bradford Moor") == "Bradford Moor"


def test_agreed_plan_page_for_readers_only(demo_app: Flask) -> None:
    page = browser(demo_app, "finance@demo.example").get("/agreed-plan/")
    assert page.status_code == 200
    assert b"Agree this plan" not in page.data  # finance leads read, they do not agree
    assert browser(demo_app, LEAD).get("/agreed-plan/").status_code == 403
    commissioner = browser(demo_app, "commissioner@demo.example").get("/agreed-plan/")
    assert b"Planned against delivered" in commissioner.data
