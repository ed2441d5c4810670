"""Shared local volunteers per place and year: the hours they can give, and what recruiting,
training and supervising one more costs. Interventions that need volunteers draw on these hours
(their volunteer hours per participant are on the intervention)."""

from decimal import Decimal

from pydantic import field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import money_field, plain_numbers, year_field
from models.text import note_text
from models.versioning import Versioned


class VolunteerPoolBase(SQLModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    place_id: int
    year: int = year_field(description="Financial year by its start year: 2026 means 2026/27.")
    hours: float = Field(
        ge=0, le=10_000_000, description="Volunteer hours available in the place in the year."
    )
    hours_per_volunteer: float = Field(
        gt=0, le=5000, description="Hours one volunteer gives in a year."
    )
    cost_per_volunteer: Decimal = money_field(
        default=Decimal(0),
        description="Cost of recruiting, training and supervising one volunteer for a year, £.",
    )
    illustrative: bool = Field(default=False)
    notes: str = Field(default="", max_length=1000)

    _notes = field_validator("notes", mode="after")(note_text)


class VolunteerPool(VolunteerPoolBase, Versioned, table=True):
    __tablename__ = "volunteer_pool"
    __table_args__ = (UniqueConstraint("place_id", "year", name="uq_volunteer_pool"),)
    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True, ondelete="CASCADE")


class VolunteerPoolCreate(VolunteerPoolBase):
    pass


class VolunteerPoolPublic(VolunteerPoolBase):
    id: int
