"""Risk indicators: published measures of risk per place (child poverty, children in need, violence,
exclusions), each with its source and date, and the weight the partnership gives it in the need
index that the need floor uses."""

from pydantic import field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import plain_numbers, strip_text
from models.text import note_text, one_line_text, web_address
from models.versioning import Versioned


class RiskIndicatorBase(SQLModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    name: str = Field(min_length=1, max_length=120, unique=True, index=True)
    unit: str = Field(
        min_length=1,
        max_length=80,
        description="What one value measures, e.g. 'share of children, 0 to 1' or 'per 10,000 children'.",
    )
    weight: float = Field(
        default=1.0,
        ge=0,
        le=100,
        description="The partnership's weight for this indicator in the need index; 0 leaves it out.",
    )
    source: str = Field(min_length=1, max_length=300, description="Who publishes the figures.")
    source_url: str = Field(default="", max_length=500)
    as_at: str = Field(
        min_length=1,
        max_length=40,
        description="The date or period the figures describe, e.g. '2019' or '2023/24'.",
    )
    illustrative: bool = Field(
        default=False, description="The values are illustrative, not the published figures."
    )
    description: str = Field(default="", max_length=2000)

    _strip = field_validator("name", "unit", "source", "as_at", mode="before")(strip_text)
    _one_line = field_validator("name", "unit", "source", "as_at", mode="after")(one_line_text)
    _notes = field_validator("description", mode="after")(note_text)
    # Only web addresses become links: a javascript: or data: address would run in the page.
    _link = field_validator("source_url", mode="before")(web_address)


class RiskIndicator(RiskIndicatorBase, Versioned, table=True):
    __tablename__ = "risk_indicator"
    id: int | None = Field(default=None, primary_key=True)


class RiskIndicatorCreate(RiskIndicatorBase):
    pass


class RiskIndicatorPublic(RiskIndicatorBase):
    id: int


class IndicatorValueBase(SQLModel):
    """One indicator's value in one place. Higher values mean more need."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    place_id: int
    indicator_id: int
    value: float = Field(ge=0, le=1_000_000_000, description="Higher means more need.")


class IndicatorValue(IndicatorValueBase, Versioned, table=True):
    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("place_id", "indicator_id", name="uq_indicator_value"),)
    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True, ondelete="CASCADE")
    indicator_id: int = Field(foreign_key="risk_indicator.id", index=True, ondelete="CASCADE")


class IndicatorValuePublic(IndicatorValueBase):
    id: int
