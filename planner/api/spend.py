"""Actual spend, forecasts and variance against the agreed plan through the API.

Finance leads (and administrators) record; commissioners and finance leads read.
"""

from decimal import Decimal

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlmodel import col, select

from models import SpendRecord
from models.fields import plain_numbers
from models.spend import SpendRecordPublic
from models.text import note_text
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.errors import fail, refused_when
from planner.api.pagination import Page, PageQuery, paged
from planner.auth.roles import READERS
from planner.db import get_session
from planner.delivery.agreement import agreed_plan
from planner.replanning.followups import year_under_way
from planner.spend.risk import ForecastRiskShare, year_risk_share
from planner.spend.routes import RECORDERS
from planner.spend.service import delete_spend, find_spend, record_spend
from planner.spend.variance import plan_years, planned_people, year_spend

bp = api_blueprint(
    "spend",
    "Spend",
    "Actual spend and forecasts per partner, intervention, place and quarter, and the variance "
    "of the forecast outturn against the agreed plan.",
)


class SpendQuery(PageQuery):
    year: int | None = Field(default=None, ge=2000, le=2100)


class SpendBody(BaseModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    partner_id: int = Field(ge=1, le=2_147_483_647)
    intervention_id: int = Field(ge=1, le=2_147_483_647)
    place_id: int = Field(ge=1, le=2_147_483_647)
    year: int = Field(ge=2000, le=2100, description="Financial year by its start year.")
    quarter: int = Field(ge=1, le=4)
    actual: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    forecast: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    notes: str = Field(default="", max_length=1000)

    _notes = field_validator("notes", mode="after")(note_text)


@bp.get("/spend-records", responses={200: Page[SpendRecordPublic]})
def list_spend_records(query: SpendQuery):
    """Every quarter's recorded spend, oldest first (optionally one financial year)."""
    api_user(*READERS)
    statement = select(SpendRecord).order_by(
        col(SpendRecord.year), col(SpendRecord.quarter), col(SpendRecord.id)
    )
    if query.year is not None:
        statement = statement.where(SpendRecord.year == query.year)
    return paged(get_session(), statement, query, SpendRecordPublic.model_validate)


@bp.put(
    "/spend-records",
    responses={
        200: SpendRecordPublic,
        **refused_when(
            "neither an actual nor a forecast given",
            "no plan agreed yet, or a partner, intervention, place or year the agreed plan "
            "does not fund (the error names the field)",
        ),
    },
)
def put_spend_record(body: SpendBody):
    """Record or replace one quarter's actual spend and forecast (finance leads, administrators)."""
    user = api_user(*RECORDERS)
    record = record_spend(get_session(), body.model_dump(), actor=user)
    return SpendRecordPublic.model_validate(record).model_dump(mode="json")


@bp.delete("/spend-records/<int:id>", responses={204: None})
def delete_spend_record(path: IdPath):
    """Delete a quarter's figures recorded against the wrong allocation."""
    user = api_user(*RECORDERS)
    find_spend(get_session(), path.id)
    delete_spend(get_session(), path.id, actor=user)
    return "", 204


class VarianceOut(BaseModel):
    label: str
    planned: Decimal
    spent: Decimal
    outturn: Decimal = Field(description="Forecast outturn for the year.")
    variance: Decimal = Field(description="Outturn less plan: positive is an overspend.")


class SpendHeadroomOut(BaseModel):
    partner: str
    budget: Decimal = Field(
        description="The partner's budget for the year, as the plan was solved."
    )
    planned: Decimal = Field(description="What the agreed plan spends of it.")
    outturn: Decimal
    headroom: Decimal = Field(description="Budget less forecast outturn: negative is unbudgeted.")


class CostPerPersonOut(BaseModel):
    """Cost per person started, planned against delivered so far."""

    intervention: str
    place: str
    planned_people: float = Field(description="People the agreed plan serves that year.")
    planned_per_person: Decimal | None = Field(description="The allocation's cost over them.")
    started: int | None = Field(
        description="People the place lead has recorded as started (null: not recorded)."
    )
    spent: Decimal = Field(description="Actual spend so far on the allocation, all partners.")
    delivered_per_person: Decimal | None = Field(
        description="Spend so far over people started so far (null until both are recorded)."
    )


# A partner's share as a fraction to six places: 1/3 is 0.333333, exact enough to check a penny.
SHARE_PLACES = Decimal("0.000001")


class PartnerRiskShareOut(BaseModel):
    partner: str
    planned: Decimal = Field(description="Its contribution to the year in the agreed plan.")
    outturn: Decimal = Field(description="Its forecast outturn for the year.")
    variance: Decimal = Field(description="Its own outturn less plan: positive is an overspend.")
    overspend_share: Decimal | None = Field(
        description="Fraction of an overspend it bears under the agreement: 0.4 = 40% (null "
        "where no partner contributed and the agreement shares by contributions)."
    )
    underspend_share: Decimal | None = Field(
        description="Fraction of an underspend returned to it: 0.4 = 40%."
    )
    from_reserve: Decimal = Field(
        description="Its part of the contingency reserve drawn to meet the overspend."
    )
    beyond_reserve: Decimal = Field(
        description="What it pays beyond the reserve (positive) or gets back of an underspend "
        "(negative), whole pence; the partners' figures add up to to_share exactly."
    )


class RiskShareOut(BaseModel):
    """The pooled-fund agreement's risk share applied to the year's forecast variance."""

    has_agreement: bool = Field(
        description="False when the agreed plan's scenario has no pooled-fund agreement: then no "
        "risk share is applied and partners is empty."
    )
    host: str | None
    overspend_basis: str | None = Field(description="contributions or percentages.")
    underspend_basis: str | None
    contingency_percent: Decimal | None
    planned: Decimal
    outturn: Decimal
    variance: Decimal = Field(description="Forecast outturn less plan: positive is an overspend.")
    direction: str = Field(description="overspend, underspend or on plan.")
    reserve: Decimal = Field(description="The contingency reserve held for the year.")
    reserve_drawn: Decimal = Field(description="The part of the overspend the reserve meets.")
    to_share: Decimal = Field(description="The variance left to share once the reserve is drawn.")
    problem: str | None = Field(description="Why the variance cannot be shared, if it cannot.")
    sentences: list[str] = Field(description="The risk share in words, as the spend page says it.")
    partners: list[PartnerRiskShareOut]


class SpendSummary(BaseModel):
    plan_id: int
    year: int
    total: VarianceOut
    by_quarter: list[VarianceOut]
    by_partner: list[VarianceOut]
    by_intervention: list[VarianceOut]
    by_place: list[VarianceOut]
    headroom: list[SpendHeadroomOut]
    cost_per_person: list[CostPerPersonOut]
    risk_share: RiskShareOut


class YearQuery(BaseModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    year: int | None = Field(default=None, ge=2000, le=2100)


def _variance(row) -> VarianceOut:
    return VarianceOut(
        label=row.label,
        planned=row.planned,
        spent=row.spent,
        outturn=row.outturn,
        variance=row.variance,
    )


def _fraction(weight: Decimal | None) -> Decimal | None:
    return None if weight is None else weight.quantize(SHARE_PLACES)


def _risk_share(risk: ForecastRiskShare) -> RiskShareOut:
    terms = risk.terms
    return RiskShareOut(
        has_agreement=risk.has_agreement,
        host=risk.host,
        overspend_basis=terms.overspend_basis.value if terms else None,
        underspend_basis=terms.underspend_basis.value if terms else None,
        contingency_percent=terms.contingency_percent if terms else None,
        planned=risk.planned,
        outturn=risk.outturn,
        variance=risk.variance,
        direction=risk.direction,
        reserve=risk.reserve,
        reserve_drawn=risk.reserve_drawn,
        to_share=risk.to_share,
        problem=risk.problem,
        sentences=risk.sentences(),
        partners=[
            PartnerRiskShareOut(
                partner=row.partner,
                planned=row.planned,
                outturn=row.outturn,
                variance=row.variance,
                overspend_share=_fraction(row.overspend_weight),
                underspend_share=_fraction(row.underspend_weight),
                from_reserve=row.from_reserve,
                beyond_reserve=row.beyond_reserve,
            )
            for row in risk.partners
        ]
        if risk.has_agreement and not risk.problem
        else [],
    )


@bp.get("/spend-summary", responses={200: SpendSummary})
def spend_summary(query: YearQuery):
    """The agreed plan's year against spend: variance by quarter, partner, intervention and place,
    each partner's headroom, cost per person started against planned, and the pooled-fund
    agreement's risk share applied to the forecast
    over- or underspend (the year under way, the latest with actual spend recorded, unless
    ``year`` is given)."""
    api_user(*READERS)
    session = get_session()
    plan = agreed_plan(session)
    if plan is None:
        fail(404, "No plan has been agreed yet")
    years = plan_years(plan)
    default = year_under_way(session, plan) if years else None
    year = query.year if query.year is not None else default
    if year not in years:
        fail(422, f"The agreed plan covers {', '.join(map(str, years))}", "year")
    spend = year_spend(session, plan, year)
    return SpendSummary(
        plan_id=plan.id,  # type: ignore[arg-type]
        year=year,
        total=_variance(spend.total()),
        by_quarter=[_variance(r) for r in spend.by_quarter()],
        by_partner=[_variance(r) for r in spend.by("partner")],
        by_intervention=[_variance(r) for r in spend.by("intervention")],
        by_place=[_variance(r) for r in spend.by("place")],
        headroom=[
            SpendHeadroomOut(
                partner=h.partner,
                budget=h.budget,
                planned=h.planned,
                outturn=h.outturn,
                headroom=h.headroom,
            )
            for h in spend.headroom()
        ],
        cost_per_person=[
            CostPerPersonOut(
                intervention=row.intervention,
                place=row.place,
                planned_people=row.planned_people,
                planned_per_person=row.planned_each,
                started=row.started,
                spent=row.spent,
                delivered_per_person=row.delivered_each,
            )
            for row in spend.cost_per_person(planned_people(plan, year))
        ],
        risk_share=_risk_share(year_risk_share(session, spend)),
    ).model_dump(mode="json")
