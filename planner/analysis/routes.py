"""Analyses of a plan: start one (commissioners and admins), follow its progress (JSON)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue

from models import Job, PlanAnalysis
from planner.analysis.runner import run_analysis
from planner.analysis.service import analysis_status, start_analysis
from planner.auth.roles import READERS, Role, role_required
from planner.db import get_session
from planner.inputs.validation import InputError
from planner.inputs.web import actor
from planner.plans.service import find_plan

bp = Blueprint("analysis", __name__, url_prefix="/plans")


@bp.post("/<int:plan_id>/analyses")
@role_required(Role.ADMIN, Role.COMMISSIONER)
def start(plan_id: int) -> ResponseReturnValue:
    session = get_session()
    plan = find_plan(session, plan_id)
    try:
        analysis = start_analysis(session, plan, dict(request.form), actor())
    except InputError as error:
        for field, reason in error.errors.items():
            flash(f"{field.replace('_', ' ').capitalize()}: {reason}.", "error")
        return redirect(url_for("plans.show", plan_id=plan_id, _anchor="uncertainty"))
    run_analysis(current_app._get_current_object(), analysis.id)  # type: ignore[attr-defined, arg-type]
    return redirect(url_for("plans.show", plan_id=plan_id, _anchor="uncertainty"))


@bp.get("/<int:plan_id>/analyses/<int:analysis_id>/status")
@role_required(*READERS)
def status(plan_id: int, analysis_id: int) -> ResponseReturnValue:
    session = get_session()
    analysis = session.get(PlanAnalysis, analysis_id, populate_existing=True)
    if analysis is None or analysis.plan_id != plan_id:
        abort(404)
    job = session.get(Job, analysis.job_id, populate_existing=True) if analysis.job_id else None
    response = jsonify(analysis_status(analysis, job))
    response.headers["Cache-Control"] = "no-store"
    return response
