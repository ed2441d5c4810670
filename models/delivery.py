"""Delivery: people a place-based team actually started and completed on an intervention in a year.

Recorded by place leads and compared with the agreed plan, so the partnership can track delivery
as its commissioning charter asks. Figures are whole people, never negative, and never more than
the place's eligible population for the intervention's target group (checked by the service,
which knows the population).
"""

from pydantic import NaiveDatetime, field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import plain_numbers, utc_now, year_field
from models.text import note_text
from models.timestamps import UtcTimestamp
from models.versioning import Versioned


class DeliveryFigures(SQLModel):
    """What a place lead records: counts of people, and a note on anything unusual."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    started: int = Field(ge=0, le=10_000_000, description="People who started in the year.")
    completed: int = Field(
        default=0, ge=0, le=10_000_000, description="People who completed in the year."
    )
    notes: str = Field(default="", max_length=1000)

    _notes = field_validator("notes", mode="after")(note_text)


class DeliveryRecordBase(DeliveryFigures):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    place_id: int
    intervention_id: int
    year: int = year_field(description="Financial year by its start year: 2026 means 2026/27.")


class DeliveryRecord(DeliveryRecordBase, Versioned, table=True):
    __tablename__ = "delivery_record"
    __table_args__ = (
        UniqueConstraint("place_id", "intervention_id", "year", name="uq_delivery_record"),
    )
    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True, ondelete="CASCADE")
    intervention_id: int = Field(foreign_key="intervention.id", index=True, ondelete="CASCADE")
    updated_at: NaiveDatetime = Field(default_factory=utc_now)
    updated_by_name: str = Field(default="", max_length=200)


class DeliveryRecordCreate(DeliveryRecordBase):
    pass


class DeliveryRecordPublic(DeliveryRecordBase):
    id: int
    updated_at: UtcTimestamp
    updated_by_name: str
