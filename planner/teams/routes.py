"""Place-based team pages: the places a user may see, a one-page summary of each (printable and
as CSV), and recording (or deleting) delivery. Place leads see only their own places, on every route."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlmodel import select

from models import Intervention, Place
from models.vocabulary import Role
from planner.auth.roles import can
from planner.community.consultation import place_feedback, ratings_by_intervention
from planner.core.page_cache import kept_page
from planner.db import get_session
from planner.delivery.agreement import agreed_plan, current_agreement
from planner.delivery.forms import DeliveryForm
from planner.delivery.service import (
    OutsideYourPlaces,
    PlaceScope,
    check_scope,
    delete_delivery,
    delivery_words,
    find_delivery,
    record_delivery,
)
from planner.inputs.validation import InputError, InputNotFound, fetch
from planner.inputs.web import actor, confirm_delete
from planner.teams.csv_export import place_summary_csv
from planner.teams.service import (
    PlaceSummary,
    funding_rows,
    intervention_rows,
    place_summary,
    place_totals,
    visible_places,
)

bp = Blueprint("teams", __name__, url_prefix="/place-teams")

# Who may record delivery: place leads for their own places, and commissioners and
# administrators for any place. Finance leads read only.
RECORDERS = (Role.PLACE_LEAD, Role.COMMISSIONER, Role.ADMIN)


def user_scope() -> PlaceScope:
    """The places the signed-in user may see: a place lead's own, or all (None)."""
    return list(current_user.place_ids) if current_user.role == Role.PLACE_LEAD else None


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    session = get_session()
    places = visible_places(session, user_scope())
    return render_template(
        "teams/index.html",
        places=places,
        totals=place_totals(session, places),
        plan=agreed_plan(session),
        agreement=current_agreement(session),
    )


@bp.get("/<int:place_id>")
@login_required
def show(place_id: int) -> ResponseReturnValue:
    scope = user_scope()
    if scope is not None and place_id not in scope:
        _summary(place_id)  # refused: 404 for no such place, else 403; never looked up as kept
        abort(403)
    # Rendered once per place, role and data generation, then sent from the kept copy.
    return kept_page("place", place_id, lambda: _summary_page(_summary(place_id)))


@bp.get("/<int:place_id>/summary.csv")
@login_required
def summary_csv(place_id: int) -> ResponseReturnValue:
    summary = _summary(place_id)
    filename = "".join(c if c.isalnum() else "-" for c in summary.place.name).strip("-").lower()
    return Response(
        place_summary_csv(summary),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="place-summary-{filename}.csv"'},
    )


@bp.post("/<int:place_id>/delivery")
@login_required
def record(place_id: int) -> ResponseReturnValue:
    if current_user.role not in RECORDERS:
        abort(403)
    summary = _summary(place_id)
    form = DeliveryForm()
    if not form.validate_on_submit():
        errors = {name: messages[0] for name, messages in form.errors.items()}
        return _summary_page(summary, errors, form), 422
    fields = {
        "place_id": place_id,
        "intervention_id": form.intervention_id.data,
        "year": form.year.data,
        "started": form.started.data,
        "completed": form.completed.data or 0,
        "notes": form.notes.data or "",
    }
    try:
        record_delivery(get_session(), fields, actor=current_user, scope=user_scope())
    except InputError as error:
        get_session().rollback()
        return _summary_page(summary, error.errors, form), 422
    flash("Delivery recorded.", "success")
    return redirect(url_for("teams.show", place_id=place_id) + "#planned-delivered-heading")


@bp.route("/<int:place_id>/delivery/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete_record(place_id: int, record_id: int) -> ResponseReturnValue:
    """Ask, then delete a delivery record of this place (recorded by mistake, or against the
    wrong intervention or year); the audit log keeps a copy."""
    if current_user.role not in RECORDERS:
        abort(403)
    session = get_session()
    try:
        fetch(session, Place, place_id, "place")
        check_scope(place_id, user_scope())
        record = find_delivery(session, record_id, user_scope())
    except InputNotFound:
        abort(404)
    except OutsideYourPlaces:
        abort(403)
    if record.place_id != place_id:
        abort(404)
    back = url_for("teams.show", place_id=place_id) + "#planned-delivered-heading"
    return confirm_delete(
        what=delivery_words(session, record),
        kind="delivery record",
        uses=[],
        delete=lambda: delete_delivery(session, record_id, actor=actor(), scope=user_scope()),
        back_url=back,
        done_url=back,
    )


def _summary(place_id: int) -> PlaceSummary:
    try:
        return place_summary(get_session(), place_id, user_scope())
    except InputNotFound:
        abort(404)
    except OutsideYourPlaces:
        abort(403)


def _summary_page(
    summary: PlaceSummary, errors: dict[str, str] | None = None, form: DeliveryForm | None = None
) -> str:
    session = get_session()
    interventions = session.exec(select(Intervention).order_by(Intervention.name)).all()
    years = sorted({section.year for section in summary.years}) or sorted(
        set((summary.plan.result or {}).get("years") or []) if summary.plan else set()
    )
    return render_template(
        "teams/place.html",
        summary=summary,
        errors=errors or {},
        form=form,
        can_record=can(*RECORDERS),
        interventions=interventions,
        years=years,
        submitted=request.form if errors else {},
        intervention_rows=intervention_rows(summary),
        funding_rows=funding_rows(summary),
        feedback=place_feedback(session, summary.place.id),  # type: ignore[arg-type]
        ratings=ratings_by_intervention(session, summary.place.id),  # type: ignore[arg-type]
    )
