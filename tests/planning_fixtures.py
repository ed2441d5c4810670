"""A demo-loaded app shared by the tests of one module (scenarios, plans, browser).

Loading the demo takes about a second, so each module loads it once. On PostgreSQL the module
gets a database of its own: the conftest's per-test apps empty the shared test database when they
finish, which must not wipe a module's demo half-way through (tests may interleave under xdist).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from models.vocabulary import Role
from planner.config import normalise_database_url
from planner.demo.content import DEMO_PASSWORD
from planner.demo.loader import load_demo
from planner.demo.partnership import SIGN_INS
from tests.conftest import make_app, sign_in


def _own_database(request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    server_url = request.config.getoption("--database-url")
    if not server_url or not server_url.startswith("postgres"):
        yield f"sqlite:///{folder / 'planner.sqlite'}"
        return
    server_url = normalise_database_url(server_url)
    name = f"planner_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = server_url.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def demo_app_for_module(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, **overrides: object
) -> Iterator[Flask]:
    """An app with the demo partnership and its sign-ins loaded, for one test module."""
    folder = tmp_path_factory.mktemp("demo")
    databases = _own_database(request, folder)
    url = next(databases)
    app = make_app(url, folder, **overrides)
    with app.app_context():
        load_demo()
    yield app
    app.extensions["engine"].dispose()
    next(databases, None)


def demo_email(role: Role) -> str:
    return next(sign_in.email for sign_in in SIGN_INS if sign_in.role == role)


def demo_client(app: Flask, role: Role) -> FlaskClient:
    """A test client signed in as the demo's user with `role`."""
    client = app.test_client()
    sign_in(client, demo_email(role), DEMO_PASSWORD)
    return client
