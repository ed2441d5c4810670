"""The commands that build the app: serving it, migrating its database, loading the demo, and
the command group that runs any command with the app built (planner.cli lists them without)."""

from __future__ import annotations

import importlib
import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from planner.cli import COMMANDS, ListsCommands, fail

if TYPE_CHECKING:
    from flask import Flask


class PlannerGroup(ListsCommands, FlaskGroup):
    """Flask's command group (each command builds the app when it runs, with the app's start-up
    and database failures told in one line), listing only the planner's own commands."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # The app is always the planner's own: no --app, --env-file or --debug to choose another.
        self.params = [p for p in self.params if p.name not in ("app", "env_file", "debug")]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        with _one_line_reasons(ctx):
            module, _, attribute = target[0].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line_reasons(ctx):
            return super().invoke(ctx)


@contextmanager
def _one_line_reasons(ctx: click.Context) -> Iterator[None]:
    """Turn a configuration or database failure into click's one-line error and exit code 1."""
    try:
        yield
    except click.ClickException:
        raise
    except Exception as error:
        reason = startup_reason(ctx, error)
        if reason is None:
            raise
        raise click.ClickException(reason) from None


def startup_reason(ctx: click.Context, error: BaseException) -> str | None:
    """A one-line reason for a failure any command can meet, or None for any other failure."""
    from alembic.util import CommandError
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from planner.config import ConfigError

    if isinstance(error, ConfigError):
        return str(error)
    where = _database_address(ctx)
    if isinstance(error, OperationalError):
        return f"could not reach the database{where}: {_first_line(error.orig or error)}"
    if isinstance(error, SQLAlchemyError):
        cause = getattr(error, "orig", None) or error  # only driver errors carry the driver's
        return f"the database{where} refused the request: {_first_line(cause)}"
    if isinstance(error, CommandError):
        return f"could not migrate the database{where}: {_first_line(error)}"
    if isinstance(error, PermissionError):
        return f"could not use {error.filename}: permission denied (set PLANNER_INSTANCE_PATH)"
    return None


def _database_address(ctx: click.Context) -> str:
    from sqlalchemy.engine import make_url

    try:
        app = ctx.ensure_object(ScriptInfo).load_app()
        url = make_url(app.config["DATABASE_URL"]).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001  (the address only adds detail to the reason)
        return ""
    return f" at {url}"


def _first_line(error: object) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def create_planner_app() -> Flask:
    from planner import create_app

    return create_app()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes."
)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per worker.",
)
@click.option(
    "--demo", is_flag=True, help="Load the demo partnership first if the database is empty."
)
@with_appcontext
def serve_command(host: str, port: int, workers: int, threads: int, demo: bool) -> None:
    """Serve the app with gunicorn, a production-grade WSGI server."""
    from planner.db import upgrade_database
    from planner.server import serve

    upgrade_database()
    if demo:
        _ensure_demo_in_a_process_of_its_own()
    from flask import current_app

    from planner.core.page_cache import clear_kept_pages

    # Pages kept by the previous run may come from other code: the workers start with none.
    clear_kept_pages(current_app)

    click.echo(f"Serving on http://{host}:{port} with {workers} worker(s). Press Ctrl+C to stop.")
    serve(current_app._get_current_object(), host=host, port=port, workers=workers, threads=threads)  # type: ignore[attr-defined]


def _ensure_demo_in_a_process_of_its_own() -> None:
    """Load (and solve) the demo in a child process that ends before gunicorn forks its workers.

    HiGHS starts a pool of threads the first time it solves; workers forked from a process that
    holds them inherit a pool without its threads, and abort when they exit.
    """
    child = multiprocessing.get_context("spawn").Process(target=_ensure_demo)
    child.start()
    child.join()
    if child.exitcode != 0:
        fail("the demo partnership could not be loaded (the reason is above)")


def _ensure_demo() -> None:
    from planner.demo.loader import ensure_demo

    app = create_planner_app()
    with app.app_context():
        for line in ensure_demo():
            click.echo(line)


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Migration to upgrade to.")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply the database migrations."""
    from planner.db import upgrade_database

    try:
        upgrade_database(revision)
    except Exception as error:  # noqa: BLE001
        fail(f"could not upgrade the database: {str(error).splitlines()[0]}")
    click.echo("Database is up to date.")


@db_group.command("check")
@with_appcontext
def db_check() -> None:
    """Fail if the tables in the code differ from the migrated database."""
    from planner.db import schema_drift, upgrade_database

    upgrade_database()
    drift = schema_drift()
    if drift:
        for difference in drift:
            click.echo(f"  {difference}", err=True)
        fail(f"{len(drift)} difference(s) between the models and the migrations")
    click.echo("No differences between the models and the migrations.")


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete every existing record first.")
@with_appcontext
def demo_command(reset: bool) -> None:
    """Load the illustrative West Yorkshire demo partnership and its sign-ins."""
    from planner.db import upgrade_database
    from planner.demo.loader import DemoError, load_demo

    upgrade_database()
    try:
        for line in load_demo(reset=reset):
            click.echo(line)
    except DemoError as error:
        fail(str(error))
