"""API tokens: created and revoked by their user, stored hashed, required by every API call."""

from __future__ import annotations

import re

from flask import Flask
from sqlmodel import select

from models import ApiToken, AuditEvent
from models.vocabulary import Role
from planner.db import new_session
from planner.tokens.service import create_token, hash_token
from tests.conftest import PASSWORD, add_user


def token_for(
    app: Flask, role: Role = Role.COMMISSIONER, place_ids: list[int] | None = None
) -> str:
    """Create a user with `role` and a token for them; return the token."""
    email = add_user(app, role, email=f"{role.value}-api@example.org", place_ids=place_ids)
    from models import User

    with app.app_context(), new_session() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        _, secret = create_token(session, user.id, {"name": "tests"})
    return secret


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_api_calls_need_a_token(client) -> None:
    response = client.get("/api/v1/tokens")
    assert response.status_code == 401
    assert response.json["errors"][0]["field"] is None
    assert "Authorization: Bearer" in response.json["errors"][0]["message"]
    wrong = client.get("/api/v1/tokens", headers=bearer("pcp_not-a-real-token"))
    assert wrong.status_code == 401
    assert "not valid" in wrong.json["errors"][0]["message"]


def test_a_browser_session_does_not_sign_in_to_the_api(app: Flask, sign_in_as) -> None:
    browser = sign_in_as(Role.ADMIN)
    assert browser.get("/api/v1/tokens").status_code == 401


def test_token_life_cycle_through_the_api(app: Flask, client) -> None:
    first = token_for(app)
    created = client.post(
        "/api/v1/tokens", json={"name": "  Finance export "}, headers=bearer(first)
    )
    assert created.status_code == 201, created.json
    second = created.json["token"]
    assert second.startswith("pcp_") and created.json["name"] == "Finance export"
    assert created.json["prefix"] == second[:10]

    with app.app_context(), new_session() as session:
        stored = session.exec(select(ApiToken)).all()
        # Only hashes are stored, never the token itself.
        assert {token.token_hash for token in stored} == {hash_token(first), hash_token(second)}
        assert all(second not in token.token_hash + token.prefix[10:] for token in stored)

    listed = client.get("/api/v1/tokens", headers=bearer(second))
    assert listed.status_code == 200
    assert listed.json["total"] == 2
    assert listed.json["items"][0]["name"] == "Finance export"
    assert listed.json["items"][0]["created_at"].endswith("Z")

    revoked = client.delete(f"/api/v1/tokens/{created.json['id']}", headers=bearer(first))
    assert revoked.status_code == 200
    assert revoked.json["revoked_at"] is not None
    assert client.get("/api/v1/tokens", headers=bearer(second)).status_code == 401
    assert client.get("/api/v1/tokens", headers=bearer(first)).status_code == 200

    with app.app_context(), new_session() as session:
        actions = session.exec(
            select(AuditEvent.summary).where(AuditEvent.entity == "api_token")
        ).all()
    assert "Revoked API token 'Finance export'" in actions


def test_users_cannot_revoke_each_others_tokens(app: Flask, client) -> None:
    mine = token_for(app, Role.COMMISSIONER)
    theirs = token_for(app, Role.FINANCE_LEAD)
    their_id = client.get("/api/v1/tokens", headers=bearer(theirs)).json["items"][0]["id"]
    response = client.delete(f"/api/v1/tokens/{their_id}", headers=bearer(mine))
    assert response.status_code == 404
    assert client.get("/api/v1/tokens", headers=bearer(theirs)).status_code == 200


def test_token_name_is_validated_with_the_error_shape(app: Flask, client) -> None:
    token = token_for(app)
    blank = client.post("/api/v1/tokens", json={"name": ""}, headers=bearer(token))
    assert blank.status_code == 422
    assert blank.json == {"errors": [{"field": "name", "message": "is required"}]}
    not_json = client.post("/api/v1/tokens", data="name=x", headers=bearer(token))
    assert not_json.status_code == 422
    assert "JSON object" in not_json.json["errors"][0]["message"]


def test_deactivated_users_tokens_stop_working(app: Flask, client) -> None:
    from models import User

    token = token_for(app)
    with app.app_context(), new_session() as session:
        for user in session.exec(select(User)).all():
            user.active = False
            session.add(user)
        session.commit()
    assert client.get("/api/v1/tokens", headers=bearer(token)).status_code == 401


def test_tokens_page_creates_shows_once_and_revokes(app: Flask, sign_in_as) -> None:
    browser = sign_in_as(Role.PLACE_LEAD)
    page = browser.get("/account/api-tokens/")
    assert page.status_code == 200 and b"no API tokens yet" in page.data
    created = browser.post("/account/api-tokens/", data={"name": "Team dashboard"})
    assert created.status_code == 201
    html = created.get_data(as_text=True)
    assert "shown only this once" in html
    secret = html.split('id="new-token">')[1].split("<")[0]
    api = app.test_client()
    assert api.get("/api/v1/tokens", headers=bearer(secret)).status_code == 200
    again = browser.get("/account/api-tokens/").get_data(as_text=True)
    assert secret not in again and "Team dashboard" in again

    with app.app_context(), new_session() as session:
        token_id = session.exec(select(ApiToken.id)).one()
    revoked = browser.post(f"/account/api-tokens/{token_id}/revoke")
    assert revoked.status_code == 302
    assert api.get("/api/v1/tokens", headers=bearer(secret)).status_code == 401
    assert b"Revoked" in browser.get("/account/api-tokens/").data


def test_tokens_page_needs_a_name(app: Flask, sign_in_as) -> None:
    browser = sign_in_as(Role.FINANCE_LEAD)
    response = browser.post("/account/api-tokens/", data={"name": ""})
    assert response.status_code == 422
    assert b"Say what the token is for" in response.data


def test_tokens_page_form_needs_csrf(csrf_app: Flask) -> None:
    email = add_user(csrf_app, Role.COMMISSIONER)
    browser = csrf_app.test_client()
    page = browser.get("/sign-in").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    browser.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token})
    refused = browser.post("/account/api-tokens/", data={"name": "No CSRF"})
    assert refused.status_code == 400
    # The API itself takes no CSRF token: the bearer token is the proof.
    api = csrf_app.test_client()
    with csrf_app.app_context(), new_session() as session:
        from models import User

        user = session.exec(select(User)).one()
        _, secret = create_token(session, user.id, {"name": "x"})
    assert (
        api.post("/api/v1/tokens", json={"name": "ok"}, headers=bearer(secret)).status_code == 201
    )
