"""Observed outcomes: demand actually seen per place, demand type and financial year.

Place leads record (or import) what their services counted, such as first-time entrants to
youth justice or A&E attendances, with the baseline the partnership compares against. The app
sets them beside the demand the agreed plan expected to avoid; it never claims the difference
was caused by the plan, because without a comparison group it cannot know.
"""

from pydantic import NaiveDatetime, field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import plain_numbers, utc_now, year_field
from models.text import note_text, one_line_text
from models.timestamps import UtcTimestamp


class OutcomeFigures(SQLModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    observed: float = Field(ge=0, le=1e9, description="Units of demand counted in the year.")
    baseline: float | None = Field(
        default=None,
        ge=0,
        le=1e9,
        description="Units expected without the plan: usually the year before it started.",
    )
    source: str = Field(default="", max_length=300, description="Where the count comes from.")
    notes: str = Field(default="", max_length=1000)

    _one_line = field_validator("source", mode="after")(one_line_text)
    _notes = field_validator("notes", mode="after")(note_text)

    @model_validator(mode="after")
    def _finite(self) -> "OutcomeFigures":
        if self.observed != self.observed:  # NaN
            raise ValueError("Enter the number observed")
        return self


class ObservedOutcomeBase(OutcomeFigures):
    place_id: int
    demand_type_id: int
    year: int = year_field(description="Financial year by its start year: 2026 means 2026/27.")


class ObservedOutcome(ObservedOutcomeBase, table=True):
    __tablename__ = "observed_outcome"
    __table_args__ = (
        UniqueConstraint("place_id", "demand_type_id", "year", name="uq_observed_outcome"),
    )
    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True, ondelete="CASCADE")
    demand_type_id: int = Field(foreign_key="demand_type.id", index=True, ondelete="CASCADE")
    updated_at: NaiveDatetime = Field(default_factory=utc_now)
    updated_by_name: str = Field(default="", max_length=200)


class ObservedOutcomeCreate(ObservedOutcomeBase):
    pass


class ObservedOutcomePublic(ObservedOutcomeBase):
    id: int
    updated_at: UtcTimestamp
    updated_by_name: str
