"""The "API tokens" page: each user creates and revokes their own tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from planner.db import get_session
from planner.tokens.forms import NewTokenForm
from planner.tokens.service import TokenError, create_token, revoke_token, user_tokens

bp = Blueprint("tokens", __name__, url_prefix="/account/api-tokens")


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    return _page(NewTokenForm())


@bp.post("/")
@login_required
def create() -> ResponseReturnValue:
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(form), 422
    try:
        token, secret = create_token(
            get_session(), current_user.id, {"name": form.name.data}, actor=current_user
        )
    except TokenError as error:
        form.name.errors = list(error.errors.values())
        return _page(form), 422
    return _page(NewTokenForm(formdata=None), new_token=secret, new_name=token.name), 201


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> ResponseReturnValue:
    token = revoke_token(get_session(), current_user.id, token_id, actor=current_user)
    if token is None:
        abort(404)
    flash(f"Revoked the token '{token.name}'. Anything using it can no longer sign in.", "success")
    return redirect(url_for("tokens.index"))


def _page(form: NewTokenForm, new_token: str | None = None, new_name: str | None = None) -> str:
    return render_template(
        "tokens/index.html",
        form=form,
        tokens=user_tokens(get_session(), current_user.id),
        new_token=new_token,
        new_name=new_name,
    )
