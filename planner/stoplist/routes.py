"""The stop list page, and the re-solve that shows what the freed money would buy."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import col, select

from models import Plan
from models.plan import PlanKind
from models.vocabulary import financial_year_label
from planner.auth.roles import EDITORS, READERS, can, role_required
from planner.db import get_session
from planner.inputs.validation import InputError
from planner.stoplist.service import build_stop_list, start_stop_resolve
from planner.stoplist.workbook import build_stop_list_workbook

bp = Blueprint("stoplist", __name__, url_prefix="/stop-list")


@bp.get("/")
@role_required(*READERS)
def index() -> ResponseReturnValue:
    session = get_session()
    listed = build_stop_list(session)
    latest = None
    if listed is not None:
        latest = session.exec(
            select(Plan)
            .where(Plan.kind == PlanKind.STOP_LIST, Plan.based_on_plan_id == listed.plan.id)
            .order_by(col(Plan.id).desc())
        ).first()
    return render_template(
        "stoplist/index.html",
        listed=listed,
        latest=latest,
        form=FlaskForm(),
        can_resolve=can(*EDITORS),
        label=financial_year_label,
    )


@bp.get("/stop-list.xlsx")
@role_required(*READERS)
def download() -> ResponseReturnValue:
    listed = build_stop_list(get_session())
    if listed is None:
        flash("No plan has been agreed yet, so there is no stop list to download.", "error")
        return redirect(url_for("stoplist.index"))
    filename = f"stop-list-plan-{listed.plan.id}.xlsx"
    return Response(
        build_stop_list_workbook(listed),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.post("/")
@role_required(*EDITORS)
def resolve() -> ResponseReturnValue:
    if not FlaskForm().validate_on_submit():
        flash("The form expired; try again.", "error")
        return redirect(url_for("stoplist.index"))
    try:
        plan = start_stop_resolve(get_session(), current_user)
    except InputError as error:
        flash(str(error), "error")
        return redirect(url_for("stoplist.index"))
    return redirect(url_for("replan.show", plan_id=plan.id))
