"""Participatory budgeting: a scenario sets aside part of the pool in a place for residents to
allocate; they vote in a ballot on eligible interventions and community proposals, one vote per
single-use code issued by the place team; the count's winners enter the plan."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import NaiveDatetime, field_validator, model_validator
from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import broken_on, money_field, utc_now, year_field


class BallotKind(StrEnum):
    APPROVAL = "approval"
    CUMULATIVE = "cumulative"

    @property
    def label(self) -> str:
        return {
            BallotKind.APPROVAL: "Approval: tick every project you support",
            BallotKind.CUMULATIVE: "Cumulative: share out points between projects",
        }[self]


class BallotBase(SQLModel):
    scenario_id: int
    place_id: int
    title: str = Field(min_length=1, max_length=160)
    year: int = year_field(description="Financial year the chosen projects are funded in.")
    amount: Decimal = money_field(
        description="Money set aside from the pool for residents to allocate in this place, £."
    )
    kind: BallotKind = Field(default=BallotKind.APPROVAL)
    points: int = Field(
        default=10, ge=1, le=100, description="Points each voter shares out (cumulative only)."
    )
    opens_at: NaiveDatetime = Field(description="When voting opens (UTC).")
    closes_at: NaiveDatetime = Field(description="When voting closes (UTC).")
    introduction: str = Field(default="", max_length=2000)

    @field_validator("title", mode="before")
    @classmethod
    def _trim(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _dates_in_order(self) -> "BallotBase":
        if self.closes_at <= self.opens_at:
            raise broken_on(
                type(self).__name__, "closes_at", "must be after voting opens", self.closes_at
            )
        if self.amount <= 0:
            raise broken_on(type(self).__name__, "amount", "must be more than £0", self.amount)
        return self


class Ballot(BallotBase, table=True):
    __tablename__ = "ballot"
    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenario.id", index=True, ondelete="CASCADE")
    place_id: int = Field(foreign_key="place.id", index=True, ondelete="CASCADE")
    created_at: NaiveDatetime = Field(default_factory=utc_now)

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


class BallotCreate(BallotBase):
    pass


class BallotPublic(BallotBase):
    id: int


class OptionBase(SQLModel):
    """A project on the ballot: an eligible intervention (so many participants) or a community
    proposal, each with a cost, a category and the people it reaches."""

    title: str = Field(min_length=1, max_length=160)
    description: str = Field(default="", max_length=1000)
    intervention_id: int | None = Field(default=None)
    participants: int = Field(default=0, ge=0, le=100_000)
    cost: Decimal = money_field(description="What it costs, £.")
    category: str = Field(min_length=1, max_length=80)
    people_reached: int = Field(ge=0, le=10_000_000)

    @field_validator("title", "category", mode="before")
    @classmethod
    def _trim(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


class BallotOption(OptionBase, table=True):
    __tablename__ = "ballot_option"
    id: int | None = Field(default=None, primary_key=True)
    ballot_id: int = Field(foreign_key="ballot.id", index=True, ondelete="CASCADE")
    intervention_id: int | None = Field(
        default=None, foreign_key="intervention.id", ondelete="SET NULL"
    )


class OptionCreate(OptionBase):
    pass


class OptionPublic(OptionBase):
    id: int
    ballot_id: int


class VotingCode(SQLModel, table=True):
    """A single-use code; only its hash is kept. ``voter_group`` is the batch it was issued in
    (a school, a youth club), so the count can say what each group of voters got."""

    __tablename__ = "voting_code"
    __table_args__ = (UniqueConstraint("ballot_id", "code_hash", name="uq_voting_code"),)
    id: int | None = Field(default=None, primary_key=True)
    ballot_id: int = Field(foreign_key="ballot.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    voter_group: str = Field(default="", max_length=80)
    issued_at: NaiveDatetime = Field(default_factory=utc_now)
    issued_by_name: str = Field(default="", max_length=200)
    used_at: NaiveDatetime | None = Field(default=None)


class Vote(SQLModel, table=True):
    """One voter's ballot: points per option (1 for each approved option)."""

    __tablename__ = "vote"
    id: int | None = Field(default=None, primary_key=True)
    ballot_id: int = Field(foreign_key="ballot.id", index=True, ondelete="CASCADE")
    code_id: int = Field(foreign_key="voting_code.id", unique=True, ondelete="CASCADE")
    cast_at: NaiveDatetime = Field(default_factory=utc_now)
    points: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
