"""Interventions, their evidence and their expected effects on demand."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from sqlmodel import Session, select
from wtforms.fields.choices import SelectChoice

from models import DemandType, Intervention, InterventionEffect
from planner.auth.roles import EDITORS, READERS, role_required
from planner.db import get_session
from planner.inputs import service
from planner.inputs.forms import EffectForm, InterventionForm, options
from planner.inputs.interventions import effect_snapshot
from planner.inputs.listing import capacity_rows, contract_rows, effect_counts, effect_rows
from planner.inputs.routes import bp
from planner.inputs.validation import fetch
from planner.inputs.web import actor, confirm_delete, form_page


@bp.get("/interventions")
@role_required(*READERS)
def interventions() -> str:
    session = get_session()
    rows = session.exec(select(Intervention).order_by(Intervention.name)).all()
    return render_template(
        "inputs/interventions.html", interventions=rows, effect_counts=effect_counts(session)
    )


@bp.get("/interventions/<int:intervention_id>")
@role_required(*READERS)
def intervention(intervention_id: int) -> str:
    session = get_session()
    record = fetch(session, Intervention, intervention_id, "intervention")
    return render_template(
        "inputs/intervention.html",
        intervention=record,
        effects=effect_rows(session, intervention_id),
        contracts=contract_rows(session, intervention_id=intervention_id),
        capacities=capacity_rows(session, intervention_id=intervention_id),
    )


@bp.route("/interventions/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_intervention() -> Any:
    form = InterventionForm(illustrative=True, duration_weeks="12", evidence_rating="NL2")
    return form_page(
        form,
        save=lambda: service.create_intervention(get_session(), form.to_fields(), actor=actor()),
        done=lambda created: (
            f"Added {created.name}. Now record its expected effects on demand.",
            url_for("inputs.intervention", intervention_id=created.id),
        ),
        title="Add an intervention",
        submit="Add intervention",
        back_url=url_for("inputs.interventions"),
    )


@bp.route("/interventions/<int:intervention_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_intervention(intervention_id: int) -> Any:
    session = get_session()
    record = fetch(session, Intervention, intervention_id, "intervention")
    form = InterventionForm(obj=record)
    if not form.is_submitted():
        form.cost_rating.data = str(record.cost_rating or "")
    back = url_for("inputs.intervention", intervention_id=intervention_id)
    return form_page(
        form,
        editing=record,
        save=lambda: service.update_intervention(
            session, intervention_id, form.to_fields(), actor=actor()
        ),
        done=lambda changed: (f"Saved {changed.name}.", back),
        title=f"Change {record.name}",
        caption="Intervention",
        submit="Save changes",
        back_url=back,
    )


@bp.route("/interventions/<int:intervention_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_intervention(intervention_id: int) -> Any:
    session = get_session()
    record = fetch(session, Intervention, intervention_id, "intervention")
    return confirm_delete(
        what=record.name,
        kind="intervention",
        uses=service.intervention_uses(session, record),
        delete=lambda: service.delete_intervention(session, intervention_id, actor=actor()),
        back_url=url_for("inputs.intervention", intervention_id=intervention_id),
        done_url=url_for("inputs.interventions"),
    )


@bp.route("/interventions/<int:intervention_id>/effects/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_effect(intervention_id: int) -> Any:
    session = get_session()
    record = fetch(session, Intervention, intervention_id, "intervention")
    form = EffectForm(years_after="1")
    form.demand_type_id.choices = _demand_type_choices(session)
    back = url_for("inputs.intervention", intervention_id=intervention_id)
    return form_page(
        form,
        save=lambda: service.save_effect(session, intervention_id, form.to_fields(), actor=actor()),
        done=lambda _effect: (f"Saved the effect of {record.name}.", back),
        title="Add an expected effect",
        caption=record.name,
        submit="Save effect",
        back_url=back,
        intro="Recording an effect on a demand type that already has one replaces it.",
    )


@bp.route("/effects/<int:effect_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_effect(effect_id: int) -> Any:
    session = get_session()
    effect = fetch(session, InterventionEffect, effect_id, "expected effect")
    form = EffectForm(obj=effect)
    form.demand_type_id.choices = _demand_type_choices(session)
    if not form.is_submitted():
        form.years_after.data = ", ".join(str(year) for year in effect.years_after)
    back = url_for("inputs.intervention", intervention_id=effect.intervention_id)
    words = effect_snapshot(session, effect)
    return form_page(
        form,
        editing=effect,
        save=lambda: service.update_effect(session, effect_id, form.to_fields(), actor=actor()),
        done=lambda _effect: ("Saved the expected effect.", back),
        title=f"Change the effect on {words['demand_type']}",
        caption=words["intervention"],
        submit="Save effect",
        back_url=back,
    )


@bp.route("/effects/<int:effect_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_effect(effect_id: int) -> Any:
    session = get_session()
    effect = fetch(session, InterventionEffect, effect_id, "expected effect")
    words = effect_snapshot(session, effect)
    back = url_for("inputs.intervention", intervention_id=effect.intervention_id)
    return confirm_delete(
        what=f"the effect of {words['intervention']} on {words['demand_type']}",
        kind="expected effect",
        uses=[],
        delete=lambda: service.delete_effect(session, effect_id, actor=actor()),
        back_url=back,
        done_url=back,
    )


def _demand_type_choices(session: Session) -> list[SelectChoice]:
    return options(
        [("", "Choose a demand type")]
        + [
            (str(d.id), f"{d.name} (per {d.unit})")
            for d in session.exec(select(DemandType).order_by(DemandType.name))
        ]
    )
