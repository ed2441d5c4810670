"""User administration pages (administrators only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from models import User
from models.vocabulary import Role
from planner.auth.roles import role_required
from planner.auth.service import AccountError
from planner.db import get_session
from planner.inputs.forms import ConfirmForm, options
from planner.inputs.web import actor, form_page, show_errors
from planner.users import service
from planner.users.forms import AccountForm, NewAccountForm, PasswordForm

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> str:
    return render_template(
        "users/index.html", accounts=service.accounts(get_session()), form=ConfirmForm()
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new() -> Any:
    session = get_session()
    form = NewAccountForm(role=Role.COMMISSIONER.value)
    form.places.choices = options(service.place_choices(session))
    return form_page(
        form,
        save=_showing_account_errors(
            form,
            lambda: service.create_account(
                session, form.to_fields(), form.places.data or [], actor=actor()
            ),
        ),
        done=lambda created: (
            f"Created an account for {created.name} ({created.email}).",
            url_for("users.index"),
        ),
        back_url=url_for("users.index"),
        title="Add a user",
        submit="Create account",
    )


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(user_id: int) -> Any:
    session = get_session()
    current = _account(user_id)
    form = AccountForm(obj=current.user)
    form.places.choices = options(service.place_choices(session))
    if not form.is_submitted():
        form.role.data = str(current.user.role)
        form.places.data = [str(place.id) for place in current.places]
    return form_page(
        form,
        editing=current.user,
        save=_showing_account_errors(
            form,
            lambda: service.update_account(
                session, user_id, form.to_fields(), form.places.data or [], actor=actor()
            ),
        ),
        done=lambda changed: (f"Saved {changed.name}'s account.", url_for("users.index")),
        back_url=url_for("users.index"),
        account=current,
        title=f"Change {current.user.name}'s account",
        submit="Save changes",
        confirm=ConfirmForm(),
    )


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def password(user_id: int) -> Any:
    session = get_session()
    current = _account(user_id)
    form = PasswordForm()

    def reset() -> User:
        if (form.password.data or "") != (form.confirm.data or ""):
            raise AccountError({"confirm": "The two passwords do not match"})
        return service.reset_password(
            session,
            user_id,
            form.password.data or "",
            actor=actor(),
            require_change=bool(form.require_change.data),
        )

    return form_page(
        form,
        save=_showing_account_errors(form, reset),
        done=lambda user: (
            f"Set a new password for {user.name}. Pass it on to them securely.",
            url_for("users.index"),
        ),
        back_url=url_for("users.index"),
        account=current,
        title=f"Reset {current.user.name}'s password",
        submit="Set new password",
    )


@bp.post("/<int:user_id>/deactivate")
@role_required(Role.ADMIN)
def deactivate(user_id: int) -> Any:
    return _set_active(user_id, False)


@bp.post("/<int:user_id>/reactivate")
@role_required(Role.ADMIN)
def reactivate(user_id: int) -> Any:
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> Any:
    _account(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        user = service.set_active(get_session(), user_id, active, actor=actor())
    except AccountError as error:
        flash(next(iter(error.errors.values())), "error")
    else:
        if active:
            flash(f"Reactivated {user.name}: they can sign in again.", "success")
        else:
            flash(f"Deactivated {user.name}: they can no longer sign in.", "success")
    return redirect(url_for("users.index"))


def _account(user_id: int) -> service.Account:
    try:
        return service.account(get_session(), user_id)
    except LookupError:
        abort(404)


def _showing_account_errors(form: FlaskForm, save: Callable[[], User]) -> Callable[[], User | None]:
    """`save`, with an account's problems shown on the form as the input pages show theirs."""

    def saving() -> User | None:
        try:
            return save()
        except AccountError as error:
            show_errors(form, error.errors)
            return None

    return saving
