"""The database goes down and comes back: every page answers 503 in words (styled, signed in or
not), the API answers 503 JSON, /health answers 503, and all recover without a restart.

The test runs a PostgreSQL server of its own (initdb and pg_ctl from Debian's postgresql
package, in a temporary folder), since stopping the shared one would break other tests.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from models.vocabulary import Role
from tests.conftest import PASSWORD, add_user, make_app, missing_system_package, sign_in


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        missing_system_package(
            "PostgreSQL's initdb is not installed (Debian package postgresql)", module_level=True
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OwnPostgres:
    """A PostgreSQL server in a folder of its own; as root, it runs as the postgres user."""

    def __init__(self, folder: Path) -> None:
        self.bin = _postgres_bin()
        self.folder = folder
        self.data = folder / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                missing_system_package("runuser is needed to run PostgreSQL as a non-root user")
            self.as_user = [runuser, "-u", "postgres", "--"]
            shutil.chown(folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [*self.as_user, str(self.bin / program), *args]
        finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if finished.returncode != 0:
            raise RuntimeError(f"{program} failed: {finished.stderr or finished.stdout}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture(scope="module")
def postgres() -> Iterator[OwnPostgres]:
    # Directly under /tmp: the postgres user cannot enter pytest's root-only folders.
    folder = Path(tempfile.mkdtemp(prefix="planner-own-postgres-"))
    try:
        server = OwnPostgres(folder)
        server.start()
        yield server
        with contextlib.suppress(RuntimeError):  # already stopped by a failed test
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def outage_app(postgres: OwnPostgres, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app(postgres.url, tmp_path_factory.mktemp("outage"))


def api_token(app: Flask, email: str) -> str:
    from sqlmodel import select

    from models import User
    from planner.db import new_session
    from planner.tokens.service import create_token

    with app.app_context(), new_session() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        return create_token(session, user.id or 0, {"name": "outage test"})[1]


def test_a_database_outage_is_answered_in_words_and_recovered_from(
    outage_app: Flask, postgres: OwnPostgres
) -> None:
    email = add_user(outage_app, Role.COMMISSIONER)
    token = api_token(outage_app, email)
    signed_in = outage_app.test_client()
    sign_in(signed_in, email)
    visitor = outage_app.test_client()
    api = {"Authorization": f"Bearer {token}"}
    assert signed_in.get("/").status_code == 200
    assert signed_in.get("/api/v1/scenarios", headers=api).status_code == 200

    postgres.stop()
    try:
        for response in (
            signed_in.get("/"),
            signed_in.get("/scenarios/"),
            visitor.post("/sign-in", data={"email": email, "password": PASSWORD}),
        ):
            page = response.get_data(as_text=True)
            assert response.status_code == 503, page
            assert response.headers["Retry-After"] == "30"
            assert "The planner cannot reach its database just now" in page
            assert "Nothing you entered was saved by this request" in page
            assert "/static/css/planner.css" in page  # the site's own styled page
            assert "Sign out" not in page  # nobody's name or menu: reading them needs the database

        answer = signed_in.get("/api/v1/scenarios", headers=api)
        assert answer.status_code == 503
        assert answer.json == {
            "errors": [{"field": None, "message": "The planner cannot reach its database just now"}]
        }
        for client in (signed_in, visitor):
            health = client.get("/health")
            assert health.status_code == 503
            assert health.json == {"status": "unavailable", "database": False}
    finally:
        postgres.start()

    # Back without a restart: the pool's stale connections are tested and replaced.
    assert signed_in.get("/").status_code == 200
    assert signed_in.get("/api/v1/scenarios", headers=api).status_code == 200
    assert visitor.get("/health").status_code == 200
