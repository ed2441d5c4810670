"""Signing in and out, and changing one's own password."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from planner.auth.forms import ChangePasswordForm, SignInForm
from planner.auth.roles import can
from planner.auth.service import (
    AccountError,
    SignedInUser,
    authenticate,
    change_own_password,
    load_signed_in_user,
    signed_in,
    signed_out,
)
from planner.db import get_session
from planner.extensions import login_manager
from planner.inputs.web import form_status, show_errors
from planner.security.sessions import parse_session_id, start_session

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> SignedInUser | None:
    parsed = parse_session_id(session_id)
    return load_signed_in_user(get_session(), *parsed) if parsed else None


@bp.app_context_processor
def role_checks() -> dict[str, object]:
    return {"can": can}


@bp.route("/sign-in", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(get_session(), form.email.data or "", form.password.data or "")
        if user is None:
            error = "The email address or password is not right"
        else:
            remember = bool(form.remember.data)
            login_user(signed_in(get_session(), user), remember=remember)
            start_session(remember=remember)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")))
    # Wrong details: 401; a form posted with a field missing or malformed: 422.
    status = 401 if error else (422 if form.is_submitted() else 200)
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/sign-out")
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        # Ends this user's other sessions and remember-me cookies too, on every device.
        signed_out(get_session(), current_user.id)
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    form.problems = {}
    if form.validate_on_submit():
        try:
            user = change_own_password(
                get_session(),
                current_user.id,
                current=form.current.data or "",
                new=form.password.data or "",
                confirm=form.confirm.data or "",
            )
        except AccountError as error:
            # A wrong current password counts towards the throttle (planner.security.throttle),
            # so a session left open cannot be used to guess it.
            g.password_guess_failed = "current" in error.errors
            show_errors(form, error.errors)
        else:
            # Every other session of theirs has ended; this one carries on under the new version.
            login_user(signed_in(get_session(), user))
            start_session(remember=False)
            flash("Your password has been changed. Other devices must sign in again.", "success")
            return redirect(url_for("core.home"))
    elif form.is_submitted():
        show_errors(form, {name: " ".join(errors) for name, errors in form.errors.items()})
    return render_template(
        "auth/change_password.html", form=form, must=current_user.must_change_password
    ), form_status(form)


def safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    if (
        target
        and not urlsplit(target).netloc
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    ):
        return target
    return url_for("core.home")
