"""Actual spend and forecast per allocation (partner, intervention, place) per quarter.

Finance leads record each quarter's actual spend once it is known and a forecast for the quarters
still to come, in the manner of the Better Care Fund's quarterly returns. The forecast outturn for
a year adds each quarter's actual, or its forecast where no actual is recorded yet, or the plan's
quarter share where neither is.
"""

from decimal import Decimal

from pydantic import NaiveDatetime, field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import optional_money_field, plain_numbers, utc_now, year_field
from models.text import note_text
from models.timestamps import UtcTimestamp

QUARTERS = (1, 2, 3, 4)
QUARTER_MONTHS = {
    1: "April to June",
    2: "July to September",
    3: "October to December",
    4: "January to March",
}


class SpendFigures(SQLModel):
    """What a finance lead records for one quarter: the actual, a forecast, or both blank."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    actual: Decimal | None = optional_money_field(
        description="Money spent in the quarter, in pounds."
    )
    forecast: Decimal | None = optional_money_field(
        description="Money expected to be spent in the quarter (for quarters not yet over)."
    )
    notes: str = Field(default="", max_length=1000)

    _notes = field_validator("notes", mode="after")(note_text)

    @model_validator(mode="after")
    def _something_given(self) -> "SpendFigures":
        if self.actual is None and self.forecast is None:
            raise ValueError("Enter the actual spend or a forecast for the quarter")
        return self


class SpendRecordBase(SpendFigures):
    partner_id: int
    intervention_id: int
    place_id: int
    year: int = year_field(description="Financial year by its start year: 2026 means 2026/27.")
    quarter: int = Field(
        ge=1, le=4, description="Quarter of the financial year: 1 is April to June."
    )


class SpendRecord(SpendRecordBase, table=True):
    __tablename__ = "spend_record"
    __table_args__ = (
        UniqueConstraint(
            "partner_id", "intervention_id", "place_id", "year", "quarter", name="uq_spend_record"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True, ondelete="CASCADE")
    intervention_id: int = Field(foreign_key="intervention.id", index=True, ondelete="CASCADE")
    place_id: int = Field(foreign_key="place.id", index=True, ondelete="CASCADE")
    updated_at: NaiveDatetime = Field(default_factory=utc_now)
    updated_by_name: str = Field(default="", max_length=200)


class SpendRecordCreate(SpendRecordBase):
    pass


class SpendRecordPublic(SpendRecordBase):
    id: int
    updated_at: UtcTimestamp
    updated_by_name: str
