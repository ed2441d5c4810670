"""Excel pages: download a plan's workbook; download the inputs template or the current inputs;
upload an inputs workbook, preview what it changes, and confirm."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from models import Plan
from planner.auth.roles import EDITORS, EXPORTERS, role_required
from planner.db import get_session
from planner.excel.forms import ConfirmForm, UploadForm
from planner.excel.import_contracts import ABOUT_CONTRACTS
from planner.excel.import_reader import ImportRefused
from planner.excel.import_service import (
    InputsChanged,
    apply_import,
    inputs_fingerprint,
    preview_import,
)
from planner.excel.inputs_workbook import build_current_inputs_workbook, build_inputs_workbook
from planner.excel.pending import PendingImports
from planner.excel.plan_workbook import build_plan_workbook, plan_workbook_filename
from planner.excel.stored_plan import PlanNotExportable, plan_workbook_view
from planner.logs import event

bp = Blueprint("excel", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(content: bytes, filename: str) -> Response:
    return Response(
        content,
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.get("/plans/<int:plan_id>/workbook.xlsx")
@role_required(*EXPORTERS)
def download_plan(plan_id: int) -> ResponseReturnValue:
    """The plan as an Excel workbook for finance leads."""
    session = get_session()
    plan = session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    try:
        view = plan_workbook_view(session, plan)
    except PlanNotExportable as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("plans.show", plan_id=plan_id))
    event("plan_exported", plan_id=plan_id, user_id=current_user.id)
    return _workbook(build_plan_workbook(view), plan_workbook_filename(view))


@bp.get("/inputs/template.xlsx")
@role_required(*EXPORTERS)
def download_template() -> ResponseReturnValue:
    """A blank inputs workbook with notes and drop-down lists."""
    return _workbook(build_inputs_workbook(), "partnership-inputs-template.xlsx")


@bp.get("/inputs/current.xlsx")
@role_required(*EXPORTERS)
def download_inputs() -> ResponseReturnValue:
    """Every current input, in the template's shape (import it back and nothing changes)."""
    return _workbook(build_current_inputs_workbook(get_session()), "partnership-inputs.xlsx")


def _pending() -> PendingImports:
    return PendingImports(current_app.instance_path)


def _upload_page(
    form: UploadForm, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    limit_mb = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
    page = render_template(
        "excel/import.html",
        form=form,
        error=error,
        limit_mb=limit_mb,
        contracts_note=ABOUT_CONTRACTS,
    )
    return page, (max(status, 400) if error else status)


@bp.get("/inputs/import")
@role_required(*EDITORS)
def import_inputs() -> ResponseReturnValue:
    return _upload_page(UploadForm())


@bp.post("/inputs/import")
@role_required(*EDITORS)
def upload_inputs() -> ResponseReturnValue:
    """Check the uploaded workbook and show what importing it would change."""
    form = UploadForm()
    if not form.validate_on_submit():
        errors = [message for messages in form.errors.values() for message in messages]
        return _upload_page(form, errors[0] if errors else "Choose a workbook to upload")
    upload = form.workbook.data
    content = upload.read(current_app.config["MAX_CONTENT_LENGTH"] + 1)
    if len(content) > current_app.config["MAX_CONTENT_LENGTH"]:
        raise RequestEntityTooLarge()
    filename = (upload.filename or "workbook.xlsx")[:200]
    try:
        return _preview_page(content, filename)
    except ImportRefused as refusal:
        return _upload_page(form, str(refusal))


def _preview_page(content: bytes, filename: str, *, stale: bool = False) -> ResponseReturnValue:
    """What importing the workbook would change, with the confirm form if nothing is wrong;
    `stale` says the inputs changed after an earlier preview of it."""
    session = get_session()
    # Taken before the rehearsal: a change saved meanwhile makes the confirm look again.
    fingerprint = inputs_fingerprint(session)
    preview = preview_import(session, content, actor=current_user)
    token = _pending().keep(content, current_user.id, filename, fingerprint) if preview.ok else ""
    confirm = ConfirmForm(formdata=None, token=token)
    page = render_template(
        "excel/preview.html",
        preview=preview,
        filename=filename,
        confirm=confirm,
        stale=stale,
        contracts_note=ABOUT_CONTRACTS,
    )
    return page, (409 if stale else 200) if preview.ok else 400


@bp.post("/inputs/import/confirm")
@role_required(*EDITORS)
def confirm_import() -> ResponseReturnValue:
    """Import the workbook the user has just previewed, or cancel it."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    pending = _pending()
    if form.cancel.data:
        pending.discard(form.token.data or "")
        flash("Import cancelled. Nothing was changed.", "success")
        return redirect(url_for("excel.import_inputs"))
    waiting = pending.take(form.token.data or "", current_user.id)
    if waiting is None:
        flash(
            "That upload has expired or was already imported. Upload the workbook again.", "error"
        )
        return redirect(url_for("excel.import_inputs"))
    pending.discard(waiting.token)
    try:
        outcome = apply_import(
            get_session(),
            waiting.content,
            actor=current_user,
            filename=waiting.filename,
            previewed_at=waiting.fingerprint,
            delete_missing=bool(form.delete_missing.data),
        )
    except ImportRefused as refusal:
        return _upload_page(UploadForm(), str(refusal))
    except InputsChanged:
        # Someone changed the inputs after the preview: show what the import would do now.
        return _preview_page(waiting.content, waiting.filename, stale=True)
    if not outcome.ok:
        # The inputs changed since the preview in a way that breaks a row: show every problem.
        return render_template(
            "excel/preview.html",
            preview=outcome,
            filename=waiting.filename,
            confirm=None,
            contracts_note=ABOUT_CONTRACTS,
        ), 400
    event("inputs_imported", user_id=current_user.id, summary=outcome.summary())
    flash(
        f"Imported {waiting.filename}: {outcome.summary()}. {outcome.next_step()}".strip(),
        "success",
    )
    return redirect(url_for("excel.import_inputs"))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    limit_mb = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
    return _upload_page(
        UploadForm(formdata=None),
        f"The file is larger than {limit_mb:g} MB. Split it into smaller workbooks.",
        413,
    )
