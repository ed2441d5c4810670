"""Managing who can sign in: roles, the places a place lead sees, deactivation, passwords.

Every change is audited (never the password itself) and saved in one transaction. The
partnership always keeps at least one active administrator, and an administrator cannot lock
themself out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, func, select
from werkzeug.security import generate_password_hash

from models import Place, User, UserPlace
from models.fields import field_errors
from models.passwords import password_problem
from models.user import UserBase, UserCreate
from models.vocabulary import Role
from planner.audit.service import record_change
from planner.auth.service import AccountError, SignedInUser, create_user
from planner.security.sessions import end_every_session


@dataclass(frozen=True)
class Account:
    user: User
    places: list[Place]


def accounts(session: Session) -> list[Account]:
    """Everyone who can (or could) sign in, active first, by name."""
    places_by_user: dict[int, list[Place]] = {}
    for link, place in session.exec(
        select(UserPlace, Place).join(Place, UserPlace.place_id == Place.id).order_by(Place.name)  # type: ignore[arg-type]
    ):
        places_by_user.setdefault(link.user_id, []).append(place)
    users = session.exec(select(User).order_by(User.active.desc(), User.name)).all()  # type: ignore[attr-defined]
    return [Account(user, places_by_user.get(user.id, [])) for user in users]  # type: ignore[arg-type]


def account(session: Session, user_id: int) -> Account:
    user = session.get(User, user_id)
    if user is None:
        raise LookupError(f"There is no user with id {user_id}")
    places = session.exec(
        select(Place)
        .join(UserPlace, UserPlace.place_id == Place.id)  # type: ignore[arg-type]
        .where(UserPlace.user_id == user_id)
        .order_by(Place.name)
    ).all()
    return Account(user, list(places))


def create_account(
    session: Session,
    fields: Mapping[str, Any],
    place_ids: Iterable[object] = (),
    *,
    actor: SignedInUser | None = None,
) -> User:
    """Create a user with a first password (fields: email, name, role, password)."""
    chosen = _checked_places(session, fields.get("role"), place_ids)
    try:
        UserCreate.model_validate(dict(fields))
    except ValidationError as error:
        raise AccountError(field_errors(error)) from error
    # The first password was chosen by an administrator: its owner replaces it at first sign-in.
    return create_user(
        session, dict(fields), place_ids=chosen, actor=actor, must_change_password=True
    )


def update_account(
    session: Session,
    user_id: int,
    fields: Mapping[str, Any],
    place_ids: Iterable[object] = (),
    *,
    actor: SignedInUser | None = None,
) -> User:
    """Change a user's name, role and (for place leads) places."""
    current = account(session, user_id)
    user = current.user
    try:
        details = UserBase.model_validate(
            {
                "email": user.email,
                "name": fields.get("name", user.name),
                "role": fields.get("role", user.role),
                "active": user.active,
            }
        )
    except ValidationError as error:
        raise AccountError(field_errors(error)) from error
    chosen = _checked_places(session, details.role, place_ids)
    if user.role == Role.ADMIN and details.role != Role.ADMIN:
        if getattr(actor, "id", None) == user.id:
            raise AccountError({"role": "You cannot remove your own administrator role"})
        _keep_an_admin(session, user)
    before = _public(current)
    user.name = details.name
    user.role = details.role
    for link in session.exec(select(UserPlace).where(UserPlace.user_id == user.id)).all():
        session.delete(link)
    session.flush()
    for place_id in chosen:
        session.add(UserPlace(user_id=user.id, place_id=place_id))  # type: ignore[arg-type]
    session.flush()
    _save_change(
        session,
        actor,
        user,
        before,
        _public(account(session, user_id)),
        f"Changed {user.name}'s account",
    )
    return user


def set_active(
    session: Session, user_id: int, active: bool, *, actor: SignedInUser | None = None
) -> User:
    """Deactivate a user (they can no longer sign in; their history stays) or reactivate them."""
    current = account(session, user_id)
    user = current.user
    if not active:
        if getattr(actor, "id", None) == user.id:
            raise AccountError({"__all__": "You cannot deactivate your own account"})
        if user.role == Role.ADMIN:
            _keep_an_admin(session, user)
    before = _public(current)
    user.active = active
    if not active:
        end_every_session(session, user)
    summary = f"{'Reactivated' if active else 'Deactivated'} {user.name}"
    _save_change(session, actor, user, before, {**before, "active": active}, summary)
    return user


def reset_password(
    session: Session,
    user_id: int,
    password: str,
    *,
    actor: SignedInUser | None = None,
    require_change: bool = True,
) -> User:
    """Give a user a new password to pass on to them securely. Every session they have ends;
    with `require_change` they must choose their own password when they next sign in."""
    user = account(session, user_id).user
    problem = password_problem(password, email=user.email)
    if problem:
        raise AccountError({"password": f"The new password {problem}"})
    user.password_hash = generate_password_hash(password)
    user.must_change_password = require_change
    end_every_session(session, user)
    # The audit log says a password was reset, never what it was or became.
    summary = f"Reset {user.name}'s password" + (
        ", to be changed at their next sign-in" if require_change else ""
    )
    _save_change(session, actor, user, None, None, summary)
    return user


def place_choices(session: Session) -> list[tuple[str, str]]:
    return [
        (str(place.id), f"{place.name} ({place.district})")
        for place in session.exec(select(Place).order_by(Place.district, Place.name))
    ]


def _checked_places(session: Session, role: object, place_ids: Iterable[object]) -> list[int]:
    """Place leads see only their places, so they need at least one; others need none."""
    chosen: list[int] = []
    for raw in place_ids:
        try:
            place = session.get(Place, int(str(raw)))
        except ValueError:
            place = None
        if place is None:
            raise AccountError({"places": f"There is no place with id {raw}"})
        chosen.append(place.id)  # type: ignore[arg-type]
    if str(role) == Role.PLACE_LEAD and not chosen:
        raise AccountError({"places": "Choose at least one place for a place lead to see"})
    return chosen if str(role) == Role.PLACE_LEAD else []


def _keep_an_admin(session: Session, user: User) -> None:
    others = session.exec(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, col(User.active), User.id != user.id)
    ).one()
    if not others:
        raise AccountError(
            {"role": f"{user.name} is the only active administrator; make someone else one first"}
        )


def _public(current: Account) -> dict[str, Any]:
    return {
        "email": current.user.email,
        "name": current.user.name,
        "role": str(current.user.role),
        "active": current.user.active,
        "places": [place.name for place in current.places],
    }


def _save_change(
    session: Session,
    actor: SignedInUser | None,
    user: User,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    summary: str,
) -> None:
    """Save a change to an account with its audit event, in one transaction."""
    try:
        session.add(user)
        record_change(session, actor, "update", "user", user.id, before, after, summary)
        session.commit()
    except BaseException:
        session.rollback()
        raise
