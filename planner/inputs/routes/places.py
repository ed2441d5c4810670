"""Places, their eligible populations and provider capacity overrides."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from sqlmodel import select

from models import CapacityOverride, Intervention, Place, PlacePopulation
from planner.auth.roles import EDITORS, READERS, role_required
from planner.db import get_session
from planner.inputs import service
from planner.inputs.forms import CapacityForm, PlaceForm, PopulationForm, options
from planner.inputs.listing import capacity_rows, contract_rows, population_totals, populations
from planner.inputs.places import target_groups
from planner.inputs.routes import bp
from planner.inputs.validation import fetch
from planner.inputs.web import actor, confirm_delete, form_page


@bp.get("/places")
@role_required(*READERS)
def places() -> str:
    session = get_session()
    rows = session.exec(select(Place).order_by(Place.district, Place.name)).all()
    return render_template(
        "inputs/places.html", places=rows, populations=population_totals(session)
    )


@bp.get("/places/<int:place_id>")
@role_required(*READERS)
def place(place_id: int) -> str:
    session = get_session()
    record = fetch(session, Place, place_id, "place")
    return render_template(
        "inputs/place.html",
        place=record,
        populations=populations(session, place_id),
        capacities=capacity_rows(session, place_id=place_id),
        contracts=contract_rows(session, place_id=place_id),
        missing_groups=[
            group
            for group in target_groups(session)
            if group not in {row.target_group for row in populations(session, place_id)}
        ],
    )


@bp.route("/places/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_place() -> Any:
    form = PlaceForm(need_index="1")
    return form_page(
        form,
        save=lambda: service.create_place(get_session(), form.to_fields(), actor=actor()),
        done=lambda created: (
            f"Added {created.name}. Now record its eligible populations.",
            url_for("inputs.place", place_id=created.id),
        ),
        title="Add a place",
        submit="Add place",
        back_url=url_for("inputs.places"),
    )


@bp.route("/places/<int:place_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_place(place_id: int) -> Any:
    session = get_session()
    record = fetch(session, Place, place_id, "place")
    form = PlaceForm(obj=record)
    back = url_for("inputs.place", place_id=place_id)
    return form_page(
        form,
        editing=record,
        save=lambda: service.update_place(session, place_id, form.to_fields(), actor=actor()),
        done=lambda changed: (f"Saved {changed.name}.", back),
        title=f"Change {record.name}",
        caption="Place",
        submit="Save changes",
        back_url=back,
    )


@bp.route("/places/<int:place_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_place(place_id: int) -> Any:
    session = get_session()
    record = fetch(session, Place, place_id, "place")
    return confirm_delete(
        what=record.name,
        kind="place",
        uses=service.place_uses(session, record),
        delete=lambda: service.delete_place(session, place_id, actor=actor()),
        back_url=url_for("inputs.place", place_id=place_id),
        done_url=url_for("inputs.places"),
    )


@bp.route("/places/<int:place_id>/populations/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_population(place_id: int) -> Any:
    session = get_session()
    record = fetch(session, Place, place_id, "place")
    form = PopulationForm()
    back = url_for("inputs.place", place_id=place_id)
    return form_page(
        form,
        save=lambda: service.save_population(session, place_id, form.to_fields(), actor=actor()),
        done=lambda created: (
            f"Saved {record.name}'s population of {created.target_group}.",
            back,
        ),
        title="Add an eligible population",
        caption=record.name,
        submit="Save population",
        back_url=back,
        datalists={"target_group": target_groups(session)},
        intro="Recording a target group that the place already has replaces its figure.",
    )


@bp.route("/populations/<int:population_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_population(population_id: int) -> Any:
    session = get_session()
    row = fetch(session, PlacePopulation, population_id, "population")
    record = fetch(session, Place, row.place_id, "place")
    form = PopulationForm(obj=row)
    back = url_for("inputs.place", place_id=record.id)
    return form_page(
        form,
        editing=row,
        save=lambda: service.update_population(
            session, population_id, form.to_fields(), actor=actor()
        ),
        done=lambda changed: (
            f"Saved {record.name}'s population of {changed.target_group}.",
            back,
        ),
        title="Change an eligible population",
        caption=record.name,
        submit="Save population",
        back_url=back,
        datalists={"target_group": target_groups(session)},
    )


@bp.route("/populations/<int:population_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_population(population_id: int) -> Any:
    session = get_session()
    row = fetch(session, PlacePopulation, population_id, "population")
    record = fetch(session, Place, row.place_id, "place")
    back = url_for("inputs.place", place_id=record.id)
    return confirm_delete(
        what=f"{record.name}'s population of {row.target_group}",
        kind="eligible population",
        uses=[],
        delete=lambda: service.delete_population(session, population_id, actor=actor()),
        back_url=back,
        done_url=back,
    )


@bp.route("/places/<int:place_id>/capacities/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_capacity(place_id: int) -> Any:
    session = get_session()
    record = fetch(session, Place, place_id, "place")
    form = CapacityForm()
    form.intervention_id.choices = options(
        [("", "Choose an intervention")]
        + [
            (str(i.id), f"{i.name} (default {i.capacity or 'no limit'})")
            for i in session.exec(select(Intervention).order_by(Intervention.name))
        ]
    )
    back = url_for("inputs.place", place_id=place_id)
    return form_page(
        form,
        save=lambda: service.save_capacity_override(
            session, place_id, form.to_fields(), actor=actor()
        ),
        done=lambda _override: (f"Saved the capacity override in {record.name}.", back),
        title="Set a provider's capacity",
        caption=record.name,
        submit="Save capacity",
        back_url=back,
        intro="A capacity set here replaces the intervention's default capacity in this place. "
        "Setting it again for the same intervention replaces it.",
    )


@bp.route("/capacities/<int:override_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_capacity(override_id: int) -> Any:
    session = get_session()
    override = fetch(session, CapacityOverride, override_id, "capacity override")
    record = fetch(session, Place, override.place_id, "place")
    intervention = fetch(session, Intervention, override.intervention_id, "intervention")
    back = url_for("inputs.place", place_id=record.id)
    return confirm_delete(
        what=f"the capacity override of {intervention.name} in {record.name}",
        kind="capacity override",
        uses=[],
        delete=lambda: service.delete_capacity_override(session, override_id, actor=actor()),
        back_url=back,
        done_url=back,
    )
