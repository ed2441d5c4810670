"""Interventions that can be commissioned, their evidence ratings and expected effects."""

from decimal import Decimal
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.fields import json_list_field, money_field, optional_money_field, strip_text
from models.text import note_text, one_line_text, web_address
from models.vocabulary import EVIDENCE_RATINGS


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
    capacity: int = Field(
        default=0, ge=0, description="Participants a provider can take per place per year."
    )
    duration_weeks: int = Field(default=12, ge=1, le=520)
    evidence_rating: str = Field(
        default="NL2",
        description="Early Intervention Foundation Guidebook rating: 4, 3, 2, NL2 or NE, with an optional +.",
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

    _strip = field_validator("name", "target_group", mode="before")(strip_text)
    _one_line = field_validator(
        "name", "target_group", "rating_source", "rating_date", mode="after"
    )(one_line_text)
    _notes = field_validator("description", mode="after")(note_text)
    _link = field_validator("rating_url", mode="before")(web_address)

    @field_validator("evidence_rating", mode="before")
    @classmethod
    def known_rating(cls, value: object) -> str:
        rating = str(value).strip().upper() if value is not None else ""
        if rating not in EVIDENCE_RATINGS:
            raise ValueError(
                f"'{value}' is not an evidence rating; use one of {', '.join(EVIDENCE_RATINGS)}"
            )
        return rating


class Intervention(InterventionBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    effects: list["InterventionEffect"] = Relationship(
        back_populates="intervention", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )


class InterventionCreate(InterventionBase):
    pass


class InterventionPublic(InterventionBase):
    id: int


class InterventionEffectBase(SQLModel):
    """Expected demand avoided per participant, for one demand type.

    `reduction_per_participant` units are avoided in *each* of `years_after` (1 = the year after
    participation), so [1, 2, 3] with 0.1 means 0.3 units in all.
    """

    reduction_per_participant: float = Field(ge=0, le=1000)
    years_after: list[int] = json_list_field()

    @field_validator("years_after")
    @classmethod
    def sensible_years(cls, years: list[int]) -> list[int]:
        if not years:
            raise ValueError("name at least one year after participation when the effect arrives")
        for year in years:
            if not 0 <= int(year) <= 30:
                raise ValueError(f"{year} is not a number of years after participation (0 to 30)")
        return sorted({int(year) for year in years})


class InterventionEffect(InterventionEffectBase, table=True):
    __tablename__ = "intervention_effect"
    __table_args__ = (UniqueConstraint("intervention_id", "demand_type_id", name="uq_effect"),)
    id: int | None = Field(default=None, primary_key=True)
    intervention_id: int = Field(foreign_key="intervention.id", index=True, ondelete="CASCADE")
    demand_type_id: int = Field(foreign_key="demand_type.id", index=True)
    intervention: Intervention = Relationship(back_populates="effects")


class InterventionEffectCreate(InterventionEffectBase):
    demand_type_id: int
