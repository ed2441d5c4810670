"""Scenarios through the API: the same rules, budget overrides and caps as the scenario form,
saved by the scenario service (validated, audited, one transaction)."""

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, model_validator
from sqlmodel import Session, col, select

from models import Scenario
from models.fields import plain_numbers
from models.scenario import CapScope, ScenarioCreate, ScenarioPublic
from optimiser.families import SETTINGS
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.errors import ApiProblem
from planner.api.pagination import Page, PageQuery, paged
from planner.api.resources import partial
from planner.api.versions import PRECONDITION_RESPONSES, IfMatch, etag_headers, require_current
from planner.auth.roles import EDITORS, READERS
from planner.db import get_session
from planner.inputs.validation import fetch
from planner.scenarios import service as scenarios
from planner.scenarios.forms import ScenarioSubmission
from planner.scenarios.service import ScenarioError, scenario_choices

bp = api_blueprint(
    "scenarios", "Scenarios", "Named sets of assumptions and rules the optimiser turns into plans."
)


class BudgetOverrideItem(BaseModel):
    budget_line_id: int = Field(ge=1, le=2_147_483_647)
    maximum: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    minimum: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)

    _plain_numbers = model_validator(mode="before")(plain_numbers)


class CapItem(BaseModel):
    scope: CapScope
    target: str = Field(
        min_length=1, max_length=160, description="Place or intervention id, or a category."
    )
    maximum: Decimal = Field(ge=0, max_digits=14, decimal_places=2)

    _plain_numbers = model_validator(mode="before")(plain_numbers)


def _described_by_the_registry(schema: type[BaseModel]) -> type[BaseModel]:
    """The schema with each numeric setting described as the scenario form describes it
    (``optimiser.families.SETTINGS``), so the API documents the same words."""
    for name, setting in SETTINGS.items():
        schema.model_fields[name].description = f"{setting.label}: {setting.help}" + (
            " Sent as a fraction (0.35 means 35%)." if setting.percent else ""
        )
    schema.model_rebuild(force=True)
    return schema


@_described_by_the_registry
class ScenarioBody(ScenarioCreate):
    budget_overrides: list[BudgetOverrideItem] = Field(default_factory=list, max_length=500)
    caps: list[CapItem] = Field(default_factory=list, max_length=500)


@_described_by_the_registry
class ScenarioOut(ScenarioPublic):
    budget_overrides: list[BudgetOverrideItem]
    caps: list[CapItem]


ScenarioChanges = partial(ScenarioBody)
SCENARIO_FIELDS = set(ScenarioCreate.model_fields)


def shown(scenario: Scenario) -> ScenarioOut:
    return ScenarioOut(
        **ScenarioPublic.model_validate(scenario).model_dump(),
        budget_overrides=[
            BudgetOverrideItem(
                budget_line_id=o.budget_line_id, maximum=o.maximum, minimum=o.minimum
            )
            for o in scenario.budget_overrides
        ],
        caps=[CapItem(scope=c.scope, target=c.target, maximum=c.maximum) for c in scenario.caps],
    )


def submission(session: Session, given: dict[str, Any]) -> ScenarioSubmission:
    """A scenario submission from API fields, with references checked in words."""
    choices = scenario_choices(session)
    errors: dict[str, str] = {}
    lines = {line.id for line in choices.budget_lines}
    overrides = {}
    for item in given.pop("budget_overrides", []) or []:
        if item["budget_line_id"] not in lines:
            errors["budget_overrides"] = f"There is no budget line with id {item['budget_line_id']}"
        elif item["minimum"] is not None and item["minimum"] > item["maximum"]:
            errors["budget_overrides"] = (
                f"Budget line {item['budget_line_id']}: the committed minimum is more than the maximum"
            )
        overrides[item["budget_line_id"]] = (item["maximum"], item["minimum"])
    targets = {(choice.scope, choice.target) for choice in choices.cap_targets}
    caps = []
    for item in given.pop("caps", []) or []:
        scope = CapScope(item["scope"])
        if (scope, str(item["target"])) not in targets:
            errors["caps"] = f"There is no {scope.value} '{item['target']}' to cap"
        caps.append((scope, str(item["target"]), item["maximum"]))
    demand_types = {str(key) for key, _ in choices.demand_types}
    partners = {str(key) for key, _ in choices.partners}
    for field in (
        "max_cost_per_unit_demand_type_id",
        "objective_demand_type_id",
        "target_demand_type_id",
    ):
        if given.get(field) is not None and str(given[field]) not in demand_types:
            errors[field] = f"There is no demand type with id {given[field]}"
    for key in given.get("priority_weights") or {}:
        if str(key) not in demand_types:
            errors["priority_weights"] = f"There is no demand type with id {key}"
    for key in given.get("partner_fairness_overrides") or {}:
        if str(key) not in partners:
            errors["partner_fairness_overrides"] = f"There is no partner with id {key}"
    return ScenarioSubmission(
        fields={key: value for key, value in given.items() if key in SCENARIO_FIELDS},
        budget_overrides=overrides,
        caps=caps,
        errors=errors,
    )


def _saved(call: Any) -> Scenario:
    try:
        return call()
    except ScenarioError as error:
        get_session().rollback()
        raise ApiProblem(422, error.errors) from error


@bp.get("/scenarios", responses={200: Page[ScenarioOut]})
def list_scenarios(query: PageQuery):
    """Every scenario, by name."""
    api_user(*READERS)
    statement = select(Scenario).order_by(col(Scenario.name), col(Scenario.id))
    return paged(get_session(), statement, query, shown)


@bp.post("/scenarios", responses={201: ScenarioOut})
def create_scenario(body: ScenarioBody):
    """Add a scenario."""
    user = api_user(*EDITORS)
    session = get_session()
    given = body.model_dump()
    scenario = _saved(lambda: scenarios.create_scenario(session, submission(session, given), user))
    return shown(scenario).model_dump(mode="json"), 201


@bp.get("/scenarios/<int:id>", responses={200: ScenarioOut})
def read_scenario(path: IdPath):
    """Read one scenario with its budget overrides and caps."""
    api_user(*READERS)
    scenario = fetch(get_session(), Scenario, path.id, "scenario")
    return shown(scenario).model_dump(mode="json"), 200, etag_headers(scenario)


@bp.patch("/scenarios/<int:id>", responses={200: ScenarioOut, **PRECONDITION_RESPONSES})
def update_scenario(path: IdPath, body: ScenarioChanges, header: IfMatch):  # type: ignore[valid-type]
    """Change a scenario; fields not sent keep their value (budget overrides and caps are
    replaced only when sent). Send the ETag from reading it as If-Match."""
    user = api_user(*EDITORS)
    session = get_session()
    scenario = fetch(session, Scenario, path.id, "scenario")
    require_current(scenario, "scenario")
    current = shown(scenario).model_dump()
    given = {**current, **body.model_dump(exclude_unset=True)}  # type: ignore[attr-defined]
    for key in ("budget_overrides", "caps"):
        if given.get(key) is None:
            given[key] = current[key]
    saved = _saved(
        lambda: scenarios.update_scenario(session, scenario, submission(session, given), user)
    )
    return shown(saved).model_dump(mode="json"), 200, etag_headers(saved)


@bp.delete("/scenarios/<int:id>", responses={204: None})
def delete_scenario(path: IdPath):
    """Delete a scenario; its plans stay, readable under the scenario's name."""
    user = api_user(*EDITORS)
    session = get_session()
    scenarios.delete_scenario(session, fetch(session, Scenario, path.id, "scenario"), user)
    return "", 204
