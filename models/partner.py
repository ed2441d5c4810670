"""Partners, their commissioning cycles, budget lines and existing contracts."""

from decimal import Decimal

from pydantic import NaiveDatetime, field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.fields import (
    FIRST_YEAR,
    LAST_YEAR,
    YEAR_ITEMS,
    blank_to_none,
    broken_on,
    json_list_field,
    money_field,
    optional_money_field,
    plain_numbers,
    strip_text,
    utc_now,
    year_field,
)
from models.text import note_text, one_line_text
from models.versioning import Versioned
from models.vocabulary import BudgetStatus, PartnerKind, financial_year_label


class PartnerBase(SQLModel):
    name: str = Field(min_length=1, max_length=120, index=True, unique=True)
    kind: PartnerKind = Field(default=PartnerKind.OTHER)
    district: str | None = Field(
        default=None,
        max_length=80,
        description="The district a council or local body covers; empty for partnership-wide bodies.",
    )
    notes: str = Field(default="", max_length=2000)

    _strip_name = field_validator("name", mode="before")(strip_text)
    _blank_district = field_validator("district", mode="before")(blank_to_none)
    _one_line = field_validator("name", "district", mode="after")(one_line_text)
    _notes = field_validator("notes", mode="after")(note_text)


class Partner(PartnerBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cycle: "CommissioningCycle" = Relationship(
        back_populates="partner",
        sa_relationship_kwargs={"uselist": False, "cascade": "all, delete-orphan"},
    )
    budget_lines: list["BudgetLine"] = Relationship(
        back_populates="partner",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "BudgetLine.year"},
    )


class PartnerCreate(PartnerBase):
    pass


class PartnerUpdate(PartnerBase):
    pass


class PartnerPublic(PartnerBase):
    id: int


class CommissioningCycleBase(SQLModel):
    """When a partner can make or change commissioning decisions."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    budget_setting_month: int = Field(
        ge=1, le=12, description="Month (1-12) in which the partner sets its budget."
    )
    open_years: list[int] = json_list_field(
        description="Financial years (by start year) in which the partner can let or vary contracts.",
        schema_extra={"json_schema_extra": {"items": YEAR_ITEMS}},
    )
    contract_length_years: int = Field(
        default=3, ge=1, le=10, description="Usual length of a contract the partner lets, in years."
    )

    @field_validator("open_years")
    @classmethod
    def years_in_range(cls, years: list[int]) -> list[int]:
        for year in years:
            if not FIRST_YEAR <= int(year) <= LAST_YEAR:
                raise ValueError(
                    f"{year} is not a financial year between {FIRST_YEAR}/01 and {LAST_YEAR}/01"
                )
        return sorted({int(year) for year in years})


class CommissioningCycle(CommissioningCycleBase, Versioned, table=True):
    __tablename__ = "commissioning_cycle"
    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", unique=True, ondelete="CASCADE")
    partner: Partner = Relationship(back_populates="cycle")


class CommissioningCycleCreate(CommissioningCycleBase):
    partner_id: int


class CommissioningCyclePublic(CommissioningCycleBase):
    id: int
    partner_id: int


class BudgetLineBase(SQLModel):
    """Money one partner can put into the pool for one financial year."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    year: int = year_field(description="Financial year by its start year: 2026 means 2026/27.")
    maximum: Decimal = money_field(description="Most the partner can contribute this year, in £.")
    minimum: Decimal | None = optional_money_field(
        description="Amount the partner has committed to spend, in £ (optional)."
    )
    status: BudgetStatus = Field(default=BudgetStatus.INDICATIVE)
    ring_fence: list[str] = json_list_field(
        description="Intervention categories this money may fund; empty means any."
    )
    districts: list[str] = json_list_field(
        description="Districts whose places this money may fund; empty means all places."
    )
    illustrative: bool = Field(
        default=False, description="The amounts are illustrative, not the partner's budget."
    )

    @model_validator(mode="after")
    def minimum_not_above_maximum(self) -> "BudgetLineBase":
        if self.minimum is not None and self.minimum > self.maximum:
            raise broken_on(
                type(self).__name__,
                "minimum",
                f"The committed minimum (£{self.minimum:,.2f}) is more than the maximum "
                f"(£{self.maximum:,.2f}) for {financial_year_label(self.year)}",
                self.minimum,
            )
        return self


class BudgetLine(BudgetLineBase, Versioned, table=True):
    __tablename__ = "budget_line"
    __table_args__ = (UniqueConstraint("partner_id", "year", name="uq_budget_line_partner_year"),)
    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True, ondelete="CASCADE")
    partner: Partner = Relationship(back_populates="budget_lines")
    updated_at: NaiveDatetime = Field(default_factory=utc_now)


class BudgetLineCreate(BudgetLineBase):
    partner_id: int


class BudgetLinePublic(BudgetLineBase):
    id: int
    partner_id: int


class ExistingContractBase(SQLModel):
    """Money a partner has already committed to an intervention (and place) for named years."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    years: list[int] = json_list_field(
        description="Financial years covered, by start year.",
        schema_extra={"json_schema_extra": {"minItems": 1, "items": YEAR_ITEMS}},
    )
    annual_amount: Decimal = money_field(description="Amount committed in each of those years, £.")
    notes: str = Field(default="", max_length=500)

    _notes = field_validator("notes", mode="after")(note_text)

    @field_validator("years")
    @classmethod
    def at_least_one_year(cls, years: list[int]) -> list[int]:
        if not years:
            raise ValueError("name at least one financial year the contract covers")
        for year in years:
            if not FIRST_YEAR <= int(year) <= LAST_YEAR:
                raise ValueError(
                    f"{year} is not a financial year between {FIRST_YEAR}/01 and {LAST_YEAR}/01"
                )
        return sorted({int(year) for year in years})


class ExistingContract(ExistingContractBase, Versioned, table=True):
    __tablename__ = "existing_contract"
    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    intervention_id: int = Field(foreign_key="intervention.id", index=True)
    place_id: int | None = Field(default=None, foreign_key="place.id")


class ExistingContractCreate(ExistingContractBase):
    partner_id: int
    intervention_id: int
    place_id: int | None = None


class ExistingContractPublic(ExistingContractBase):
    id: int
    partner_id: int
    intervention_id: int
    place_id: int | None
