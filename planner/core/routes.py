"""The home page and the health check."""

from flask import Blueprint, jsonify, render_template
from flask_login import login_required

from planner.core.service import partnership_overview
from planner.db import database_is_reachable, get_session

bp = Blueprint("core", __name__)


@bp.get("/")
@login_required
def home() -> str:
    return render_template("core/home.html", overview=partnership_overview(get_session()))


@bp.get("/health")
def health():  # type: ignore[no-untyped-def]
    reachable = database_is_reachable()
    body = {"status": "ok" if reachable else "unavailable", "database": reachable}
    return jsonify(body), 200 if reachable else 503
