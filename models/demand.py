"""Demand types (units of demand on services) and the share of their cost each partner bears."""

from decimal import Decimal

from pydantic import field_validator
from sqlalchemy import Numeric, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.fields import money_field, strip_text
from models.text import note_text, one_line_text, web_address


class DemandTypeBase(SQLModel):
    name: str = Field(min_length=1, max_length=120, unique=True, index=True)
    unit: str = Field(
        min_length=1, max_length=120, description='What one unit is, e.g. "call-out".'
    )
    unit_cost: Decimal = money_field(description="Fiscal cost of one unit to the public purse, £.")
    price_year: str = Field(default="", max_length=40, description="Price year of the unit cost.")
    cost_source: str = Field(default="", max_length=500, description="Who published the unit cost.")
    cost_source_url: str = Field(default="", max_length=500)
    cost_published: str = Field(default="", max_length=60, description="When it was published.")
    description: str = Field(default="", max_length=2000)

    _strip = field_validator("name", "unit", mode="before")(strip_text)
    _one_line = field_validator(
        "name", "unit", "price_year", "cost_source", "cost_published", mode="after"
    )(one_line_text)
    _notes = field_validator("description", mode="after")(note_text)
    _link = field_validator("cost_source_url", mode="before")(web_address)


class DemandType(DemandTypeBase, table=True):
    __tablename__ = "demand_type"
    id: int | None = Field(default=None, primary_key=True)
    cost_shares: list["CostShare"] = Relationship(
        back_populates="demand_type", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )


class DemandTypeCreate(DemandTypeBase):
    pass


class DemandTypePublic(DemandTypeBase):
    id: int


class CostShareBase(SQLModel):
    """The percentage of one demand type's unit cost that falls on one partner."""

    share_percent: Decimal = Field(
        ge=0, le=100, max_digits=6, decimal_places=2, sa_type=Numeric(6, 2)
    )


class CostShare(CostShareBase, table=True):
    __tablename__ = "cost_share"
    __table_args__ = (UniqueConstraint("demand_type_id", "partner_id", name="uq_cost_share"),)
    id: int | None = Field(default=None, primary_key=True)
    demand_type_id: int = Field(foreign_key="demand_type.id", index=True, ondelete="CASCADE")
    partner_id: int = Field(foreign_key="partner.id", index=True)
    demand_type: DemandType = Relationship(back_populates="cost_shares")


class CostShareCreate(CostShareBase):
    partner_id: int
