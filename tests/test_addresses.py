"""Numbers in addresses: an id or page number larger than the database can hold is refused in
words (404 for a record, 400 for a query parameter), never a server error, on SQLite and on
PostgreSQL alike."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import Partner
from models.vocabulary import Role
from planner.core.ids import MAX_RECORD_ID, numbers_up_to
from planner.db import get_session
from tests.planning_fixtures import demo_client

HUGE = "99999999999999999999"
JUST_TOO_BIG = str(MAX_RECORD_ID + 1)  # beyond PostgreSQL's integer
EIGHTEEN_DIGITS = "9" * 18  # fits SQLite, not PostgreSQL

RECORD_PAGES = [
    "/plans/{id}",
    "/plans/{id}/status",
    "/plans/{id}/progress",
    "/inputs/partners/{id}",
    "/inputs/budget-lines/{id}/edit",
    "/scenarios/{id}",
    "/place-teams/{id}",
    "/users/{id}",
]

QUERIES = [
    ("/plans/?scenario={id}", "scenario number"),
    ("/plans/compare?plan=1&plan={id}", "plan number"),
    ("/audit/?page={id}", "page number"),
]


@pytest.fixture(scope="module")
def admin(demo_app: Flask) -> FlaskClient:
    return demo_client(demo_app, Role.ADMIN)


@pytest.mark.parametrize("number", [HUGE, JUST_TOO_BIG, EIGHTEEN_DIGITS, "9" * 5000])
@pytest.mark.parametrize("address", RECORD_PAGES)
def test_ids_beyond_the_database_are_not_found(
    admin: FlaskClient, address: str, number: str
) -> None:
    response = admin.get(address.format(id=number))
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", [HUGE, JUST_TOO_BIG])
@pytest.mark.parametrize(
    ("method", "address"),
    [
        ("post", "/scenarios/{id}/run"),
        ("post", "/users/{id}/deactivate"),
        ("post", "/inputs/partners/{id}/delete"),
        ("delete", "/api/v1/budget-lines/{id}"),
        ("patch", "/api/v1/partners/{id}"),
    ],
)
def test_other_methods_on_ids_beyond_the_database_are_not_found(
    admin: FlaskClient, method: str, address: str, number: str
) -> None:
    """Not 405: a path that GET also serves still answers 404 to POST, PATCH and DELETE."""
    response = getattr(admin, method)(address.format(id=number))
    assert response.status_code == 404


def test_the_largest_id_still_reaches_the_page(admin: FlaskClient) -> None:
    """The bound is the database's, not lower: the largest id is looked up (and not there)."""
    response = admin.get(f"/inputs/partners/{MAX_RECORD_ID}")
    assert response.status_code == 404
    assert f"There is no partner with id {MAX_RECORD_ID}" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", [HUGE, JUST_TOO_BIG, "0", "-3", "two", "1.5"])
@pytest.mark.parametrize(("address", "what"), QUERIES)
def test_query_numbers_that_cannot_be_records_are_refused_in_words(
    admin: FlaskClient, address: str, what: str, number: str
) -> None:
    response = admin.get(address.format(id=number))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"The address asks for {what} ‘{number}’, which is not one" in page
    assert f"whole number from 1 to {MAX_RECORD_ID:,}" in page


def test_blank_query_numbers_mean_no_filter(admin: FlaskClient) -> None:
    assert admin.get("/plans/?scenario=").status_code == 200
    assert admin.get("/audit/?page=").status_code == 200


def test_a_number_the_database_cannot_hold_is_a_400_not_a_500(app: Flask) -> None:
    """Anything that still hands the database an overlong number (say, from a form field) gets
    a page in words, and the request's session is usable afterwards."""

    @app.get("/test-overlong")
    def overlong() -> str:
        get_session().get(Partner, 2**70)
        return "unreachable"

    response = app.test_client().get("/test-overlong")
    assert response.status_code == 400
    assert "A number in that request is too large" in response.get_data(as_text=True)


@pytest.mark.parametrize("limit", [0, 1, 9, 10, 19, 100, 305, 999, 1000, 2024])
def test_the_id_pattern_matches_exactly_the_numbers_up_to_its_limit(limit: int) -> None:
    pattern = re.compile(numbers_up_to(limit))
    for number in range(3 * limit + 20):
        assert bool(pattern.fullmatch(str(number))) == (number <= limit), number
    assert pattern.fullmatch(f"000{limit}")  # leading zeros name the same record


def test_the_id_pattern_stops_at_the_largest_record_id() -> None:
    pattern = re.compile(numbers_up_to(MAX_RECORD_ID))
    assert pattern.fullmatch(str(MAX_RECORD_ID))
    for number in (MAX_RECORD_ID + 1, 2_999_999_999, 10**10, 10**19):
        assert not pattern.fullmatch(str(number)), number
