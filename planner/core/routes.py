"""The home page and the health check."""

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from models.vocabulary import Role
from planner.core.service import agreed_plan_summary, led_places, partnership_overview
from planner.db import database_is_reachable, get_session

bp = Blueprint("core", __name__)


@bp.get("/")
@login_required
def home() -> str:
    session = get_session()
    is_place_lead = current_user.role == Role.PLACE_LEAD
    return render_template(
        "core/home.html",
        overview=partnership_overview(session),
        agreed=agreed_plan_summary(session),
        my_places=led_places(session, current_user.place_ids) if is_place_lead else [],
    )


@bp.get("/health")
def health() -> ResponseReturnValue:
    reachable = database_is_reachable()
    body = {"status": "ok" if reachable else "unavailable", "database": reachable}
    return jsonify(body), 200 if reachable else 503
