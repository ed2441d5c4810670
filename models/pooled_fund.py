"""A scenario's pooled-fund agreement, in the manner of a section 75 / Better Care Fund agreement.

When partners pool money under one agreement, one of them hosts the fund (holds the money, lets
the contracts, reports on it), and the agreement says how an overspend or an underspend is
shared between the partners, and how much is held back as a contingency reserve against an
overspend. The planner records one agreement per scenario; `planner.pooled_fund.risk_share` does
the arithmetic.
"""

from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import Numeric, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.fields import utc_now
from models.timestamps import UtcTimestamp

PERCENT_DIGITS = 5
PERCENT_PLACES = 2
# A reserve above a quarter of the pool would be a second budget, not a contingency.
MOST_CONTINGENCY_PERCENT = Decimal(25)


class RiskShareBasis(StrEnum):
    """How an overspend or underspend is shared between the partners."""

    CONTRIBUTIONS = "contributions"  # in proportion to what each partner put in that year
    PERCENTAGES = "percentages"  # stated percentages, adding up to 100

    @property
    def label(self) -> str:
        return RISK_SHARE_LABELS[self]


RISK_SHARE_LABELS = {
    RiskShareBasis.CONTRIBUTIONS: "In proportion to each partner's contribution that year",
    RiskShareBasis.PERCENTAGES: "In stated percentages, adding up to 100%",
}


def percent_field(**kwargs: Any) -> Any:
    """A percentage to two decimal places, 0 to 100."""
    return Field(
        ge=0,
        le=100,
        max_digits=PERCENT_DIGITS,
        decimal_places=PERCENT_PLACES,
        sa_type=Numeric(PERCENT_DIGITS, PERCENT_PLACES),
        **kwargs,
    )


class PooledFundAgreementBase(SQLModel):
    host_partner_id: int | None = Field(
        default=None,
        foreign_key="partner.id",
        ondelete="SET NULL",
        description="The partner that hosts the pooled fund: holds the money and lets contracts.",
    )
    overspend_basis: RiskShareBasis = Field(
        default=RiskShareBasis.CONTRIBUTIONS,
        description="How an overspend beyond the contingency reserve is shared.",
    )
    underspend_basis: RiskShareBasis = Field(
        default=RiskShareBasis.CONTRIBUTIONS,
        description="How an underspend is returned to the partners.",
    )
    contingency_percent: Decimal = percent_field(
        default=Decimal(0),
        description="Contingency reserve held by the host against overspends, as a percentage "
        "of each year's pooled spend (0 = none); partners fund it as they share an overspend.",
    )
    reference: str = Field(
        default="",
        max_length=500,
        description="Where the agreement is recorded, e.g. 'Section 75 agreement signed 1 April "
        "2026, schedule 3'.",
    )


class PooledFundAgreement(PooledFundAgreementBase, table=True):
    __tablename__ = "pooled_fund_agreement"
    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenario.id", unique=True, ondelete="CASCADE")
    updated_at: NaiveDatetime = Field(default_factory=utc_now)
    updated_by_name: str = Field(default="", max_length=200)
    shares: list["PooledFundShare"] = Relationship(
        back_populates="agreement",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "PooledFundShare.id"},
    )


class PooledFundShareBase(SQLModel):
    """One partner's stated share of an overspend and of an underspend (used where the
    agreement shares by stated percentages)."""

    partner_id: int = Field(foreign_key="partner.id", ondelete="CASCADE")
    overspend_percent: Decimal = percent_field(default=Decimal(0))
    underspend_percent: Decimal = percent_field(default=Decimal(0))


class PooledFundShare(PooledFundShareBase, table=True):
    __tablename__ = "pooled_fund_share"
    __table_args__ = (
        UniqueConstraint("agreement_id", "partner_id", name="uq_pooled_fund_share_partner"),
    )
    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(
        foreign_key="pooled_fund_agreement.id", index=True, ondelete="CASCADE"
    )
    agreement: PooledFundAgreement = Relationship(back_populates="shares")


class PooledFundSharePublic(PooledFundShareBase):
    pass


class PooledFundAgreementPublic(PooledFundAgreementBase):
    scenario_id: int
    host_partner_name: str | None
    shares: list[PooledFundSharePublic]
    updated_at: UtcTimestamp
    updated_by_name: str
