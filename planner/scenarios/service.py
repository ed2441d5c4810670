"""Scenarios: create, change, copy and delete them, each change audited in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlmodel import Session, col, func, select

from models import (
    BudgetLine,
    DemandType,
    Intervention,
    Partner,
    Place,
    Plan,
    Scenario,
    ScenarioBudgetOverride,
    ScenarioCap,
)
from models.fields import utc_now
from models.intervention import InterventionCategory
from models.scenario import CapScope
from planner.audit.service import Actor, json_safe, record_change
from planner.inputs.validation import name_key
from planner.pooled_fund.service import copy_agreement
from planner.scenarios.checks import reference_problems
from planner.scenarios.forms import BudgetLineChoice, CapTarget, ScenarioChoices, ScenarioForm
from planner.scenarios.schema import ScenarioContext, ScenarioInput, validate_scenario
from planner.solving.inputs import PlanningInputError, planning_inputs
from planner.solving.workers import give_up_on_interrupted_plans


class ScenarioError(ValueError):
    """A scenario that cannot be saved, with a plain reason per form input."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def list_scenarios(session: Session) -> list[tuple[Scenario, int, Plan | None]]:
    """Every scenario with its number of plans and its latest plan."""
    scenarios = session.exec(select(Scenario).order_by(Scenario.name)).all()
    counts = dict(
        session.exec(
            select(Plan.scenario_id, func.count()).group_by(Plan.scenario_id)  # type: ignore[arg-type]
        ).all()
    )
    rows = []
    for scenario in scenarios:
        latest = session.exec(
            select(Plan).where(Plan.scenario_id == scenario.id).order_by(col(Plan.id).desc())
        ).first()
        rows.append((scenario, counts.get(scenario.id, 0), latest))
    return rows


def scenario_choices(session: Session) -> ScenarioChoices:
    """What the scenario form can refer to, from the partnership's current inputs."""
    partners = session.exec(select(Partner).order_by(Partner.name)).all()
    demand_types = session.exec(select(DemandType).order_by(DemandType.name)).all()
    places = session.exec(select(Place).order_by(Place.district, Place.name)).all()
    interventions = session.exec(select(Intervention).order_by(Intervention.name)).all()
    partner_names = {partner.id: partner.name for partner in partners}
    lines = session.exec(select(BudgetLine).order_by(col(BudgetLine.year))).all()
    budget_lines = sorted(
        (
            BudgetLineChoice(
                line.id or 0,
                partner_names.get(line.partner_id, ""),
                line.year,
                line.maximum,
                line.minimum,
            )
            for line in lines
        ),
        key=lambda line: (line.partner, line.year),
    )
    cap_targets = (
        [CapTarget(CapScope.PLACE, str(p.id), f"{p.name} ({p.district})") for p in places]
        + [CapTarget(CapScope.INTERVENTION, str(i.id), i.name) for i in interventions]
        + [
            CapTarget(CapScope.CATEGORY, category.value, f"{category.label} (category)")
            for category in InterventionCategory
        ]
    )
    years = sorted({line.year for line in lines}) or [utc_now().year]
    first = years[0]
    return ScenarioChoices(
        partners=[(p.id or 0, p.name) for p in partners],
        demand_types=[(d.id or 0, d.name) for d in demand_types],
        cap_targets=cap_targets,
        budget_lines=budget_lines,
        years=list(range(first - 1, max(years) + 2)),
    )


def scenario_snapshot(scenario: Scenario) -> dict[str, Any]:
    """Everything a scenario says, for the audit log's before and after."""
    record = json_safe(scenario.model_dump(exclude={"id", "created_at", "updated_at"}))
    record["budget_overrides"] = [
        {
            "budget_line_id": override.budget_line_id,
            "maximum": str(override.maximum),
            "minimum": None if override.minimum is None else str(override.minimum),
        }
        for override in sorted(scenario.budget_overrides, key=lambda o: o.budget_line_id)
    ]
    record["caps"] = [
        {"scope": cap.scope.value, "target": cap.target, "maximum": str(cap.maximum)}
        for cap in sorted(scenario.caps, key=lambda c: (c.scope.value, c.target))
    ]
    return record


def checked_scenario(
    session: Session,
    values: Mapping[str, object],
    scenario_id: int | None,
    form: ScenarioForm | None = None,
) -> ScenarioInput:
    """The scenario `values` describe, checked as the form and the API both are: the schema
    (``schema.ScenarioInput``), then what it refers to (``checks.reference_problems``), a name
    no other scenario has, and a target the eligible population can reach. Raises ScenarioError
    keyed by API field, or by the form's inputs when `form` posted the values."""
    context = ScenarioContext(
        from_form=form is not None,
        time_limit_ceiling=current_app.config.get("SOLVE_TIME_LIMIT"),
    )
    details, errors = validate_scenario(values, context)
    if details is not None:
        for key, message in reference_problems(details, scenario_choices(session)).items():
            errors.setdefault(key, message)
    # Compared as every name is (capitals, spaces and look-alike letters ignored), in Python:
    # SQLite lower-cases ASCII letters only. A missing or mistyped name is the schema's to report.
    name = values.get("name")
    wanted = name_key(name) if isinstance(name, str) and name.strip() else None
    clash = next(
        (
            other
            for other_id, other in session.exec(select(Scenario.id, Scenario.name)).all()
            if other_id != scenario_id and name_key(other) == wanted
        ),
        None,
    )
    if wanted and clash is not None:
        errors.setdefault(
            "name", f"There is already a scenario called ‘{clash}’; choose another name"
        )
    if details is not None and not errors:
        beyond = _target_beyond_reach(session, details)
        if beyond:
            errors["target_amount"] = beyond
    if errors or details is None:
        if form is not None:
            shown: dict[str, str] = {}
            for key, message in errors.items():
                shown.setdefault(form.input_for(key), message)
            errors = shown
        raise ScenarioError(errors)
    return details


def _target_beyond_reach(session: Session, details: ScenarioInput) -> str | None:
    """Why a target is beyond what the whole eligible population could avoid, or None.

    Budgets aside: a target the budgets cannot reach is a plan whose diagnosis says which rules
    clash, not a mistake in the form.
    """
    if details.target_amount is None:
        return None
    probe = Scenario(**details.scenario_fields())
    try:
        planning_inputs(session, probe)
    except PlanningInputError as error:
        text = str(error)
        if "target: " in text:
            reason = text.split("target: ", 1)[1].rstrip(".")
            return f"The target of {reason}"
    return None


def _apply(scenario: Scenario, details: ScenarioInput) -> None:
    for name, value in details.scenario_fields().items():
        setattr(scenario, name, value)
    scenario.updated_at = utc_now()
    kept = {o.budget_line_id: o for o in scenario.budget_overrides}
    scenario.budget_overrides = [
        _override(kept.get(o.budget_line_id), o.budget_line_id, o.maximum, o.minimum)
        for o in details.budget_overrides
    ]
    existing_caps = {(c.scope, c.target): c for c in scenario.caps}
    caps = []
    for wanted in details.caps:
        key = (wanted.scope, wanted.target)
        cap = existing_caps.get(key) or _new_cap(wanted.scope, wanted.target, wanted.maximum)
        cap.maximum = wanted.maximum
        caps.append(cap)
    scenario.caps = caps


def _override(
    existing: ScenarioBudgetOverride | None, line_id: int, maximum: Decimal, minimum: Decimal | None
) -> ScenarioBudgetOverride:
    override = existing or _new_override(line_id, maximum, minimum)
    override.maximum = maximum
    override.minimum = minimum
    return override


# New caps and overrides get their scenario_id from the scenario's relationship when it is saved.
def _new_cap(scope: CapScope, target: str, maximum: Decimal) -> ScenarioCap:
    return ScenarioCap(scope=scope, target=target, maximum=maximum)  # type: ignore[call-arg]


def _new_override(
    line_id: int, maximum: Decimal, minimum: Decimal | None
) -> ScenarioBudgetOverride:
    return ScenarioBudgetOverride(  # type: ignore[call-arg]
        budget_line_id=line_id, maximum=maximum, minimum=minimum
    )


def create_scenario(
    session: Session,
    values: Mapping[str, object],
    actor: Actor,
    form: ScenarioForm | None = None,
) -> Scenario:
    """Check and save a new scenario (one transaction, audited); `values` as the API names
    them, from the API or read from the form (`form`)."""
    details = checked_scenario(session, values, None, form)
    scenario = Scenario(name=details.name)
    _apply(scenario, details)
    session.add(scenario)
    session.flush()
    record_change(
        session,
        actor,
        "create",
        "scenario",
        scenario.id,
        None,
        scenario_snapshot(scenario),
        f"Created scenario ‘{scenario.name}’",
    )
    session.commit()
    return scenario


def update_scenario(
    session: Session,
    scenario: Scenario,
    values: Mapping[str, object],
    actor: Actor,
    form: ScenarioForm | None = None,
) -> Scenario:
    """Check and save a scenario's new values (all of them: an API change is merged into the
    stored values first, ``schema.stored_values``); nothing changes if any rule is wrong."""
    details = checked_scenario(session, values, scenario.id, form)
    before = scenario_snapshot(scenario)
    _apply(scenario, details)
    session.add(scenario)
    session.flush()
    record_change(
        session,
        actor,
        "update",
        "scenario",
        scenario.id,
        before,
        scenario_snapshot(scenario),
        f"Changed scenario ‘{scenario.name}’",
    )
    session.commit()
    return scenario


def copy_name(session: Session, name: str) -> str:
    """'Copy of X', or 'Copy 2 of X' and so on if that is taken."""
    taken = {name_key(n) for n in session.exec(select(Scenario.name)).all()}
    for number in range(1, 1000):
        label = "Copy of" if number == 1 else f"Copy {number} of"
        candidate = f"{label} {name}"[:120]
        if name_key(candidate) not in taken:
            return candidate
    raise ScenarioError({"name": "Too many copies of this scenario already exist"})


def copy_scenario(session: Session, original: Scenario, actor: Actor) -> Scenario:
    """A new scenario with the same rules, budget overrides, caps and pooled-fund agreement."""
    fields = deepcopy(original.model_dump(exclude={"id", "created_at", "updated_at"}))
    copy = Scenario(**fields)
    copy.name = copy_name(session, original.name)
    copy.budget_overrides = [
        _new_override(o.budget_line_id, o.maximum, o.minimum) for o in original.budget_overrides
    ]
    copy.caps = [_new_cap(c.scope, c.target, c.maximum) for c in original.caps]
    session.add(copy)
    session.flush()
    copy_agreement(session, original, copy)
    record_change(
        session,
        actor,
        "create",
        "scenario",
        copy.id,
        None,
        scenario_snapshot(copy),
        f"Copied scenario ‘{original.name}’ to ‘{copy.name}’",
    )
    session.commit()
    return copy


def delete_scenario(session: Session, scenario: Scenario, actor: Actor) -> None:
    """Delete a scenario. Its plans stay, still readable, under the scenario's name."""
    before = scenario_snapshot(scenario)
    record_change(
        session,
        actor,
        "delete",
        "scenario",
        scenario.id,
        before,
        None,
        f"Deleted scenario ‘{scenario.name}’",
    )
    session.delete(scenario)
    session.commit()


def plans_of(session: Session, scenario_id: int) -> list[Plan]:
    """The scenario's plans, newest first (any a restart interrupted marked so)."""
    give_up_on_interrupted_plans(session, current_app._get_current_object())  # type: ignore[attr-defined]
    return list(
        session.exec(
            select(Plan).where(Plan.scenario_id == scenario_id).order_by(col(Plan.id).desc())
        ).all()
    )
