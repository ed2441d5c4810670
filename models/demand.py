"""Demand types (units of demand on services) and the share of their cost each partner bears."""

from decimal import Decimal

from pydantic import field_validator, model_validator
from sqlalchemy import Numeric, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.fields import money_field, optional_money_field, plain_numbers, strip_text
from models.spread import check_range
from models.text import note_text, one_line_text, web_address
from models.versioning import Versioned


class DemandTypeBase(SQLModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

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
    unit_cost_low: Decimal | None = optional_money_field(
        description="Lowest plausible unit cost, £ (blank: the default of plus or minus 20%)."
    )
    unit_cost_high: Decimal | None = optional_money_field(
        description="Highest plausible unit cost, £."
    )

    _strip = field_validator("name", "unit", mode="before")(strip_text)
    _one_line = field_validator(
        "name", "unit", "price_year", "cost_source", "cost_published", mode="after"
    )(one_line_text)
    _notes = field_validator("description", mode="after")(note_text)
    _link = field_validator("cost_source_url", mode="before")(web_address)

    @model_validator(mode="after")
    def cost_range(self) -> "DemandTypeBase":
        check_range(
            type(self).__name__,
            "unit_cost_low",
            "unit_cost_high",
            self.unit_cost_low,
            self.unit_cost_high,
            what="unit cost",
            figure=self.unit_cost,
            figure_words="the cost of one unit",
        )
        return self


class DemandType(DemandTypeBase, Versioned, table=True):
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

    _plain_numbers = model_validator(mode="before")(plain_numbers)

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
