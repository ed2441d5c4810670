"""The inputs overview and the commissioning calendar."""

from __future__ import annotations

from flask import render_template
from sqlmodel import func, select

from models import (
    BudgetLine,
    CommissioningCycle,
    DemandType,
    ExistingContract,
    Intervention,
    InterventionEffect,
    Partner,
    Place,
    PriceIndexYear,
)
from planner.auth.roles import READERS, role_required
from planner.db import get_session
from planner.inputs.calendar import build_calendar
from planner.inputs.routes import bp


@bp.get("/")
@role_required(*READERS)
def index() -> str:
    session = get_session()

    def count(table: type) -> int:
        return session.exec(select(func.count()).select_from(table)).one()

    counts = {
        "partners": count(Partner),
        "cycles": count(CommissioningCycle),
        "budget_lines": count(BudgetLine),
        "contracts": count(ExistingContract),
        "demand_types": count(DemandType),
        "interventions": count(Intervention),
        "effects": count(InterventionEffect),
        "places": count(Place),
        "price_index": count(PriceIndexYear),
    }
    return render_template("inputs/index.html", counts=counts)


@bp.get("/calendar")
@role_required(*READERS)
def calendar() -> str:
    return render_template("inputs/calendar.html", calendar=build_calendar(get_session()))
