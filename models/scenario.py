"""Scenarios: named sets of assumptions and rules that the optimiser turns into a plan."""

import types
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import NaiveDatetime, field_validator, model_validator
from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.fields import (
    broken_on,
    json_dict_field,
    money_field,
    optional_money_field,
    plain_numbers,
    strip_text,
    utc_now,
    year_field,
)
from models.text import note_text, one_line_text
from models.versioning import Versioned
from models.vocabulary import EVIDENCE_RATINGS, ObjectiveChoice
from optimiser.families import SETTINGS, Setting, setting

DEFAULT_CONFIDENCE = {"4": 1.0, "3": 0.8, "2": 0.5, "NL2": 0.0}
DEFAULT_SEGMENT_MULTIPLIERS = [1.0, 0.8, 0.6]


class FundingMode(StrEnum):
    """Pooled: partners' money is planned together. Separate: each partner plans alone with its own
    budget, as happens today; useful as a baseline."""

    POOLED = "pooled"
    SEPARATE = "separate"


def _setting_column(entry: Setting) -> tuple[type, Any]:
    """A numeric setting's column, as the registry describes it: its type, default and range
    (a percentage is stored as a fraction)."""
    kind: type = int if entry.whole else float
    description = entry.help + (" Stored as a fraction: 0.5 = 50%." if entry.percent else "")
    minimum = entry.minimum / 100 if entry.percent else entry.minimum
    return kind, Field(
        default=kind(entry.default),
        ge=minimum,
        le=entry.stored_maximum,
        description=f"{entry.label}: {description}",
    )


def _setting_columns() -> type[SQLModel]:
    """A model holding one column per numeric setting of ``optimiser.families.SETTINGS``, so a
    new setting needs no declaration here (its migration still adds the column)."""
    columns = {entry.name: _setting_column(entry) for entry in SETTINGS.values()}

    def body(namespace: dict[str, Any]) -> None:
        namespace["__module__"] = __name__
        namespace["__annotations__"] = {name: kind for name, (kind, _) in columns.items()}
        namespace.update({name: column for name, (_, column) in columns.items()})

    return types.new_class("SettingColumns", (SQLModel,), exec_body=body)


if TYPE_CHECKING:
    # mypy cannot see columns made at import; code reads a setting through ``setting_value``
    # (or ``getattr``), by its registry name.
    SettingColumns = SQLModel
else:
    SettingColumns = _setting_columns()


class ScenarioBase(SettingColumns):
    """A scenario's own fields, beside the numeric settings ``SettingColumns`` makes from the
    registry."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    name: str = Field(min_length=1, max_length=120, unique=True, index=True)
    description: str = Field(default="", max_length=4000)
    first_year: int = year_field(
        default=2026, description="First financial year planned (2026 = 2026/27)."
    )
    funding_mode: FundingMode = Field(default=FundingMode.POOLED)

    min_evidence_rating: str = Field(
        default="2", description="Weakest evidence rating that may be funded (NE is never funded)."
    )
    max_cost_per_unit_demand_type_id: int | None = Field(
        default=None, foreign_key="demand_type.id", description="Demand type for the cost cap."
    )
    max_cost_per_unit: Decimal | None = optional_money_field(
        description="Most the plan may spend per unit of that demand type avoided, £."
    )
    partner_fairness_overrides: dict[str, float] = json_dict_field(
        description="Per-partner fairness factor by partner id, replacing the default."
    )
    confidence: dict[str, float] = json_dict_field(
        description="Discount on expected effect for each evidence level."
    )
    objective: ObjectiveChoice = Field(default=ObjectiveChoice.VALUE)
    priority_weights: dict[str, float] = json_dict_field(
        description="Weight per demand type id when the objective is priority-weighted."
    )
    target_amount: float | None = Field(
        default=None,
        gt=0,
        description="Target mode: the least cost to avoid at least this much demand (blank: off).",
    )
    target_demand_type_id: int | None = Field(
        default=None,
        foreign_key="demand_type.id",
        description="The demand type the target counts, in its units (blank: £ of all demand).",
    )
    objective_demand_type_id: int | None = Field(
        default=None,
        foreign_key="demand_type.id",
        description="The demand type the plan reduces when the objective is one type only.",
    )
    segment_multipliers: list[float] = Field(
        default_factory=lambda: list(DEFAULT_SEGMENT_MULTIPLIERS),
        sa_column=Column(JSON, nullable=False),
        description="Effect multiplier of each equal slice of the reachable population.",
    )
    whole_programme: bool = Field(
        default=False,
        description="Whole people and programmes: whole participants, whole cohorts, set-up "
        "costs, minimum cohorts and minimum contracts (a mixed-integer program).",
    )
    time_limit_seconds: int = Field(default=60, ge=1, le=3600)

    _strip = field_validator("name", mode="before")(strip_text)
    _one_line = field_validator("name", mode="after")(one_line_text)
    _notes = field_validator("description", mode="after")(note_text)

    @field_validator("min_evidence_rating", mode="before")
    @classmethod
    def known_rating(cls, value: object) -> str:
        rating = str(value).strip().upper()
        if rating not in EVIDENCE_RATINGS or rating == "NE":
            raise ValueError(
                f"'{value}' is not a rating that can be funded; use one of 4, 3, 2 or NL2"
            )
        return rating.rstrip("+")

    @field_validator("segment_multipliers")
    @classmethod
    def sensible_segments(cls, multipliers: list[float]) -> list[float]:
        if not 1 <= len(multipliers) <= 10:
            raise ValueError("give between 1 and 10 segment multipliers")
        if any(not 0 <= m <= 1 for m in multipliers):
            raise ValueError("each segment multiplier must be between 0 and 1")
        return [float(m) for m in multipliers]

    @field_validator("confidence")
    @classmethod
    def sensible_confidence(cls, weights: dict[str, float]) -> dict[str, float]:
        for level, weight in weights.items():
            if level not in DEFAULT_CONFIDENCE:
                raise ValueError(f"'{level}' is not an evidence level; use 4, 3, 2 or NL2")
            if not 0 <= float(weight) <= 1:
                raise ValueError(f"the confidence for level {level} must be between 0 and 1")
        return {level: float(weight) for level, weight in weights.items()}

    @model_validator(mode="after")
    def objective_has_its_inputs(self) -> "ScenarioBase":
        schema = type(self).__name__
        if self.objective == ObjectiveChoice.SINGLE and self.objective_demand_type_id is None:
            raise broken_on(
                schema,
                "objective_demand_type_id",
                "choose the demand type to optimise when optimising one type only",
                None,
            )
        if self.max_cost_per_unit is None and self.max_cost_per_unit_demand_type_id is not None:
            raise broken_on(
                schema,
                "max_cost_per_unit",
                "a cost-per-unit cap needs both a demand type and an amount: give the amount",
                None,
            )
        if self.max_cost_per_unit is not None and self.max_cost_per_unit_demand_type_id is None:
            raise broken_on(
                schema,
                "max_cost_per_unit_demand_type_id",
                "a cost-per-unit cap needs both a demand type and an amount: choose the demand "
                "type",
                None,
            )
        return self

    def confidence_levels(self) -> dict[str, float]:
        """Confidence weights with the defaults filled in."""
        return {**DEFAULT_CONFIDENCE, **self.confidence}

    def setting_value(self, name: str) -> float:
        """A numeric setting by its registry name (``optimiser.families.SETTINGS``)."""
        return float(getattr(self, setting(name).name))

    @property
    def horizon(self) -> int:
        """Years planned."""
        return int(self.setting_value("horizon_years"))

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.first_year + self.horizon))


class Scenario(ScenarioBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: NaiveDatetime = Field(default_factory=utc_now)
    updated_at: NaiveDatetime = Field(default_factory=utc_now)
    budget_overrides: list["ScenarioBudgetOverride"] = Relationship(
        back_populates="scenario", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )
    caps: list["ScenarioCap"] = Relationship(
        back_populates="scenario", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )


class ScenarioCreate(ScenarioBase):
    pass


class ScenarioPublic(ScenarioBase):
    id: int


class ScenarioBudgetOverrideBase(SQLModel):
    """A scenario's replacement for one budget line's maximum (and minimum)."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    budget_line_id: int = Field(foreign_key="budget_line.id", ondelete="CASCADE")
    maximum: Decimal = money_field()
    minimum: Decimal | None = optional_money_field()

    @model_validator(mode="after")
    def minimum_not_above_maximum(self) -> "ScenarioBudgetOverrideBase":
        if self.minimum is not None and self.minimum > self.maximum:
            raise broken_on(
                type(self).__name__,
                "minimum",
                f"The committed minimum (£{self.minimum:,.2f}) is more than the maximum "
                f"(£{self.maximum:,.2f})",
                self.minimum,
            )
        return self


class ScenarioBudgetOverride(ScenarioBudgetOverrideBase, table=True):
    __tablename__ = "scenario_budget_override"
    __table_args__ = (
        UniqueConstraint("scenario_id", "budget_line_id", name="uq_scenario_budget_override"),
    )
    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenario.id", index=True, ondelete="CASCADE")
    scenario: Scenario = Relationship(back_populates="budget_overrides")


class CapScope(StrEnum):
    PLACE = "place"
    INTERVENTION = "intervention"
    CATEGORY = "category"


class ScenarioCapBase(SQLModel):
    """Most a scenario may spend on one place, intervention or category over its horizon."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    scope: CapScope
    target: str = Field(
        min_length=1,
        max_length=160,
        description="Place or intervention id, or a category name, depending on the scope.",
    )
    maximum: Decimal = money_field()

    _one_line = field_validator("target", mode="after")(one_line_text)


class ScenarioCap(ScenarioCapBase, table=True):
    __tablename__ = "scenario_cap"
    __table_args__ = (UniqueConstraint("scenario_id", "scope", "target", name="uq_scenario_cap"),)
    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenario.id", index=True, ondelete="CASCADE")
    scenario: Scenario = Relationship(back_populates="caps")
