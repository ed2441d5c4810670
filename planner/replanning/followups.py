"""Starting a re-solve of the agreed plan (a re-plan, an evidence check or a stop-list re-solve).

Each is stored as a Plan of its own kind, pointing at the plan it re-solves, with a snapshot made
from that plan's snapshot by a pure optimiser transform, and solved by the app's solve workers
like any plan: never inside the web request that asked for it.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlmodel import Session, select

import optimiser as opt
from models import Plan, SpendRecord
from models.plan import PlanKind, PlanStatus
from optimiser.replan import HeldFunding, fundable
from planner.audit.service import Actor, record_change
from planner.inputs.validation import InputError
from planner.solving.service import run_plan
from planner.solving.snapshot import inputs_from_snapshot, json_ready
from planner.spend.variance import planned_payments, record_names


def spent_to_date(session: Session, year: int) -> dict[tuple[str, str, str], Decimal]:
    """Actual spend recorded so far in ``year`` per (partner, intervention, place), by name."""
    names = record_names(session)
    spent: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for record in session.exec(select(SpendRecord).where(SpendRecord.year == year)).all():
        if record.actual is None:
            continue
        key = (
            names["partner"].get(record.partner_id, ""),
            names["intervention"].get(record.intervention_id, ""),
            names["place"].get(record.place_id, ""),
        )
        spent[key] += record.actual
    return spent


def quarters_reported(session: Session, year: int) -> list[int]:
    """The quarters of ``year`` with any actual spend recorded: a re-plan from ``year`` holds
    their money, so its plan for the year is those actuals plus the rest over later quarters."""
    quarters = session.exec(
        select(SpendRecord.quarter).where(
            SpendRecord.year == year,
            SpendRecord.actual != None,  # noqa: E711
        )
    ).all()
    return sorted(set(quarters))


def held_funding(session: Session, plan: Plan, year: int) -> list[HeldFunding]:
    """What a re-plan from ``year`` must keep: every pound spent so far, and all of the agreed
    funding of partners whose commissioning window is closed that year (they cannot let or vary
    contracts until it opens)."""
    inputs, _rules = inputs_from_snapshot(plan.inputs)
    known = {
        "partner": {p.key for p in inputs.partners},
        "intervention": {i.key for i in inputs.interventions},
        "place": {p.key for p in inputs.places},
    }
    closed = {c.partner for c in inputs.cycles if year not in c.open_years}
    amounts: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for key, amount in spent_to_date(session, year).items():
        amounts[key] = amount
    for (partner, intervention, place, _year), amount in planned_payments(plan, year).items():
        if partner in closed:
            key = (partner, intervention, place)
            amounts[key] = max(amounts[key], amount)
    return [
        HeldFunding(partner, intervention, year, float(amount), place)
        for (partner, intervention, place), amount in sorted(amounts.items())
        if amount > 0
        and partner in known["partner"]
        and intervention in known["intervention"]
        and place in known["place"]
    ]


def start_followup(
    session: Session,
    base: Plan,
    actor: Actor,
    kind: PlanKind,
    inputs: opt.PlanningInputs,
    rules: opt.ScenarioRules,
    about: dict[str, Any],
) -> Plan:
    """Store a queued re-solve of ``base`` with these inputs and rules, audited, and hand it to
    the solve workers (in the background unless the app solves inline)."""
    snapshot = copy.deepcopy(base.inputs)
    snapshot["inputs"] = json_ready(inputs)
    snapshot["rules"] = json_ready(rules)
    snapshot["followup"] = json_ready({"kind": kind.value, "based_on_plan_id": base.id, **about})
    plan = Plan(
        scenario_id=base.scenario_id,
        scenario_name=base.scenario_name,
        kind=kind,
        based_on_plan_id=base.id,
        status=PlanStatus.QUEUED,
        created_by_id=getattr(actor, "id", None),
        created_by_name=getattr(actor, "name", "") or "",
        inputs=snapshot,
    )
    session.add(plan)
    session.flush()
    record_change(
        session,
        actor,
        "run",
        "plan",
        plan.id,
        None,
        {"kind": kind.value, "based_on_plan_id": base.id, **json_ready(about)},
        f"Asked for a {kind.label.lower()} of plan {base.id} ({base.scenario_name})",
    )
    session.commit()
    run_plan(current_app._get_current_object(), plan.id)  # type: ignore[attr-defined,arg-type]
    session.refresh(plan)
    return plan


def require_solved(plan: Plan | None, what: str) -> Plan:
    if plan is None:
        raise InputError({"plan_id": f"No plan has been agreed yet, so there is nothing to {what}"})
    if not PlanStatus(plan.status).has_allocation:
        raise InputError({"plan_id": f"Plan {plan.id} has no allocation to {what}"})
    return plan


def year_under_way(session: Session, plan: Plan) -> int:
    """The plan year a re-solve starts from: the latest with actual spend recorded, else the
    plan's first year."""
    years = sorted({int(a["year"]) for a in (plan.result or {}).get("allocations", [])})
    if not years:
        return int(plan.inputs["rules"]["first_year"])
    spent = set(session.exec(select(SpendRecord.year).where(SpendRecord.actual != None)).all())  # noqa: E711
    with_spend = [year for year in years if year in spent]
    return with_spend[-1] if with_spend else years[0]


def unfundable_held(
    held: list[HeldFunding], rules: opt.ScenarioRules, inputs: opt.PlanningInputs
) -> tuple[list[HeldFunding], list[HeldFunding]]:
    """Held money split into what stays a floor and what is set aside because the rules can no
    longer fund its intervention (its rating fell below the minimum)."""
    ratings = {i.key: i.evidence_rating for i in inputs.interventions}
    kept = [h for h in held if fundable(rules, ratings.get(h.intervention, "NE"))]
    aside = [h for h in held if not fundable(rules, ratings.get(h.intervention, "NE"))]
    return kept, aside
