"""Figures for the home page: what the partnership has recorded so far."""

from dataclasses import dataclass

from sqlmodel import Session, func, select

from models import Intervention, Partner, Place, Plan, Scenario


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
