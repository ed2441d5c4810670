"""The audit log page (administrators only): who changed what, when, before and after."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from models.vocabulary import Role
from planner.audit.search import (
    AuditFilter,
    changes,
    entity_choices,
    find_events,
    parse_date,
    user_choices,
)
from planner.auth.roles import role_required
from planner.core.ids import number_arg
from planner.db import get_session

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> str:
    session = get_session()
    wanted = AuditFilter(
        entity=request.args.get("entity", ""),
        user=request.args.get("user", ""),
        date_from=parse_date(request.args.get("from")),
        date_to=parse_date(request.args.get("to")),
        page=number_arg("page", "page number", default=1) or 1,
    )
    return render_template(
        "audit/index.html",
        found=find_events(session, wanted),
        wanted=wanted,
        entities=entity_choices(session),
        users=user_choices(session),
        changes=changes,
        page_url=lambda number: url_for("audit.index", **_filters(number)),
    )


def _filters(page: int) -> dict[str, Any]:
    """The current filters, for links to another page of results."""
    return {
        "entity": request.args.get("entity", ""),
        "user": request.args.get("user", ""),
        "from": request.args.get("from", ""),
        "to": request.args.get("to", ""),
        "page": page,
    }
