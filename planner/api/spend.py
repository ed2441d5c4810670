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
from planner.spend.routes import RECORDERS
from planner.spend.service import delete_spend, find_spend, record_spend
from planner.spend.variance import plan_years, year_spend

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
    budget: Decimal
    outturn: Decimal
    headroom: Decimal


class SpendSummary(BaseModel):
    plan_id: int
    year: int
    total: VarianceOut
    by_quarter: list[VarianceOut]
    by_partner: list[VarianceOut]
    by_intervention: list[VarianceOut]
    by_place: list[VarianceOut]
    headroom: list[SpendHeadroomOut]


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


@bp.get("/spend-summary", responses={200: SpendSummary})
def spend_summary(query: YearQuery):
    """The agreed plan's year against spend: variance by quarter, partner, intervention and place,
    and each partner's headroom (the first planned year unless ``year`` is given)."""
    api_user(*READERS)
    session = get_session()
    plan = agreed_plan(session)
    if plan is None:
        fail(404, "No plan has been agreed yet")
    years = plan_years(plan)
    year = query.year if query.year is not None else (years[0] if years else None)
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
                partner=h.partner, budget=h.budget, outturn=h.outturn, headroom=h.headroom
            )
            for h in spend.headroom()
        ],
    ).model_dump(mode="json")
