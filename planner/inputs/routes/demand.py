"""Demand types and who bears their cost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import render_template, request, url_for
from sqlmodel import Session, select

from models import DemandType, Partner
from planner.auth.roles import EDITORS, READERS, role_required
from planner.core.conflict import conflict_page
from planner.db import get_session
from planner.inputs import service
from planner.inputs.demand import cost_shares
from planner.inputs.forms import DemandTypeForm
from planner.inputs.listing import demand_rows
from planner.inputs.routes import bp
from planner.inputs.validation import fetch
from planner.inputs.web import EditConflict, actor, attempt, confirm_delete, form_status, saved


@bp.get("/demand-types")
@role_required(*READERS)
def demand_types() -> str:
    return render_template("inputs/demand_types.html", rows=demand_rows(get_session()))


@bp.route("/demand-types/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_demand_type() -> Any:
    session = get_session()
    form = DemandTypeForm()
    partners = _partners(session)
    created = attempt(
        form,
        lambda: service.create_demand_type(
            session, form.to_fields(), _posted_shares(partners), actor=actor()
        ),
    )
    if created:
        return saved(f"Added demand type {created.name}.", url_for("inputs.demand_types"))
    return _form_page(form, partners, {}, "Add a demand type", "Add demand type")


@bp.route("/demand-types/<int:demand_type_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_demand_type(demand_type_id: int) -> Any:
    session = get_session()
    record = fetch(session, DemandType, demand_type_id, "demand type")
    form = DemandTypeForm(obj=record)
    partners = _partners(session)
    current = {partner.id: share for partner, share in cost_shares(session, demand_type_id)}
    try:
        changed = attempt(
            form,
            lambda: service.update_demand_type(
                session, demand_type_id, form.to_fields(), _posted_shares(partners), actor=actor()
            ),
            record,
        )
    except EditConflict:
        session.rollback()
        return conflict_page(
            session, form, record, what=record.name, back_url=url_for("inputs.demand_types")
        )
    if changed:
        return saved(f"Saved demand type {changed.name}.", url_for("inputs.demand_types"))
    return _form_page(form, partners, current, f"Change {record.name}", "Save changes")


@bp.route("/demand-types/<int:demand_type_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_demand_type(demand_type_id: int) -> Any:
    session = get_session()
    record = fetch(session, DemandType, demand_type_id, "demand type")
    return confirm_delete(
        what=record.name,
        kind="demand type",
        uses=service.demand_type_uses(session, record),
        delete=lambda: service.delete_demand_type(session, demand_type_id, actor=actor()),
        back_url=url_for("inputs.demand_types"),
        done_url=url_for("inputs.demand_types"),
    )


def _partners(session: Session) -> list[Partner]:
    return list(session.exec(select(Partner).order_by(Partner.name)).all())


def _posted_shares(partners: list[Partner]) -> dict[int | str, str]:
    return {partner.id: request.form.get(f"share_{partner.id}", "") for partner in partners}  # type: ignore[misc]


def _form_page(
    form: DemandTypeForm,
    partners: list[Partner],
    current: dict[Any, Decimal],
    title: str,
    submit: str,
) -> tuple[str, int]:
    if request.method == "POST":
        shares = {partner.id: request.form.get(f"share_{partner.id}", "") for partner in partners}
    else:
        shares = {pid: f"{share.normalize():f}" for pid, share in current.items()}
    return render_template(
        "inputs/demand_type_form.html",
        form=form,
        partners=partners,
        shares=shares,
        title=title,
        submit=submit,
        back_url=url_for("inputs.demand_types"),
    ), form_status(form)
