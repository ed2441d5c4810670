"""Sessions that end.

Each user has a session version. A session (and a remember-me cookie) records the version it
was signed in under, in the id Flask-Login keeps (`"7.3"`: user 7, version 3); on every request
the user is loaded afresh and a session whose version is not the user's current one is signed
out. Signing out, changing or resetting a password and deactivating an account raise the
version, so every session and remember-me cookie of that user, on every device, ends.

A session that did not ask to be remembered also ends after `SESSION_IDLE_MINUTES` without a
request, and in any case `SESSION_MAX_HOURS` after signing in; a remembered one ends when its
cookie does, `REMEMBER_DAYS` after signing in. A user an administrator asked to choose a new
password can do nothing else until they have.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user
from sqlmodel import Session

from models import User

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
REMEMBERED = "remembered"
# How often the "last seen" time is written back to the cookie: each request would send a new
# cookie every time for no gain in precision that matters.
SEEN_PRECISION_SECONDS = 30
# Endpoints a user who must change their password may still use.
OPEN_WHILE_CHANGING = {"auth.change_password", "auth.logout", "auth.login", "static", "core.health"}


def session_id(user_id: int, version: int) -> str:
    """The id a session keeps for a user: their id and session version."""
    return f"{user_id}.{version}"


def parse_session_id(value: str) -> tuple[int, int] | None:
    user_part, _, version_part = value.partition(".")
    if not user_part.isdigit() or not version_part.isdigit():
        return None
    return int(user_part), int(version_part)


def end_every_session(database: Session, user: User) -> None:
    """Raise the user's session version: all their sessions end at their next request. The
    caller commits (with the change that made it necessary)."""
    user.session_version = (user.session_version or 1) + 1
    database.add(user)


def start_session(*, remember: bool) -> None:
    """Mark the time of signing in (call right after login_user)."""
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now
    session[REMEMBERED] = remember


def _expired(app: Flask) -> str | None:
    """Why the current session has run out, or None."""
    now = int(time.time())
    if SIGNED_IN_AT not in session:
        # Signed in just now from a remember-me cookie (or by a session from before these
        # marks existed): it starts here, bounded by the cookie's own expiry.
        session[SIGNED_IN_AT] = now
        session[SEEN_AT] = now
        session[REMEMBERED] = True
        return None
    if session.get(REMEMBERED):
        return None
    idle_minutes = int(app.config["SESSION_IDLE_MINUTES"])
    max_hours = int(app.config["SESSION_MAX_HOURS"])
    if now - int(session.get(SEEN_AT, 0)) > idle_minutes * 60:
        return f"You were signed out after {idle_minutes} minutes without using the planner."
    if now - int(session[SIGNED_IN_AT]) > max_hours * 3600:
        return f"You were signed out because you signed in more than {max_hours} hours ago."
    if now - int(session.get(SEEN_AT, 0)) >= SEEN_PRECISION_SECONDS:
        session[SEEN_AT] = now
    return None


def init_sessions(app: Flask) -> None:
    """Check every request's session for expiry and for a required password change."""
    app.config.setdefault(
        "REMEMBER_COOKIE_DURATION", timedelta(days=int(app.config["REMEMBER_DAYS"]))
    )
    app.permanent_session_lifetime = timedelta(hours=int(app.config["SESSION_MAX_HOURS"]))

    @app.before_request
    def session_still_valid() -> ResponseReturnValue | None:
        if request.endpoint == "static" or request.path.startswith("/api/"):
            return None  # the API signs in by token, never by session
        if not current_user.is_authenticated:
            return None
        reason = _expired(app)
        if reason:
            logout_user()
            session.clear()
            flash(reason + " Sign in again to carry on.", "info")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if getattr(current_user, "must_change_password", False) and (
            request.endpoint not in OPEN_WHILE_CHANGING
        ):
            flash("Choose a new password before you carry on.", "info")
            return redirect(url_for("auth.change_password"))
        return None
