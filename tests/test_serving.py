"""The app as it is served: `planner serve` under gunicorn answers, the health check says when
the database is down, and unexpected failures get the 500 page (HTML) or the error shape (JSON)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import make_app

PORTS = range(8850, 8900)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free port between 8850 and 8899 for the served app")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_planner_serve_answers_under_gunicorn(tmp_path: Path, database_url: str) -> None:
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PLANNER_INSTANCE_PATH": str(tmp_path / "instance"),
        "PLANNER_SECRET_KEY": "serve-test-key",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "planner.cli", "serve", "--port", str(port), "--workers", "1"],
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Wait (up to a minute) for gunicorn to listen; what it answers is what is checked.
        for _ in range(240):
            if server.poll() is not None:
                pytest.fail(f"planner serve stopped: {server.stdout.read()}")  # type: ignore[union-attr]
            try:
                status, body = fetch(f"{base}/health")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.25)
        else:
            pytest.fail("planner serve did not start listening within a minute")
        assert status == 200
        assert '"database":true' in body.replace(" ", "")
        status, page = fetch(f"{base}/sign-in")
        assert status == 200
        assert "<h1>Sign in</h1>" in page
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"Serving on http://127.0.0.1:{port} with 1 worker(s)." in output


def test_health_is_503_when_the_database_is_down(tmp_path: Path) -> None:
    app = make_app("postgresql://nobody@127.0.0.1:1/x", tmp_path, AUTO_MIGRATE=False)
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": False}


@pytest.fixture
def failing_app(database_url: str, tmp_path: Path) -> Flask:
    app = make_app(database_url, tmp_path)

    @app.get("/fails")
    def fails() -> str:
        raise RuntimeError("a fault the user cannot fix")

    return app


def test_an_unexpected_failure_gets_the_500_page(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/fails")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "<h1>Sorry, something went wrong on our side</h1>" in page
    assert "Nothing you entered was saved by the failed request." in page
    assert "a fault the user cannot fix" not in page and "Traceback" not in page


def test_an_unexpected_failure_in_json_keeps_the_error_shape(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/fails", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert response.json == {
        "errors": [{"field": None, "message": "Sorry, something went wrong on our side"}]
    }


def test_a_page_needing_the_database_while_it_is_down_gets_the_503_page(tmp_path: Path) -> None:
    """(A database that stops and starts again: test_database_outage.py.)"""
    app = make_app("postgresql://nobody@127.0.0.1:1/x", tmp_path, AUTO_MIGRATE=False)
    response = app.test_client().post(
        "/sign-in", data={"email": "a@example.org", "password": "long enough password"}
    )
    assert response.status_code == 503
    assert "The planner cannot reach its database just now" in response.get_data(as_text=True)
