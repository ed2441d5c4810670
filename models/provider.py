"""Providers that deliver each intervention, with their sector, so a scenario can ask that a share
of spend goes through voluntary and community sector providers ("draw on third sector
expertise")."""

from enum import StrEnum

from pydantic import field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import plain_numbers
from models.text import one_line_text
from models.versioning import Versioned


class Sector(StrEnum):
    VOLUNTARY_COMMUNITY = "voluntary_community"
    PUBLIC = "public"
    PRIVATE = "private"

    @property
    def label(self) -> str:
        return {
            Sector.VOLUNTARY_COMMUNITY: "Voluntary and community sector",
            Sector.PUBLIC: "Public sector",
            Sector.PRIVATE: "Private sector",
        }[self]


class ProviderBase(SQLModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    intervention_id: int
    name: str = Field(min_length=1, max_length=160)
    sector: Sector
    share_percent: float = Field(
        gt=0, le=100, description="The provider's share of the intervention's delivery, %."
    )
    illustrative: bool = Field(default=False)

    @field_validator("name", mode="before")
    @classmethod
    def _trim(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    _one_line = field_validator("name", mode="after")(one_line_text)


class Provider(ProviderBase, Versioned, table=True):
    __tablename__ = "provider"
    __table_args__ = (UniqueConstraint("intervention_id", "name", name="uq_provider"),)
    id: int | None = Field(default=None, primary_key=True)
    intervention_id: int = Field(foreign_key="intervention.id", index=True, ondelete="CASCADE")


class ProviderCreate(ProviderBase):
    pass


class ProviderPublic(ProviderBase):
    id: int
