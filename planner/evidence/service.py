"""Recording an evidence change, flagging the agreed plan that relies on it, and re-solving it.

A commissioner records a new rating, cost per participant or effect size for an intervention,
with the source and its date. The intervention takes the new figures at once (for every scenario
run after), the register keeps what they were, and if the agreed plan relies on the intervention
(funds it, or was solved with a contract for it) a re-solve of that plan from the year under way,
with the new evidence and spend so far held, is queued as a background job: its page shows what
would move.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from models import EvidenceChange, Intervention, InterventionEffect, Plan
from models.evidence_change import EvidenceChangeCreate
from models.plan import PlanKind
from models.vocabulary import financial_year_label
from optimiser.inputs import InputError as OptimiserInputError
from optimiser.replan import replan_inputs, set_aside, with_evidence
from planner.audit.service import Actor, record_change
from planner.delivery.agreement import agreed_plan
from planner.inputs.validation import InputError, reference, validated
from planner.replanning.followups import (
    held_funding,
    start_followup,
    unfundable_held,
    year_under_way,
)
from planner.solving.snapshot import inputs_from_snapshot
from planner.spend.service import money_or_none

FIELDS = (
    "intervention_id",
    "evidence_rating",
    "unit_cost",
    "effect_scale",
    "source",
    "source_date",
    "note",
)


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def relies_on(plan: Plan, intervention: str) -> bool:
    """Whether a plan funds the intervention or was solved with a contract for it."""
    if any(a["intervention"] == intervention for a in (plan.result or {}).get("allocations", [])):
        return True
    contracts = (plan.inputs or {}).get("inputs", {}).get("contracts", [])
    return any(c["intervention"] == intervention for c in contracts)


def record_evidence_change(
    session: Session, fields: Mapping[str, Any], *, actor: Actor
) -> EvidenceChange:
    """Save the change and apply it to the intervention in one transaction (audited), then queue
    the agreed plan's re-solve if it relies on the intervention."""
    given = {key: _blank_to_none(fields.get(key)) for key in FIELDS if key in fields}
    if given.get("note") is None:
        given.pop("note", None)
    if given.get("unit_cost") is not None:
        given["unit_cost"] = money_or_none(given["unit_cost"], "unit_cost")
    rating = given.get("evidence_rating")
    if isinstance(rating, str):
        given["evidence_rating"] = rating.strip().upper()
    details = validated(EvidenceChangeCreate, given, record_field="evidence_rating")
    if details.source_date > date.today():
        raise InputError({"source_date": "The source's date cannot be in the future"})
    intervention = reference(
        session, Intervention, details.intervention_id, "intervention_id", "intervention"
    )
    change = EvidenceChange(
        **details.model_dump(),
        intervention_name=intervention.name,
        rating_before=intervention.evidence_rating,
        unit_cost_before=intervention.unit_cost,
        recorded_by_name=actor.name or "",
    )
    before = {
        "evidence_rating": intervention.evidence_rating,
        "unit_cost": str(intervention.unit_cost),
    }
    try:
        if details.evidence_rating is not None:
            intervention.evidence_rating = details.evidence_rating
            intervention.rating_source = details.source[:300]
            intervention.rating_date = details.source_date.isoformat()
        if details.unit_cost is not None:
            intervention.unit_cost = details.unit_cost
        if details.effect_scale is not None:
            effects = session.exec(
                select(InterventionEffect).where(
                    InterventionEffect.intervention_id == intervention.id
                )
            ).all()
            for effect in effects:
                effect.reduction_per_participant = round(
                    effect.reduction_per_participant * details.effect_scale, 6
                )
                session.add(effect)
        session.add(intervention)
        plan = agreed_plan(session)
        if plan is not None and relies_on(plan, intervention.name):
            change.agreed_plan_id = plan.id
        session.add(change)
        session.flush()
        record_change(
            session,
            actor,
            "update",
            "evidence",
            change.id,
            before,
            {
                "evidence_rating": intervention.evidence_rating,
                "unit_cost": str(intervention.unit_cost),
                "effect_scale": details.effect_scale,
                "source": details.source,
                "source_date": details.source_date.isoformat(),
            },
            f"Evidence for {intervention.name} changed ({details.source}, {details.source_date:%d %B %Y})",
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if change.agreed_plan_id is not None:
        check = start_evidence_check(session, change, actor)
        change.check_plan_id = check.id
        session.add(change)
        session.commit()
    return change


def start_evidence_check(session: Session, change: EvidenceChange, actor: Actor) -> Plan:
    """Queue a re-solve of the flagged plan from the year under way with the change applied."""
    base = session.get(Plan, change.agreed_plan_id)
    if base is None:
        raise InputError({"agreed_plan_id": "The plan this change flagged has been deleted"})
    inputs, rules = inputs_from_snapshot(base.inputs)
    name = change.intervention_name
    try:
        inputs = with_evidence(
            inputs,
            name,
            evidence_rating=change.evidence_rating,
            unit_cost=float(change.unit_cost) if change.unit_cost is not None else None,
            effect_scale=change.effect_scale,
        )
        year = year_under_way(session, base)
        held, aside = unfundable_held(held_funding(session, base, year), rules, inputs)
        inputs, rules = replan_inputs(inputs, rules, held, year)
        inputs, rules = set_aside(inputs, rules, aside)
    except OptimiserInputError as error:
        raise InputError({"evidence_rating": str(error)}) from None
    summary = describe(change)
    committed = sum(item.amount for item in aside)
    if committed:
        # The comparison counts this money as gone from the intervention; say where it went.
        summary += (
            f"; the £{committed:,.0f} already spent or committed on activity the rules no longer "
            f"fund in {financial_year_label(year)} is spent whatever happens, so it is set aside "
            "and left out of the re-solve's figures (partners pay it as well)"
        )
    return start_followup(
        session,
        base,
        actor,
        PlanKind.EVIDENCE,
        inputs,
        rules,
        {"from_year": year, "evidence_change_id": change.id, "summary": summary},
    )


def describe(change: EvidenceChange) -> str:
    parts = []
    if change.evidence_rating is not None:
        parts.append(f"rating {change.rating_before} to {change.evidence_rating}")
    if change.unit_cost is not None:
        parts.append(
            f"cost per participant £{change.unit_cost_before or Decimal(0):,.2f} to £{change.unit_cost:,.2f}"
        )
    if change.effect_scale is not None:
        parts.append(f"effect on demand x{change.effect_scale:g}")
    return (
        f"{change.intervention_name}: "
        + ", ".join(parts)
        + f" ({change.source}, {change.source_date:%d %B %Y})"
    )


def evidence_changes(session: Session) -> list[EvidenceChange]:
    return list(
        session.exec(
            select(EvidenceChange).order_by(
                col(EvidenceChange.recorded_at).desc(), col(EvidenceChange.id).desc()
            )
        ).all()
    )
