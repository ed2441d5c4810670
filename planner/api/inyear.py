"""The year after agreement through the API: outcomes, the evidence register, re-plans and the
stop list. Re-solves are queued for the solve workers and answered 202 with the plan to follow."""

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlmodel import col, select

from models import EvidenceChange, ObservedOutcome, Plan
from models.evidence_change import EvidenceChangePublic
from models.fields import plain_numbers
from models.outcome import ObservedOutcomePublic
from models.plan import PlanKind, PlanStatus
from models.text import note_text, one_line_text
from models.vocabulary import EVIDENCE_RATINGS, Role
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.errors import fail, refused_when
from planner.api.pagination import Page, PageQuery, paged
from planner.auth.roles import EDITORS, READERS
from planner.db import get_session
from planner.delivery.agreement import agreed_plan
from planner.delivery.service import OutsideYourPlaces
from planner.evidence.service import record_evidence_change
from planner.outcomes.impact import CAVEATS, outcome_lines
from planner.outcomes.routes import RECORDERS as OUTCOME_RECORDERS
from planner.outcomes.service import record_outcome
from planner.replanning.changes import what_changes
from planner.replanning.replan import agree_revision, start_replan
from planner.stoplist.service import build_stop_list, start_stop_resolve

outcomes_bp = api_blueprint(
    "outcomes",
    "Outcomes",
    "Observed demand per place, demand type and year; place leads see and record only their places.",
)
evidence_bp = api_blueprint(
    "evidence",
    "Evidence register",
    "Changes to an intervention's rating, effect or cost, each with its source and date.",
)
replans_bp = api_blueprint(
    "replans",
    "Re-plans",
    "In-year re-plans, evidence checks and stop-list re-solves of the agreed plan: what changes.",
)


def _scope(user: Any) -> list[int] | None:
    return list(user.place_ids) if user.role == Role.PLACE_LEAD else None


class OutcomeBody(BaseModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    place_id: int = Field(ge=1, le=2_147_483_647)
    demand_type_id: int = Field(ge=1, le=2_147_483_647)
    year: int = Field(ge=2000, le=2100, description="Financial year by its start year.")
    observed: float = Field(ge=0, le=1e9)
    baseline: float | None = Field(default=None, ge=0, le=1e9)
    source: str = Field(default="", max_length=300)
    notes: str = Field(default="", max_length=1000)

    _one_line = field_validator("source", mode="after")(one_line_text)
    _notes = field_validator("notes", mode="after")(note_text)


@outcomes_bp.get("/outcomes", responses={200: Page[ObservedOutcomePublic]})
def list_outcomes(query: PageQuery):
    """Recorded outcomes, oldest year first (a place lead's own places only)."""
    user = api_user(*tuple(Role))
    statement = select(ObservedOutcome).order_by(col(ObservedOutcome.year), col(ObservedOutcome.id))
    scope = _scope(user)
    if scope is not None:
        statement = statement.where(col(ObservedOutcome.place_id).in_(scope))
    return paged(get_session(), statement, query, ObservedOutcomePublic.model_validate)


@outcomes_bp.put(
    "/outcomes",
    responses={
        200: ObservedOutcomePublic,
        **refused_when("an id in the body names no such record (the error names the field)"),
    },
)
def put_outcome(body: OutcomeBody):
    """Record or replace one place's count of one demand type in one year."""
    user = api_user(*OUTCOME_RECORDERS)
    try:
        record = record_outcome(get_session(), body.model_dump(), actor=user, scope=_scope(user))
    except OutsideYourPlaces as refusal:
        fail(403, str(refusal))
    return ObservedOutcomePublic.model_validate(record).model_dump(mode="json")


class OutcomeImpactLine(BaseModel):
    place: str
    demand_type: str
    unit: str
    year: int = Field(description="Financial year by its start year.")
    observed: float
    baseline: float | None
    change: float | None = Field(description="Observed less baseline: negative is less demand.")
    expected_avoided: float = Field(
        description="Demand the agreed plan expected to avoid in the place that year, in the "
        "demand type's units (after its discount for weaker evidence)."
    )
    expected_level: float | None = Field(
        description="The baseline less what the plan expected to avoid: the level to compare "
        "the observed count with."
    )
    source: str


class OutcomeImpact(BaseModel):
    plan_id: int | None = Field(description="The agreed plan the expectations come from.")
    caveats: list[str] = Field(description="How to read these figures (no attribution).")
    lines: list[OutcomeImpactLine]


@outcomes_bp.get("/outcome-impact", responses={200: OutcomeImpact})
def read_outcome_impact():
    """Observed outcomes per place, demand type and year against their baseline and the demand
    the agreed plan expected to avoid, with the analyst's caveats (a place lead's places only)."""
    user = api_user(*tuple(Role))
    session = get_session()
    plan = agreed_plan(session)
    lines = outcome_lines(session, plan, _scope(user))
    return OutcomeImpact(
        plan_id=plan.id if plan else None,
        caveats=list(CAVEATS),
        lines=[
            OutcomeImpactLine(
                place=line.place,
                demand_type=line.demand_type,
                unit=line.unit,
                year=line.year,
                observed=line.observed,
                baseline=line.baseline,
                change=line.change,
                expected_avoided=line.expected_avoided,
                expected_level=line.expected_level,
                source=line.source,
            )
            for line in lines
        ],
    ).model_dump(mode="json")


class EvidenceBody(BaseModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    intervention_id: int = Field(ge=1, le=2_147_483_647)
    evidence_rating: str | None = Field(
        default=None, max_length=4, json_schema_extra={"enum": [*EVIDENCE_RATINGS, None]}
    )
    unit_cost: Decimal | None = Field(default=None, gt=0, max_digits=14, decimal_places=2)
    effect_scale: float | None = Field(default=None, ge=0, le=10)
    source: str = Field(min_length=1, max_length=300)
    source_date: date
    note: str = Field(default="", max_length=1000)

    _one_line = field_validator("source", mode="after")(one_line_text)
    _notes = field_validator("note", mode="after")(note_text)


@evidence_bp.get("/evidence-changes", responses={200: Page[EvidenceChangePublic]})
def list_evidence_changes(query: PageQuery):
    """The register, newest first, with the agreed plan each change flagged and its re-solve."""
    api_user(*READERS)
    statement = select(EvidenceChange).order_by(
        col(EvidenceChange.recorded_at).desc(), col(EvidenceChange.id).desc()
    )
    return paged(get_session(), statement, query, EvidenceChangePublic.model_validate)


@evidence_bp.post(
    "/evidence-changes",
    responses={
        201: EvidenceChangePublic,
        **refused_when(
            "an id in the body names no such record (the error names the field)",
            "nothing to change: give a rating, a cost per participant or an effect scale",
        ),
    },
)
def post_evidence_change(body: EvidenceBody):
    """Record a change (commissioners, administrators); the agreed plan is re-solved if it relies
    on the intervention (follow ``check_plan_id``)."""
    user = api_user(*EDITORS)
    change = record_evidence_change(get_session(), body.model_dump(), actor=user)
    return EvidenceChangePublic.model_validate(change).model_dump(mode="json"), 201


class ReplanBody(BaseModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    from_year: int = Field(ge=2000, le=2100, description="The year under way, by its start year.")


class QueuedPlan(BaseModel):
    plan_id: int
    kind: str
    status: str


class MoneyChangeOut(BaseModel):
    label: str
    before: Decimal
    after: Decimal
    change: Decimal


class ChangesOut(BaseModel):
    plan_id: int
    based_on_plan_id: int | None
    kind: str
    status: str
    sentences: list[str]
    added: list[str]
    stopped: list[str]
    by_partner: list[MoneyChangeOut]
    by_place: list[MoneyChangeOut]
    by_intervention: list[MoneyChangeOut]


def _queued(plan: Plan) -> tuple[dict[str, Any], int]:
    return QueuedPlan(
        plan_id=plan.id or 0, kind=str(plan.kind), status=PlanStatus(plan.status).value
    ).model_dump(), 202


@replans_bp.post(
    "/replans",
    responses={
        202: QueuedPlan,
        **refused_when("no plan agreed yet, or a year the agreed plan does not cover"),
    },
)
def post_replan(body: ReplanBody):
    """Queue an in-year re-plan of the agreed plan (commissioners, administrators)."""
    user = api_user(*EDITORS)
    return _queued(start_replan(get_session(), body.from_year, user))


@replans_bp.get("/replans/<int:id>/changes", responses={200: ChangesOut})
def read_changes(path: IdPath):
    """What a re-plan, evidence check or stop-list re-solve changes against the plan it re-solved
    (empty lists while it is still being solved)."""
    api_user(*READERS)
    session = get_session()
    plan = session.get(Plan, path.id)
    if plan is None or plan.kind == PlanKind.SCENARIO or plan.based_on_plan_id is None:
        fail(404, f"There is no re-plan with id {path.id}")
    base = session.get(Plan, plan.based_on_plan_id)
    changes = what_changes(base, plan) if base and PlanStatus(plan.status).has_allocation else None

    def rows(items):
        return [
            MoneyChangeOut(label=r.label, before=r.before, after=r.after, change=r.change)
            for r in items
        ]

    return ChangesOut(
        plan_id=path.id,
        based_on_plan_id=plan.based_on_plan_id,
        kind=str(plan.kind),
        status=PlanStatus(plan.status).value,
        sentences=changes.sentences if changes else [],
        added=changes.added if changes else [],
        stopped=changes.stopped if changes else [],
        by_partner=rows(changes.by_partner) if changes else [],
        by_place=rows(changes.by_place) if changes else [],
        by_intervention=rows(changes.by_intervention) if changes else [],
    ).model_dump(mode="json")


class RevisionBody(BaseModel):
    note: str = Field(default="", max_length=1000)

    _notes = field_validator("note", mode="after")(note_text)


@replans_bp.post(
    "/replans/<int:id>/agreement",
    responses={201: QueuedPlan, **refused_when("the re-plan is not solved yet, or already agreed")},
)
def agree_replan(path: IdPath, body: RevisionBody):
    """Agree a re-plan as a revision of the agreed plan it re-solved (commissioners, admins)."""
    user = api_user(*EDITORS)
    agreement = agree_revision(get_session(), path.id, user, body.note)
    return {"plan_id": agreement.plan_id, "kind": "replan", "status": "agreed"}, 201


class StopItemOut(BaseModel):
    partner: str
    intervention: str
    place: str | None
    rating: str
    contract_years: list[int]
    break_year: int | None
    reason: str
    freed: dict[int, float]


class StopListOut(BaseModel):
    plan_id: int
    year: int
    minimum_rating: str
    freed_total: float
    items: list[StopItemOut]


@replans_bp.get("/stop-list", responses={200: StopListOut})
def read_stop_list():
    """Activity rated NE or below the minimum, with its break point and the money it frees."""
    api_user(*READERS)
    listed = build_stop_list(get_session())
    if listed is None:
        fail(404, "No plan has been agreed yet")
    return StopListOut(
        plan_id=listed.plan.id,
        year=listed.year,
        minimum_rating=listed.minimum,
        freed_total=round(listed.freed_total, 2),
        items=[
            StopItemOut(
                partner=i.commitment.partner,
                intervention=i.commitment.intervention,
                place=i.commitment.place,
                rating=i.rating,
                contract_years=list(i.commitment.contract_years),
                break_year=i.break_year,
                reason=i.reason,
                freed={y: round(a, 2) for y, a in i.freed.items()},
            )
            for i in listed.items
        ],
    ).model_dump(mode="json")


@replans_bp.post(
    "/stop-list/re-solve",
    responses={
        202: QueuedPlan,
        **refused_when("no plan agreed yet, or nothing on the stop list"),
    },
)
def post_stop_resolve():
    """Queue the agreed plan re-solved with everything listed stopped at its break point."""
    user = api_user(*EDITORS)
    return _queued(start_stop_resolve(get_session(), user))
