"""The pooled-fund agreement page of a scenario: read it, and (commissioners) change it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from models import Partner, Scenario
from models.pooled_fund import RISK_SHARE_LABELS, PooledFundAgreement
from planner.auth.roles import EDITORS, READERS, role_required
from planner.db import get_session
from planner.pooled_fund.service import (
    AgreementError,
    AgreementSubmission,
    find_agreement,
    save_agreement,
)

bp = Blueprint("pooled_fund", __name__, url_prefix="/scenarios")


def _scenario(scenario_id: int) -> Scenario:
    scenario = get_session().get(Scenario, scenario_id)
    if scenario is None:
        abort(404)
    return scenario


def form_values(agreement: PooledFundAgreement | None) -> dict[str, str]:
    """The form's fields as text, from the stored agreement (or the defaults)."""
    if agreement is None:
        return {
            "overspend_basis": "contributions",
            "underspend_basis": "contributions",
            "contingency_percent": "0",
        }
    values = {
        "host_partner_id": str(agreement.host_partner_id or ""),
        "overspend_basis": agreement.overspend_basis.value,
        "underspend_basis": agreement.underspend_basis.value,
        "contingency_percent": f"{agreement.contingency_percent.normalize():f}",
        "reference": agreement.reference,
    }
    for share in agreement.shares:
        values[f"overspend-{share.partner_id}"] = f"{share.overspend_percent.normalize():f}"
        values[f"underspend-{share.partner_id}"] = f"{share.underspend_percent.normalize():f}"
    return values


def parse_form(form: MultiDict[str, str], partners: list[Partner]) -> AgreementSubmission:
    return AgreementSubmission(
        host_partner_id=form.get("host_partner_id", ""),
        overspend_basis=form.get("overspend_basis", ""),
        underspend_basis=form.get("underspend_basis", ""),
        contingency_percent=form.get("contingency_percent", ""),
        reference=form.get("reference", ""),
        shares={
            partner.id: (
                form.get(f"overspend-{partner.id}", ""),
                form.get(f"underspend-{partner.id}", ""),
            )
            for partner in partners
        },
    )


@bp.route("/<int:scenario_id>/pooled-fund", methods=["GET", "POST"])
@role_required(*READERS)
def agreement(scenario_id: int) -> ResponseReturnValue:
    """The agreement in words, and the form to change it (commissioners and admins only)."""
    scenario = _scenario(scenario_id)
    session = get_session()
    partners = list(session.exec(select(Partner).order_by(Partner.name)))
    stored = find_agreement(session, scenario_id)
    errors: dict[str, str] = {}
    values = form_values(stored)
    if request.method == "POST":
        if current_user.role not in EDITORS:
            abort(403)
        try:
            save_agreement(session, scenario, parse_form(request.form, partners), current_user)
        except AgreementError as error:
            session.rollback()
            errors, values = error.errors, dict(request.form)
        else:
            flash(f"Pooled-fund agreement of ‘{scenario.name}’ saved.", "success")
            return redirect(url_for("pooled_fund.agreement", scenario_id=scenario_id))
    return render_template(
        "pooled_fund/agreement.html",
        scenario=scenario,
        agreement=stored,
        partners=partners,
        values=values,
        errors=errors,
        basis_labels={basis.value: label for basis, label in RISK_SHARE_LABELS.items()},
    ), (422 if errors else 200)
