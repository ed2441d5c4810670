"""Every form post needs the CSRF token: each POST route of the app, posted without one by a
signed-in administrator (who may use them all), is refused with 400 and changes nothing. The
JSON API is the exception by design: it signs in by token only, never by the browser's cookie,
so a page elsewhere cannot make a browser call it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import func, select

from models import AuditEvent, Plan
from models.vocabulary import Role
from planner.db import new_session
from planner.demo.content import DEMO_PASSWORD
from tests.planning_fixtures import demo_app_for_module, demo_email
from tests.test_access import ROUTES, address, route_arguments

POSTS = [
    pytest.param(endpoint, rule, id=rule)
    for endpoint, rule, methods in ROUTES
    if "POST" in methods and not rule.startswith("/api/")
]


@pytest.fixture(scope="module")
def csrf_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    yield from demo_app_for_module(request, tmp_path_factory, WTF_CSRF_ENABLED=True)


@pytest.fixture(scope="module")
def arguments(csrf_app: Flask) -> dict[str, object]:
    return route_arguments(csrf_app)


@pytest.fixture(scope="module")
def admin(csrf_app: Flask) -> FlaskClient:
    """Signed in the proper way: with the token from the sign-in form."""
    client = csrf_app.test_client()
    form = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    signed_in = client.post(
        "/sign-in",
        data={"email": demo_email(Role.ADMIN), "password": DEMO_PASSWORD, "csrf_token": token},
    )
    assert signed_in.status_code == 302
    return client


def record_counts(app: Flask) -> tuple[int, int]:
    with app.app_context(), new_session() as session:
        audited = session.exec(select(func.count()).select_from(AuditEvent)).one()
        plans = session.exec(select(func.count()).select_from(Plan)).one()
        return audited, plans


def test_there_are_form_posts_to_check() -> None:
    assert len(POSTS) > 40


@pytest.mark.parametrize(("endpoint", "rule"), POSTS)
def test_a_post_without_the_csrf_token_is_refused(
    csrf_app: Flask, admin: FlaskClient, arguments: dict[str, object], endpoint: str, rule: str
) -> None:
    before = record_counts(csrf_app)
    response = admin.post(address(endpoint, rule, arguments), data={"name": "Forged"})
    assert response.status_code == 400, rule
    assert "did not come from this site" in response.get_data(as_text=True)
    assert record_counts(csrf_app) == before  # nothing saved, deleted, run or audited
    assert admin.get("/").status_code == 200  # and the session is still signed in


def test_signing_in_without_the_token_is_refused(csrf_app: Flask) -> None:
    response = csrf_app.test_client().post(
        "/sign-in", data={"email": demo_email(Role.ADMIN), "password": DEMO_PASSWORD}
    )
    assert response.status_code == 400


def test_the_api_takes_no_cookie_so_needs_no_csrf_token(
    csrf_app: Flask, admin: FlaskClient
) -> None:
    response = admin.post("/api/v1/partners", json={"name": "Forged", "kind": "other"})
    assert response.status_code == 401  # the browser's session signs nobody in to the API
