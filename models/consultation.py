"""Consultation: short structured feedback from those receiving an intervention in a place and
those delivering it, recorded by the place's lead, as the Charter asks partnerships to "consult
those receiving and those delivering interventions"."""

from datetime import date
from enum import StrEnum

from pydantic import NaiveDatetime, field_validator, model_validator
from sqlmodel import Field, SQLModel

from models.fields import plain_numbers, utc_now, year_field
from models.text import note_text
from models.timestamps import UtcTimestamp


class Respondents(StrEnum):
    RECEIVING = "receiving"
    DELIVERING = "delivering"

    @property
    def label(self) -> str:
        return {
            Respondents.RECEIVING: "People receiving it",
            Respondents.DELIVERING: "People delivering it",
        }[self]


RATING_WORDS = {
    1: "Not working",
    2: "Working poorly",
    3: "Working in part",
    4: "Working well",
    5: "Working very well",
}


class ConsultationBase(SQLModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    place_id: int
    intervention_id: int
    year: int = year_field(description="Financial year by its start year: 2026 means 2026/27.")
    respondents: Respondents = Field(description="Who gave the feedback.")
    people_consulted: int = Field(ge=1, le=100_000, description="How many people were asked.")
    consulted_on: date = Field(description="When they were asked.")
    rating: int = Field(
        ge=1, le=5, description="How well it works for them: 1 not working to 5 very well."
    )
    what_works: str = Field(default="", max_length=1000)
    what_to_change: str = Field(default="", max_length=1000)

    @field_validator("what_works", "what_to_change", mode="before")
    @classmethod
    def _trimmed(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    _notes = field_validator("what_works", "what_to_change", mode="after")(note_text)


class Consultation(ConsultationBase, table=True):
    __tablename__ = "consultation"
    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True, ondelete="CASCADE")
    intervention_id: int = Field(foreign_key="intervention.id", index=True, ondelete="CASCADE")
    recorded_at: NaiveDatetime = Field(default_factory=utc_now)
    recorded_by_name: str = Field(default="", max_length=200)


class ConsultationCreate(ConsultationBase):
    pass


class ConsultationPublic(ConsultationBase):
    id: int
    recorded_at: UtcTimestamp
    recorded_by_name: str
