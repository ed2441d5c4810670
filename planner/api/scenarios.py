"""Scenarios through the API: the scenario form's own schema (planner.scenarios.schema), so the
API and the form refuse the same things in the same words; saved by the scenario service
(checked, audited, one transaction). A PATCH is merged into the stored scenario and the whole
checked again."""

from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlmodel import col, select

from models import Scenario
from models.scenario import CapScope, ScenarioPublic
from optimiser.families import SETTINGS
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.errors import ApiProblem, ErrorResponse, refused_when
from planner.api.pagination import Page, PageQuery, paged
from planner.api.resources import partial
from planner.api.versions import PRECONDITION_RESPONSES, IfMatch, etag_headers, require_current
from planner.auth.roles import EDITORS, READERS
from planner.db import get_session
from planner.inputs.validation import fetch
from planner.scenarios import service as scenarios
from planner.scenarios.schema import ScenarioInput, stored_values
from planner.scenarios.service import ScenarioError

bp = api_blueprint(
    "scenarios", "Scenarios", "Named sets of assumptions and rules the optimiser turns into plans."
)


PENNY = Decimal("0.01")


class BudgetOverrideOut(BaseModel):
    budget_line_id: int
    maximum: Decimal
    minimum: Decimal | None


class CapOut(BaseModel):
    scope: CapScope
    target: str
    maximum: Decimal


def _described_by_the_registry(schema: type[BaseModel]) -> type[BaseModel]:
    """The schema with each numeric setting described as the scenario form describes it
    (``optimiser.families.SETTINGS``), so the API documents the same words."""
    for name, setting in SETTINGS.items():
        schema.model_fields[name].description = f"{setting.label}: {setting.help}" + (
            " Sent as a fraction (0.35 means 35%)." if setting.percent else ""
        )
    schema.model_rebuild(force=True)
    return schema


class ScenarioBody(ScenarioInput):
    """A scenario: the same schema, rules and words as the scenario form
    (planner.scenarios.schema). Shares are fractions (0.35 means 35%)."""


@_described_by_the_registry
class ScenarioOut(ScenarioPublic):
    budget_overrides: list[BudgetOverrideOut]
    caps: list[CapOut]


ScenarioChanges = partial(ScenarioBody)


def _pence(amount: Decimal) -> Decimal:
    """Money as the database gives it back (to the penny), also just after a save."""
    return amount.quantize(PENNY)


def shown(scenario: Scenario) -> ScenarioOut:
    return ScenarioOut(
        **ScenarioPublic.model_validate(scenario).model_dump(),
        budget_overrides=[
            BudgetOverrideOut(
                budget_line_id=o.budget_line_id,
                maximum=_pence(o.maximum),
                minimum=None if o.minimum is None else _pence(o.minimum),
            )
            for o in scenario.budget_overrides
        ],
        caps=[
            CapOut(scope=c.scope, target=c.target, maximum=_pence(c.maximum)) for c in scenario.caps
        ],
    )


def _saved(call: Any) -> Scenario:
    try:
        return call()
    except ScenarioError as error:
        get_session().rollback()
        raise ApiProblem(422, error.errors) from error


# What a well-formed scenario can still break: rules the document's types cannot state.
SCENARIO_RULES = refused_when(
    "a budget line, demand type, partner or cap target it names does not exist",
    "a cap or budget override given twice, or a committed minimum above its maximum",
    "a percentage with more than 2 decimal places, or a setting outside its range",
    "confidence given for something that is not an evidence rating",
    "an objective of one demand type without that demand type, priority weights none above 0, "
    "or a cost-per-unit cap without both its amount and its demand type",
    "a first year after every budget, or a name another scenario has",
)


@bp.get("/scenarios", responses={200: Page[ScenarioOut]})
def list_scenarios(query: PageQuery):
    """Every scenario, by name."""
    api_user(*READERS)
    statement = select(Scenario).order_by(col(Scenario.name), col(Scenario.id))
    return paged(get_session(), statement, query, shown)


@bp.post("/scenarios", responses={201: ScenarioOut, **SCENARIO_RULES})
def create_scenario(body: ScenarioBody):
    """Add a scenario."""
    user = api_user(*EDITORS)
    session = get_session()
    given = body.model_dump()
    scenario = _saved(lambda: scenarios.create_scenario(session, given, user))
    return shown(scenario).model_dump(mode="json"), 201


@bp.get("/scenarios/<int:id>", responses={200: ScenarioOut})
def read_scenario(path: IdPath):
    """Read one scenario with its budget overrides and caps."""
    api_user(*READERS)
    scenario = fetch(get_session(), Scenario, path.id, "scenario")
    return shown(scenario).model_dump(mode="json"), 200, etag_headers(scenario)


@bp.patch(
    "/scenarios/<int:id>",
    responses={200: ScenarioOut, **PRECONDITION_RESPONSES, **SCENARIO_RULES},
)
def update_scenario(path: IdPath, body: ScenarioChanges, header: IfMatch):  # type: ignore[valid-type]
    """Change a scenario; fields not sent keep their value (budget overrides and caps are
    replaced only when sent). Send the ETag from reading it as If-Match."""
    user = api_user(*EDITORS)
    session = get_session()
    scenario = fetch(session, Scenario, path.id, "scenario")
    require_current(scenario, "scenario")
    # The change is merged into the stored values and the whole scenario checked again, as
    # the form checks it: a rule between fields holds whichever of them the change sends.
    given = {**stored_values(scenario), **body.model_dump(exclude_unset=True)}  # type: ignore[attr-defined]
    saved = _saved(lambda: scenarios.update_scenario(session, scenario, given, user))
    return shown(saved).model_dump(mode="json"), 200, etag_headers(saved)


@bp.delete("/scenarios/<int:id>", responses={204: None, 412: ErrorResponse})
def delete_scenario(path: IdPath):
    """Delete a scenario; its plans stay, readable under the scenario's name (412 if someone
    changed it at the same moment)."""
    user = api_user(*EDITORS)
    session = get_session()
    scenarios.delete_scenario(session, fetch(session, Scenario, path.id, "scenario"), user)
    return "", 204
