"""Marking a plan as agreed. Each agreement is kept; the latest one is the agreed plan.

Only a plan with an allocation (solved to optimality, or stopped at the time limit with a
feasible plan) can be agreed: a plan whose rules clashed has nothing to deliver.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import Plan, PlanAgreement
from models.plan import PlanStatus
from models.text import note_text
from planner.audit.service import Actor, record_change
from planner.inputs.validation import InputError, InputNotFound

MAX_NOTE = 1000


def agree_plan(session: Session, plan_id: int, actor: Actor, note: str = "") -> PlanAgreement:
    """Record that the partnership has agreed this plan; it replaces the agreed plan before it."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise InputNotFound(f"There is no plan with id {plan_id}")
    if not PlanStatus(plan.status).has_allocation:
        raise InputError(
            {
                "plan_id": f"Plan {plan.id} ({plan.scenario_name}) has no allocation to deliver, so it cannot be agreed"
            }
        )
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InputError({"note": f"must be at most {MAX_NOTE} characters"})
    try:
        note_text(note)
    except ValueError as hidden:
        raise InputError({"note": str(hidden)}) from None
    current = current_agreement(session)
    if current is not None and current.plan_id == plan.id:
        raise InputError(
            {"plan_id": f"Plan {plan.id} ({plan.scenario_name}) is already the agreed plan"}
        )
    agreement = PlanAgreement(
        plan_id=plan.id,
        scenario_name=plan.scenario_name,
        agreed_by_id=actor.id,
        agreed_by_name=actor.name,
        note=note,
    )
    session.add(agreement)
    session.flush()
    record_change(
        session,
        actor,
        "agree",
        "plan",
        plan.id,
        {"agreed_plan_id": current.plan_id} if current else None,
        {"agreed_plan_id": plan.id, "scenario": plan.scenario_name, "note": note},
        f"Agreed plan {plan.id} ({plan.scenario_name})",
    )
    session.commit()
    return agreement


def current_agreement(session: Session) -> PlanAgreement | None:
    """The latest agreement, or None if no plan has been agreed yet."""
    return session.exec(
        select(PlanAgreement).order_by(
            col(PlanAgreement.agreed_at).desc(), col(PlanAgreement.id).desc()
        )
    ).first()


def agreed_plan(session: Session) -> Plan | None:
    """The plan place-based teams deliver: the latest agreed one (None if none, or if that plan
    has since been deleted, so nobody delivers against an older plan by mistake)."""
    agreement = current_agreement(session)
    if agreement is None or agreement.plan_id is None:
        return None
    return session.get(Plan, agreement.plan_id)


def agreement_history(session: Session) -> list[PlanAgreement]:
    """Every agreement, newest first."""
    return list(
        session.exec(
            select(PlanAgreement).order_by(
                col(PlanAgreement.agreed_at).desc(), col(PlanAgreement.id).desc()
            )
        ).all()
    )
