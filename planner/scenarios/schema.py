"""The one scenario input schema: what the scenario form and the API accept, and the words for
what they refuse.

The form's strings (``forms.read_scenario_form``) and the API's JSON (POST, and PATCH merged into
the stored values) are both validated by ``ScenarioInput``, so both refuse exactly the same things
with the same words, each word saying what to type. Every field reads its own value
(``BeforeValidator``) and refuses anything else with a message of its own, so no generic pydantic
wording reaches a person; the numeric settings come from ``optimiser.families.SETTINGS`` through
``forms.NUMBER_RULES``. Numbers are written with the digits 0-9 only (not ``1_000``, not another
script's digits, not nan). Shares are percentages on the form (35 means 35%) and fractions in the
API (0.35); the validation context says which (``ScenarioContext``). What depends on the
partnership (that a budget line, demand type, partner or cap target exists) is checked once, by
``checks.reference_problems``; errors are keyed by the API's field names ("priority_weights.3"),
and the form shows each against its own input (``forms.ScenarioForm.input_for``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    ValidationError,
    WithJsonSchema,
    create_model,
    model_validator,
)

from models.fields import FIRST_YEAR, LAST_YEAR, field_errors
from models.scenario import DEFAULT_SEGMENT_MULTIPLIERS, CapScope, FundingMode
from models.vocabulary import WHOLE_PEOPLE, WHOLE_PEOPLE_COUNTS, ObjectiveChoice
from planner.scenarios.forms import MAX_FAIRNESS_FACTOR, MAX_PRIORITY_WEIGHT, NUMBER_RULES
from planner.scenarios.readers import (
    CHOOSE_CAP_TARGET,
    ID_SCHEMA,
    LARGEST_ID,
    MONEY,
    MONEY_WANTED,
    MOST_ITEMS,
    OPTIONAL_MONEY,
    PLAIN_PATTERN,
    RATINGS_TYPED,
    SCENARIO_NAME_EXAMPLE,
    ScenarioContext,
    choice_reader,
    demand_type_id,
    every_field_read,
    items_reader,
    money_reader,
    number_schema,
    problems_at,
    read_budget_line_id,
    read_cap_target,
    read_confidence,
    read_first_year,
    read_rating,
    read_segments,
    read_target_amount,
    setting_field,
    text_reader,
    weight_reader,
    weights_reader,
    yes_or_no,
)

__all__ = ["ScenarioContext", "ScenarioInput", "stored_values", "validate_scenario"]


class BudgetOverrideInput(BaseModel):
    """A scenario's replacement for one budget line's maximum (and committed minimum)."""

    budget_line_id: Annotated[
        int,
        BeforeValidator(read_budget_line_id),
        number_schema(1, LARGEST_ID, whole=True),
    ]
    maximum: Annotated[Decimal, money_reader("The budget's maximum", required=True), MONEY] = Field(
        description="Most this budget line may spend in the scenario, £."
    )
    minimum: Annotated[
        Decimal | None, money_reader("The committed minimum", required=False), OPTIONAL_MONEY
    ] = Field(
        default=None,
        description="Least it must spend, £ (left out or null: the budget line's own minimum).",
    )

    _read_all = model_validator(mode="before")(every_field_read)

    @model_validator(mode="after")
    def minimum_within_maximum(self) -> BudgetOverrideInput:
        if self.minimum is not None and self.minimum > self.maximum:
            raise problems_at(
                {
                    "minimum": f"The committed minimum (£{self.minimum:,.2f}) is more than the "
                    f"maximum (£{self.maximum:,.2f}): type a smaller minimum or a larger maximum"
                },
                type(self).__name__,
            )
        return self


class CapInput(BaseModel):
    """Most the scenario may spend on one place, intervention or category over its years."""

    scope: Annotated[
        CapScope,
        choice_reader("", {scope.value: scope for scope in CapScope}, CHOOSE_CAP_TARGET),
        WithJsonSchema({"enum": [scope.value for scope in CapScope]}),
    ]
    target: Annotated[
        str,
        BeforeValidator(read_cap_target),
        WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 160}),
    ] = Field(description="The place's or intervention's id, or the category's name.")
    maximum: Annotated[Decimal, money_reader("The cap", required=True), MONEY] = Field(
        description="Most to spend on it over the scenario's years, £."
    )

    _read_all = model_validator(mode="before")(every_field_read)


def _cross_field_problems(details: ScenarioInput) -> dict[str, str]:
    """Rules between fields: an objective with what it needs, a cost cap with both halves."""
    problems: dict[str, str] = {}
    if details.objective == ObjectiveChoice.SINGLE and details.objective_demand_type_id is None:
        problems["objective_demand_type_id"] = (
            "Choose the demand type to reduce when optimising one type only"
        )
    if details.objective == ObjectiveChoice.PRIORITY and not any(
        weight > 0 for weight in details.priority_weights.values()
    ):
        problems["priority_weights"] = (
            "Give at least one demand type a priority weight above 0, such as 1"
        )
    if details.max_cost_per_unit is not None and details.max_cost_per_unit_demand_type_id is None:
        problems["max_cost_per_unit_demand_type_id"] = (
            "Choose the demand type the cost-per-unit cap is about, or leave its amount out"
        )
    if details.max_cost_per_unit is None and details.max_cost_per_unit_demand_type_id is not None:
        problems["max_cost_per_unit"] = (
            f"The most to spend per unit avoided is required with its demand type: type "
            f"{MONEY_WANTED}, or choose no demand type"
        )
    return problems


_Settings: type[BaseModel] = create_model(
    "ScenarioSettings",
    **{name: setting_field(name) for name in NUMBER_RULES},
)


class ScenarioInput(_Settings):  # type: ignore[misc, valid-type]
    """A scenario as the form and the API give it: every rule, budget override and cap. Each
    numeric setting is a field named as in ``optimiser.families.SETTINGS``."""

    name: Annotated[
        str,
        text_reader("The name", 120, f"a name such as {SCENARIO_NAME_EXAMPLE}"),
        WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 120}),
    ]
    description: Annotated[
        str,
        text_reader("The description", 4000, "what the scenario is for", note=True),
        WithJsonSchema({"type": "string", "maxLength": 4000}),
    ] = ""
    first_year: Annotated[
        int,
        BeforeValidator(read_first_year),
        number_schema(FIRST_YEAR, LAST_YEAR, whole=True),
    ] = Field(default=2026, description="First financial year planned (2026 = 2026/27).")
    funding_mode: Annotated[
        FundingMode,
        choice_reader("Funding", {mode.value: mode for mode in FundingMode}),
        WithJsonSchema({"enum": [mode.value for mode in FundingMode]}),
    ] = FundingMode.POOLED
    min_evidence_rating: Annotated[
        str,
        BeforeValidator(read_rating),
        WithJsonSchema({"enum": list(RATINGS_TYPED)}),
    ] = Field(default="2", description="Weakest evidence rating that may be funded.")
    objective: Annotated[
        ObjectiveChoice,
        choice_reader("What to maximise", {choice.value: choice for choice in ObjectiveChoice}),
        WithJsonSchema({"enum": [choice.value for choice in ObjectiveChoice]}),
    ] = ObjectiveChoice.VALUE
    priority_weights: Annotated[
        dict[
            str,
            Annotated[
                float,
                weight_reader("Each priority weight", MAX_PRIORITY_WEIGHT, "such as 1 or 2.5"),
                number_schema(0, MAX_PRIORITY_WEIGHT),
            ],
        ],
        weights_reader("The priority weights", "2.5"),
    ] = Field(
        default_factory=dict,
        description="Weight per demand type id when the objective is priority-weighted.",
    )
    objective_demand_type_id: Annotated[
        int | None, demand_type_id("The demand type to reduce"), ID_SCHEMA
    ] = Field(default=None, description="The demand type reduced when optimising one type only.")
    max_cost_per_unit_demand_type_id: Annotated[
        int | None, demand_type_id("The cost-per-unit cap's demand type"), ID_SCHEMA
    ] = Field(default=None, description="Demand type for the cost-per-unit cap.")
    max_cost_per_unit: Annotated[
        Decimal | None,
        money_reader("The most to spend per unit avoided", required=False, above_zero=True),
        OPTIONAL_MONEY,
    ] = Field(default=None, description="Most the plan may spend per unit avoided, £.")
    target_amount: Annotated[
        float | None,
        BeforeValidator(read_target_amount),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1e12},
                    {"type": "string", "pattern": PLAIN_PATTERN},
                    {"type": "null"},
                ]
            }
        ),
    ] = Field(
        default=None,
        description="Target mode: the least cost to avoid at least this much demand (null: off).",
    )
    target_demand_type_id: Annotated[
        int | None, demand_type_id("The target's demand type"), ID_SCHEMA
    ] = Field(default=None, description="The demand type the target counts (null: £ of all).")
    partner_fairness_overrides: Annotated[
        dict[
            str,
            Annotated[
                float,
                weight_reader(
                    "Each partner's fairness factor", MAX_FAIRNESS_FACTOR, "such as 1 or 0.8"
                ),
                number_schema(0, MAX_FAIRNESS_FACTOR),
            ],
        ],
        weights_reader("The partners' fairness factors", "0.8"),
    ] = Field(
        default_factory=dict,
        description="Per-partner fairness factor by partner id, replacing the default.",
    )
    confidence: Annotated[
        dict[
            str,
            Annotated[
                float,
                weight_reader("The confidence for each evidence rating", 1, "such as 0.8"),
                number_schema(0, 1),
            ],
        ],
        BeforeValidator(read_confidence),
    ] = Field(
        default_factory=dict,
        description="Discount on expected effect for evidence rated 4, 3, 2 or NL2.",
    )
    segment_multipliers: Annotated[
        list[float],
        BeforeValidator(read_segments),
        WithJsonSchema(
            {
                "type": "array",
                "minItems": 1,
                "maxItems": 10,
                "items": {
                    "anyOf": [
                        {"type": "number", "minimum": 0, "maximum": 1},
                        {"type": "string", "pattern": PLAIN_PATTERN},
                    ]
                },
            }
        ),
    ] = Field(
        default_factory=lambda: list(DEFAULT_SEGMENT_MULTIPLIERS),
        description="Effect multiplier of each equal slice of the reachable population.",
    )
    whole_programme: Annotated[
        bool, yes_or_no(WHOLE_PEOPLE), WithJsonSchema({"type": "boolean"})
    ] = Field(
        default=True,
        description=f"{WHOLE_PEOPLE}: plans {WHOLE_PEOPLE_COUNTS} (a mixed-integer program). "
        "On unless sent as false.",
    )
    budget_overrides: Annotated[
        list[BudgetOverrideInput],
        items_reader("The budget overrides", '{"budget_line_id": 3, "maximum": "12500"}'),
    ] = Field(default_factory=list, max_length=MOST_ITEMS)
    caps: Annotated[
        list[CapInput],
        items_reader(
            "The caps", '{"scope": "category", "target": "parenting", "maximum": "12500"}'
        ),
    ] = Field(default_factory=list, max_length=MOST_ITEMS)

    _read_all = model_validator(mode="before")(every_field_read)

    @model_validator(mode="after")
    def fields_agree(self) -> ScenarioInput:
        problems = _cross_field_problems(self)
        if problems:
            raise problems_at(problems)
        return self

    def scenario_fields(self) -> dict[str, Any]:
        """The scenario table's columns (budget overrides and caps are rows of their own)."""
        return self.model_dump(exclude={"budget_overrides", "caps"})


# The fields that are columns of the scenario table.
SCENARIO_COLUMNS = tuple(
    name for name in ScenarioInput.model_fields if name not in ("budget_overrides", "caps")
)


def validate_scenario(
    values: Mapping[str, object], context: ScenarioContext
) -> tuple[ScenarioInput | None, dict[str, str]]:
    """The scenario, or every problem with it keyed by field ("budget_overrides.0.minimum").

    A rule between fields (an objective and its demand type) is said alongside the fields'
    own mistakes: the values are read again with the mistaken fields at their defaults, and
    what that adds about other fields is kept."""
    try:
        return ScenarioInput.model_validate(dict(values), context=context), {}
    except ValidationError as error:
        errors = field_errors(error)
    wrong = {key.split(".")[0] for key in errors}
    again = {key: value for key, value in values.items() if key not in wrong}
    if "name" in wrong:
        again["name"] = "name"  # only so that the rest can be read; its problem is said
    try:
        ScenarioInput.model_validate(again, context=context)
    except ValidationError as error:
        for key, message in field_errors(error).items():
            if key.split(".")[0] not in wrong:
                errors.setdefault(key, message)
    return None, errors


def stored_values(scenario: Any) -> dict[str, Any]:
    """A saved scenario as the API would send it, for a PATCH to change."""
    values = {name: getattr(scenario, name) for name in SCENARIO_COLUMNS}
    values["budget_overrides"] = [
        {"budget_line_id": o.budget_line_id, "maximum": o.maximum, "minimum": o.minimum}
        for o in scenario.budget_overrides
    ]
    values["caps"] = [
        {"scope": c.scope.value, "target": c.target, "maximum": c.maximum} for c in scenario.caps
    ]
    return values
