"""Alembic environment: the tables come from `models`; the database is the app's own (the
connection `planner db upgrade` hands over, or, for the `alembic` command, the URL the app would
use: DATABASE_URL, PLANNER_DATABASE_URL, or the SQLite file in the instance folder)."""

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool
from sqlmodel import SQLModel

import models  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata


def database_url() -> str:
    from pathlib import Path

    from planner.config import default_database_url, instance_folder

    url = default_database_url(instance_folder())
    if url.startswith("sqlite"):
        Path(instance_folder()).mkdir(parents=True, exist_ok=True)
    return url


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = engine_from_config(
        {"sqlalchemy.url": database_url()}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as connection:
        run_migrations(connection)


if context.is_offline_mode():
    context.configure(url=database_url(), target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
