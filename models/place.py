"""Places where place-based teams deliver, with eligible populations, need and capacity overrides."""

from pydantic import field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.fields import plain_numbers, strip_text
from models.text import note_text, one_line_text
from models.versioning import Versioned


class PlaceBase(SQLModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    name: str = Field(min_length=1, max_length=120, unique=True, index=True)
    district: str = Field(min_length=1, max_length=80)
    need_index: float = Field(
        default=1.0,
        gt=0,
        le=1000,
        description="Relative need built from risk indicators; 1 = average.",
    )
    description: str = Field(default="", max_length=2000)
    illustrative: bool = Field(
        default=False,
        description="Eligible populations, need and capacity are illustrative, not local data.",
    )

    _strip = field_validator("name", "district", mode="before")(strip_text)
    _one_line = field_validator("name", "district", mode="after")(one_line_text)
    _notes = field_validator("description", mode="after")(note_text)


class Place(PlaceBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    populations: list["PlacePopulation"] = Relationship(
        back_populates="place", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )
    capacity_overrides: list["CapacityOverride"] = Relationship(
        back_populates="place", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )


class PlaceCreate(PlaceBase):
    pass


class PlacePublic(PlaceBase):
    id: int


class PlacePopulationBase(SQLModel):
    """Eligible population of one target group in one place."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    target_group: str = Field(min_length=1, max_length=80)
    population: int = Field(ge=0, description="People in the target group who could take part.")

    _strip = field_validator("target_group", mode="before")(strip_text)
    _one_line = field_validator("target_group", mode="after")(one_line_text)


class PlacePopulation(PlacePopulationBase, Versioned, table=True):
    __tablename__ = "place_population"
    __table_args__ = (UniqueConstraint("place_id", "target_group", name="uq_place_population"),)
    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True, ondelete="CASCADE")
    place: Place = Relationship(back_populates="populations")


class CapacityOverrideBase(SQLModel):
    """A provider's capacity for one intervention in one place, replacing the default."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    intervention_id: int
    capacity: int = Field(ge=0, description="Participants per year in this place.")


class CapacityOverride(CapacityOverrideBase, Versioned, table=True):
    __tablename__ = "capacity_override"
    __table_args__ = (UniqueConstraint("place_id", "intervention_id", name="uq_capacity_override"),)
    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True, ondelete="CASCADE")
    intervention_id: int = Field(foreign_key="intervention.id", index=True, ondelete="CASCADE")
    place: Place = Relationship(back_populates="capacity_overrides")
