"""Shared volunteers: per place and year, the hours available and the cost of one more
volunteer; with the agreed plan, the hours it uses and what one more volunteer would add."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_login import login_required
from sqlmodel import select

from models import Place
from models.volunteer import VolunteerPool
from planner.auth.roles import EDITORS, can, role_required
from planner.community.forms import VolunteerPoolForm
from planner.community.routes import bp
from planner.community.routes.consultation import plan_years
from planner.community.volunteers import (
    delete_pool,
    pools_by_place,
    save_pool,
    update_pool,
    volunteering_interventions,
)
from planner.db import get_session
from planner.delivery.agreement import agreed_plan
from planner.inputs.forms import options, year_choices
from planner.inputs.validation import fetch
from planner.inputs.web import actor, confirm_delete, form_page


@bp.get("/volunteers")
@login_required
def volunteers() -> str:
    session = get_session()
    plan = agreed_plan(session)
    names = {place.name: place for place in session.exec(select(Place))}
    use = {
        (row["place"], row["year"]): row
        for row in ((plan.result or {}).get("volunteers") or [] if plan else [])
    }
    return render_template(
        "community/volunteers.html",
        places=pools_by_place(session),
        interventions=volunteering_interventions(session),
        plan=plan,
        use=use,
        place_names=names,
        can_edit=can(*EDITORS),
    )


@bp.route("/volunteers/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_pool() -> Any:
    session = get_session()
    form = VolunteerPoolForm(place_id=request.args.get("place", ""), hours_per_volunteer="60")
    form.place_id.choices = options(
        [("", "Choose a place")]
        + [(str(p.id), p.name) for p in session.exec(select(Place).order_by(Place.name))]
    )
    form.year.choices = year_choices(plan_years(session))
    back = url_for("community.volunteers")
    return form_page(
        form,
        save=lambda: save_pool(session, form.to_fields(), actor=actor()),
        done=lambda _pool: ("Saved the volunteers.", back),
        title="Record a place's volunteers",
        submit="Save volunteers",
        back_url=back,
        intro="Recording a place and year that already has volunteers replaces their figures.",
    )


@bp.route("/volunteers/<int:pool_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_pool(pool_id: int) -> Any:
    session = get_session()
    pool = fetch(session, VolunteerPool, pool_id, "volunteer record")
    place = fetch(session, Place, pool.place_id, "place")
    form = VolunteerPoolForm(obj=pool)
    form.place_id.choices = options([(str(place.id), place.name)])
    form.year.choices = year_choices([pool.year])
    back = url_for("community.volunteers")
    return form_page(
        form,
        save=lambda: update_pool(session, pool_id, form.to_fields(), actor=actor()),
        done=lambda _pool: (f"Saved the volunteers of {place.name}.", back),
        title="Change a place's volunteers",
        caption=place.name,
        submit="Save volunteers",
        back_url=back,
    )


@bp.route("/volunteers/<int:pool_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_volunteers(pool_id: int) -> Any:
    session = get_session()
    pool = fetch(session, VolunteerPool, pool_id, "volunteer record")
    place = fetch(session, Place, pool.place_id, "place")
    back = url_for("community.volunteers")
    return confirm_delete(
        what=f"the volunteers of {place.name} in {pool.year}/{(pool.year + 1) % 100:02d}",
        kind="volunteer record",
        uses=[],
        delete=lambda: delete_pool(session, pool_id, actor=actor()),
        back_url=back,
        done_url=back,
        consequence="Interventions that need volunteer hours cannot run there that year "
        "until volunteers are recorded again.",
    )
