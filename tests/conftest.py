"""Fixtures after the Flask tutorial: `app`, `client`, `runner`, plus signed-in clients per role.

The suite runs on SQLite by default. With `--database-url postgresql://...` (or DATABASE_URL set
to a PostgreSQL URL) it creates a throw-away database for the run and empties it between tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from models.vocabulary import Role
from planner import create_app
from planner.config import normalise_database_url

PASSWORD = "correct horse battery"

# CI sets this: there, a missing Chromium or LibreOffice is a broken install, not a reason to
# skip the tests that need them.
REQUIRE_SYSTEM_PACKAGES = os.environ.get("CI_REQUIRE_SYSTEM_PACKAGES") == "1"


def missing_system_package(reason: str, *, module_level: bool = False) -> NoReturn:
    """Skip a test that needs a Debian package that is not installed, or fail it in CI."""
    if REQUIRE_SYSTEM_PACKAGES:
        pytest.fail(f"{reason} (CI_REQUIRE_SYSTEM_PACKAGES=1)", pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="PostgreSQL server URL to run the suite against (default: SQLite per test).",
    )


@contextmanager
def throwaway_postgres_database(
    request: pytest.FixtureRequest, template: str | None = None
) -> Iterator[str | None]:
    """A new PostgreSQL database on the server given by --database-url (a copy of `template`,
    when given), dropped afterwards; or None when the suite runs on SQLite."""
    server_url = request.config.getoption("--database-url")
    if not server_url or not server_url.startswith("postgres"):
        yield None
        return
    server_url = normalise_database_url(server_url)
    name = f"planner_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        copied = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{copied}'))
    base, _, _ = server_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """A throw-away PostgreSQL database for this run, or None to use SQLite."""
    with throwaway_postgres_database(request) as url:
        yield url


@pytest.fixture
def database_url(postgres_url: str | None, tmp_path: Any) -> str:
    return postgres_url or f"sqlite:///{tmp_path / 'planner.sqlite'}"


def make_app(database_url: str, tmp_path: Any, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "AUTO_MIGRATE": True,
        "WTF_CSRF_ENABLED": False,
        "SOLVE_IN_BACKGROUND": False,
        "LOG_LEVEL": "WARNING",
        "INSTANCE_PATH": str(tmp_path),
        **overrides,
    }
    return create_app(config)


def empty_database(app: Flask) -> None:
    from planner.jobs.backends import stop_job_pool

    stop_job_pool(app)
    engine = app.extensions["engine"]
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        tables = connection.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename != 'alembic_version'"
            )
        ).scalars()
        names = ", ".join(f'"{table}"' for table in tables)
        if names:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Any) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path)
    yield app
    empty_database(app)


@pytest.fixture
def csrf_app(database_url: str, tmp_path: Any) -> Iterator[Flask]:
    """An app with CSRF protection on, as in production."""
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    yield app
    empty_database(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


def add_user(
    app: Flask, role: Role, *, email: str | None = None, place_ids: list[int] | None = None
) -> str:
    """Create a user with `role` and return their email address."""
    from planner.auth.service import create_user
    from planner.db import new_session

    email = email or f"{role.value}@example.org"
    with app.app_context(), new_session() as session:
        create_user(
            session,
            {"email": email, "name": role.label, "role": role.value, "password": PASSWORD},
            place_ids=place_ids,
        )
    return email


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 302, response.data


@pytest.fixture(scope="module")
def demo_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """The demo partnership and its sign-ins, loaded once for each test module that asks."""
    from tests.planning_fixtures import demo_app_for_module  # it builds on this module's helpers

    yield from demo_app_for_module(request, tmp_path_factory)


@pytest.fixture
def sign_in_as(app: Flask):  # type: ignore[no-untyped-def]
    """sign_in_as(Role.COMMISSIONER) -> a test client signed in with that role."""

    def signed_in(role: Role, place_ids: list[int] | None = None) -> FlaskClient:
        email = add_user(
            app, role, email=f"{role.value}-{uuid.uuid4().hex[:6]}@example.org", place_ids=place_ids
        )
        client = app.test_client()
        sign_in(client, email)
        return client

    return signed_in
