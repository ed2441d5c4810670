"""Consultation: place leads record what those receiving and delivering an intervention said;
everyone reads it (a place lead only for their places)."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlmodel import select

from models import Intervention, Place
from models.consultation import RATING_WORDS, Consultation
from planner.community.consultation import (
    delete_feedback,
    feedback_list,
    find_feedback,
    record_feedback,
)
from planner.community.forms import ConsultationForm
from planner.community.routes import bp
from planner.db import get_session
from planner.delivery.agreement import agreed_plan
from planner.delivery.service import OutsideYourPlaces, check_scope
from planner.inputs.forms import options, year_choices
from planner.inputs.validation import InputNotFound, fetch
from planner.inputs.web import actor, confirm_delete, form_page
from planner.teams.routes import RECORDERS, user_scope


@bp.get("/consultation")
@login_required
def consultation() -> str:
    session = get_session()
    scope = user_scope()
    places = session.exec(select(Place).order_by(Place.name)).all()
    return render_template(
        "community/consultation.html",
        feedback=feedback_list(session, scope),
        places=[p for p in places if scope is None or p.id in scope],
        can_record=current_user.role in RECORDERS,
        rating_words=RATING_WORDS,
    )


@bp.route("/places/<int:place_id>/consultation/new", methods=["GET", "POST"])
@login_required
def new_feedback(place_id: int) -> Any:
    if current_user.role not in RECORDERS:
        abort(403)
    session = get_session()
    place = fetch(session, Place, place_id, "place")
    try:
        check_scope(place_id, user_scope())
    except OutsideYourPlaces:
        abort(403)
    form = ConsultationForm(intervention_id=request.args.get("intervention", ""))
    form.intervention_id.choices = options(
        [("", "Choose an intervention")]
        + [
            (str(i.id), i.name)
            for i in session.exec(select(Intervention).order_by(Intervention.name))
        ]
    )
    form.year.choices = year_choices(plan_years(session))
    back = url_for("teams.show", place_id=place_id) + "#consultation-heading"
    return form_page(
        form,
        save=lambda: record_feedback(
            session, {**form.to_fields(), "place_id": place_id}, actor=actor(), scope=user_scope()
        ),
        done=lambda _saved: (f"Recorded the feedback in {place.name}.", back),
        template="community/form.html",
        title="Record consultation feedback",
        caption=place.name,
        submit="Record feedback",
        back_url=back,
        intro="Ask the people receiving an intervention, or those delivering it, how well it "
        "works for them and what they would change. Record one group's answers at a time.",
    )


@bp.route("/consultation/<int:feedback_id>/delete", methods=["GET", "POST"])
@login_required
def delete_consultation(feedback_id: int) -> Any:
    if current_user.role not in RECORDERS:
        abort(403)
    session = get_session()
    try:
        feedback: Consultation = find_feedback(session, feedback_id, user_scope())
    except InputNotFound:
        abort(404)
    place = fetch(session, Place, feedback.place_id, "place")
    intervention = fetch(session, Intervention, feedback.intervention_id, "intervention")
    back = url_for("teams.show", place_id=place.id) + "#consultation-heading"
    return confirm_delete(
        what=f"the feedback on {intervention.name} in {place.name} of {feedback.consulted_on:%-d %B %Y}",
        kind="consultation feedback",
        uses=[],
        delete=lambda: delete_feedback(session, feedback_id, actor=actor(), scope=user_scope()),
        back_url=back,
        done_url=back,
    )


def plan_years(session: Any) -> list[int]:
    """The agreed plan's years, or the years around now when nothing is agreed yet."""
    plan = agreed_plan(session)
    years = sorted(set((plan.result or {}).get("years") or [])) if plan else []
    if years:
        return years
    from datetime import date

    today = date.today()
    current = today.year if today.month >= 4 else today.year - 1
    return [current - 1, current, current + 1]
