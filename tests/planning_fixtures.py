"""A demo-loaded app shared by the tests of one module (scenarios, plans, browser).

Loading the demo takes about a second, so each module loads it once. On PostgreSQL the module
gets a database of its own: the conftest's per-test apps empty the shared test database when they
finish, which must not wipe a module's demo half-way through (tests may interleave under xdist).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models.vocabulary import Role
from planner.demo.content import DEMO_PASSWORD
from planner.demo.loader import load_demo
from planner.demo.partnership import SIGN_INS
from tests.conftest import make_app, sign_in, throwaway_postgres_database


def demo_app_for_module(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, **overrides: object
) -> Iterator[Flask]:
    """An app with the demo partnership and its sign-ins loaded, for one test module."""
    folder = tmp_path_factory.mktemp("demo")
    with throwaway_postgres_database(request) as postgres_url:
        app = make_app(
            postgres_url or f"sqlite:///{folder / 'planner.sqlite'}", folder, **overrides
        )
        with app.app_context():
            load_demo()
        yield app
        app.extensions["engine"].dispose()


def demo_email(role: Role) -> str:
    return next(sign_in.email for sign_in in SIGN_INS if sign_in.role == role)


def demo_client(app: Flask, role: Role) -> FlaskClient:
    """A test client signed in as the demo's user with `role`."""
    client = app.test_client()
    sign_in(client, demo_email(role), DEMO_PASSWORD)
    return client
