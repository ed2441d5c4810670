"""In-year re-planning: re-solve from the year under way, and agree the result as a revision."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import Plan, PlanAgreement
from models.plan import PlanKind, PlanStatus
from models.vocabulary import financial_year_label
from optimiser.inputs import InputError as OptimiserInputError
from optimiser.replan import replan_inputs
from planner.audit.service import Actor, record_change
from planner.delivery.agreement import agreed_plan, current_agreement
from planner.inputs.validation import InputError, InputNotFound
from planner.replanning.changes import what_changes
from planner.replanning.followups import (
    held_funding,
    quarters_reported,
    require_solved,
    start_followup,
)
from planner.solving.snapshot import inputs_from_snapshot


def start_replan(session: Session, from_year: int, actor: Actor) -> Plan:
    """Queue a re-solve of the agreed plan from ``from_year``, with what is spent and contracted
    held and the commissioning windows as they are."""
    base = require_solved(agreed_plan(session), "re-plan")
    inputs, rules = inputs_from_snapshot(base.inputs)
    held = held_funding(session, base, from_year)
    try:
        new_inputs, new_rules = replan_inputs(inputs, rules, held, from_year)
    except OptimiserInputError as error:
        raise InputError({"from_year": str(error)}) from None
    return start_followup(
        session,
        base,
        actor,
        PlanKind.REPLAN,
        new_inputs,
        new_rules,
        {
            "from_year": from_year,
            "quarters_reported": quarters_reported(session, from_year),
            "held": [
                {
                    "partner": h.partner,
                    "intervention": h.intervention,
                    "place": h.place,
                    "amount": h.amount,
                }
                for h in held
            ],
        },
    )


def replans(session: Session, base_id: int | None = None) -> list[Plan]:
    statement = select(Plan).where(Plan.kind == PlanKind.REPLAN).order_by(col(Plan.id).desc())
    if base_id is not None:
        statement = statement.where(Plan.based_on_plan_id == base_id)
    return list(session.exec(statement).all())


def agree_revision(session: Session, plan_id: int, actor: Actor, note: str = "") -> PlanAgreement:
    """A commissioner agrees a re-plan as a revision of the agreed plan it re-solved. The agreed
    plan's history keeps every revision, with what it changed in sentences."""
    plan = session.get(Plan, plan_id)
    if plan is None or plan.kind != PlanKind.REPLAN:
        raise InputNotFound(f"There is no re-plan with id {plan_id}")
    if not PlanStatus(plan.status).has_allocation:
        raise InputError({"plan_id": f"Re-plan {plan.id} has no allocation to agree"})
    current = current_agreement(session)
    if current is None or current.plan_id != plan.based_on_plan_id:
        raise InputError(
            {
                "plan_id": f"Re-plan {plan.id} revises plan {plan.based_on_plan_id}, which is no "
                "longer the agreed plan; re-plan the agreed plan again"
            }
        )
    base = session.get(Plan, plan.based_on_plan_id)
    changes = what_changes(base, plan)  # type: ignore[arg-type]
    note = (note or "").strip()[:1000]
    agreement = PlanAgreement(
        plan_id=plan.id,
        scenario_name=plan.scenario_name,
        agreed_by_id=actor.id,
        agreed_by_name=actor.name,
        note=note,
        revises_plan_id=base.id,  # type: ignore[union-attr]
        changes=" ".join(changes.sentences)[:4000],
    )
    session.add(agreement)
    session.flush()
    record_change(
        session,
        actor,
        "agree",
        "plan",
        plan.id,
        {"agreed_plan_id": base.id},  # type: ignore[union-attr]
        {"agreed_plan_id": plan.id, "revises_plan_id": base.id, "note": note},  # type: ignore[union-attr]
        f"Agreed re-plan {plan.id} as a revision of plan {base.id} from "  # type: ignore[union-attr]
        f"{financial_year_label(changes.from_year)}",
    )
    session.commit()
    return agreement
