"""Signing in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user

from planner.auth.forms import SignInForm
from planner.auth.roles import can
from planner.auth.service import SignedInUser, authenticate, load_signed_in_user, signed_in
from planner.db import get_session
from planner.extensions import login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> SignedInUser | None:
    return load_signed_in_user(get_session(), int(user_id)) if user_id.isdigit() else None


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
            login_user(signed_in(get_session(), user), remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    # Wrong details: 401; a form posted with a field missing or malformed: 422.
    status = 401 if error else (422 if form.is_submitted() else 200)
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/sign-out")
def logout() -> ResponseReturnValue:
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


def safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    if (
        target
        and not urlsplit(target).netloc
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("core.home")
