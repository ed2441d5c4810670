"""A demo-loaded app shared by the tests of one module (scenarios, plans, browser).

The demo (with its solved, agreed plan) is prepared once per test process and copied for each
module that asks: on SQLite the database file is copied, on PostgreSQL a new database is made
from the prepared one as its template. Each module still has a database of its own, since its
tests change it, and the conftest's per-test apps empty the shared test database when they
finish, which must not wipe a module's demo half-way through (tests may interleave under xdist).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models.vocabulary import Role
from planner.demo.content import DEMO_PASSWORD
from planner.demo.loader import load_demo
from planner.demo.partnership import SIGN_INS
from planner.jobs.backends import stop_job_pool
from tests.conftest import make_app, sign_in, throwaway_postgres_database


def demo_app_for_module(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, **overrides: object
) -> Iterator[Flask]:
    """An app with the demo partnership and its sign-ins loaded, for one test module."""
    folder = tmp_path_factory.mktemp("demo")
    prepared = _prepared_demo(request, tmp_path_factory)
    # On PostgreSQL the prepared demo is a database's name (planner_test_...), not an address.
    if (request.config.getoption("--database-url") or "").startswith("postgres"):
        with throwaway_postgres_database(request, template=prepared) as postgres_url:
            app = make_app(postgres_url or "", folder, **overrides)
            yield app
            stop_job_pool(app)
            app.extensions["engine"].dispose()
        return
    shutil.copyfile(prepared, folder / "planner.sqlite")
    app = make_app(f"sqlite:///{folder / 'planner.sqlite'}", folder, **overrides)
    yield app
    stop_job_pool(app)
    app.extensions["engine"].dispose()


_PREPARED: dict[str, str] = {}


def _prepared_demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo loaded once in this test process: a SQLite file's path, or the name of a
    PostgreSQL database to copy (dropped when the run ends)."""
    server = request.config.getoption("--database-url") or ""
    if server in _PREPARED:
        return _PREPARED[server]
    folder = tmp_path_factory.mktemp("prepared-demo")
    if server.startswith("postgres"):
        context = throwaway_postgres_database(request)
        url = context.__enter__()
        request.config.add_cleanup(lambda: context.__exit__(None, None, None))
        app = make_app(url or "", folder)
        prepared = (url or "").rpartition("/")[2]
    else:
        app = make_app(f"sqlite:///{folder / 'planner.sqlite'}", folder)
        prepared = str(folder / "planner.sqlite")
    with app.app_context():
        load_demo()
    app.extensions["engine"].dispose()  # a template database must have no one connected
    _PREPARED[server] = prepared
    return prepared


def demo_email(role: Role) -> str:
    return next(sign_in.email for sign_in in SIGN_INS if sign_in.role == role)


def demo_client(app: Flask, role: Role) -> FlaskClient:
    """A test client signed in as the demo's user with `role`."""
    client = app.test_client()
    sign_in(client, demo_email(role), DEMO_PASSWORD)
    return client
