"""Finding plans and reporting their progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app
from sqlmodel import Session, select

from models import Job, Plan, Scenario
from models.plan import PlanStatus
from planner.delivery.agreement import agreed_plan
from planner.delivery.service import DeliveryLine, delivery_against_plan
from planner.plans.report import STATUS_LABELS
from planner.solving.workers import give_up_on_interrupted_plans, plans_ahead

MAX_COMPARED = 4


def find_plan(session: Session, plan_id: int) -> Plan:
    """The plan as stored now (re-read, since a background solve may have just finished); one
    still waiting or solving long after any run could have finished is marked interrupted."""
    plan = session.get(Plan, plan_id, populate_existing=True)
    if plan is None:
        abort(404)
    if not plan.status.finished:
        give_up_on_interrupted_plans(session, current_app._get_current_object())  # type: ignore[attr-defined]
    return plan


@dataclass(frozen=True)
class PlanDelivery:
    """Planned against delivered for one plan, and whether it is the plan teams deliver."""

    agreed: bool
    lines: list[DeliveryLine]


def plan_delivery(session: Session, plan: Plan) -> PlanDelivery | None:
    """Planned against delivered, for the agreed plan or a plan whose allocations have delivery
    recorded against them; None for any other plan (a what-if with nothing delivered)."""
    if not plan.status.has_allocation:
        return None
    agreed = agreed_plan(session)
    is_agreed = agreed is not None and agreed.id == plan.id
    lines = delivery_against_plan(session, plan.id)  # type: ignore[arg-type]
    if is_agreed or any(line.recorded and line.planned >= 0.5 for line in lines):
        return PlanDelivery(agreed=is_agreed, lines=lines)
    return None


def agreed_plan_id(session: Session) -> int | None:
    """The id of the plan the partnership agreed, to mark it in lists (None if none)."""
    plan = agreed_plan(session)
    return plan.id if plan else None


def list_plans(session: Session, scenario_id: int | None = None) -> list[Plan]:
    """Plans newest first, optionally of one scenario only."""
    give_up_on_interrupted_plans(session, current_app._get_current_object())  # type: ignore[attr-defined]
    query = select(Plan).order_by(Plan.id.desc())  # type: ignore[union-attr]
    if scenario_id is not None:
        query = query.where(Plan.scenario_id == scenario_id)
    return list(session.exec(query).all())


def scenario_filter_choices(session: Session) -> list[tuple[int, str]]:
    return [(s.id or 0, s.name) for s in session.exec(select(Scenario).order_by(Scenario.name))]


def plans_to_compare(session: Session, plan_ids: list[int]) -> list[Plan]:
    """The chosen plans, oldest first (the first is the baseline); 404 if one does not exist."""
    unique = sorted(set(plan_ids))
    plans = [find_plan(session, plan_id) for plan_id in unique]
    return plans


def progress_label(plan: Plan, ahead: int) -> str:
    """A plan's status as the progress page words it: 'Waiting to start (2 plans ahead)',
    'Waiting to start (next in line)', 'Solving', or a finished plan's status."""
    label = STATUS_LABELS[plan.status]
    if plan.status != PlanStatus.QUEUED:
        return label
    if ahead == 0:
        return f"{label} (next in line)"
    return f"{label} ({ahead} plan{'s' if ahead != 1 else ''} ahead)"


def plan_status(session: Session, plan: Plan, plan_url: str) -> dict[str, Any]:
    """The small JSON the progress page polls: the plan's status, and while it is being solved,
    its job's progress (percent and what it is doing) and any retry after a worker died."""
    ahead = plans_ahead(session, plan) if plan.status == PlanStatus.QUEUED else 0
    job = session.get(Job, plan.job_id, populate_existing=True) if plan.job_id else None
    in_flight = job is not None and not job.state.finished
    return {
        "id": plan.id,
        "status": plan.status.value,
        "label": progress_label(plan, ahead),
        "ahead": ahead,
        "finished": plan.status.finished,
        "message": plan.message,
        "url": plan_url,
        "progress": job.progress if job is not None and in_flight else None,
        "doing": job.progress_message if job is not None and in_flight else "",
        "attempts": job.attempts if job is not None else 0,
        "job_id": job.id if job is not None else None,
        "cancellable": in_flight,
    }
