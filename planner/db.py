"""The database: one engine per app, one session per request, Alembic for the schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g
from sqlalchemy import Engine, event, text
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401  (registers every table on SQLModel.metadata)
from planner.core.generation import LEAVE_GENERATION, watch

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        # Background solves write from another thread.
        options["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(url, **options)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
        # SQLAlchemy 2.1 reads a new row's id back from SQLite's INSERT ... RETURNING as a float
        # (1.0), which then reaches audit records and JSON; the cursor's lastrowid is an int.
        engine.dialect.insert_returning = False
    watch(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys (and ON DELETE CASCADE) unless asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def init_app(app: Flask) -> None:
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)


def engine() -> Engine:
    return current_app.extensions["engine"]


def get_session() -> Session:
    """The request's database session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def new_session() -> Iterator[Session]:
    """A session of its own, for work outside a request (CLI, background solves)."""
    with Session(engine(), expire_on_commit=False) as session:
        yield session


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(revision: str = "head") -> None:
    """Bring the schema up to date with the migrations."""
    with engine().begin() as connection:
        connection.execution_options(**{LEAVE_GENERATION: True})
        config = alembic_config(current_app.config["DATABASE_URL"])
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def schema_drift() -> list[Any]:
    """Differences between the tables in `models` and the migrated database (empty = none)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with engine().connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return list(compare_metadata(context, SQLModel.metadata))


def database_is_reachable() -> bool:
    try:
        with engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001  (any failure means "not reachable" to the health check)
        return False


def stored_id(row: SQLModel) -> int:
    """The id the database gave a row once it has been flushed (an error before then, never a
    silent None written into a foreign key)."""
    row_id = getattr(row, "id", None)
    if not isinstance(row_id, int):
        raise ValueError(f"{type(row).__name__} has no id yet: flush the session first")
    return row_id
