"""Spend pages: variance against the agreed plan, recording a quarter, and the quarterly return."""

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
from flask_wtf import FlaskForm

from models import Plan
from models.vocabulary import Role, financial_year_label
from planner.auth.roles import READERS, can, role_required
from planner.db import get_session
from planner.delivery.agreement import agreed_plan
from planner.excel.import_reader import ImportRefused
from planner.excel.pending import PendingImports
from planner.inputs.validation import InputError, InputNotFound
from planner.replanning.followups import year_under_way
from planner.spend.forms import ReturnConfirmForm, ReturnUploadForm, SpendForm
from planner.spend.return_import import apply_return, preview_return
from planner.spend.returns import build_return_workbook
from planner.spend.risk import year_risk_share
from planner.spend.service import delete_spend, find_spend, record_spend, spend_records, spend_words
from planner.spend.variance import plan_years, planned_people, record_names, year_spend

bp = Blueprint("spend", __name__, url_prefix="/spend")
RECORDERS = (Role.ADMIN, Role.FINANCE_LEAD)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(plan: Plan | None, years: list[int]) -> int | None:
    """The year asked for, else the year under way (the latest with actual spend recorded)."""
    wanted = request.args.get("year", type=int)
    if wanted in years:
        return wanted
    return year_under_way(get_session(), plan) if plan and years else None


@bp.get("/")
@role_required(*READERS)
def index() -> ResponseReturnValue:
    session = get_session()
    plan = agreed_plan(session)
    years = plan_years(plan) if plan else []
    year = _year(plan, years)
    spend = year_spend(session, plan, year) if plan and year is not None else None
    return render_template(
        "spend/index.html",
        plan=plan,
        years=years,
        year=year,
        spend=spend,
        people=spend.cost_per_person(planned_people(plan, year)) if spend else [],  # type: ignore[arg-type]
        risk=year_risk_share(session, spend) if spend else None,
        can_record=can(*RECORDERS),
        records=spend_records(session, year) if can(*RECORDERS) and year is not None else [],
        names=record_names(session),
        delete_form=FlaskForm(),
        label=financial_year_label,
    )


def _choices(form: SpendForm, years: list[int]) -> None:
    session = get_session()
    names = record_names(session)
    for field, kind in (
        (form.partner_id, "partner"),
        (form.intervention_id, "intervention"),
        (form.place_id, "place"),
    ):
        ordered = sorted(names[kind].items(), key=lambda item: item[1].casefold())
        field.choices = [("", "Choose…")] + [(str(key), name) for key, name in ordered]
    form.year.choices = [(str(y), financial_year_label(y)) for y in years]


@bp.route("/record", methods=["GET", "POST"])
@role_required(*RECORDERS)
def record() -> ResponseReturnValue:
    session = get_session()
    plan = agreed_plan(session)
    years = plan_years(plan) if plan else []
    form = SpendForm()
    _choices(form, years)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                saved = record_spend(
                    session,
                    {
                        k: v
                        for k, v in form.data.items()
                        if k
                        in (
                            "partner_id",
                            "intervention_id",
                            "place_id",
                            "year",
                            "quarter",
                            "actual",
                            "forecast",
                            "notes",
                        )
                    },
                    actor=current_user,
                )
            except InputError as error:
                errors = error.errors
            else:
                flash(
                    f"Saved {financial_year_label(saved.year)} quarter {saved.quarter}.", "success"
                )
                return redirect(url_for("spend.index", year=saved.year))
        else:
            errors = {name: messages[0] for name, messages in form.errors.items()}
    page = render_template("spend/record.html", form=form, errors=errors, plan=plan)
    return page, (422 if errors else 200)


@bp.post("/records/<int:record_id>/delete")
@role_required(*RECORDERS)
def delete(record_id: int) -> ResponseReturnValue:
    """Delete a quarter's figures recorded against the wrong allocation (audited)."""
    session = get_session()
    try:
        record = find_spend(session, record_id)
    except InputNotFound:
        flash("Those figures have already been deleted.", "info")
        return redirect(url_for("spend.index"))
    year = record.year
    if not FlaskForm().validate_on_submit():
        flash("The form expired; nothing was deleted. Try again.", "error")
        return redirect(url_for("spend.index", year=year))
    names = record_names(session)
    words = spend_words(
        {
            "partner": names["partner"].get(record.partner_id, "?"),
            "intervention": names["intervention"].get(record.intervention_id, "?"),
            "place": names["place"].get(record.place_id, "?"),
            "year": record.year,
            "quarter": record.quarter,
            "actual": record.actual,
            "forecast": record.forecast,
        }
    )
    delete_spend(session, record_id, actor=current_user)
    flash(f"Deleted {words}.", "success")
    return redirect(url_for("spend.index", year=year) + "#recorded")


@bp.get("/return.xlsx")
@role_required(*READERS)
def download_return() -> ResponseReturnValue:
    session = get_session()
    plan = agreed_plan(session)
    years = plan_years(plan) if plan else []
    year = _year(plan, years)
    if plan is None or year is None:
        flash("There is no agreed plan to make a return for yet.", "error")
        return redirect(url_for("spend.index"))
    spend = year_spend(session, plan, year)
    content = build_return_workbook(spend, year_risk_share(session, spend))
    filename = f"spend-return-{financial_year_label(year).replace('/', '-')}.xlsx"
    return Response(
        content,
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _pending() -> PendingImports:
    return PendingImports(current_app.instance_path)


@bp.route("/import", methods=["GET", "POST"])
@role_required(*RECORDERS)
def import_return() -> ResponseReturnValue:
    form = ReturnUploadForm()
    if request.method == "GET":
        return render_template("spend/import.html", form=form, error=None)
    if not form.validate_on_submit():
        message = next(iter(form.errors.values()), ["Choose the return to upload"])[0]
        return render_template("spend/import.html", form=form, error=message), 400
    content = form.workbook.data.read()
    try:
        preview = preview_return(get_session(), content)
    except ImportRefused as refusal:
        return render_template("spend/import.html", form=form, error=str(refusal)), 400
    token = (
        ""
        if preview.problems
        else _pending().keep(content, current_user.id, form.workbook.data.filename or "")
    )
    confirm = ReturnConfirmForm(token=token)
    status = 422 if preview.problems else 200
    return render_template(
        "spend/preview.html", preview=preview, confirm=confirm, label=financial_year_label
    ), status


@bp.post("/import/confirm")
@role_required(*RECORDERS)
def confirm_return() -> ResponseReturnValue:
    form = ReturnConfirmForm()
    pending = _pending()
    token = form.token.data or ""
    if form.cancel.data:
        pending.discard(token)
        flash("Nothing was imported.", "info")
        return redirect(url_for("spend.index"))
    upload = pending.take(token, current_user.id) if form.validate_on_submit() else None
    if upload is None:
        flash("That upload has expired or is not yours. Upload the return again.", "error")
        return redirect(url_for("spend.import_return"))
    try:
        preview = apply_return(get_session(), upload.content, current_user)
    except InputError as error:
        flash(f"Nothing was imported: {error}", "error")
        return redirect(url_for("spend.import_return"))
    pending.discard(token)
    flash(
        f"Imported {len(preview.changes)} quarter figures ({preview.new} new, {preview.changed} changed).",
        "success",
    )
    return redirect(url_for("spend.index"))
