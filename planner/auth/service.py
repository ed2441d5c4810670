"""Accounts: creating users, checking passwords, loading the signed-in user."""

from __future__ import annotations

import secrets
from functools import cache
from typing import Any

from flask_login import UserMixin
from pydantic import ValidationError
from sqlalchemy import Row, bindparam
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import User, UserPlace
from models.fields import field_errors
from models.passwords import password_problem
from models.user import UserCreate
from models.vocabulary import Role
from planner.audit.service import record_change
from planner.core.generation import generation_query, note_request_generation
from planner.db import stored_id
from planner.security.sessions import end_every_session, session_id


class SignedInUser(UserMixin):
    """The session's view of a user: just what pages need, detached from the database."""

    def __init__(self, user: User | Row[Any], place_ids: list[int]) -> None:
        if user.id is None:
            raise ValueError("Only a saved user can sign in")
        self.id: int = user.id
        self.email = user.email
        self.name = user.name
        self.role = Role(user.role)
        self.place_ids = place_ids
        self.session_version = user.session_version or 1
        self.must_change_password = bool(user.must_change_password)

    def get_id(self) -> str:
        """The id a session and a remember-me cookie keep: the user's id and session version,
        so that raising the version ends them (planner.security.sessions)."""
        return session_id(self.id, self.session_version)

    @property
    def is_active(self) -> bool:
        return True


class AccountError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def load_signed_in_user(session: Session, user_id: int, version: int) -> SignedInUser | None:
    """The user with this id as signed in, or None for no such user, a deactivated one, or a
    session signed in under an older session version (ended by sign-out, a new password or
    deactivation)."""
    # One query per request, its columns only (no ORM object to build): the user, the places
    # they lead and the data generation (planner.core.page_cache: are kept pages up to date).
    rows = session.connection().execute(_SIGNED_IN, {"user_id": user_id}).all()
    if not rows:
        return None
    user = rows[0]
    note_request_generation(user.generation)
    if not user.active or (user.session_version or 1) != version:
        return None
    return SignedInUser(user, [row.place_id for row in rows if row.place_id is not None])


# What a signed-in user is read as, row by row (one row per place they lead): the API reads the
# same columns beside its token (planner.tokens.service).
SIGNED_IN_COLUMNS = (
    User.id,
    User.email,
    User.name,
    User.role,
    User.active,
    User.session_version,
    User.must_change_password,
    UserPlace.place_id,
    generation_query().label("generation"),
)

_SIGNED_IN = (
    select(*SIGNED_IN_COLUMNS)  # type: ignore[call-overload]
    .outerjoin(UserPlace, col(UserPlace.user_id) == col(User.id))
    .where(col(User.id) == bindparam("user_id"))
    .order_by(col(UserPlace.place_id))
)


def signed_in(session: Session, user: User) -> SignedInUser:
    """A saved user as signed in, with the places they lead."""
    place_ids = session.exec(select(UserPlace.place_id).where(UserPlace.user_id == user.id)).all()
    return SignedInUser(user, list(place_ids))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    An unknown email costs the same work as a known one (a password is checked against a
    stand-in hash), so the time taken does not tell whether an account exists."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    stored = user.password_hash if user is not None else _stand_in_hash()
    matches = check_password_hash(stored, password)
    if user is None or not user.active or not matches:
        return None
    return user


@cache
def _stand_in_hash() -> str:
    """A hash made the same way as users' (so checking it takes as long) of a random secret."""
    return generate_password_hash(secrets.token_urlsafe(32))


def create_user(
    session: Session,
    fields: dict[str, object],
    *,
    place_ids: list[int] | None = None,
    actor: SignedInUser | None = None,
    must_change_password: bool = False,
) -> User:
    """Validate and save a new user (one transaction), recording it in the audit log. With
    `must_change_password` they choose their own password when they first sign in."""
    try:
        details = UserCreate.model_validate(fields)
    except ValidationError as error:
        raise AccountError(field_errors(error)) from error
    if session.exec(select(User).where(User.email == details.email)).first():
        raise AccountError({"email": f"{details.email} already has an account"})
    user = User(
        **details.model_dump(exclude={"password"}),
        password_hash=generate_password_hash(details.password),
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    for place_id in place_ids or []:
        session.add(UserPlace(user_id=stored_id(user), place_id=place_id))
    record_change(session, actor, "create", "user", user.id, None, _public(user, place_ids))
    session.commit()
    return user


def _public(user: User, place_ids: list[int] | None) -> dict[str, object]:
    return {
        "email": user.email,
        "name": user.name,
        "role": str(user.role),
        "active": user.active,
        "places": place_ids or [],
    }


def signed_out(session: Session, user_id: int) -> None:
    """End every session and remember-me cookie of this user (they signed out)."""
    user = session.get(User, user_id)
    if user is not None:
        end_every_session(session, user)
        session.commit()


def change_own_password(
    session: Session, user_id: int, *, current: str, new: str, confirm: str
) -> User:
    """A user changes their own password: the current one must be right and the new one
    acceptable. Every other session of theirs ends; the audit log says it changed, not to what."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise AccountError({"current": "Your account is no longer active"})
    if not check_password_hash(user.password_hash, current):
        raise AccountError({"current": "Your current password is not right"})
    problem = password_problem(new, email=user.email)
    if problem:
        raise AccountError({"password": f"The new password {problem}"})
    if new != confirm:
        raise AccountError({"confirm": "The two new passwords do not match"})
    if check_password_hash(user.password_hash, new):
        raise AccountError({"password": "The new password must differ from the current one"})
    user.password_hash = generate_password_hash(new)
    user.must_change_password = False
    end_every_session(session, user)
    record_change(
        session,
        user_id_actor(user),
        "update",
        "user",
        user.id,
        None,
        None,
        f"{user.name} changed their password",
    )
    session.commit()
    return user


def user_id_actor(user: User) -> SignedInUser:
    """The user as the actor of a change they make to their own account."""
    return SignedInUser(user, [])
