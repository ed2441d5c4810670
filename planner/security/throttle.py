"""Throttled sign-in: too many wrong passwords for one account, or from one address, and the
sign-in page refuses to check any more for a while (429, with the wait in words). Changing your
own password asks for the current one, so wrong guesses there count the same way, per account.

Only failed attempts count, so people signing in correctly from one office are never held up.
The limits are Flask-Limiter's, kept in memory by default (one process) or in Redis when
`PLANNER_RATELIMIT_STORAGE_URI` names one (`redis://host:6379/0`), which several web processes
then share. Each app has its own Limiter, so test apps never share counts.
"""

from __future__ import annotations

from flask import Flask, Response, g, render_template, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user

from planner.auth import forms
from planner.auth.forms import SignInForm
from planner.community.throttle import throttle_voting

SIGN_IN_ENDPOINT = "auth.login"
PASSWORD_CHANGE_ENDPOINT = "auth.change_password"


def account_key() -> str:
    """The account a sign-in attempt is for, however its email is spelt."""
    email = (request.form.get("email") or "").strip().lower()
    return f"sign-in-account:{email}"


def address_key() -> str:
    return f"sign-in-address:{get_remote_address()}"


def _failed(response: Response) -> bool:
    return response.status_code == 401


def password_change_key() -> str:
    return f"password-change:{current_user.get_id()}"


def _wrong_current_password(response: Response) -> bool:
    return bool(g.get("password_guess_failed"))


def too_many_attempts(error: RateLimitExceeded) -> tuple[str, int, dict[str, str]]:
    """The sign-in page again, saying why it will not check the password and for how long."""
    limit = error.limit.limit if error.limit is not None else None
    wait = _in_words(limit.get_expiry() if limit is not None else 900)
    message = (
        f"Too many wrong sign-in attempts. For the account's safety the planner will not check "
        f"any more for up to {wait}. Wait, then try again; if you have forgotten your password, "
        "ask your partnership's administrator to reset it."
    )
    headers = {"Retry-After": str(limit.get_expiry() if limit is not None else 900)}
    if request.endpoint == PASSWORD_CHANGE_ENDPOINT:
        form = forms.ChangePasswordForm()
        form.problems = {
            "current": f"Too many wrong current passwords. The planner will not check any more "
            f"for up to {wait}. Wait, then try again; if you have forgotten it, sign out and ask "
            "your partnership's administrator to reset it."
        }
        page = render_template("auth/change_password.html", form=form, must=False)
        return page, 429, headers
    return render_template("auth/login.html", form=SignInForm(), error=message), 429, headers


def _in_words(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def init_throttle(app: Flask) -> Limiter:
    """A Limiter for this app, limiting failed sign-ins per account and per address, and wrong
    codes per address on the public ballot page."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "planner")
    limiter = Limiter(get_remote_address, app=app)
    # Only the sign-in view is limited, by the decorators below, which check when it runs. The
    # limiter's own check before every request finds no limit for any other page (there are no
    # default limits) yet costs a tenth of the time of a page sent from planner.core.page_cache.
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    view = app.view_functions[SIGN_IN_ENDPOINT]
    limited = limiter.limit(
        lambda: str(app.config["SIGN_IN_ACCOUNT_LIMIT"]),
        key_func=account_key,
        methods=["POST"],
        deduct_when=_failed,
    )(view)
    limited = limiter.limit(
        lambda: str(app.config["SIGN_IN_ADDRESS_LIMIT"]),
        key_func=address_key,
        methods=["POST"],
        deduct_when=_failed,
    )(limited)
    app.view_functions[SIGN_IN_ENDPOINT] = limited  # type: ignore[assignment]
    app.view_functions[PASSWORD_CHANGE_ENDPOINT] = limiter.limit(  # type: ignore[assignment]
        lambda: str(app.config["SIGN_IN_ACCOUNT_LIMIT"]),
        key_func=password_change_key,
        methods=["POST"],
        deduct_when=_wrong_current_password,
    )(app.view_functions[PASSWORD_CHANGE_ENDPOINT])
    app.register_error_handler(RateLimitExceeded, too_many_attempts)
    throttle_voting(app, limiter)
    app.extensions["sign_in_limiter"] = limiter
    return limiter
