"""Figures for the home page: what the partnership has recorded so far, and the agreed plan."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, func, select

from models import Intervention, Partner, Place, Plan, Scenario
from models.vocabulary import financial_year_label
from planner.delivery.agreement import agreed_plan, current_agreement
from planner.teams.service import place_totals, visible_places


@dataclass(frozen=True)
class PartnershipOverview:
    partners: int
    interventions: int
    places: int
    scenarios: int
    latest_plans: list[Plan]


def partnership_overview(session: Session) -> PartnershipOverview:
    def count(table: type) -> int:
        return session.exec(select(func.count()).select_from(table)).one()

    latest = session.exec(select(Plan).order_by(Plan.created_at.desc()).limit(5)).all()  # type: ignore[attr-defined]
    return PartnershipOverview(
        partners=count(Partner),
        interventions=count(Intervention),
        places=count(Place),
        scenarios=count(Scenario),
        latest_plans=list(latest),
    )


@dataclass(frozen=True)
class AgreedPlanSummary:
    """The plan the partnership agreed, in a line or two: who agreed it, when, and its headline
    figures as the optimiser reported them when it was solved."""

    plan_id: int
    scenario_name: str
    agreed_at: datetime
    agreed_by: str
    note: str
    years: str
    total_spend: Decimal | None
    value_avoided: Decimal | None
    benefit_cost_ratio: float | None


def agreed_plan_summary(session: Session) -> AgreedPlanSummary | None:
    """The agreed plan's summary, or None when no plan is agreed (or it has been deleted)."""
    plan = agreed_plan(session)
    agreement = current_agreement(session)
    if plan is None or agreement is None:
        return None
    years = sorted((plan.result or {}).get("years") or [])
    span = ""
    if years:
        first, last = financial_year_label(years[0]), financial_year_label(years[-1])
        span = first if first == last else f"{first} to {last}"
    return AgreedPlanSummary(
        plan_id=plan.id,  # type: ignore[arg-type]
        scenario_name=plan.scenario_name,
        agreed_at=agreement.agreed_at,
        agreed_by=agreement.agreed_by_name or "someone",
        note=agreement.note or "",
        years=span,
        total_spend=plan.total_spend,
        value_avoided=plan.total_benefit,
        benefit_cost_ratio=plan.benefit_cost_ratio,
    )


@dataclass(frozen=True)
class LedPlace:
    """One of a place lead's places, with what the agreed plan puts there over its years."""

    place_id: int
    name: str
    district: str
    participants: float
    cost: float


def led_places(session: Session, place_ids: Collection[int]) -> list[LedPlace]:
    """A place lead's own places, each with the agreed plan's people and spend there."""
    places = visible_places(session, place_ids)
    totals = place_totals(session, places)
    return [
        LedPlace(
            place_id=place.id,  # type: ignore[arg-type]
            name=place.name,
            district=place.district,
            participants=totals.get(place.name, (0.0, 0.0))[0],
            cost=totals.get(place.name, (0.0, 0.0))[1],
        )
        for place in places
    ]
