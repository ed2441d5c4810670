"""Plans: stored runs of a scenario, with the exact inputs they were solved with.

Rows keep names rather than foreign keys so an old plan still reads correctly after the inputs
it was solved with are renamed or deleted.
"""

from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, Numeric, String
from sqlmodel import Field, Relationship, SQLModel

from models.fields import money_field, utc_now


class PlanStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    ERROR = "error"

    @property
    def finished(self) -> bool:
        return self not in (PlanStatus.QUEUED, PlanStatus.RUNNING)

    @property
    def has_allocation(self) -> bool:
        return self in (PlanStatus.OPTIMAL, PlanStatus.TIME_LIMIT)


class PlanKind(StrEnum):
    """Why a plan was solved: a scenario run, or a re-solve of an agreed plan."""

    SCENARIO = "scenario"
    REPLAN = "replan"  # the rest of the year and later years, with spend held
    EVIDENCE = "evidence"  # an evidence change applied to the agreed plan
    STOP_LIST = "stop_list"  # the stop list's activity stopped at its break points

    @property
    def label(self) -> str:
        return {
            "scenario": "Scenario run",
            "replan": "In-year re-plan",
            "evidence": "Evidence check",
            "stop_list": "Stop list re-solve",
        }[self.value]


class Plan(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: PlanKind = Field(default=PlanKind.SCENARIO, sa_type=String(20))
    based_on_plan_id: int | None = Field(
        default=None,
        foreign_key="plan.id",
        ondelete="SET NULL",
        description="The agreed plan a re-plan or check re-solves.",
    )
    scenario_id: int | None = Field(default=None, foreign_key="scenario.id", ondelete="SET NULL")
    scenario_name: str = Field(max_length=120)
    status: PlanStatus = Field(default=PlanStatus.QUEUED, index=True)
    created_at: NaiveDatetime = Field(default_factory=utc_now)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_by_name: str = Field(default="", max_length=200)
    job_id: int | None = Field(
        default=None, foreign_key="job.id", ondelete="SET NULL", description="The job solving it."
    )
    started_at: NaiveDatetime | None = None
    finished_at: NaiveDatetime | None = None
    build_seconds: float | None = None
    solve_seconds: float | None = None
    variables: int | None = None
    constraints: int | None = None
    nonzeros: int | None = None
    objective: Decimal | None = Field(default=None, sa_type=Numeric(18, 2))
    total_spend: Decimal | None = Field(default=None, sa_type=Numeric(18, 2))
    total_benefit: Decimal | None = Field(default=None, sa_type=Numeric(18, 2))
    benefit_cost_ratio: float | None = None
    pooling_gain: Decimal | None = Field(
        default=None,
        sa_type=Numeric(18, 2),
        description="Objective pooled minus the partners commissioning separately.",
    )
    pooling_status: str = Field(
        default="",
        max_length=20,
        description=(
            "The value-of-pooling job: '' none, 'waiting', 'working', 'done' or 'failed'."
        ),
    )
    message: str = Field(default="", max_length=4000, description="Why it failed, in words.")
    inputs: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False),
        description="Snapshot of every input and rule the plan was solved with.",
    )
    result: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False),
        description="The optimiser's whole answer, as plain JSON.",
    )
    allocations: list["PlanAllocation"] = Relationship(
        back_populates="plan", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )
    fundings: list["PlanFunding"] = Relationship(
        back_populates="plan", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )
    explanations: list["PlanExplanation"] = Relationship(
        back_populates="plan", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )


class PlanAllocation(SQLModel, table=True):
    """Participants served by one intervention in one place in one year, and what it costs."""

    __tablename__ = "plan_allocation"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    intervention_name: str = Field(max_length=160)
    place_name: str = Field(max_length=120)
    district: str = Field(default="", max_length=80)
    year: int
    participants: float
    cost: Decimal = money_field()
    demand_avoided_value: Decimal = money_field(default=Decimal(0))
    plan: Plan = Relationship(back_populates="allocations")


class PlanFunding(SQLModel, table=True):
    """Money one partner pays towards one intervention in one year."""

    __tablename__ = "plan_funding"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    partner_name: str = Field(max_length=120)
    intervention_name: str = Field(max_length=160)
    year: int
    amount: Decimal = money_field()
    plan: Plan = Relationship(back_populates="fundings")


class ExplanationKind(StrEnum):
    BINDING = "binding"
    UNFUNDED = "unfunded"
    DIAGNOSIS = "diagnosis"
    POOLING = "pooling"
    NOTE = "note"


class PlanExplanation(SQLModel, table=True):
    """One sentence of why the plan is what it is."""

    __tablename__ = "plan_explanation"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    kind: ExplanationKind
    subject: str = Field(
        default="", max_length=300, description="Rule or intervention it is about."
    )
    sentence: str = Field(max_length=2000)
    value: float | None = Field(default=None, description="Shadow price, reduced cost or slack.")
    plan: Plan = Relationship(back_populates="explanations")
