"""The partnership's price index: a GDP deflator per financial year, and where it came from.

Budgets are cash; each intervention's costs are prices of its price year. The plan converts one
into the other with this index (``optimiser.prices``): cash = price x deflator(year) /
deflator(price year). It is seeded with HM Treasury's GDP deflators (with the OBR's forecasts
for the years ahead) and a partnership may replace any year with its own figure, saying where it
comes from.
"""

from pydantic import field_validator, model_validator
from sqlmodel import Field, SQLModel

from models.fields import plain_numbers, year_field
from models.text import note_text, one_line_text, web_address
from models.versioning import Versioned


class PriceIndexYearBase(SQLModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    year: int = year_field(description="Financial year by its start year: 2026 means 2026/27.")
    deflator: float = Field(
        gt=0,
        le=100_000,
        description="The index in that year (HM Treasury's GDP deflators: 2022-23 = 100).",
    )
    forecast: bool = Field(
        default=False, description="A forecast (the OBR's, for HM Treasury's series), not outturn."
    )
    source: str = Field(
        default="",
        max_length=300,
        description="Who published the figure, e.g. HM Treasury GDP deflators at market prices.",
    )
    released: str = Field(
        default="",
        max_length=120,
        description="The release it was taken from and its date, e.g. December 2024 (QNA).",
    )
    source_url: str = Field(default="", max_length=500, description="Web address of the release.")
    note: str = Field(
        default="",
        max_length=1000,
        description="Anything worth knowing, e.g. that a year is extrapolated (illustrative).",
    )

    _one_line = field_validator("source", "released", mode="after")(one_line_text)
    _notes = field_validator("note", mode="after")(note_text)
    _link = field_validator("source_url", mode="before")(web_address)


class PriceIndexYear(PriceIndexYearBase, Versioned, table=True):
    __tablename__ = "price_index_year"
    id: int | None = Field(default=None, primary_key=True)
    year: int = year_field(
        unique=True, index=True, description="Financial year by its start year: 2026 means 2026/27."
    )


class PriceIndexYearCreate(PriceIndexYearBase):
    pass


class PriceIndexYearPublic(PriceIndexYearBase):
    id: int
