"""Scenario pages: list, summary, create, edit, copy, delete, and run (which starts a plan)."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from models import Scenario
from optimiser.families import SECTION_HEADINGS
from planner.auth.roles import EDITORS, READERS, role_required
from planner.core.conflict import conflict_page, value_rows
from planner.db import get_session
from planner.scenarios.describe import describe_rules
from planner.scenarios.forms import (
    CONFIDENCE_LEVELS,
    FUNDABLE_RATINGS,
    NumberRule,
    cap_row_count,
    display_number,
    form_values,
    number_rules,
    read_scenario_form,
)
from planner.scenarios.service import (
    ScenarioError,
    copy_scenario,
    create_scenario,
    delete_scenario,
    list_scenarios,
    plans_of,
    scenario_choices,
    update_scenario,
)
from planner.solving.service import RunInFlight, ask_for_plan, plan_in_progress

bp = Blueprint("scenarios", __name__, url_prefix="/scenarios")


def _scenario(scenario_id: int) -> Scenario:
    scenario = get_session().get(Scenario, scenario_id)
    if scenario is None:
        abort(404)
    return scenario


def _form_page(
    scenario: Scenario | None, values: dict[str, str], errors: dict[str, str]
) -> ResponseReturnValue:
    choices = scenario_choices(get_session())
    chosen_year = values.get("first_year", "")
    if re.fullmatch(r"[0-9]{4}", chosen_year) and int(chosen_year) not in choices.years:
        choices.years.append(int(chosen_year))  # a scenario set up before today's budgets
        choices.years.sort()
    return render_template(
        "scenarios/form.html",
        scenario=scenario,
        values=values,
        errors=errors,
        choices=choices,
        rules=_number_rules(),
        sections=SECTION_HEADINGS,
        confidence_levels=CONFIDENCE_LEVELS,
        ratings=FUNDABLE_RATINGS,
        cap_rows=cap_row_count(values.get("cap-rows"), len(scenario.caps) if scenario else 0),
    ), (422 if errors else 200)


def _number_rules() -> dict[str, NumberRule]:
    return number_rules(current_app.config.get("SOLVE_TIME_LIMIT"))


def _new_scenario_values() -> dict[str, str]:
    """A new scenario's defaults, its time limit within what this server allows."""
    values = form_values(None)
    most = _number_rules()["time_limit_seconds"].maximum
    if float(values["time_limit_seconds"]) > most:
        values["time_limit_seconds"] = display_number(most)
    return values


@bp.get("/")
@role_required(*READERS)
def index() -> ResponseReturnValue:
    return render_template("scenarios/index.html", rows=list_scenarios(get_session()))


@bp.route("/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new() -> ResponseReturnValue:
    if request.method == "GET":
        return _form_page(None, _new_scenario_values(), {})
    session = get_session()
    form = read_scenario_form(request.form, scenario_choices(session))
    try:
        scenario = create_scenario(session, form.values, current_user, form)
    except ScenarioError as error:
        session.rollback()
        return _form_page(None, dict(request.form), error.errors)
    flash(f"Scenario ‘{scenario.name}’ created. Run it to see the plan.", "success")
    return redirect(url_for("scenarios.show", scenario_id=scenario.id))


@bp.get("/<int:scenario_id>")
@role_required(*READERS)
def show(scenario_id: int) -> ResponseReturnValue:
    scenario = _scenario(scenario_id)
    session = get_session()
    choices = scenario_choices(session)
    lines = {line.id: line for line in choices.budget_lines}
    return render_template(
        "scenarios/show.html",
        scenario=scenario,
        rules=describe_rules(scenario, choices),
        choices=choices,
        budget_lines=lines,
        plans=plans_of(session, scenario_id),
    )


@bp.route("/<int:scenario_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(scenario_id: int) -> ResponseReturnValue:
    scenario = _scenario(scenario_id)
    if request.method == "GET":
        return _form_page(scenario, form_values(scenario), {})
    session = get_session()
    sent = request.form.get("version", "").strip()
    if sent.isdigit() and int(sent) != scenario.version:
        return _conflict(session, scenario)
    form = read_scenario_form(request.form, scenario_choices(session))
    try:
        update_scenario(session, scenario, form.values, current_user, form)
    except StaleDataError:
        session.rollback()
        return _conflict(session, scenario)
    except ScenarioError as error:
        session.rollback()
        return _form_page(scenario, dict(request.form), error.errors)
    flash(f"Scenario ‘{scenario.name}’ saved.", "success")
    return redirect(url_for("scenarios.show", scenario_id=scenario.id))


def _conflict(session: Session, scenario: Scenario) -> ResponseReturnValue:
    """Someone saved the scenario since this form was filled: both people's values, nothing
    saved."""
    session.refresh(scenario)
    yours = {name: value for name, value in request.form.items() if name in form_values(scenario)}
    rows = [
        row
        for row in value_rows(yours, form_values(scenario), {})
        if row.differs or row.label == "Name"
    ]
    return conflict_page(
        session,
        None,
        scenario,
        what=f"Scenario ‘{scenario.name}’",
        back_url=url_for("scenarios.show", scenario_id=scenario.id),
        rows=rows,
    )


@bp.post("/<int:scenario_id>/copy")
@role_required(*EDITORS)
def copy(scenario_id: int) -> ResponseReturnValue:
    copied = copy_scenario(get_session(), _scenario(scenario_id), current_user)
    flash(f"Copied to ‘{copied.name}’. Change its rules below.", "success")
    return redirect(url_for("scenarios.edit", scenario_id=copied.id))


@bp.route("/<int:scenario_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete(scenario_id: int) -> ResponseReturnValue:
    scenario = _scenario(scenario_id)
    session = get_session()
    if request.method == "GET":
        return render_template(
            "scenarios/delete.html",
            scenario=scenario,
            plan_count=len(plans_of(session, scenario_id)),
        )
    name = scenario.name
    delete_scenario(session, scenario, current_user)
    flash(f"Scenario ‘{name}’ deleted. Its plans are kept.", "success")
    return redirect(url_for("scenarios.index"))


@bp.post("/<int:scenario_id>/run")
@role_required(*EDITORS)
def run(scenario_id: int) -> ResponseReturnValue:
    """Queue a plan for the scenario and solve it (in the background when configured); while the
    scenario already has a plan waiting or being solved, follow that one instead."""
    scenario = _scenario(scenario_id)  # 404 for an unknown scenario, before anything is stored
    session = get_session()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    under_way = plan_in_progress(session, app, scenario_id)
    if under_way is None:
        try:
            plan = ask_for_plan(session, scenario_id, current_user)
        except RunInFlight as in_flight:  # another request started one a moment ago
            under_way = in_flight.plan
    if under_way is not None:
        flash(
            f"‘{scenario.name}’ is already being planned (plan {under_way.id}), so no second run "
            "was started. This page follows it; run the scenario again once it has finished.",
            "info",
        )
        return redirect(url_for("plans.progress", plan_id=under_way.id))
    return redirect(url_for("plans.progress", plan_id=plan.id))
