"""Delivery recording: validated (no negative counts, never more than the eligible population),
audited, scoped to a place lead's places, and shown planned against delivered."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from sqlmodel import select

from models import AuditEvent, DeliveryRecord, Intervention, Place, PlacePopulation, Plan
from models.plan import PlanAllocation, PlanStatus
from models.vocabulary import Role
from planner.db import new_session
from planner.delivery.service import delivery_against_plan
from planner.plans.service import plan_delivery
from tests.test_api_tokens import bearer, token_for


@pytest.fixture
def partnership(app: Flask) -> dict[str, int]:
    """Two places, one intervention for families (120 eligible in Dewsbury, none recorded in
    Batley), and a solved plan serving 40 families in Dewsbury in 2026/27 and 50 in 2027/28."""
    with app.app_context(), new_session() as session:
        dewsbury = Place(name="Dewsbury", district="Kirklees")
        batley = Place(name="Batley", district="Kirklees")
        parenting = Intervention(
            name="Incredible Years", target_group="Families", unit_cost=Decimal("1200")
        )
        session.add_all([dewsbury, batley, parenting])
        session.flush()
        session.add(PlacePopulation(place_id=dewsbury.id, target_group="Families", population=120))  # type: ignore[arg-type]
        plan = Plan(
            scenario_name="Pooled", status=PlanStatus.OPTIMAL, result={"years": [2026, 2027]}
        )
        session.add(plan)
        session.flush()
        for year, people in ((2026, 40.0), (2027, 50.0)):
            session.add(
                PlanAllocation(
                    plan_id=plan.id,  # type: ignore[arg-type]
                    intervention_name="Incredible Years",
                    place_name="Dewsbury",
                    district="Kirklees",
                    year=year,
                    participants=people,
                    cost=Decimal(people * 1200),
                )
            )
        session.commit()
        return {
            "dewsbury": dewsbury.id,
            "batley": batley.id,
            "intervention": parenting.id,
            "plan": plan.id,
        }  # type: ignore[dict-item]


def record(app: Flask, token: str, ids: dict[str, int], **figures: object):  # type: ignore[no-untyped-def]
    body = {"place_id": ids["dewsbury"], "intervention_id": ids["intervention"], "year": 2026}
    return app.test_client().post(
        "/api/v1/delivery-records", json={**body, **figures}, headers=bearer(token)
    )


def test_counts_cannot_be_negative(app: Flask, partnership) -> None:
    token = token_for(app, Role.COMMISSIONER)
    response = record(app, token, partnership, started=-1, completed=0)
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "started", "message": "must be 0 or more"}]


def test_counts_cannot_exceed_the_eligible_population(app: Flask, partnership) -> None:
    token = token_for(app, Role.COMMISSIONER)
    response = record(app, token, partnership, started=121, completed=10)
    assert response.status_code == 422
    assert response.json["errors"] == [
        {
            "field": "started",
            "message": "121 people started is more than the 120 Families eligible in Dewsbury",
        }
    ]
    nowhere = record(app, token, partnership, place_id=partnership["batley"], started=1)
    assert nowhere.status_code == 422
    assert "no eligible population recorded for Families" in nowhere.json["errors"][0]["message"]
    with app.app_context(), new_session() as session:
        assert session.exec(select(DeliveryRecord)).all() == []


def test_recording_replaces_and_is_audited(app: Flask, partnership) -> None:
    token = token_for(app, Role.PLACE_LEAD, place_ids=[partnership["dewsbury"]])
    first = record(app, token, partnership, started=30, completed=12)
    assert first.status_code == 201, first.json
    again = record(app, token, partnership, started=35, completed=20, notes="Two cohorts")
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"] and again.json["started"] == 35
    address = f"/api/v1/delivery-records/{first.json['id']}"
    etag = app.test_client().get(address, headers=bearer(token)).headers["ETag"]
    changed = app.test_client().patch(
        address, json={"completed": 25}, headers={**bearer(token), "If-Match": etag}
    )
    assert changed.status_code == 200 and changed.json["completed"] == 25
    assert changed.json["started"] == 35
    with app.app_context(), new_session() as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "delivery").order_by(AuditEvent.id)
        ).all()
    assert [event.action for event in events] == ["create", "update", "update"]
    assert events[1].before["started"] == 30 and events[1].after["started"] == 35  # type: ignore[index]
    assert events[0].user_name == "Place lead"


def test_place_lead_records_only_for_their_places(app: Flask, partnership) -> None:
    theirs = token_for(app, Role.PLACE_LEAD, place_ids=[partnership["batley"]])
    refused = record(app, theirs, partnership, started=5)
    assert refused.status_code == 403
    commissioner = token_for(app, Role.COMMISSIONER)
    created = record(app, commissioner, partnership, started=5)
    assert created.status_code == 201
    client = app.test_client()
    hidden = client.get(f"/api/v1/delivery-records/{created.json['id']}", headers=bearer(theirs))
    assert hidden.status_code == 404
    assert client.get("/api/v1/delivery-records", headers=bearer(theirs)).json["total"] == 0
    finance = token_for(app, Role.FINANCE_LEAD)
    assert record(app, finance, partnership, started=6).status_code == 403


def test_planned_against_delivered(app: Flask, partnership) -> None:
    token = token_for(app, Role.ADMIN)
    record(app, token, partnership, started=30, completed=20)
    with app.app_context(), new_session() as session:
        lines = delivery_against_plan(session, partnership["plan"])
    assert [(line.year, line.planned, line.started, line.completed) for line in lines] == [
        (2026, 40.0, 30, 20),
        (2027, 50.0, None, None),
    ]
    assert lines[0].progress == "75% of planned started"
    assert lines[1].progress == "Not recorded yet"
    rows = (
        app.test_client()
        .get(f"/api/v1/plans/{partnership['plan']}/delivery", headers=bearer(token))
        .json
    )
    assert rows["items"][0]["started"] == 30 and rows["items"][0]["financial_year"] == "2026/27"


def test_delivery_form_on_the_place_page(app: Flask, partnership, sign_in_as) -> None:
    lead = sign_in_as(Role.PLACE_LEAD, place_ids=[partnership["dewsbury"]])
    form = {"intervention_id": partnership["intervention"], "year": "2026", "completed": "0"}
    too_many = lead.post(
        f"/place-teams/{partnership['dewsbury']}/delivery", data={**form, "started": "500"}
    )
    assert too_many.status_code == 422
    assert b"more than the 120 Families eligible in Dewsbury" in too_many.data
    negative = lead.post(
        f"/place-teams/{partnership['dewsbury']}/delivery", data={**form, "started": "-3"}
    )
    assert negative.status_code == 422
    saved = lead.post(
        f"/place-teams/{partnership['dewsbury']}/delivery", data={**form, "started": "12"}
    )
    assert saved.status_code == 302
    with app.app_context(), new_session() as session:
        assert session.exec(select(DeliveryRecord.started)).all() == [12]
    other = lead.post(
        f"/place-teams/{partnership['batley']}/delivery", data={**form, "started": "1"}
    )
    assert other.status_code == 403


def test_agreeing_a_plan_keeps_the_history(app: Flask, partnership, sign_in_as) -> None:
    with app.app_context(), new_session() as session:
        second = Plan(scenario_name="Strong evidence", status=PlanStatus.OPTIMAL)
        failed = Plan(scenario_name="Clash", status=PlanStatus.INFEASIBLE)
        session.add_all([second, failed])
        session.commit()
        second_id, failed_id = second.id, failed.id
    commissioner = sign_in_as(Role.COMMISSIONER)
    assert (
        commissioner.post("/agreed-plan/", data={"plan_id": partnership["plan"]}).status_code == 302
    )
    assert (
        commissioner.post(
            "/agreed-plan/", data={"plan_id": second_id, "note": "Board 12 March"}
        ).status_code
        == 302
    )
    refused = commissioner.post("/agreed-plan/", data={"plan_id": failed_id})
    assert refused.status_code == 422 and b"cannot be agreed" in refused.data
    finance = sign_in_as(Role.FINANCE_LEAD)
    assert finance.post("/agreed-plan/", data={"plan_id": partnership["plan"]}).status_code == 403

    token = token_for(app, Role.FINANCE_LEAD)
    history = app.test_client().get("/api/v1/agreements", headers=bearer(token)).json
    assert [item["plan_id"] for item in history["items"]] == [second_id, partnership["plan"]]
    assert history["items"][0]["note"] == "Board 12 March"
    page = finance.get("/agreed-plan/").get_data(as_text=True)
    assert "Strong evidence" in page and "Current" in page


def test_plan_page_shows_delivery_for_the_agreed_plan_or_delivery_recorded(
    app: Flask, partnership, sign_in_as
) -> None:
    """Nothing for a plan nobody agreed and nobody delivered against; delivery once it is
    recorded against the plan's allocations (not agreed); and the agreed flag once agreed."""
    with app.app_context(), new_session() as session:
        plan = session.get(Plan, partnership["plan"])
        assert plan_delivery(session, plan) is None  # type: ignore[arg-type]
    token = token_for(app, Role.COMMISSIONER)
    assert record(app, token, partnership, started=30, completed=20).status_code == 201
    with app.app_context(), new_session() as session:
        plan = session.get(Plan, partnership["plan"])
        delivered = plan_delivery(session, plan)  # type: ignore[arg-type]
    assert delivered is not None and not delivered.agreed
    assert [(line.planned, line.started) for line in delivered.lines] == [(40.0, 30), (50.0, None)]
    commissioner = sign_in_as(Role.COMMISSIONER)
    assert (
        commissioner.post("/agreed-plan/", data={"plan_id": partnership["plan"]}).status_code == 302
    )
    with app.app_context(), new_session() as session:
        plan = session.get(Plan, partnership["plan"])
        delivered = plan_delivery(session, plan)  # type: ignore[arg-type]
    assert delivered is not None and delivered.agreed


def test_deleting_a_delivery_record_from_the_place_page(
    app: Flask, partnership, sign_in_as
) -> None:
    """The place lead deletes their own place's record after a confirmation page (CSRF-checked,
    audited); finance leads, other places' leads and a record of another place are refused."""
    dewsbury, batley = partnership["dewsbury"], partnership["batley"]
    assert (
        sign_in_as(Role.COMMISSIONER)
        .post("/agreed-plan/", data={"plan_id": partnership["plan"]})
        .status_code
        == 302
    )
    lead = sign_in_as(Role.PLACE_LEAD, place_ids=[dewsbury])
    figures = {"intervention_id": partnership["intervention"], "year": "2026", "started": "12"}
    assert lead.post(f"/place-teams/{dewsbury}/delivery", data=figures).status_code == 302
    with app.app_context(), new_session() as session:
        record_id = session.exec(select(DeliveryRecord.id)).one()
    delete_url = f"/place-teams/{dewsbury}/delivery/{record_id}/delete"
    assert delete_url in lead.get(f"/place-teams/{dewsbury}").get_data(as_text=True)
    confirm = lead.get(delete_url)
    assert confirm.status_code == 200
    assert (
        "Are you sure you want to delete the delivery record of Incredible Years in Dewsbury, "
        "2026/27?" in confirm.get_data(as_text=True)
    )

    assert sign_in_as(Role.FINANCE_LEAD).post(delete_url).status_code == 403
    other_lead = sign_in_as(Role.PLACE_LEAD, place_ids=[batley])
    assert other_lead.post(delete_url).status_code == 403
    assert other_lead.post(f"/place-teams/{batley}/delivery/{record_id}/delete").status_code == 404
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert lead.post(delete_url).status_code == 400  # no CSRF token: refused
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context(), new_session() as session:
        assert session.get(DeliveryRecord, record_id) is not None

    deleted = lead.post(delete_url)
    assert deleted.status_code == 302
    assert deleted.location.endswith(f"/place-teams/{dewsbury}#planned-delivered-heading")
    with app.app_context(), new_session() as session:
        assert session.get(DeliveryRecord, record_id) is None
        event = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "delivery", AuditEvent.action == "delete")
        ).one()
    assert event.before["started"] == 12 and event.user_name == "Place lead"  # type: ignore[index]
    assert event.summary == ("Deleted the delivery record of Incredible Years in Dewsbury, 2026/27")
    page = lead.get(f"/place-teams/{dewsbury}").get_data(as_text=True)
    assert delete_url not in page


def test_completed_cannot_exceed_started(app: Flask, partnership) -> None:
    token = token_for(app, Role.COMMISSIONER)
    response = record(app, token, partnership, started=12, completed=13)
    assert response.status_code == 422
    assert response.json["errors"] == [
        {"field": "completed", "message": "cannot be more than the 12 people started"}
    ]
    with app.app_context(), new_session() as session:
        assert session.exec(select(DeliveryRecord)).all() == []


def agree(app: Flask, plan_id: int) -> None:
    from types import SimpleNamespace

    from planner.delivery.agreement import agree_plan

    with app.app_context(), new_session() as session:
        agree_plan(session, plan_id, SimpleNamespace(id=None, name="Commissioner"))


def test_years_outside_the_agreed_plan_are_refused(app: Flask, partnership) -> None:
    token = token_for(app, Role.COMMISSIONER)
    # Before any plan is agreed there is no horizon to hold delivery to.
    assert record(app, token, partnership, year=2029, started=1).status_code == 201
    agree(app, partnership["plan"])
    response = record(app, token, partnership, year=2028, started=5)
    assert response.status_code == 422
    assert response.json["errors"] == [
        {
            "field": "year",
            "message": "2028/29 is outside the agreed plan's years (2026/27 to 2027/28)",
        }
    ]
    assert record(app, token, partnership, year=2027, started=5).status_code == 201


def test_an_ne_rated_intervention_never_has_delivery(app: Flask, partnership) -> None:
    with app.app_context(), new_session() as session:
        harmful = Intervention(
            name="Prison awareness",
            target_group="Families",
            unit_cost=Decimal("150"),
            evidence_rating="NE",
        )
        session.add(harmful)
        session.commit()
        harmful_id = harmful.id
    token = token_for(app, Role.COMMISSIONER)
    response = record(app, token, partnership, intervention_id=harmful_id, started=3)
    assert response.status_code == 422
    assert response.json["errors"] == [
        {
            "field": "intervention_id",
            "message": "Prison awareness is rated NE (no effect, or harmful) and is never "
            "funded, so no delivery of it can be recorded",
        }
    ]


def test_delivery_not_in_the_plan_is_kept_and_shown_so(app: Flask, partnership) -> None:
    """Batley has no allocation: a team may still run the programme there."""
    with app.app_context(), new_session() as session:
        session.add(
            PlacePopulation(place_id=partnership["batley"], target_group="Families", population=50)
        )
        session.commit()
    agree(app, partnership["plan"])
    token = token_for(app, Role.COMMISSIONER)
    saved = record(app, token, partnership, place_id=partnership["batley"], started=8)
    assert saved.status_code == 201, saved.json
    with app.app_context(), new_session() as session:
        lines = delivery_against_plan(session, partnership["plan"])
    batley = [line for line in lines if line.place == "Batley"]
    assert [(line.planned, line.started, line.progress) for line in batley] == [
        (0.0, 8, "Not in the plan")
    ]


def test_a_place_lead_reads_delivery_against_the_agreed_plan_only(app: Flask, partnership) -> None:
    with app.app_context(), new_session() as session:
        other = Plan(scenario_name="Draft", status=PlanStatus.OPTIMAL, result={"years": [2026]})
        session.add(other)
        session.commit()
        other_id = other.id
    lead = bearer(token_for(app, Role.PLACE_LEAD, place_ids=[partnership["dewsbury"]]))
    client = app.test_client()
    refusal = {
        "errors": [
            {
                "field": None,
                "message": "Place leads can see planned against delivered for the agreed plan only",
            }
        ]
    }
    before = client.get(f"/api/v1/plans/{partnership['plan']}/delivery", headers=lead)
    assert before.status_code == 403 and before.json == refusal
    agree(app, partnership["plan"])
    agreed = client.get(f"/api/v1/plans/{partnership['plan']}/delivery", headers=lead)
    assert agreed.status_code == 200
    assert [row["planned"] for row in agreed.json["items"]] == [40.0, 50.0]
    draft = client.get(f"/api/v1/plans/{other_id}/delivery", headers=lead)
    assert draft.status_code == 403 and draft.json == refusal
    finance = bearer(token_for(app, Role.FINANCE_LEAD))
    assert client.get(f"/api/v1/plans/{other_id}/delivery", headers=finance).status_code == 200
