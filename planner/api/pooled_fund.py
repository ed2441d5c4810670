"""A scenario's pooled-fund agreement through the API (read and replace it, with the page's checks
and audit), and a plan's exposure and headroom under it."""

from decimal import Decimal

from pydantic import BaseModel, Field, model_validator

from models import Plan, Scenario
from models.fields import plain_numbers
from models.pooled_fund import PooledFundAgreementPublic, RiskShareBasis
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.errors import ApiProblem, fail, refused_when
from planner.auth.roles import EDITORS, READERS
from planner.db import get_session
from planner.inputs.validation import fetch
from planner.pooled_fund.service import (
    AgreementError,
    AgreementSubmission,
    agreement_public,
    find_agreement,
    plan_pooled_fund,
    save_agreement,
)

bp = api_blueprint(
    "pooled_fund",
    "Pooled fund",
    "Each scenario's pooled-fund agreement (host partner, how an overspend or underspend is "
    "shared, contingency reserve) and each plan's exposure and headroom under it.",
)

# Money, as everywhere in the API, is pounds as a string with pence ("1234.56").
Money = str
Percent = Decimal


class ShareItem(BaseModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    partner_id: int = Field(ge=1, le=2_147_483_647)
    overspend_percent: Percent = Field(default=Decimal(0), ge=0, le=100, decimal_places=2)
    underspend_percent: Percent = Field(default=Decimal(0), ge=0, le=100, decimal_places=2)


class AgreementBody(BaseModel):
    """The whole agreement; it replaces any agreement the scenario has. Stated percentages are
    read only where a basis is 'percentages', and must then add up to 100."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    host_partner_id: int = Field(ge=1, le=2_147_483_647)
    overspend_basis: RiskShareBasis = RiskShareBasis.CONTRIBUTIONS
    underspend_basis: RiskShareBasis = RiskShareBasis.CONTRIBUTIONS
    contingency_percent: Percent = Field(
        default=Decimal(0), ge=0, le=25, decimal_places=2, description="% of each year's pool."
    )
    reference: str = Field(default="", max_length=500)
    shares: list[ShareItem] = Field(default_factory=list, max_length=500)


class PoolYearOut(BaseModel):
    year: int
    pooled_spend: Money
    reserve: Money


class ExposureOut(BaseModel):
    partner: str
    year: int
    contribution: Money
    overspend_share: float | None = Field(description="Fraction of an overspend: 0.25 = 25%.")
    underspend_share: float | None
    reserve_share: Money = Field(description="Its part of the contingency reserve, £.")
    exposure: Money = Field(description="Contribution plus its part of the reserve, £.")
    per_further_thousand: Money = Field(
        description="What it pays of each further £1,000 overspent beyond the reserve, £."
    )


class HeadroomOut(BaseModel):
    partner: str
    year: int
    maximum: Money
    planned: Money
    headroom: Money
    used: float | None = Field(description="Fraction of the maximum planned: 0.9 = 90%.")
    reserve_share: Money
    reserve_fits: bool


class PooledFundOut(BaseModel):
    """A plan's figures under its scenario's pooled-fund agreement. Money is pounds as a string
    with pence; each year's reserve parts add up to the reserve exactly."""

    plan_id: int
    host: str | None
    overspend_basis: RiskShareBasis
    underspend_basis: RiskShareBasis
    contingency_percent: Percent
    reference: str
    years: list[PoolYearOut]
    exposures: list[ExposureOut]
    headroom: list[HeadroomOut]
    problems: list[str]


def _money(amount: Decimal) -> Money:
    return f"{amount.quantize(Decimal('0.01'))}"


@bp.get("/scenarios/<int:id>/pooled-fund-agreement", responses={200: PooledFundAgreementPublic})
def read_agreement(path: IdPath):
    """The scenario's pooled-fund agreement (404 when it has none yet)."""
    api_user(*READERS)
    session = get_session()
    scenario = fetch(session, Scenario, path.id, "scenario")
    agreement = find_agreement(session, path.id)
    if agreement is None:
        fail(404, f"Scenario '{scenario.name}' has no pooled-fund agreement yet")
    return agreement_public(session, agreement).model_dump(mode="json")


@bp.put(
    "/scenarios/<int:id>/pooled-fund-agreement",
    responses={
        200: PooledFundAgreementPublic,
        **refused_when(
            "a host or sharing partner that does not exist or has no budget in the scenario",
            "stated percentages that do not add up to 100",
        ),
    },
)
def replace_agreement(path: IdPath, body: AgreementBody):
    """Record or replace the scenario's pooled-fund agreement (checked, audited, all or nothing)."""
    user = api_user(*EDITORS)
    session = get_session()
    scenario = fetch(session, Scenario, path.id, "scenario")
    submission = AgreementSubmission(
        host_partner_id=body.host_partner_id,
        overspend_basis=body.overspend_basis.value,
        underspend_basis=body.underspend_basis.value,
        contingency_percent=body.contingency_percent,
        reference=body.reference,
        shares={
            share.partner_id: (share.overspend_percent, share.underspend_percent)
            for share in body.shares
        },
    )
    try:
        agreement = save_agreement(session, scenario, submission, user)
    except AgreementError as error:
        session.rollback()
        raise ApiProblem(422, error.errors) from error
    return agreement_public(session, agreement).model_dump(mode="json")


@bp.get("/plans/<int:id>/pooled-fund", responses={200: PooledFundOut})
def read_plan_pooled_fund(path: IdPath):
    """Each partner's contribution, risk share, part of the reserve and exposure per year, and
    each budget line's maximum, planned spend, headroom and share used."""
    api_user(*READERS)
    session = get_session()
    plan = fetch(session, Plan, path.id, "plan")
    position = plan_pooled_fund(session, plan)
    if position is None:
        fail(
            404,
            f"Plan {plan.id} has no pooled-fund figures: it has no allocation, or its scenario "
            "has no pooled-fund agreement",
        )
    terms = position.terms
    return PooledFundOut(
        plan_id=plan.id,  # type: ignore[arg-type]
        host=position.host,
        overspend_basis=terms.overspend_basis,
        underspend_basis=terms.underspend_basis,
        contingency_percent=terms.contingency_percent,
        reference=position.reference,
        years=[
            PoolYearOut(year=y.year, pooled_spend=_money(y.pooled_spend), reserve=_money(y.reserve))
            for y in position.years
        ],
        exposures=[
            ExposureOut(
                partner=row.partner,
                year=row.year,
                contribution=_money(row.contribution),
                overspend_share=None if row.overspend_share is None else float(row.overspend_share),
                underspend_share=None
                if row.underspend_share is None
                else float(row.underspend_share),
                reserve_share=_money(row.reserve_share),
                exposure=_money(row.exposure),
                per_further_thousand=_money(row.per_further_thousand),
            )
            for row in position.exposures
        ],
        headroom=[
            HeadroomOut(
                partner=line.partner,
                year=line.year,
                maximum=_money(line.maximum),
                planned=_money(line.planned),
                headroom=_money(line.headroom),
                used=None if line.used is None else float(line.used),
                reserve_share=_money(line.reserve_share),
                reserve_fits=line.reserve_fits,
            )
            for line in position.headroom
        ],
        problems=list(position.problems),
    ).model_dump(mode="json")
