"""Plan pages: the list, one plan with its reasons, solving progress, and plans side by side."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response as BaseResponse

from models import Plan
from models.plan import PlanStatus
from optimiser.unfunded import UNFUNDED_REASONS, UnfundedReason
from planner import STATIC_DIR
from planner.analysis.charts import analysis_charts
from planner.analysis.service import ANALYSIS_DEFAULTS, latest_analyses
from planner.auth.roles import EDITORS, READERS, role_required
from planner.core.ids import number_arg, number_args
from planner.core.page_cache import kept_page
from planner.db import get_session
from planner.jobs.service import cancel_job
from planner.plans.cache import reports
from planner.plans.charts import plan_charts
from planner.plans.compare import compare_plans
from planner.plans.report import STATUS_LABELS, STATUS_TAGS, build_report
from planner.plans.rules import solved_rules
from planner.plans.service import (
    MAX_COMPARED,
    agreed_plan_id,
    find_plan,
    list_plans,
    plan_delivery,
    plan_status,
    plans_to_compare,
    scenario_filter_choices,
)
from planner.pooled_fund.service import plan_pooled_fund
from planner.solving.pooling_job import pooling_state
from planner.solving.workers import give_up_on_interrupted_plans

bp = Blueprint("plans", __name__, url_prefix="/plans")

# Plotly's own bundle, shipped inside the plotly Python package: served from here so charts work
# offline and nothing is fetched from a CDN.
# Only the parts the charts use (bar and scatter traces): see static/vendor/plotly/README.md.
PLOTLY_BUNDLE = STATIC_DIR / "vendor" / "plotly" / "plotly-basic.min.js"
PLOTLY_VERSION = "4.1.1-basic"
# The id of the <style> element plotly's bundle injects for its map styles unless an element with
# this id is already in the page; the plan page links static/css/plotly-maps.css under it, since
# the content security policy refuses inline styles.
PLOTLY_MAPS_STYLE_ID = "9f215cf04c5486422605d13261cb87401f4e7763b6296af81e98efbc0130da53"


@bp.app_template_global()
def status_label(status: str) -> str:
    """A plan status in words (also inside imported macros, which see globals only)."""
    return STATUS_LABELS.get(PlanStatus(status), str(status))


@bp.app_template_global()
def status_tag_class(status: str) -> str:
    return STATUS_TAGS.get(PlanStatus(status), "tag-grey")


@bp.app_template_global()
def unfunded_reason(reason: str) -> UnfundedReason:
    """Why an intervention is unfunded, as its tag (``optimiser.unfunded.UNFUNDED_REASONS``)."""
    return UNFUNDED_REASONS[reason]


@bp.app_context_processor
def plan_helpers() -> dict[str, object]:
    return {
        "has_endpoint": lambda endpoint: endpoint in current_app.view_functions,
        "status_labels": STATUS_LABELS,
        "status_tags": STATUS_TAGS,
        "plotly_version": PLOTLY_VERSION,
        "plotly_maps_style_id": PLOTLY_MAPS_STYLE_ID,
    }


@bp.before_app_request
def give_up_on_runs_cut_short_by_a_restart() -> None:
    """Once per app, on its first request (after any migration has run): plans a restart left
    waiting or solving are marked interrupted, so no one, the API included, waits on them."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.extensions.get("plans_checked_since_start"):
        return
    app.extensions["plans_checked_since_start"] = True
    session = get_session()
    try:
        give_up_on_interrupted_plans(session, app)
    except SQLAlchemyError:  # a database not yet set up: nothing to give up on
        session.rollback()


@bp.get("/")
@role_required(*READERS)
def index() -> ResponseReturnValue:
    session = get_session()
    scenario_id = number_arg("scenario", "scenario number")
    return render_template(
        "plans/index.html",
        plans=list_plans(session, scenario_id),
        scenarios=scenario_filter_choices(session),
        scenario_id=scenario_id,
        max_compared=MAX_COMPARED,
        agreed_plan_id=agreed_plan_id(session),
    )


@bp.get("/<int:plan_id>")
@role_required(*READERS)
def show(plan_id: int) -> ResponseReturnValue:
    # Rendered once per role and data generation, then sent from the kept copy.
    return kept_page("plan", plan_id, lambda: _plan_page(plan_id))


def _plan_page(plan_id: int) -> str | BaseResponse:
    session = get_session()
    plan = find_plan(session, plan_id)
    if not plan.status.finished:
        return redirect(url_for("plans.progress", plan_id=plan_id))
    analyses = latest_analyses(session, plan_id)
    report, charts, rules = reports.get(plan, lambda: _worked_out(plan))
    return render_template(
        "plans/show.html",
        report=report,
        plan=plan,
        charts={**charts, **analysis_charts(analyses)},
        delivery=plan_delivery(session, plan),
        rules=rules,
        pooled_fund=plan_pooled_fund(session, plan),
        analyses=analyses,
        analysis_defaults=ANALYSIS_DEFAULTS,
    )


def _worked_out(plan: Plan) -> tuple[Any, Any, Any]:
    report = build_report(plan)
    return report, plan_charts(report), solved_rules(plan)


@bp.get("/<int:plan_id>/progress")
@role_required(*READERS)
def progress(plan_id: int) -> ResponseReturnValue:
    """Waiting or solving: the progress, polled. Failed: why, and a way to run it again. Any
    other outcome: the plan itself."""
    session = get_session()
    plan = find_plan(session, plan_id)
    if plan.status.finished and plan.status != PlanStatus.ERROR:
        return redirect(url_for("plans.show", plan_id=plan_id))
    status = plan_status(session, plan, url_for("plans.show", plan_id=plan_id))
    return render_template("plans/progress.html", plan=plan, status=status)


@bp.post("/<int:plan_id>/cancel")
@role_required(*EDITORS)
def cancel(plan_id: int) -> ResponseReturnValue:
    """Stop a run still waiting or being solved; the plan says who stopped it and when."""
    session = get_session()
    plan = find_plan(session, plan_id)
    if plan.job_id is not None and cancel_job(session, plan.job_id, current_user):
        flash(f"Plan {plan.id} was stopped before it finished.", "success")
    else:
        flash(f"Plan {plan.id} had already finished, so there was nothing to stop.", "info")
    return redirect(url_for("plans.progress", plan_id=plan_id))


@bp.get("/<int:plan_id>/status")
@role_required(*READERS)
def status(plan_id: int) -> ResponseReturnValue:
    session = get_session()
    plan = find_plan(session, plan_id)
    response = jsonify(plan_status(session, plan, url_for("plans.show", plan_id=plan_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:plan_id>/pooling")
@role_required(*READERS)
def pooling(plan_id: int) -> ResponseReturnValue:
    """The value-of-pooling job for the plan page (static/js/plan-pooling.js): where it is and,
    once finished, the page's section rendered as on the page."""
    session = get_session()
    plan = find_plan(session, plan_id)
    state = pooling_state(session, current_app._get_current_object(), plan)  # type: ignore[attr-defined]
    if state["finished"]:
        report = build_report(plan)
        state["html"] = render_template("plans/_pooling.html", report=report, plan=plan)
        gain = report.pooling_gain
        state["headline"] = (
            "–" if gain is None else f"£{gain:,.0f}" if gain >= 0 else f"−£{-gain:,.0f}"
        )
    response = jsonify(state)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/compare")
@role_required(*READERS)
def compare() -> ResponseReturnValue:
    plan_ids = number_args("plan", "plan number")
    if len(set(plan_ids)) < 2 or len(set(plan_ids)) > MAX_COMPARED:
        session = get_session()
        problem = (
            "Choose at least two plans to compare"
            if len(set(plan_ids)) < 2
            else f"Choose at most {MAX_COMPARED} plans to compare"
        )
        return render_template(
            "plans/index.html",
            plans=list_plans(session, None),
            scenarios=scenario_filter_choices(session),
            scenario_id=None,
            max_compared=MAX_COMPARED,
            agreed_plan_id=agreed_plan_id(session),
            compare_error=problem,
            chosen=set(plan_ids),
        ), 422
    reports = [build_report(plan) for plan in plans_to_compare(get_session(), plan_ids)]
    return render_template("plans/compare.html", comparison=compare_plans(reports))


@bp.get("/plotly.min.js")
@login_required
def plotly_js() -> ResponseReturnValue:
    return send_file(
        PLOTLY_BUNDLE, mimetype="text/javascript", max_age=30 * 24 * 3600, conditional=True
    )
