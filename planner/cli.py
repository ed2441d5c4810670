"""The `planner` command: serve the app, migrate the database, load the demo, manage users.

Each command exits non-zero with a one-line reason when its input is wrong.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NoReturn

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from models.vocabulary import Role

if TYPE_CHECKING:
    from flask import Flask


def main() -> None:
    """Entry point of the `planner` console script."""
    # The demo and the production server both build the app here, not from FLASK_APP.
    os.environ.setdefault("FLASK_RUN_FROM_CLI", "false")
    cli = FlaskGroup(
        create_app=_create_app,
        add_default_commands=True,
        add_version_option=False,
        load_dotenv=False,
        help="Plan pooled early-intervention budgets across a partnership.",
    )
    cli.main(prog_name="planner")


def _create_app() -> Flask:
    from planner import create_app

    return create_app()


def fail(message: str) -> NoReturn:
    """Stop with a one-line reason and a non-zero exit code."""
    raise click.ClickException(message)


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
        from planner.demo.loader import ensure_demo

        for line in ensure_demo():
            click.echo(line)
    click.echo(f"Serving on http://{host}:{port} with {workers} worker(s). Press Ctrl+C to stop.")
    serve(current_app._get_current_object(), host=host, port=port, workers=workers, threads=threads)  # type: ignore[attr-defined]


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


@click.group("users")
def users_group() -> None:
    """Manage the people who can sign in."""


@users_group.command("create")
@click.option("--email", required=True, help="Their email address; they sign in with it.")
@click.option("--name", required=True, help="Their name as shown in the app.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.COMMISSIONER.value,
    show_default=True,
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 10 characters.",
)
@click.option(
    "--place", "places", multiple=True, help="For place leads: a place they lead (repeat for more)."
)
@with_appcontext
def users_create(email: str, name: str, role: str, password: str, places: tuple[str, ...]) -> None:
    """Create a user who can sign in."""
    from sqlmodel import select

    from models import Place
    from planner.auth.service import AccountError, create_user
    from planner.db import new_session

    with new_session() as session:
        place_ids = []
        for place_name in places:
            place = session.exec(select(Place).where(Place.name == place_name)).first()
            if place is None:
                fail(f"there is no place called '{place_name}'")
            place_ids.append(place.id)
        if role == Role.PLACE_LEAD and not place_ids:
            fail("a place lead needs at least one --place")
        try:
            user = create_user(
                session,
                {"email": email, "name": name, "role": role, "password": password},
                place_ids=place_ids,
            )
        except AccountError as error:
            fail(str(error))
    click.echo(f"Created {user.email} ({role}).")


def commands() -> list[click.Command]:
    """Every top-level command; feature packages add theirs here."""
    from planner.excel.commands import COMMANDS as EXCEL_COMMANDS
    from planner.solving.commands import solve_command

    found: list[click.Command] = [serve_command, db_group, demo_command, users_group, solve_command]
    found += EXCEL_COMMANDS
    return found


if __name__ == "__main__":  # pragma: no cover
    main()
