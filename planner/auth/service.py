"""Accounts: creating users, checking passwords, loading the signed-in user."""

from __future__ import annotations

from flask_login import UserMixin
from pydantic import ValidationError
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import User, UserPlace
from models.fields import field_errors
from models.user import UserCreate
from models.vocabulary import Role
from planner.audit.service import record_change
from planner.db import stored_id


class SignedInUser(UserMixin):
    """The session's view of a user: just what pages need, detached from the database."""

    def __init__(self, user: User, place_ids: list[int]) -> None:
        if user.id is None:
            raise ValueError("Only a saved user can sign in")
        self.id: int = user.id
        self.email = user.email
        self.name = user.name
        self.role = Role(user.role)
        self.place_ids = place_ids

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_active(self) -> bool:
        return True


class AccountError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def load_signed_in_user(session: Session, user_id: int) -> SignedInUser | None:
    """The user with this id as signed in, or None for no such user or a deactivated one."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    return signed_in(session, user)


def signed_in(session: Session, user: User) -> SignedInUser:
    """A saved user as signed in, with the places they lead."""
    place_ids = session.exec(select(UserPlace.place_id).where(UserPlace.user_id == user.id)).all()
    return SignedInUser(user, list(place_ids))


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


def create_user(
    session: Session,
    fields: dict[str, object],
    *,
    place_ids: list[int] | None = None,
    actor: SignedInUser | None = None,
) -> User:
    """Validate and save a new user (one transaction), recording it in the audit log."""
    try:
        details = UserCreate.model_validate(fields)
    except ValidationError as error:
        raise AccountError(field_errors(error)) from error
    if session.exec(select(User).where(User.email == details.email)).first():
        raise AccountError({"email": f"{details.email} already has an account"})
    user = User(
        **details.model_dump(exclude={"password"}),
        password_hash=generate_password_hash(details.password),
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
