"""Re-plan pages: start an in-year re-plan, read what a re-solve changes, agree a revision."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from models import Plan
from models.plan import PlanKind, PlanStatus
from models.vocabulary import financial_year_label
from planner.auth.roles import EDITORS, READERS, can, role_required
from planner.db import get_session
from planner.delivery.agreement import agreed_plan
from planner.inputs.validation import InputError, InputNotFound
from planner.replanning.changes import what_changes
from planner.replanning.followups import year_under_way
from planner.replanning.forms import ReplanForm, RevisionForm
from planner.replanning.replan import agree_revision, replans, start_replan
from planner.spend.variance import plan_years

bp = Blueprint("replan", __name__, url_prefix="/replan")


def _page(form: ReplanForm, errors: dict[str, str] | None = None) -> str:
    session = get_session()
    plan = agreed_plan(session)
    form.from_year.choices = [
        (str(y), financial_year_label(y)) for y in (plan_years(plan) if plan else [])
    ]
    if plan is not None and not form.from_year.data:
        form.from_year.data = str(year_under_way(session, plan))
    return render_template(
        "replan/index.html",
        plan=plan,
        form=form,
        errors=errors or {},
        replans=replans(session),
        can_start=can(*EDITORS),
    )


@bp.get("/")
@role_required(*READERS)
def index() -> ResponseReturnValue:
    return _page(ReplanForm())


@bp.post("/")
@role_required(*EDITORS)
def start() -> ResponseReturnValue:
    form = ReplanForm()
    plan = agreed_plan(get_session())
    form.from_year.choices = [
        (str(y), financial_year_label(y)) for y in (plan_years(plan) if plan else [])
    ]
    if not form.validate_on_submit():
        return _page(form, {name: messages[0] for name, messages in form.errors.items()}), 422
    try:
        replan = start_replan(get_session(), int(form.from_year.data), current_user)
    except InputError as error:
        return _page(form, error.errors), 422
    flash(
        f"Re-plan {replan.id} is being solved; this page shows what it changes once it is done.",
        "success",
    )
    return redirect(url_for("replan.show", plan_id=replan.id))


@bp.get("/<int:plan_id>")
@role_required(*READERS)
def show(plan_id: int) -> ResponseReturnValue:
    session = get_session()
    plan = session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    if plan.kind == PlanKind.SCENARIO or plan.based_on_plan_id is None:
        # A scenario run re-solves nothing: its own page says what it is.
        return redirect(url_for("plans.show", plan_id=plan.id))
    base = session.get(Plan, plan.based_on_plan_id)
    solved = PlanStatus(plan.status).has_allocation
    agreed = agreed_plan(session)
    return render_template(
        "replan/show.html",
        plan=plan,
        kind=PlanKind(plan.kind),
        base=base,
        finished=PlanStatus(plan.status).finished,
        changes=what_changes(base, plan) if solved and base else None,
        followup=plan.inputs.get("followup", {}),
        can_agree=(
            can(*EDITORS)
            and solved
            and plan.kind == PlanKind.REPLAN
            and agreed is not None
            and agreed.id == plan.based_on_plan_id
        ),
        form=RevisionForm(),
        label=financial_year_label,
    )


@bp.post("/<int:plan_id>/agree")
@role_required(*EDITORS)
def agree(plan_id: int) -> ResponseReturnValue:
    form = RevisionForm()
    if not form.validate_on_submit():
        flash("The note must be at most 1,000 characters.", "error")
        return redirect(url_for("replan.show", plan_id=plan_id))
    try:
        agreement = agree_revision(get_session(), plan_id, current_user, form.note.data or "")
    except InputNotFound:
        abort(404)
    except InputError as error:
        flash(str(error), "error")
        return redirect(url_for("replan.show", plan_id=plan_id))
    flash(
        f"Re-plan {agreement.plan_id} is now the agreed plan, as a revision of plan "
        f"{agreement.revises_plan_id}.",
        "success",
    )
    return redirect(url_for("delivery.index"))
