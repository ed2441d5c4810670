"""Outcomes pages: observed demand beside baseline and expectation, recording and importing."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlmodel import select

from models import DemandType
from models.vocabulary import Role, financial_year_label
from planner.auth.roles import can, role_required
from planner.db import get_session
from planner.delivery.agreement import agreed_plan
from planner.delivery.service import OutsideYourPlaces
from planner.excel.import_reader import ImportRefused
from planner.excel.pending import PendingImports
from planner.inputs.validation import InputError
from planner.outcomes.forms import OutcomeConfirmForm, OutcomeForm, OutcomeUploadForm
from planner.outcomes.impact import CAVEATS, charts, outcome_lines
from planner.outcomes.service import COLUMNS, import_outcomes, read_outcomes, record_outcome
from planner.outcomes.workbook import build_outcomes_workbook
from planner.teams.service import visible_places

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")
RECORDERS = (Role.ADMIN, Role.COMMISSIONER, Role.PLACE_LEAD)
ALL_ROLES = tuple(Role)


def scope():
    return list(current_user.place_ids) if current_user.role == Role.PLACE_LEAD else None


@bp.get("/")
@role_required(*ALL_ROLES)
def index() -> ResponseReturnValue:
    session = get_session()
    lines = outcome_lines(session, agreed_plan(session), scope())
    return render_template(
        "outcomes/index.html",
        lines=lines,
        charts=charts(lines),
        caveats=CAVEATS,
        can_record=can(*RECORDERS),
        label=financial_year_label,
    )


@bp.get("/outcomes.xlsx")
@role_required(*ALL_ROLES)
def download() -> ResponseReturnValue:
    session = get_session()
    content = build_outcomes_workbook(outcome_lines(session, agreed_plan(session), scope()))
    return Response(
        content,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": 'attachment; filename="outcomes.xlsx"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route("/record", methods=["GET", "POST"])
@role_required(*RECORDERS)
def record() -> ResponseReturnValue:
    session = get_session()
    form = OutcomeForm()
    form.place_id.choices = [("", "Choose…")] + [
        (str(p.id), p.name) for p in visible_places(session, scope())
    ]
    form.demand_type_id.choices = [("", "Choose…")] + [
        (str(d.id), d.name)
        for d in session.exec(select(DemandType).order_by(DemandType.name)).all()
    ]
    errors: dict[str, str] = {}
    if request.method == "POST":
        if form.validate_on_submit():
            fields = {
                key: value
                for key, value in form.data.items()
                if key
                in ("place_id", "demand_type_id", "year", "observed", "baseline", "source", "notes")
            }
            try:
                record_outcome(session, fields, actor=current_user, scope=scope())
            except OutsideYourPlaces as refusal:
                errors = {"place_id": str(refusal)}
            except InputError as error:
                errors = error.errors
            else:
                flash("Outcome saved.", "success")
                return redirect(url_for("outcomes.index"))
        else:
            errors = {name: messages[0] for name, messages in form.errors.items()}
    page = render_template("outcomes/record.html", form=form, errors=errors)
    return page, (422 if errors else 200)


@bp.route("/import", methods=["GET", "POST"])
@role_required(*RECORDERS)
def import_file() -> ResponseReturnValue:
    form = OutcomeUploadForm()
    if request.method == "GET":
        return render_template("outcomes/import.html", form=form, error=None, columns=COLUMNS)
    if not form.validate_on_submit():
        message = next(iter(form.errors.values()), ["Choose a file"])[0]
        return render_template(
            "outcomes/import.html", form=form, error=message, columns=COLUMNS
        ), 400
    content, filename = form.upload.data.read(), form.upload.data.filename or ""
    try:
        checked = read_outcomes(get_session(), content, filename, scope())
    except ImportRefused as refusal:
        return render_template(
            "outcomes/import.html", form=form, error=str(refusal), columns=COLUMNS
        ), 400
    token = (
        ""
        if checked.problems
        else PendingImports(current_app.instance_path).keep(content, current_user.id, filename)
    )
    confirm = OutcomeConfirmForm(token=token, filename=filename)
    return render_template(
        "outcomes/preview.html", checked=checked, confirm=confirm, label=financial_year_label
    ), (422 if checked.problems else 200)


@bp.post("/import/confirm")
@role_required(*RECORDERS)
def confirm_import() -> ResponseReturnValue:
    form = OutcomeConfirmForm()
    pending = PendingImports(current_app.instance_path)
    token = form.token.data or ""
    if form.cancel.data:
        pending.discard(token)
        flash("Nothing was imported.", "info")
        return redirect(url_for("outcomes.index"))
    upload = pending.take(token, current_user.id) if form.validate_on_submit() else None
    if upload is None:
        flash("That upload has expired or is not yours. Upload the file again.", "error")
        return redirect(url_for("outcomes.import_file"))
    try:
        count = import_outcomes(
            get_session(), upload.content, upload.filename, actor=current_user, scope=scope()
        )
    except InputError as error:
        flash(f"Nothing was imported: {error}", "error")
        return redirect(url_for("outcomes.import_file"))
    pending.discard(token)
    flash(f"Imported {count} outcomes.", "success")
    return redirect(url_for("outcomes.index"))
