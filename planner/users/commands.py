"""`planner users create`: add someone who can sign in."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from models.vocabulary import Role
from planner.cli import fail


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
    from planner.db import new_session, stored_id

    with new_session() as session:
        place_ids = []
        for place_name in places:
            place = session.exec(select(Place).where(Place.name == place_name)).first()
            if place is None:
                fail(f"there is no place called '{place_name}'")
            place_ids.append(stored_id(place))
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
