"""The data generation: a counter raised in the same transaction as every committed change.

Every write the app makes goes through the one engine, so the engine notes any INSERT, UPDATE
or DELETE on a connection and, when that connection commits, raises the counter just before the
commit, in the same transaction: a change and the new generation are seen together or not at
all, by every process. A rolled-back transaction raises nothing. Pages kept by
planner.core.page_cache are kept under the generation they were rendered at, so they are out of
date from the moment a change commits, in every web process at once.

Writes to the tables below change nothing any page shows and are frequent, so they leave the
generation alone: the counter itself, a running job's heartbeat and progress (pages show a plan
or analysis's own status, which is written on its own row), when an API token was last used,
and Alembic's bookkeeping.
"""

from __future__ import annotations

import re
from typing import Any

from flask import g, has_request_context
from sqlalchemy import Connection, Engine, event, select
from sqlmodel import Session

from models.generation import GENERATION_ROW, DataGeneration

UNSHOWN_TABLES = frozenset({"data_generation", "job", "api_token", "alembic_version"})
# Skips the counter for a connection: migrations (the table may not exist yet part-way; a new
# release starts with an empty page cache anyway).
LEAVE_GENERATION = "planner_leave_generation"
_CHANGED = "planner_changed_data"
_WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+[\"`\[]?(\w+)", re.IGNORECASE
)
# An upsert, so that a table emptied by hand (the tests' TRUNCATE) gets its row back.
_RAISE = (
    f"INSERT INTO data_generation (id, value) VALUES ({GENERATION_ROW}, 1) "
    "ON CONFLICT (id) DO UPDATE SET value = data_generation.value + 1"
)


def watch(engine: Engine) -> None:
    """Raise the generation on every commit of this engine's connections that changed data."""
    event.listen(engine, "before_cursor_execute", _note_write)
    event.listen(engine, "commit", _raise_before_commit)
    event.listen(engine, "rollback", _forget_writes)


def _note_write(
    connection: Connection,
    _cursor: Any,
    statement: str,
    _parameters: Any,
    _context: Any,
    _executemany: bool,
) -> None:
    info = connection.info
    if info.get(_CHANGED):
        return
    found = _WRITE.match(statement)
    if found is not None and found.group(1).lower() not in UNSHOWN_TABLES:
        info[_CHANGED] = True


def _raise_before_commit(connection: Connection) -> None:
    # Runs inside Connection.commit, before the database commits: the raise is part of the
    # transaction. The driver's own cursor, since the connection is mid-commit.
    if not connection.info.pop(_CHANGED, False):
        return
    if connection.get_execution_options().get(LEAVE_GENERATION):
        return
    cursor = connection.connection.cursor()
    try:
        cursor.execute(_RAISE)
    finally:
        cursor.close()


def _forget_writes(connection: Connection) -> None:
    connection.info.pop(_CHANGED, None)


def generation_query() -> Any:
    """The generation as a scalar subquery, to read it in the same query as something else."""
    return (
        select(DataGeneration.value)  # type: ignore[call-overload]
        .where(DataGeneration.id == GENERATION_ROW)
        .scalar_subquery()
    )


def note_request_generation(value: int | None) -> None:
    """Keep the generation read with the signed-in user for the rest of the request."""
    if has_request_context():
        g.data_generation = value


def request_generation(session: Session) -> int | None:
    """The generation as this request first read it (None if the counter has no row, when
    nothing may be kept). Read once: a page rendered later in the request is at least as new."""
    if "data_generation" not in g:
        g.data_generation = session.exec(
            select(DataGeneration.value).where(DataGeneration.id == GENERATION_ROW)  # type: ignore[call-overload]
        ).scalar_one_or_none()
    value: int | None = g.data_generation
    return value
