"""The evidence register page: every change with its source and date, and the plans it flagged."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlmodel import select

from models import Intervention
from planner.auth.roles import EDITORS, READERS, can, role_required
from planner.db import get_session
from planner.evidence.forms import EvidenceChangeForm
from planner.evidence.service import describe, evidence_changes, record_evidence_change
from planner.evidence.workbook import build_register_workbook
from planner.inputs.validation import InputError

bp = Blueprint("evidence", __name__, url_prefix="/evidence")


def _page(form: EvidenceChangeForm, errors: dict[str, str] | None = None) -> str:
    session = get_session()
    form.intervention_id.choices = [("", "Choose…")] + [
        (str(i.id), f"{i.name} (rated {i.evidence_rating})")
        for i in session.exec(select(Intervention).order_by(Intervention.name)).all()
    ]
    return render_template(
        "evidence/index.html",
        form=form,
        errors=errors or {},
        changes=evidence_changes(session),
        describe=describe,
        can_record=can(*EDITORS),
    )


@bp.get("/")
@role_required(*READERS)
def index() -> ResponseReturnValue:
    return _page(EvidenceChangeForm())


@bp.get("/evidence-register.xlsx")
@role_required(*READERS)
def download() -> ResponseReturnValue:
    return Response(
        build_register_workbook(evidence_changes(get_session())),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": 'attachment; filename="evidence-register.xlsx"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.post("/")
@role_required(*EDITORS)
def record() -> ResponseReturnValue:
    form = EvidenceChangeForm()
    _page(form)  # fills the choices the form validates against
    if not form.validate_on_submit():
        return _page(form, {name: messages[0] for name, messages in form.errors.items()}), 422
    fields = {key: value for key, value in form.data.items() if key not in ("csrf_token",)}
    if fields.get("effect_scale"):
        try:
            fields["effect_scale"] = float(str(fields["effect_scale"]).strip())
        except ValueError:
            return _page(
                form, {"effect_scale": "The effect multiplier must be a number, like 0.5"}
            ), 422
    try:
        change = record_evidence_change(get_session(), fields, actor=current_user)
    except InputError as error:
        return _page(form, error.errors), 422
    if change.check_plan_id:
        flash(
            f"Recorded. The agreed plan (plan {change.agreed_plan_id}) relies on "
            f"{change.intervention_name}: it is being re-solved to show what would move.",
            "success",
        )
        return redirect(url_for("replan.show", plan_id=change.check_plan_id))
    flash(f"Recorded. The agreed plan does not rely on {change.intervention_name}.", "success")
    return redirect(url_for("evidence.index") + "#register")
