"""Interventions that can be commissioned, their evidence ratings and expected effects."""

from decimal import Decimal
from enum import StrEnum

from pydantic import field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.fields import (
    FIRST_YEAR,
    LAST_YEAR,
    broken_on,
    json_list_field,
    money_field,
    optional_money_field,
    plain_numbers,
    strip_text,
    year_field,
)
from models.spread import check_range
from models.text import note_text, one_line_text, web_address
from models.versioning import Versioned
from models.vocabulary import EVIDENCE_RATINGS, parse_financial_year

PRICE_YEAR_WORDS = (
    "Financial year whose prices the unit cost, set-up cost and cohort cost are in, by its start "
    "year: 2022 means 2022/23. The plan uplifts them to cash with the price index."
)


class InterventionCategory(StrEnum):
    FAMILY_SUPPORT = "family_support"
    PARENTING = "parenting"
    MENTORING = "mentoring"
    DIVERSION = "diversion"
    DOMESTIC_ABUSE = "domestic_abuse"
    SCHOOL_BASED = "school_based"
    MENTAL_HEALTH = "mental_health"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize().replace("Domestic abuse", "Domestic abuse")


class InterventionBase(SQLModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    name: str = Field(min_length=1, max_length=160, unique=True, index=True)
    category: InterventionCategory = Field(default=InterventionCategory.OTHER)
    target_group: str = Field(
        min_length=1,
        max_length=80,
        description="Who it serves; places record their eligible population per target group.",
    )
    description: str = Field(default="", max_length=4000)
    unit_cost: Decimal = money_field(description="Cost per participant, £.")
    fixed_cost: Decimal | None = optional_money_field(
        description="Set-up cost each time it runs in a place and year, £ (optional)."
    )
    min_cohort: int = Field(default=0, ge=0, description="Fewest participants for a viable run.")
    # Whole cohorts and minimum contracts (issue 12): counted when a scenario plans whole people
    # and programmes.
    cohort_size: int = Field(
        default=0,
        ge=0,
        le=100_000,
        description="Participants in one cohort or caseload when it is delivered in whole cohorts "
        "(a group, or one worker's caseload); 0: person by person.",
    )
    cohort_cost: Decimal | None = optional_money_field(
        description="Cost of one whole cohort, £ (optional; blank: the cohort size times the cost "
        "per participant)."
    )
    minimum_contract: Decimal = money_field(
        default=Decimal(0),
        description="Smallest contract a provider will take for one place and year, £ (0: none).",
    )
    capacity: int = Field(
        default=0, ge=0, description="Participants a provider can take per place per year."
    )
    duration_weeks: int = Field(default=12, ge=1, le=520)
    volunteer_hours: float = Field(
        default=0,
        ge=0,
        le=1000,
        description="Hours of shared local volunteers' time each participant needs (0: none).",
    )
    evidence_rating: str = Field(
        default="NL2",
        description="Early Intervention Foundation Guidebook rating: 4, 3, 2, NL2 or NE, with an optional +.",
        schema_extra={"json_schema_extra": {"enum": list(EVIDENCE_RATINGS)}},
    )
    cost_rating: int | None = Field(default=None, ge=1, le=5)
    rating_source: str = Field(default="", max_length=300)
    rating_date: str = Field(
        default="", max_length=80, description="When the rating was published."
    )
    rating_url: str = Field(default="", max_length=500)
    illustrative: bool = Field(
        default=True,
        description="Costs and effect sizes are illustrative rather than published figures.",
    )
    take_up_low_percent: float | None = Field(
        default=None,
        ge=0,
        le=100,
        description="Lowest share of commissioned places likely to be taken up and completed, %.",
    )
    take_up_high_percent: float | None = Field(
        default=None,
        ge=0,
        le=100,
        description="Highest share of places likely to be taken up, %; blank: every place taken.",
    )
    # Cash prices (models.price_index): required for new records (InterventionCreate).
    price_year: int | None = Field(
        default=None, ge=FIRST_YEAR, le=LAST_YEAR, description=PRICE_YEAR_WORDS
    )

    _strip = field_validator("name", "target_group", mode="before")(strip_text)
    _one_line = field_validator(
        "name", "target_group", "rating_source", "rating_date", mode="after"
    )(one_line_text)
    _notes = field_validator("description", mode="after")(note_text)
    _link = field_validator("rating_url", mode="before")(web_address)

    @model_validator(mode="after")
    def take_up_range(self) -> "InterventionBase":
        check_range(
            type(self).__name__,
            "take_up_low_percent",
            "take_up_high_percent",
            self.take_up_low_percent,
            self.take_up_high_percent,
            what="take-up",
        )
        return self

    @model_validator(mode="after")
    def cohort_cost_needs_a_size(self) -> "InterventionBase":
        if self.cohort_cost and not self.cohort_size:
            raise broken_on(
                type(self).__name__,
                "cohort_cost",
                "needs a cohort size: give the participants in one cohort, or leave the cohort "
                "cost blank",
                self.cohort_cost,
            )
        return self

    @field_validator("price_year", mode="before")
    @classmethod
    def price_year_as_written(cls, value: object) -> object:
        """A price year may be written as people write it (2022/23) or by its start year."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            return parse_financial_year(value)
        return value

    @field_validator("evidence_rating", mode="before")
    @classmethod
    def known_rating(cls, value: object) -> str:
        rating = str(value).strip().upper() if value is not None else ""
        if rating not in EVIDENCE_RATINGS:
            raise ValueError(
                f"'{value}' is not an evidence rating; use one of {', '.join(EVIDENCE_RATINGS)}"
            )
        return rating


class Intervention(InterventionBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    effects: list["InterventionEffect"] = Relationship(
        back_populates="intervention", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )


class InterventionCreate(InterventionBase):
    price_year: int = year_field(description=PRICE_YEAR_WORDS)


class InterventionPublic(InterventionBase):
    id: int


class InterventionEffectBase(SQLModel):
    """Expected demand avoided per participant, for one demand type.

    `reduction_per_participant` units are avoided in *each* of `years_after` (1 = the year after
    participation), so [1, 2, 3] with 0.1 means 0.3 units in all.
    """

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    reduction_per_participant: float = Field(ge=0, le=1000)
    years_after: list[int] = json_list_field(
        schema_extra={
            "json_schema_extra": {
                "minItems": 1,
                "items": {"type": "integer", "minimum": 0, "maximum": 30},
            }
        },
        description="Years after participation in which the effect arrives (0 to 30).",
    )
    standard_error: float | None = Field(
        default=None, ge=0, le=1000, description="Standard error of the effect, in the same units."
    )
    effect_low: float | None = Field(
        default=None, ge=0, le=1000, description="Lowest plausible effect per participant."
    )
    effect_high: float | None = Field(
        default=None, ge=0, le=1000, description="Highest plausible effect per participant."
    )
    spread_source: str = Field(
        default="",
        max_length=300,
        description="Where the standard error or range comes from (blank: the default by rating).",
    )

    _one_line = field_validator("spread_source", mode="after")(one_line_text)

    @field_validator("years_after")
    @classmethod
    def sensible_years(cls, years: list[int]) -> list[int]:
        if not years:
            raise ValueError("name at least one year after participation when the effect arrives")
        for year in years:
            if not 0 <= int(year) <= 30:
                raise ValueError(f"{year} is not a number of years after participation (0 to 30)")
        return sorted({int(year) for year in years})

    @model_validator(mode="after")
    def effect_spread(self) -> "InterventionEffectBase":
        schema = type(self).__name__
        if self.standard_error is not None and self.effect_low is not None:
            raise broken_on(
                schema,
                "standard_error",
                "give a standard error or a low-high range, not both",
                self.standard_error,
            )
        check_range(
            schema,
            "effect_low",
            "effect_high",
            self.effect_low,
            self.effect_high,
            what="effect",
            figure=self.reduction_per_participant,
            figure_words="the units avoided per participant",
        )
        return self


class InterventionEffect(InterventionEffectBase, Versioned, table=True):
    __tablename__ = "intervention_effect"
    __table_args__ = (UniqueConstraint("intervention_id", "demand_type_id", name="uq_effect"),)
    id: int | None = Field(default=None, primary_key=True)
    intervention_id: int = Field(foreign_key="intervention.id", index=True, ondelete="CASCADE")
    demand_type_id: int = Field(foreign_key="demand_type.id", index=True)
    intervention: Intervention = Relationship(back_populates="effects")


class InterventionEffectCreate(InterventionEffectBase):
    demand_type_id: int
