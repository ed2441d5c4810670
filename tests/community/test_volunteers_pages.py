"""Shared volunteers in the app: recorded per place and year (refused in words when wrong),
read into the optimiser, shown with the plan's use and one-more-volunteer sentence, and through
the API."""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from models import AuditEvent, Intervention, Place, Plan, Scenario
from models.vocabulary import Role
from models.volunteer import VolunteerPool
from planner.db import new_session
from planner.solving.inputs import planning_inputs
from tests.planning_fixtures import demo_client
from tests.test_api_tokens import bearer, token_for


def test_demo_volunteers_reach_the_optimiser_and_the_plan(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        scenario = session.exec(select(Scenario).where(Scenario.name == "Pooled 2026-29")).one()
        inputs, _rules = planning_inputs(session, scenario)
        mentoring = inputs.intervention("Mentoring for young people at risk")
        assert mentoring.volunteer_hours_per_participant == 40
        assert len(inputs.volunteer_pools) == 16 * 3
        plan = session.exec(select(Plan).where(Plan.scenario_id == scenario.id)).first()
        assert plan is not None
        rows = plan.result["volunteers"]
        assert len(rows) == 16 * 3
        assert all(row["hours_used"] <= row["hours_available"] + 1e-4 for row in rows)
        assert all("volunteer" in row["sentence"] for row in rows)
    commissioner = demo_client(demo_app, Role.COMMISSIONER)
    page = commissioner.get("/community/volunteers")
    assert page.status_code == 200
    assert "Mentoring for young people at risk: 40 volunteer hours per participant" in page.text
    assert rows[0]["sentence"].replace("'", "&#39;") in page.text
    shown = commissioner.get(f"/plans/{plan.id}")
    assert 'id="volunteers"' in shown.text


def test_volunteers_recorded_refused_in_words_and_audited(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        place = session.exec(select(Place).where(Place.name == "Park")).one()
    commissioner = demo_client(demo_app, Role.COMMISSIONER)
    bad = commissioner.post(
        "/community/volunteers/new",
        data={"place_id": str(place.id), "year": "2026", "hours": "-5",
              "hours_per_volunteer": "0", "cost_per_volunteer": "£450"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert "Volunteer hours available in the year must be 0.0 or more" in bad.text
    assert "Hours one volunteer gives in a year must be more than 0.0" in bad.text
    saved = commissioner.post(
        "/community/volunteers/new",
        data={"place_id": str(place.id), "year": "2026", "hours": "1,200",
              "hours_per_volunteer": "50", "cost_per_volunteer": "£500"},
    )  # fmt: skip
    assert saved.status_code == 302
    with demo_app.app_context(), new_session() as session:
        pool = session.exec(
            select(VolunteerPool).where(
                VolunteerPool.place_id == place.id, VolunteerPool.year == 2026
            )
        ).one()
        assert (pool.hours, pool.hours_per_volunteer, pool.cost_per_volunteer) == (1200, 50, 500)
        assert session.exec(
            select(AuditEvent).where(
                AuditEvent.entity == "volunteer_pool", AuditEvent.action == "update"
            )
        ).first()
    place_lead = demo_client(demo_app, Role.PLACE_LEAD)
    assert place_lead.get("/community/volunteers/new").status_code == 403
    assert place_lead.get("/community/volunteers").status_code == 200


def test_volunteers_through_the_api(demo_app: Flask) -> None:
    client, headers = demo_app.test_client(), bearer(token_for(demo_app, Role.COMMISSIONER))
    with demo_app.app_context(), new_session() as session:
        place = session.exec(select(Place).where(Place.name == "Ovenden")).one()
        mentoring = session.exec(
            select(Intervention).where(Intervention.name == "Mentoring for young people at risk")
        ).one()
    created = client.post(
        "/api/v1/volunteer-pools",
        json={"place_id": place.id, "year": 2030, "hours": 300, "hours_per_volunteer": 60,
              "cost_per_volunteer": "450"},
        headers=headers,
    )  # fmt: skip
    assert created.status_code == 201, created.json
    url = f"/api/v1/volunteer-pools/{created.json['id']}"
    tag = client.get(url, headers=headers).headers["ETag"]
    changed = client.patch(url, json={"hours": 360}, headers={**headers, "If-Match": tag})
    assert changed.status_code == 200 and changed.json["hours"] == 360
    read = client.get(f"/api/v1/interventions/{mentoring.id}", headers=headers)
    assert read.json["volunteer_hours"] == 40
