"""Plans through the API: list and read them, run a scenario into a new plan, and export a plan
as the finance team's Excel workbook. Solving and the workbook are the app's own services."""

import hashlib
import json
from decimal import Decimal
from typing import Any

from flask import Response
from pydantic import BaseModel, Field
from sqlmodel import col, select

from models import Plan
from models.plan import PlanStatus
from models.timestamps import UtcTimestamp
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.errors import fail
from planner.api.pagination import Page, PageQuery, paged
from planner.auth.roles import EDITORS, EXPORTERS, READERS
from planner.core.page_cache import etag_of, kept_answer
from planner.db import get_session
from planner.excel.plan_workbook import build_plan_workbook, plan_workbook_filename
from planner.excel.stored_plan import PlanNotExportable, plan_workbook_view
from planner.inputs.validation import fetch
from planner.plans.cache import api_answers
from planner.solving.reading import plan_json
from planner.solving.service import RunInFlight, ScenarioNotFound, ask_for_plan

bp = api_blueprint(
    "plans", "Plans", "The optimiser's answers: run a scenario, read a plan, export it to Excel."
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Money, as everywhere in the API, is pounds as a string with pence ("1234.56").
Money = str
MONEY_HEADLINES = ("objective", "total_spend", "total_benefit", "pooling_gain")
# The money inside the optimiser's answer, by list (and list within it).
MONEY_IN_RESULT: dict[str, tuple[str, ...]] = {
    "allocations": ("cost", "value_of_demand_avoided"),
    "allocations.funding": ("amount",),
    "allocations.demand_avoided": ("value",),
    "partners": ("contribution", "benefit"),
    "places": ("spend",),
    "evidence_mix": ("spend",),
    "demand_reductions": ("value",),
    "budget_lines": ("spend", "maximum", "committed_minimum"),
    "spend_by_year": ("spend",),
    "unspent": ("available", "spend", "unspent"),
}


def money_text(amount: Any) -> Money | None:
    """Pounds as a string with pence; None stays None."""
    if amount is None:
        return None
    return f"{Decimal(str(amount)).quantize(Decimal('0.01'))}"


def _money_rows(rows: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    keys = MONEY_IN_RESULT.get(path, ())
    changed = []
    for row in rows:
        row = {key: money_text(value) if key in keys else value for key, value in row.items()}
        for key, value in row.items():
            if f"{path}.{key}" in MONEY_IN_RESULT and isinstance(value, list):
                row[key] = _money_rows(value, f"{path}.{key}")
        changed.append(row)
    return changed


def with_money_as_text(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan JSON with its money as strings with pence, as the API promises."""
    shown = {key: money_text(plan[key]) if key in MONEY_HEADLINES else plan[key] for key in plan}
    for key in MONEY_IN_RESULT:
        rows = shown.get(key)
        if "." not in key and isinstance(rows, list):
            shown[key] = _money_rows(rows, key)
    return shown


class PlanListItem(BaseModel):
    id: int
    scenario_id: int | None
    scenario_name: str
    status: PlanStatus
    message: str
    created_at: UtcTimestamp
    created_by_name: str
    finished_at: UtcTimestamp | None
    total_spend: Money | None = Field(description="£, as a string with pence.")
    total_benefit: Money | None = Field(description="£, as a string with pence.")
    benefit_cost_ratio: float | None


class PlanOut(BaseModel):
    """A plan's headline figures and the optimiser's whole answer (see the plan page for the
    same figures in words). Money is pounds as a string with pence: the headline figures, and in
    the answer allocations' cost, value_of_demand_avoided, funding amount and demand_avoided
    value; partners' contribution and benefit; places' and evidence_mix's spend;
    demand_reductions' value; budget_lines' spend, maximum and committed_minimum; and
    spend_by_year's spend. The money reconciles to the penny: each allocation's funding adds up
    to its cost, each budget line's spend is its partner's funding that year, and the total
    spend is the allocations', the partners' and the budget lines' added up."""

    plan_id: int
    scenario: str
    status: PlanStatus
    message: str
    objective: Money | None = Field(description="In objective_unit, as a string with 2 decimals.")
    objective_unit: str
    total_spend: Money | None = Field(description="£, as a string with pence.")
    total_benefit: Money | None = Field(description="£, as a string with pence.")
    benefit_cost_ratio: float | None
    pooling_gain: Money | None = Field(description="£, as a string with pence.")
    pooling_status: str = Field(
        default="",
        description="The value-of-pooling job, worked out after the plan: waiting, working, "
        "done, failed, or empty when there is nothing to compare. pooling is filled in once "
        "done.",
    )
    participants: float | None
    years: list[int]
    created_by: str
    created_at: str | None
    finished_at: str | None
    allocations: list[dict[str, Any]]
    partners: list[dict[str, Any]]
    demand_reductions: list[dict[str, Any]]
    places: list[dict[str, Any]]
    evidence_mix: list[dict[str, Any]]
    binding_constraints: list[dict[str, Any]]
    not_funded: list[dict[str, Any]]
    pooling: dict[str, Any] | None
    diagnosis: dict[str, Any] | None
    messages: list[str]
    timings: dict[str, Any] | None
    model_size: dict[str, Any] | None
    budget_lines: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Each budget line's spend against its limits; held names the limit the "
        "solver held it at (maximum, committed minimum, contracts) or is empty.",
    )
    spend_by_year: list[dict[str, Any]] = Field(default_factory=list)
    rule_rows: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Excel Solver's Answer report and the Constraints of its Sensitivity report, "
        "budgets first: each rule's label, family, activity (its final value at the plan), "
        "sense ('at most', 'at least', 'equal to'), limit, slack, binding, shadow_price, "
        "allowable_increase and allowable_decrease (1e30: no limit; null: none, with "
        "range_note saying why in words).",
    )
    variable_cells: list[dict[str, Any]] = Field(
        default_factory=list,
        description="The Variable Cells of Excel Solver's Sensitivity report: each delivery "
        "slice the plan uses (intervention, place, year, segment) with final_value "
        "(participants), reduced_cost, objective_coefficient (objective units per participant), "
        "allowable_increase and allowable_decrease of that coefficient, and range_note.",
    )
    prices: dict[str, Any] | None = Field(
        default=None,
        description="Cash and real prices: source (the price index and its release), real_year "
        "(the price year of benefits and real figures), deflators (year, deflator), uplifts "
        "(intervention, price_year, year, factor: cash per pound of its prices), spend_by_year "
        "(year, cash, real, real_factor: cash = real x real_factor), real_total_spend and a "
        "sentence. Allocations' costs and budgets are cash. Null when no index was used (prices "
        "taken as cash).",
    )
    unspent: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Each partner-year with money the plan leaves unspent: partner, name, year, "
        "available, spend, unspent (£) and why (reason: window, ring_fence, evidence, district, "
        "district_full, capacity, whole (what is left is less than one more whole participant "
        "or cohort costs), rule or no_benefit; sentence: the same in words).",
    )


class PlanQuery(PageQuery):
    scenario_id: int | None = Field(default=None, ge=1, le=2_147_483_647)


def listed(plan: Plan) -> PlanListItem:
    return PlanListItem(
        id=plan.id,  # type: ignore[arg-type]
        scenario_id=plan.scenario_id,
        scenario_name=plan.scenario_name,
        status=plan.status,
        message=plan.message,
        created_at=plan.created_at,
        created_by_name=plan.created_by_name,
        finished_at=plan.finished_at,
        total_spend=money_text(plan.total_spend),
        total_benefit=money_text(plan.total_benefit),
        benefit_cost_ratio=plan.benefit_cost_ratio,
    )


@bp.get("/plans", responses={200: Page[PlanListItem]})
def list_plans(query: PlanQuery):
    """Plans, newest first, optionally of one scenario."""
    api_user(*READERS)
    statement = select(Plan).order_by(col(Plan.created_at).desc(), col(Plan.id).desc())
    if query.scenario_id is not None:
        statement = statement.where(Plan.scenario_id == query.scenario_id)
    return paged(get_session(), statement, query, listed)


@bp.get("/plans/<int:id>", responses={200: PlanOut})
def read_plan(path: IdPath):
    """One plan: status, headline figures, allocations and who pays, demand avoided, binding
    rules with shadow prices, why interventions were not funded, and the value of pooling."""
    api_user(*READERS)
    # The same for every reader: kept per data generation, sent compressed from the kept copy,
    # with an ETag of the answer itself.
    return kept_answer("api-plan", path.id, lambda: _plan_answer(path.id), "application/json")


def _plan_answer(plan_id: int) -> bytes:
    plan = fetch(get_session(), Plan, plan_id, "plan")
    body, _tag = api_answers.get(plan, lambda: _answer(plan))
    return body


def _answer(plan: Plan) -> tuple[bytes, str]:
    """The plan's JSON, serialised once (a finished plan never changes), and its ETag."""
    shown = PlanOut.model_validate(with_money_as_text(plan_json(plan))).model_dump(mode="json")
    body = json.dumps(shown, ensure_ascii=False, separators=(",", ":")).encode()
    return body, etag_of(plan.id, plan.status.value, hashlib.sha256(body).hexdigest())


@bp.post("/scenarios/<int:id>/plans", responses={202: PlanListItem})
def run_scenario(path: IdPath):
    """Run a scenario: a new plan is stored with a snapshot of every input and solved (in the
    background when the server is set to). Poll GET /plans/{id} until its status is final."""
    user = api_user(*EDITORS)
    session = get_session()
    try:
        plan = ask_for_plan(session, path.id, user)
    except ScenarioNotFound:
        fail(404, f"There is no scenario with id {path.id}")
    except RunInFlight as in_flight:
        # One run of a scenario at a time: the answer is the run already under way.
        return listed(in_flight.plan).model_dump(mode="json"), 202
    return listed(plan).model_dump(mode="json"), 202


@bp.get(
    "/plans/<int:id>/workbook",
    responses={
        200: {
            "description": "The plan as an Excel workbook",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def export_plan(path: IdPath):
    """The plan as the Excel workbook finance leads download from the plan page."""
    api_user(*EXPORTERS)
    session = get_session()
    plan = fetch(session, Plan, path.id, "plan")
    try:
        view = plan_workbook_view(session, plan)
    except PlanNotExportable as refusal:
        fail(422, str(refusal))
    return Response(
        build_plan_workbook(view),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{plan_workbook_filename(view)}"'},
    )
