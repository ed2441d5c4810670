"""The agreed plan page: which plan the partnership agreed, the history, and delivery against it."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from planner.auth.roles import EDITORS, READERS, can, role_required
from planner.core.page_cache import kept_page
from planner.db import get_session
from planner.delivery.agreement import agree_plan, agreed_plan, agreement_history
from planner.delivery.forms import AgreePlanForm
from planner.delivery.service import delivery_against_plan
from planner.delivery.templating import register as register_template_helpers
from planner.inputs.validation import InputError, InputNotFound

bp = Blueprint("delivery", __name__, url_prefix="/agreed-plan")
bp.record_once(lambda state: register_template_helpers(state.app))


@bp.get("/")
@role_required(*READERS)
def index() -> ResponseReturnValue:
    # Rendered once per role and data generation, then sent from the kept copy.
    return kept_page("agreed-plan", 0, lambda: _page(AgreePlanForm()))


@bp.post("/")
@role_required(*EDITORS)
def agree() -> ResponseReturnValue:
    form = AgreePlanForm()
    if not form.validate_on_submit():
        return _page(form, errors={"plan_id": "Choose the plan to agree"}), 422
    try:
        plan_id = int(form.plan_id.data)
    except ValueError:
        abort(404)
    try:
        agreement = agree_plan(get_session(), plan_id, current_user, form.note.data or "")
    except InputNotFound:
        abort(404)
    except InputError as error:
        return _page(form, errors=error.errors), 422
    flash(
        f"Plan {agreement.plan_id} ({agreement.scenario_name}) is now the agreed plan. "
        "Place leads see it on their place pages.",
        "success",
    )
    return redirect(url_for("delivery.index"))


def _page(form: AgreePlanForm, errors: dict[str, str] | None = None) -> str:
    session = get_session()
    plan = agreed_plan(session)
    history = agreement_history(session)
    return render_template(
        "delivery/agreed_plan.html",
        form=form,
        errors=errors or {},
        plan=plan,
        current=history[0] if history else None,
        history=history,
        can_agree=can(*EDITORS),
        delivery_lines=delivery_against_plan(session, plan.id) if plan else [],  # type: ignore[arg-type]
    )
