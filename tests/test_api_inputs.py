"""Inputs through the JSON API: the input services' rules, role checks, paging, error shape."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from models import AuditEvent
from models.vocabulary import Role
from planner.db import new_session
from tests.test_api_tokens import bearer, token_for


@pytest.fixture
def editor(app: Flask) -> tuple[FlaskClient, dict[str, str]]:
    return app.test_client(), bearer(token_for(app, Role.COMMISSIONER))


def test_partner_create_read_change_delete(app: Flask, editor) -> None:
    client, headers = editor
    created = client.post(
        "/api/v1/partners",
        json={"name": "West Yorkshire Police", "kind": "police"},
        headers=headers,
    )
    assert created.status_code == 201, created.json
    partner_id = created.json["id"]
    read = client.get(f"/api/v1/partners/{partner_id}", headers=headers)
    assert read.json["kind"] == "police"

    changed = client.patch(
        f"/api/v1/partners/{partner_id}",
        json={"notes": "Lead for Section 75"},
        headers={**headers, "If-Match": read.headers["ETag"]},
    )
    assert changed.status_code == 200
    # Fields not sent keep their value.
    assert changed.json["name"] == "West Yorkshire Police"
    assert changed.json["notes"] == "Lead for Section 75"

    deleted = client.delete(f"/api/v1/partners/{partner_id}", headers=headers)
    assert deleted.status_code == 204
    gone = client.get(f"/api/v1/partners/{partner_id}", headers=headers)
    assert gone.status_code == 404
    assert gone.json["errors"][0] == {
        "field": None,
        "message": f"There is no partner with id {partner_id}",
    }

    with app.app_context(), new_session() as session:
        actions = session.exec(
            select(AuditEvent.action).where(AuditEvent.entity == "partner")
        ).all()
    assert actions == ["create", "update", "delete"]


def test_lists_are_paged_with_a_total(editor) -> None:
    client, headers = editor
    for number in range(5):
        client.post(
            "/api/v1/places",
            json={"name": f"Ward {number}", "district": "Kirklees"},
            headers=headers,
        )
    page = client.get("/api/v1/places?limit=2&offset=2", headers=headers)
    assert page.status_code == 200
    assert page.json["total"] == 5
    assert [place["name"] for place in page.json["items"]] == ["Ward 2", "Ward 3"]
    too_many = client.get("/api/v1/places?limit=100000", headers=headers)
    assert too_many.status_code == 422
    assert too_many.json["errors"] == [{"field": "limit", "message": "must be 500 or less"}]


def test_validation_errors_name_the_field(editor) -> None:
    client, headers = editor
    partner = client.post("/api/v1/partners", json={"name": "Kirklees Council"}, headers=headers)
    line = client.post(
        "/api/v1/budget-lines",
        json={"partner_id": partner.json["id"], "year": 2026, "maximum": "-5"},
        headers=headers,
    )
    assert line.status_code == 422
    assert {"field": "maximum", "message": "must be 0 or more"} in line.json["errors"]
    above = client.post(
        "/api/v1/budget-lines",
        json={"partner_id": partner.json["id"], "year": 2026, "maximum": "500", "minimum": "600"},
        headers=headers,
    )
    assert above.status_code == 422
    assert above.json["errors"] == [
        {
            "field": "minimum",
            "message": "The committed minimum (£600.00) is more than the maximum (£500.00) "
            "for 2026/27",
        }
    ]
    duplicate = client.post("/api/v1/partners", json={"name": "Kirklees Council"}, headers=headers)
    assert duplicate.status_code == 409
    assert duplicate.json["errors"][0]["field"] == "name"
    assert "already" in duplicate.json["errors"][0]["message"]


def test_refused_deletion_says_why(editor) -> None:
    client, headers = editor
    partner = client.post(
        "/api/v1/partners", json={"name": "Calderdale Council"}, headers=headers
    ).json
    line = client.post(
        "/api/v1/budget-lines",
        json={"partner_id": partner["id"], "year": 2026, "maximum": "250000"},
        headers=headers,
    )
    assert line.status_code == 201, line.json
    assert line.json["maximum"] == "250000.00"
    refused = client.delete(f"/api/v1/partners/{partner['id']}", headers=headers)
    assert refused.status_code == 409
    assert refused.json["errors"][0]["field"] is None
    assert "budget line" in refused.json["errors"][0]["message"]


def test_demand_types_carry_their_cost_shares(editor) -> None:
    client, headers = editor
    police = client.post("/api/v1/partners", json={"name": "Police"}, headers=headers).json
    council = client.post("/api/v1/partners", json={"name": "Council"}, headers=headers).json
    body = {
        "name": "Domestic abuse call-out",
        "unit": "call-out",
        "unit_cost": "850",
        "cost_shares": [
            {"partner_id": police["id"], "share_percent": "70"},
            {"partner_id": council["id"], "share_percent": "20"},
        ],
    }
    short = client.post("/api/v1/demand-types", json=body, headers=headers)
    assert short.status_code == 422
    assert "must total 100%" in short.json["errors"][0]["message"]
    body["cost_shares"][1]["share_percent"] = "30"
    created = client.post("/api/v1/demand-types", json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert {share["share_percent"] for share in created.json["cost_shares"]} == {"70.00", "30.00"}


def test_child_records_live_under_their_parent(editor) -> None:
    client, headers = editor
    place = client.post(
        "/api/v1/places", json={"name": "Dewsbury", "district": "Kirklees"}, headers=headers
    ).json
    population = client.post(
        f"/api/v1/places/{place['id']}/populations",
        json={"target_group": "Families", "population": 1200},
        headers=headers,
    )
    assert population.status_code == 201, population.json
    listed = client.get(f"/api/v1/places/{place['id']}/populations", headers=headers)
    assert listed.json["total"] == 1 and listed.json["items"][0]["population"] == 1200
    missing = client.get("/api/v1/places/9999/populations", headers=headers)
    assert missing.status_code == 404


def test_commissioning_cycle_is_read_and_replaced(editor) -> None:
    client, headers = editor
    partner = client.post("/api/v1/partners", json={"name": "ICB"}, headers=headers).json
    assert client.get(f"/api/v1/partners/{partner['id']}/cycle", headers=headers).status_code == 404
    saved = client.put(
        f"/api/v1/partners/{partner['id']}/cycle",
        json={"budget_setting_month": 3, "open_years": [2027, 2026], "contract_length_years": 2},
        headers=headers,
    )
    assert saved.status_code == 200, saved.json
    assert saved.json["open_years"] == [2026, 2027]


@pytest.mark.parametrize(
    ("role", "method", "status"),
    [
        (Role.FINANCE_LEAD, "get", 200),
        (Role.FINANCE_LEAD, "post", 403),
        (Role.PLACE_LEAD, "get", 403),
        (Role.ADMIN, "post", 201),
    ],
)
def test_role_rules_match_the_web_app(app: Flask, role: Role, method: str, status: int) -> None:
    client, headers = app.test_client(), bearer(token_for(app, role))
    if method == "get":
        response = client.get("/api/v1/partners", headers=headers)
    else:
        response = client.post("/api/v1/partners", json={"name": "Fund"}, headers=headers)
    assert response.status_code == status
    if status == 403:
        assert "does not allow" in response.json["errors"][0]["message"]


def test_budget_line_districts_must_be_the_partnerships(editor) -> None:
    client, headers = editor
    partner = client.post(
        "/api/v1/partners",
        json={"name": "Kirklees Council", "district": "Kirklees"},
        headers=headers,
    ).json
    client.post(
        "/api/v1/places", json={"name": "Batley East", "district": "Kirklees"}, headers=headers
    )
    client.post("/api/v1/places", json={"name": "Park", "district": "Calderdale"}, headers=headers)
    body = {"partner_id": partner["id"], "year": 2026, "maximum": "1000"}
    atlantis = client.post(
        "/api/v1/budget-lines", json={**body, "districts": ["Atlantis"]}, headers=headers
    )
    assert atlantis.status_code == 422
    assert atlantis.json["errors"] == [
        {
            "field": "districts",
            "message": "'Atlantis' is not the district of any place or partner; use one of: "
            "Calderdale, Kirklees",
        }
    ]
    saved = client.post(
        "/api/v1/budget-lines", json={**body, "districts": [" kirklees "]}, headers=headers
    )
    assert saved.status_code == 201, saved.json
    assert saved.json["districts"] == ["Kirklees"]
