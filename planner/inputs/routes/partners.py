"""Partner pages: the list, one partner with its cycle, budget lines and contracts, and forms;
the list of commissioning cycles."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for

from models import Partner
from planner.auth.roles import EDITORS, READERS, role_required
from planner.db import get_session
from planner.inputs import service
from planner.inputs.forms import CycleForm, PartnerForm, year_choices
from planner.inputs.listing import candidate_years, contract_rows, partner_row, partner_rows
from planner.inputs.routes import bp
from planner.inputs.validation import InputNotFound, fetch
from planner.inputs.web import actor, confirm_delete, form_page


@bp.get("/partners")
@role_required(*READERS)
def partners() -> str:
    return render_template("inputs/partners.html", rows=partner_rows(get_session()))


@bp.get("/partners/<int:partner_id>")
@role_required(*READERS)
def partner(partner_id: int) -> str:
    session = get_session()
    record = fetch(session, Partner, partner_id, "partner")
    return render_template(
        "inputs/partner.html",
        row=partner_row(session, record),
        contracts=contract_rows(session, partner_id=partner_id),
    )


@bp.route("/partners/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_partner() -> Any:
    form = PartnerForm()
    return form_page(
        form,
        save=lambda: service.create_partner(get_session(), form.to_fields(), actor=actor()),
        done=lambda created: (
            f"Added {created.name}. Now record its commissioning cycle and budget lines.",
            url_for("inputs.partner", partner_id=created.id),
        ),
        title="Add a partner",
        submit="Add partner",
        back_url=url_for("inputs.partners"),
    )


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_partner(partner_id: int) -> Any:
    session = get_session()
    record = fetch(session, Partner, partner_id, "partner")
    form = PartnerForm(obj=record)
    back = url_for("inputs.partner", partner_id=partner_id)
    return form_page(
        form,
        editing=record,
        save=lambda: service.update_partner(session, partner_id, form.to_fields(), actor=actor()),
        done=lambda changed: (f"Saved {changed.name}.", back),
        title=f"Change {record.name}",
        caption="Partner",
        submit="Save changes",
        back_url=back,
    )


@bp.route("/partners/<int:partner_id>/cycle", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_cycle(partner_id: int) -> Any:
    session = get_session()
    record = fetch(session, Partner, partner_id, "partner")
    cycle = partner_row(session, record).cycle
    form = CycleForm(obj=cycle) if cycle else CycleForm(contract_length_years="3")
    form.open_years.choices = year_choices(candidate_years(session))
    if cycle and not form.is_submitted():
        form.budget_setting_month.data = str(cycle.budget_setting_month)
        form.open_years.data = [str(year) for year in cycle.open_years]
        form.contract_length_years.data = str(cycle.contract_length_years)
    back = url_for("inputs.partner", partner_id=partner_id)
    return form_page(
        form,
        editing=cycle,
        save=lambda: service.save_cycle(session, partner_id, form.to_fields(), actor=actor()),
        done=lambda _cycle: (f"Saved {record.name}'s commissioning cycle.", back),
        title="Commissioning cycle",
        caption=record.name,
        submit="Save commissioning cycle",
        back_url=back,
    )


@bp.route("/partners/<int:partner_id>/cycle/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_cycle(partner_id: int) -> Any:
    session = get_session()
    record = fetch(session, Partner, partner_id, "partner")
    if partner_row(session, record).cycle is None:
        raise InputNotFound(f"{record.name} has no commissioning cycle recorded")
    return confirm_delete(
        what=f"{record.name}'s commissioning cycle",
        kind="commissioning cycle",
        uses=[],
        delete=lambda: service.delete_cycle(session, partner_id, actor=actor()),
        back_url=url_for("inputs.cycles"),
        done_url=url_for("inputs.cycles"),
        consequence=f"Without a commissioning cycle, plans treat every year as open for "
        f"{record.name}: it could let or vary contracts in any year.",
    )


@bp.get("/cycles")
@role_required(*READERS)
def cycles() -> str:
    """Every partner's commissioning cycle in one list, with a way to record a missing one."""
    return render_template("inputs/cycles.html", rows=partner_rows(get_session()))


@bp.route("/partners/<int:partner_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_partner(partner_id: int) -> Any:
    session = get_session()
    record = fetch(session, Partner, partner_id, "partner")
    return confirm_delete(
        what=record.name,
        kind="partner",
        uses=service.partner_uses(session, record),
        delete=lambda: service.delete_partner(session, partner_id, actor=actor()),
        back_url=url_for("inputs.partner", partner_id=partner_id),
        done_url=url_for("inputs.partners"),
    )
