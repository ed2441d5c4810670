"""The agreed plan, place summaries and delivery records through the API.

A place lead's token sees only their places, here as on the pages: another place's summary is
refused (403), and another place's delivery records do not exist for them (404).
"""

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlmodel import col, select

from models import DeliveryRecord, PlanAgreement
from models.agreement import PlanAgreementPublic
from models.delivery import DeliveryFigures, DeliveryRecordPublic
from models.fields import plain_numbers
from models.text import note_text
from models.timestamps import UtcTimestamp
from models.vocabulary import Role
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.errors import error_response, fail, refused_when
from planner.api.pagination import Page, PageQuery, page_of_list, paged
from planner.api.versions import PRECONDITION_RESPONSES, IfMatch, etag_headers, require_current
from planner.auth.roles import EDITORS
from planner.db import get_session
from planner.delivery.agreement import agree_plan, agreed_plan
from planner.delivery.service import (
    OutsideYourPlaces,
    PlaceScope,
    delete_delivery,
    delivery_against_plan,
    delivery_records,
    find_delivery,
    record_delivery,
    update_delivery,
)
from planner.teams.routes import RECORDERS
from planner.teams.service import place_summary, place_totals, summary_as_json, visible_places

ALL_ROLES = tuple(Role)

agreements_bp = api_blueprint(
    "agreements", "Agreed plan", "Which plan the partnership agreed; every agreement is kept."
)
places_bp = api_blueprint(
    "place_summaries",
    "Place summaries",
    "What the agreed plan allocates to each place; place leads see only their places.",
)
delivery_bp = api_blueprint(
    "delivery", "Delivery", "People started and completed, per place, intervention and year."
)


def scope_of(user: Any) -> PlaceScope:
    return list(user.place_ids) if user.role == Role.PLACE_LEAD else None


class AgreementNote(BaseModel):
    note: str = Field(default="", max_length=1000, description="Where or why it was agreed.")

    _notes = field_validator("note", mode="after")(note_text)


@agreements_bp.get("/agreements", responses={200: Page[PlanAgreementPublic]})
def list_agreements(query: PageQuery):
    """Every agreement, newest first; the first is the agreed plan."""
    api_user(*ALL_ROLES)
    statement = select(PlanAgreement).order_by(
        col(PlanAgreement.agreed_at).desc(), col(PlanAgreement.id).desc()
    )
    return paged(get_session(), statement, query, PlanAgreementPublic.model_validate)


@agreements_bp.post(
    "/plans/<int:id>/agreement",
    responses={
        201: PlanAgreementPublic,
        **refused_when("the plan is not solved, or has no allocation to deliver"),
    },
)
def agree(path: IdPath, body: AgreementNote):
    """Mark a plan as agreed (commissioners and administrators); it replaces the agreed plan."""
    user = api_user(*EDITORS)
    agreement = agree_plan(get_session(), path.id, user, body.note)
    return PlanAgreementPublic.model_validate(agreement).model_dump(mode="json"), 201


class PlannedDelivered(BaseModel):
    intervention: str
    place: str
    year: int
    financial_year: str
    planned: float
    started: int | None
    completed: int | None
    progress: str


@agreements_bp.get("/plans/<int:id>/delivery", responses={200: Page[PlannedDelivered]})
def plan_delivery(path: IdPath, query: PageQuery):
    """Planned against delivered for a plan, per intervention, place and year (a place lead
    sees only the agreed plan, and only their places in it)."""
    user = api_user(*ALL_ROLES)
    session = get_session()
    if user.role == Role.PLACE_LEAD:
        # As on the web: a place lead sees the agreed plan only, never other plans' numbers.
        agreed = agreed_plan(session)
        if agreed is None or agreed.id != path.id:
            fail(403, "Place leads can see planned against delivered for the agreed plan only")
    lines = delivery_against_plan(session, path.id, scope_of(user))
    rows = [
        PlannedDelivered(
            intervention=line.intervention,
            place=line.place,
            year=line.year,
            financial_year=line.year_label,
            planned=round(line.planned, 2),
            started=line.started,
            completed=line.completed,
            progress=line.progress,
        )
        for line in lines
    ]
    return page_of_list(rows, query)


class PlaceHeadline(BaseModel):
    id: int
    name: str
    district: str
    people_planned: float
    planned_spend: Decimal = Field(decimal_places=2)


class PlaceRef(BaseModel):
    id: int
    name: str
    district: str


class FunderOut(BaseModel):
    partner: str
    amount: Decimal
    commissioning: str = Field(description="The date that matters: contract end or window.")


class PlaceAllocationOut(BaseModel):
    intervention: str
    year: int
    financial_year: str
    target_group: str
    participants: float
    cohorts: int = Field(
        default=0,
        description="Whole cohorts or caseloads bought, for an intervention delivered in cohorts "
        "in a plan of whole people and programmes (0 otherwise).",
    )
    eligible_population: float | None
    provider_capacity: float | None
    capacity_used: float | None = Field(description="Share of the provider's capacity, 0 to 1.")
    cost: Decimal
    value_of_demand_avoided: Decimal
    funders: list[FunderOut]
    people_started: int | None
    people_completed: int | None


class DemandOut(BaseModel):
    demand_type: str
    unit: str
    units: float
    value: Decimal


class PlaceSummaryOut(BaseModel):
    place: PlaceRef
    agreed_plan_id: int | None
    scenario_name: str | None
    agreed_at: UtcTimestamp | None
    allocations: list[PlaceAllocationOut]
    demand_reduction: list[DemandOut]


@places_bp.get("/place-summaries", responses={200: Page[PlaceHeadline]})
def list_place_summaries(query: PageQuery):
    """The places you may see, with what the agreed plan plans for each."""
    user = api_user(*ALL_ROLES)
    session = get_session()
    places = visible_places(session, scope_of(user))
    totals = place_totals(session, places)
    rows = [
        PlaceHeadline(
            id=place.id,  # type: ignore[arg-type]
            name=place.name,
            district=place.district,
            people_planned=round(totals.get(place.name, (0.0, 0.0))[0], 2),
            planned_spend=Decimal(f"{totals.get(place.name, (0.0, 0.0))[1]:.2f}"),
        )
        for place in places
    ]
    return page_of_list(rows, query)


@places_bp.get("/place-summaries/<int:id>", responses={200: PlaceSummaryOut})
def read_place_summary(path: IdPath):
    """What the agreed plan allocates to one place, per financial year."""
    user = api_user(*ALL_ROLES)
    try:
        summary = place_summary(get_session(), path.id, scope_of(user))
    except OutsideYourPlaces as refused:
        fail(403, str(refused))
    return PlaceSummaryOut.model_validate(summary_as_json(summary)).model_dump(mode="json")


class DeliveryQuery(PageQuery):
    place_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    year: int | None = Field(default=None, ge=2000, le=2100)


class DeliveryBody(DeliveryFigures):
    place_id: int = Field(ge=1, le=2_147_483_647)
    intervention_id: int = Field(ge=1, le=2_147_483_647)
    year: int = Field(ge=2000, le=2100, description="Financial year by its start year.")


class DeliveryChanges(BaseModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    started: int | None = Field(default=None, ge=0, le=10_000_000)
    completed: int | None = Field(default=None, ge=0, le=10_000_000)
    notes: str | None = Field(default=None, max_length=1000)

    _notes = field_validator("notes", mode="after")(note_text)


def _refuse_outside(error: OutsideYourPlaces) -> Any:
    get_session().rollback()
    return error_response(403, {None: str(error)})


delivery_bp.register_error_handler(OutsideYourPlaces, _refuse_outside)


@delivery_bp.get("/delivery-records", responses={200: Page[DeliveryRecordPublic]})
def list_delivery_records(query: DeliveryQuery):
    """Delivery records you may see, optionally for one place or year."""
    user = api_user(*ALL_ROLES)
    statement = delivery_records(get_session(), scope_of(user))
    if query.place_id is not None:
        statement = statement.where(DeliveryRecord.place_id == query.place_id)
    if query.year is not None:
        statement = statement.where(DeliveryRecord.year == query.year)
    return paged(get_session(), statement, query, DeliveryRecordPublic.model_validate)


@delivery_bp.post(
    "/delivery-records",
    responses={
        200: DeliveryRecordPublic,
        201: DeliveryRecordPublic,
        **refused_when(
            "an id in the body names no such record (the error names the field)",
            "more people completed than started",
        ),
    },
)
def record_delivery_figures(body: DeliveryBody):
    """Record people started and completed on an intervention in a place in a year (place
    leads for their places; commissioners and administrators for any). Recording again for the
    same place, intervention and year replaces the figures (200); a new record answers 201."""
    user = api_user(*RECORDERS)
    session = get_session()
    existed = session.exec(
        select(DeliveryRecord.id).where(
            DeliveryRecord.place_id == body.place_id,
            DeliveryRecord.intervention_id == body.intervention_id,
            DeliveryRecord.year == body.year,
        )
    ).first()
    record = record_delivery(session, body.model_dump(), actor=user, scope=scope_of(user))
    shown = DeliveryRecordPublic.model_validate(record).model_dump(mode="json")
    return shown, (200 if existed else 201)


@delivery_bp.get("/delivery-records/<int:id>", responses={200: DeliveryRecordPublic})
def read_delivery_record(path: IdPath):
    user = api_user(*ALL_ROLES)
    record = find_delivery(get_session(), path.id, scope_of(user))
    return (
        DeliveryRecordPublic.model_validate(record).model_dump(mode="json"),
        200,
        etag_headers(record),
    )


@delivery_bp.patch(
    "/delivery-records/<int:id>",
    responses={
        200: DeliveryRecordPublic,
        **PRECONDITION_RESPONSES,
        **refused_when("more people completed than started"),
    },
)
def update_delivery_record(path: IdPath, body: DeliveryChanges, header: IfMatch):
    """Change the figures or notes of a delivery record; fields not sent keep their value.
    Send the ETag from reading it as If-Match."""
    user = api_user(*RECORDERS)
    require_current(find_delivery(get_session(), path.id, scope_of(user)), "delivery record")
    changes = {
        key: value
        for key, value in body.model_dump(exclude_unset=True).items()
        if value is not None
    }
    record = update_delivery(get_session(), path.id, changes, actor=user, scope=scope_of(user))
    return (
        DeliveryRecordPublic.model_validate(record).model_dump(mode="json"),
        200,
        etag_headers(record),
    )


@delivery_bp.delete("/delivery-records/<int:id>", responses={204: None})
def delete_delivery_record(path: IdPath):
    user = api_user(*RECORDERS)
    delete_delivery(get_session(), path.id, actor=user, scope=scope_of(user))
    return "", 204


DELIVERY_BLUEPRINTS = [agreements_bp, places_bp, delivery_bp]
