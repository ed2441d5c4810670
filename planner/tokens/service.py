"""Creating, revoking and checking API tokens.

A token is 32 random bytes, so a single SHA-256 is enough to store it safely (there is nothing
to guess that a slow password hash would protect), and it lets a request find its token by hash.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from models import ApiToken, User, UserPlace
from models.fields import field_errors, utc_now
from models.token import ApiTokenCreate
from planner.audit.service import Actor, record_change
from planner.auth.service import SIGNED_IN_COLUMNS, SignedInUser
from planner.core.generation import note_request_generation

TOKEN_PREFIX = "pcp_"
MAX_ACTIVE_TOKENS = 20


class TokenError(ValueError):
    """A token cannot be created or revoked; `errors` maps field to a plain reason."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session, user_id: int, fields: Mapping[str, Any], *, actor: Actor | None = None
) -> tuple[ApiToken, str]:
    """Make a new token for a user. Returns the stored row and the token itself, which is shown
    to the user once and never again."""
    try:
        details = ApiTokenCreate.model_validate(dict(fields))
    except ValidationError as error:
        raise TokenError(field_errors(error)) from error
    if len(active_tokens(session, user_id)) >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            {"name": f"You already have {MAX_ACTIVE_TOKENS} tokens; revoke one you no longer use"}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=details.name, user_id=user_id, token_hash=hash_token(secret), prefix=secret[:10]
    )
    session.add(token)
    session.flush()
    record_change(
        session,
        actor,
        "create",
        "api_token",
        token.id,
        None,
        _public(token),
        f"Created API token '{token.name}'",
    )
    session.commit()
    return token, secret


def revoke_token(
    session: Session, user_id: int, token_id: int, *, actor: Actor | None = None
) -> ApiToken | None:
    """Revoke one of the user's own tokens (None if the user has no such token)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        return None
    if token.revoked_at is None:
        before = _public(token)
        token.revoked_at = utc_now()
        session.add(token)
        record_change(
            session,
            actor,
            "update",
            "api_token",
            token.id,
            before,
            _public(token),
            f"Revoked API token '{token.name}'",
        )
        session.commit()
    return token


def user_tokens(session: Session, user_id: int) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (so the user sees the history)."""
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
        ).all()
    )


def active_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return [token for token in user_tokens(session, user_id) if token.revoked_at is None]


def user_for_token(session: Session, secret: str) -> SignedInUser | None:
    """The active user a presented token belongs to, as signed in, or None if the token is
    unknown, revoked, or its user has been deactivated. Notes when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    rows = session.connection().execute(_TOKEN_USER, {"token_hash": hash_token(secret)}).all()
    if not rows:
        return None
    found = rows[0]
    note_request_generation(found.generation)
    if found.revoked_at is not None or not found.active:
        return None
    now = utc_now()
    # Write at most once a minute, so busy integrations do not write on every request.
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
        session.execute(
            update(ApiToken).where(col(ApiToken.id) == found.token_id).values(last_used_at=now)
        )
        session.commit()
    return SignedInUser(found, [row.place_id for row in rows if row.place_id is not None])


# One query per API request, its columns only: the token, its user, the places they lead and the
# data generation (planner.core.page_cache: are kept answers up to date).
_TOKEN_USER = (
    select(  # type: ignore[call-overload]
        col(ApiToken.id).label("token_id"),
        ApiToken.revoked_at,
        ApiToken.last_used_at,
        *SIGNED_IN_COLUMNS,
    )
    .join(User, col(User.id) == col(ApiToken.user_id))
    .outerjoin(UserPlace, col(UserPlace.user_id) == col(User.id))
    .where(col(ApiToken.token_hash) == bindparam("token_hash"))
    .order_by(col(UserPlace.place_id))
)


def _public(token: ApiToken) -> dict[str, Any]:
    return {
        "name": token.name,
        "prefix": token.prefix,
        "user_id": token.user_id,
        "revoked": token.revoked_at is not None,
    }
