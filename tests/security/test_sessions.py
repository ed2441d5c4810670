"""Sessions that end: a cookie captured before sign-out, a password change or reset, or
deactivation no longer works, nor does a remember-me cookie; idle and absolute timeouts end a
session; a user an administrator asked to change their password can do nothing else first."""

from __future__ import annotations

import time
import uuid

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from models import User
from models.vocabulary import Role
from planner.db import new_session
from tests.conftest import PASSWORD, add_user, sign_in

NEW_PASSWORD = "lantern orchard pebble"


def signed_in_twice(
    app: Flask, role: Role = Role.COMMISSIONER
) -> tuple[str, FlaskClient, FlaskClient]:
    """One user signed in on two devices (two clients with their own cookies)."""
    email = add_user(app, role)
    first, second = app.test_client(), app.test_client()
    sign_in(first, email)
    sign_in(second, email)
    return email, first, second


def is_signed_in(client: FlaskClient) -> bool:
    response = client.get("/")
    return response.status_code == 200


def test_a_session_captured_before_sign_out_stops_working(app: Flask) -> None:
    email = add_user(app, Role.COMMISSIONER)
    client = app.test_client()
    sign_in(client, email)
    captured = client.get_cookie("session").value
    client.post("/sign-out")
    attacker = app.test_client()
    attacker.set_cookie("session", captured)
    assert attacker.get("/").status_code == 302
    assert "/sign-in" in attacker.get("/").headers["Location"]


def test_signing_out_ends_the_users_other_sessions(app: Flask) -> None:
    _, first, second = signed_in_twice(app)
    assert is_signed_in(second)
    first.post("/sign-out")
    assert not is_signed_in(second)


def test_a_remember_me_cookie_ends_with_the_session_version(app: Flask) -> None:
    email = add_user(app, Role.COMMISSIONER)
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    remember = client.get_cookie("remember_token").value
    # The remember-me cookie alone signs in (a browser restarted, its session cookie gone) ...
    restarted = app.test_client()
    restarted.set_cookie("remember_token", remember)
    assert is_signed_in(restarted)
    # ... until the user signs out anywhere.
    other = app.test_client()
    sign_in(other, email)
    other.post("/sign-out")
    replayed = app.test_client()
    replayed.set_cookie("remember_token", remember)
    assert not is_signed_in(replayed)


def test_an_admin_password_reset_ends_the_users_sessions(app: Flask, sign_in_as) -> None:
    email, device, _ = signed_in_twice(app)
    admin = sign_in_as(Role.ADMIN)
    with app.app_context(), new_session() as session:
        user_id = session.exec(select(User.id).where(User.email == email)).one()
    response = admin.post(
        f"/users/{user_id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "require_change": "y"},
    )
    assert response.status_code == 302
    assert not is_signed_in(device)


def test_deactivation_ends_the_users_sessions(app: Flask, sign_in_as) -> None:
    email, device, _ = signed_in_twice(app)
    admin = sign_in_as(Role.ADMIN)
    with app.app_context(), new_session() as session:
        user_id = session.exec(select(User.id).where(User.email == email)).one()
    assert admin.post(f"/users/{user_id}/deactivate").status_code == 302
    assert not is_signed_in(device)
    # Reactivated, the old cookie still does not come back to life.
    assert admin.post(f"/users/{user_id}/reactivate").status_code == 302
    assert not is_signed_in(device)


def test_users_change_their_own_password_and_other_devices_sign_out(app: Flask) -> None:
    email, device, other = signed_in_twice(app)
    page = device.get("/account/password")
    assert page.status_code == 200 and "Change your password" in page.get_data(as_text=True)
    wrong = device.post(
        "/account/password",
        data={"current": "not it at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert "Your current password is not right" in wrong.get_data(as_text=True)
    common = device.post(
        "/account/password",
        data={"current": PASSWORD, "password": "password123456", "confirm": "password123456"},
    )
    assert common.status_code == 422 and "too common" in common.get_data(as_text=True)
    changed = device.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert is_signed_in(device)  # this device carries on
    assert not is_signed_in(other)  # the other one must sign in again
    fresh = app.test_client()
    sign_in(fresh, email, NEW_PASSWORD)


def test_an_admin_can_require_a_new_password_at_next_sign_in(app: Flask, sign_in_as) -> None:
    email = add_user(app, Role.FINANCE_LEAD)
    admin = sign_in_as(Role.ADMIN)
    with app.app_context(), new_session() as session:
        user_id = session.exec(select(User.id).where(User.email == email)).one()
    admin.post(
        f"/users/{user_id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "require_change": "y"},
    )
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": NEW_PASSWORD})
    assert response.headers["Location"].endswith("/account/password")
    # Nothing else until they have.
    assert client.get("/plans/").headers["Location"].endswith("/account/password")
    client.post(
        "/account/password",
        data={
            "current": NEW_PASSWORD,
            "password": "velvet canal thunder",
            "confirm": "velvet canal thunder",
        },
    )
    assert client.get("/plans/").status_code == 200


def test_accounts_an_admin_creates_choose_their_own_password_first(app: Flask, sign_in_as) -> None:
    admin = sign_in_as(Role.ADMIN)
    fields = {"name": "Priya Shah", "email": "priya@kirklees.example", "password": NEW_PASSWORD}
    assert admin.post("/users/new", data={**fields, "role": "commissioner"}).status_code == 302
    client = app.test_client()
    response = client.post("/sign-in", data={"email": fields["email"], "password": NEW_PASSWORD})
    assert response.headers["Location"].endswith("/account/password")


def _age_session(client: FlaskClient, **seconds_ago: int) -> None:
    with client.session_transaction() as session:
        for mark, ago in seconds_ago.items():
            session[mark] = int(time.time()) - ago


def test_an_idle_session_ends(app: Flask) -> None:
    email = add_user(app, Role.COMMISSIONER)
    client = app.test_client()
    sign_in(client, email)
    _age_session(client, seen_at=29 * 60)
    assert is_signed_in(client)
    _age_session(client, seen_at=31 * 60)
    response = client.get("/plans/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out after 30 minutes without using the planner" in page


def test_a_session_ends_some_hours_after_signing_in_however_busy(app: Flask) -> None:
    email = add_user(app, Role.COMMISSIONER)
    client = app.test_client()
    sign_in(client, email)
    _age_session(client, signed_in_at=13 * 3600, seen_at=10)
    assert not is_signed_in(client)


def test_timeouts_are_configurable(database_url: str, tmp_path) -> None:
    from tests.conftest import make_app

    app = make_app(database_url, tmp_path, SESSION_IDLE_MINUTES="5", SESSION_MAX_HOURS=1)
    assert app.config["SESSION_IDLE_MINUTES"] == 5
    # Its own address: on PostgreSQL this app shares the run's database with other tests.
    email = add_user(app, Role.COMMISSIONER, email=f"idle-{uuid.uuid4().hex[:8]}@example.org")
    client = app.test_client()
    sign_in(client, email)
    _age_session(client, seen_at=6 * 60)
    assert not is_signed_in(client)
