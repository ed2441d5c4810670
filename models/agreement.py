"""Which plan the partnership has agreed: every agreement is kept, the latest one stands.

Place-based teams deliver the agreed plan and record what they delivered against it, so the
agreement is what turns a plan from an option into a commitment.
"""

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from models.fields import utc_now
from models.timestamps import UtcTimestamp


class PlanAgreement(SQLModel, table=True):
    """A commissioner marked a plan as agreed. A later agreement replaces it; this row stays."""

    __tablename__ = "plan_agreement"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int | None = Field(
        default=None, foreign_key="plan.id", index=True, ondelete="SET NULL"
    )
    scenario_name: str = Field(
        max_length=120, description="The plan's scenario, kept if the plan is later deleted."
    )
    agreed_at: NaiveDatetime = Field(default_factory=utc_now, index=True)
    agreed_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    agreed_by_name: str = Field(default="", max_length=200)
    note: str = Field(
        default="", max_length=1000, description="Why, or where the decision was made."
    )
    revises_plan_id: int | None = Field(
        default=None,
        foreign_key="plan.id",
        ondelete="SET NULL",
        description="For an in-year revision: the agreed plan it revises.",
    )
    changes: str = Field(
        default="", max_length=4000, description="What the revision changed, in sentences."
    )


class PlanAgreementPublic(SQLModel):
    id: int
    plan_id: int | None
    scenario_name: str
    agreed_at: UtcTimestamp
    agreed_by_name: str
    note: str
    revises_plan_id: int | None = None
    changes: str = ""
