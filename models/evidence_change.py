"""The evidence register: each change to an intervention's rating, effect or cost, with its source.

Recording a change updates the intervention and keeps what it was before, so every agreed plan
that relied on the old figures can be flagged and re-solved to show what would move.
"""

from datetime import date
from decimal import Decimal

from pydantic import NaiveDatetime, field_validator, model_validator
from sqlmodel import Field, SQLModel

from models.fields import optional_money_field, plain_numbers, utc_now
from models.text import note_text, one_line_text
from models.timestamps import UtcTimestamp
from models.vocabulary import EVIDENCE_RATINGS


class EvidenceChangeBase(SQLModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    intervention_id: int
    evidence_rating: str | None = Field(
        default=None, max_length=4, description="The new rating on the EIF Guidebook scale."
    )
    unit_cost: Decimal | None = optional_money_field(description="The new cost per participant.")
    effect_scale: float | None = Field(
        default=None,
        ge=0,
        le=10,
        description="Multiply every effect on demand by this (0.5 halves it).",
    )
    source: str = Field(
        min_length=1, max_length=300, description="Evaluation or review it comes from."
    )
    source_date: date = Field(description="When the source was published.")
    note: str = Field(default="", max_length=1000)

    _one_line = field_validator("source", mode="after")(one_line_text)
    _notes = field_validator("note", mode="after")(note_text)

    @model_validator(mode="after")
    def _one_change(self) -> "EvidenceChangeBase":
        if self.evidence_rating is not None and self.evidence_rating not in EVIDENCE_RATINGS:
            raise ValueError(f"The rating must be one of {', '.join(EVIDENCE_RATINGS)}")
        if self.unit_cost is not None and self.unit_cost <= 0:
            raise ValueError("The cost per participant must be above £0")
        if self.evidence_rating is None and self.unit_cost is None and self.effect_scale is None:
            raise ValueError("Change the rating, the cost per participant or the effect")
        return self


class EvidenceChange(EvidenceChangeBase, table=True):
    __tablename__ = "evidence_change"
    id: int | None = Field(default=None, primary_key=True)
    intervention_id: int | None = Field(  # type: ignore[assignment]
        default=None, foreign_key="intervention.id", index=True, ondelete="SET NULL"
    )
    intervention_name: str = Field(max_length=160)
    rating_before: str = Field(default="", max_length=4)
    unit_cost_before: Decimal | None = optional_money_field()
    recorded_at: NaiveDatetime = Field(default_factory=utc_now, index=True)
    recorded_by_name: str = Field(default="", max_length=200)
    agreed_plan_id: int | None = Field(
        default=None, foreign_key="plan.id", ondelete="SET NULL", description="Plan it flagged."
    )
    check_plan_id: int | None = Field(
        default=None, foreign_key="plan.id", ondelete="SET NULL", description="Its re-solve."
    )


class EvidenceChangeCreate(EvidenceChangeBase):
    pass


class EvidenceChangePublic(EvidenceChangeBase):
    id: int
    intervention_id: int | None  # type: ignore[assignment]
    intervention_name: str
    rating_before: str
    unit_cost_before: Decimal | None
    recorded_at: UtcTimestamp
    recorded_by_name: str
    agreed_plan_id: int | None
    check_plan_id: int | None
