"""User administration: administrators create, change, deactivate and reactivate accounts and
reset passwords; everyone else is refused; every change is audited."""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from models import AuditEvent, User, UserPlace
from models.vocabulary import Role
from planner.db import new_session
from planner.inputs import service as inputs
from tests.conftest import PASSWORD, add_user
from tests.test_inputs import page

NEW_PASSWORD = "a much longer secret"


def make_place(app: Flask, name: str = "Dewsbury") -> int:
    with app.app_context(), new_session() as session:
        return inputs.create_place(session, {"name": name, "district": "Kirklees"}).id  # type: ignore[return-value]


def user_called(app: Flask, email: str) -> User:
    with app.app_context(), new_session() as session:
        return session.exec(select(User).where(User.email == email)).one()


def signs_in(app: Flask, email: str, password: str = PASSWORD) -> bool:
    response = app.test_client().post("/sign-in", data={"email": email, "password": password})
    return response.status_code == 302


def test_admin_lists_and_creates_users(app: Flask, sign_in_as) -> None:
    place_id = make_place(app)
    admin = sign_in_as(Role.ADMIN)
    assert "Admin" in page(admin.get("/users/"))
    form = page(admin.get("/users/new"))
    assert "Places they lead" in form and "Dewsbury (Kirklees)" in form
    fields = {"name": "Priya Shah", "email": "priya@kirklees.example", "password": NEW_PASSWORD}
    no_place = admin.post("/users/new", data={**fields, "role": "place_lead"})
    assert "Choose at least one place for a place lead to see" in page(no_place)
    short = admin.post("/users/new", data={**fields, "role": "commissioner", "password": "short"})
    assert "First password must be at least 12 characters (it has 5)" in page(short)
    not_email = admin.post("/users/new", data={**fields, "role": "commissioner", "email": "priya"})
    assert "&#39;priya&#39; is not an email address" in page(not_email)
    created = admin.post(
        "/users/new", data={**fields, "role": "place_lead", "places": [str(place_id)]}
    )
    assert created.status_code == 302
    listing = page(admin.get(created.location))
    assert "Priya Shah" in listing and "Place lead" in listing and "Dewsbury" in listing
    assert signs_in(app, "priya@kirklees.example", NEW_PASSWORD)
    again = admin.post("/users/new", data={**fields, "role": "commissioner"})
    assert "priya@kirklees.example already has an account" in page(again)


def test_admin_changes_role_and_places(app: Flask, sign_in_as) -> None:
    first, second = make_place(app), make_place(app, "Batley")
    admin = sign_in_as(Role.ADMIN)
    email = add_user(app, Role.COMMISSIONER, email="sam@example.org")
    user = user_called(app, email)
    assert '<option selected value="commissioner">' in page(admin.get(f"/users/{user.id}"))
    blank = admin.post(f"/users/{user.id}", data={"name": "", "role": "commissioner"})
    assert "Full name is required" in page(blank)
    changed = admin.post(
        f"/users/{user.id}",
        data={"name": "Sam Patel", "role": "place_lead", "places": [str(first), str(second)]},
    )
    assert changed.status_code == 302
    with app.app_context(), new_session() as session:
        assert session.get(User, user.id).role == Role.PLACE_LEAD
        links = session.exec(select(UserPlace.place_id).where(UserPlace.user_id == user.id)).all()
        assert sorted(links) == sorted([first, second])
        event = session.exec(select(AuditEvent).where(AuditEvent.entity == "user")).all()[-1]
    assert event.before["role"] == "commissioner" and event.after["role"] == "place_lead"
    assert event.after["places"] == ["Batley", "Dewsbury"]
    # Back to commissioner: the places are dropped, since only place leads have them.
    admin.post(
        f"/users/{user.id}",
        data={"name": "Sam Patel", "role": "commissioner", "places": [str(first)]},
    )
    with app.app_context(), new_session() as session:
        assert session.exec(select(UserPlace).where(UserPlace.user_id == user.id)).first() is None


def test_deactivate_and_reactivate(app: Flask, sign_in_as) -> None:
    admin = sign_in_as(Role.ADMIN)
    email = add_user(app, Role.FINANCE_LEAD, email="fin@example.org")
    user = user_called(app, email)
    done = admin.post(f"/users/{user.id}/deactivate")
    assert done.status_code == 302
    assert "Deactivated Finance lead: they can no longer sign in." in page(admin.get(done.location))
    assert not signs_in(app, email)
    assert "Deactivated" in page(admin.get("/users/"))
    admin.post(f"/users/{user.id}/reactivate")
    assert signs_in(app, email)
    with app.app_context(), new_session() as session:
        summaries = session.exec(
            select(AuditEvent.summary).where(AuditEvent.entity == "user")
        ).all()
    assert "Deactivated Finance lead" in summaries and "Reactivated Finance lead" in summaries


def test_an_admin_cannot_lock_themself_out(app: Flask) -> None:
    from tests.conftest import sign_in

    email = add_user(app, Role.ADMIN, email="only-admin@example.org")
    admin = app.test_client()
    sign_in(admin, email)
    me = user_called(app, email)
    refused = admin.post(f"/users/{me.id}/deactivate")
    assert "You cannot deactivate your own account" in page(admin.get(refused.location))
    demoted = admin.post(f"/users/{me.id}", data={"name": "Admin", "role": "commissioner"})
    assert "You cannot remove your own administrator role" in page(demoted)
    other_email = add_user(app, Role.ADMIN, email="second-admin@example.org")
    other = user_called(app, other_email)
    admin.post(f"/users/{other.id}/deactivate")
    assert user_called(app, email).role == Role.ADMIN and user_called(app, email).active


def test_reset_password(app: Flask, sign_in_as) -> None:
    admin = sign_in_as(Role.ADMIN)
    email = add_user(app, Role.COMMISSIONER, email="forgot@example.org")
    user = user_called(app, email)
    url = f"/users/{user.id}/password"
    assert "New password" in page(admin.get(url))
    mismatch = admin.post(url, data={"password": NEW_PASSWORD, "confirm": "something else"})
    assert "The two passwords do not match" in page(mismatch)
    short = admin.post(url, data={"password": "short", "confirm": "short"})
    assert "The new password must be at least 12 characters (it has 5)" in page(short)
    assert (
        admin.post(url, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    )
    assert signs_in(app, email, NEW_PASSWORD) and not signs_in(app, email, PASSWORD)
    with app.app_context(), new_session() as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.summary.startswith("Reset"))).one()  # type: ignore[attr-defined]
    assert event.before is None and event.after is None  # never the password


def test_only_admins_manage_users(app: Flask, sign_in_as) -> None:
    target = user_called(app, add_user(app, Role.COMMISSIONER, email="t@example.org"))
    for role in (Role.COMMISSIONER, Role.FINANCE_LEAD, Role.PLACE_LEAD):
        client = sign_in_as(role)
        for url in ("/users/", "/users/new", f"/users/{target.id}", f"/users/{target.id}/password"):
            assert client.get(url).status_code == 403, (role, url)
        assert client.post(f"/users/{target.id}/deactivate").status_code == 403
    assert user_called(app, "t@example.org").active
    signed_out = app.test_client().get("/users/")
    assert signed_out.status_code == 302 and "/sign-in" in signed_out.location
    assert sign_in_as(Role.ADMIN).get("/users/999").status_code == 404


def test_user_names_are_escaped(app: Flask, sign_in_as) -> None:
    admin = sign_in_as(Role.ADMIN)
    hostile = "<script>alert(1)</script>"
    admin.post(
        "/users/new",
        data={
            "name": hostile,
            "email": "x@example.org",
            "role": "commissioner",
            "password": NEW_PASSWORD,
        },
    )
    for url in ("/users/", "/audit/"):
        shown = page(admin.get(url))
        assert hostile not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown


def test_deactivating_needs_the_csrf_token(csrf_app: Flask) -> None:
    admin_email = add_user(csrf_app, Role.ADMIN)
    target = user_called(csrf_app, add_user(csrf_app, Role.COMMISSIONER, email="c@example.org"))
    client = csrf_app.test_client()
    token = page(client.get("/sign-in")).split('name="csrf_token" type="hidden" value="')[1]
    client.post(
        "/sign-in",
        data={"email": admin_email, "password": PASSWORD, "csrf_token": token.split('"')[0]},
    )
    assert client.post(f"/users/{target.id}/deactivate").status_code == 400
    assert user_called(csrf_app, "c@example.org").active
