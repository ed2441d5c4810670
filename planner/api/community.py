"""Community records through the API: risk indicators and their values per place (which set each
place's need index), and consultation feedback. Every change goes through the same services as
the pages, with the same checks and audit."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_openapi3 import APIBlueprint
from pydantic import BaseModel, Field, model_validator
from sqlmodel import Session, select

from models import Place
from models.consultation import ConsultationPublic, Respondents
from models.fields import plain_numbers
from models.indicator import (
    IndicatorValue,
    IndicatorValuePublic,
    RiskIndicator,
    RiskIndicatorCreate,
    RiskIndicatorPublic,
)
from models.provider import Provider, ProviderCreate, ProviderPublic
from models.vocabulary import Role
from models.volunteer import VolunteerPool, VolunteerPoolCreate, VolunteerPoolPublic
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.delivery import scope_of
from planner.api.errors import fail, refused_when
from planner.api.pagination import Page, PageQuery, page_of_list
from planner.api.resources import Parent, Resource, add_resource
from planner.community import indicators, providers, volunteers
from planner.community.consultation import delete_feedback, feedback_list, record_feedback
from planner.community.indicators import current_needs
from planner.community.need import FORMULA
from planner.db import get_session
from planner.delivery.service import OutsideYourPlaces, check_scope
from planner.inputs.validation import fetch
from planner.teams.routes import RECORDERS

ALL_ROLES = tuple(Role)
RecordId = Field(ge=1, le=2_147_483_647)
PLACE = Parent("places", "place", Place, "place_id")
NO_SUCH_REFERENCE = "an id in the body names no such record (the error names the field)"


class IndicatorValueBody(BaseModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    indicator_id: int = RecordId
    value: float = Field(ge=0, le=1_000_000_000, description="Higher means more need.")


def _save_value(session: Session, place_id: int, fields: dict[str, Any], **options: Any) -> Any:
    return indicators.save_value(session, place_id, fields, **options)


RESOURCES = [
    Resource(
        "risk-indicators", "risk indicator", "Risk indicators",
        "Published measures of risk per place, with source, date and the partnership's weight "
        "in the need index.",
        RiskIndicator, RiskIndicatorPublic, RiskIndicatorCreate,
        indicators.create_indicator, indicators.update_indicator, indicators.delete_indicator,
        readers=ALL_ROLES,
        conflicts=True,
    ),
    Resource(
        "indicator-values", "indicator value", "Indicator values",
        "One risk indicator's value in a place; every change recalculates the need index.",
        IndicatorValue, IndicatorValuePublic, IndicatorValueBody,
        _save_value, indicators.update_value, indicators.delete_value,
        parent=PLACE, readers=ALL_ROLES,
        rules=(NO_SUCH_REFERENCE,),
    ),
    Resource(
        "volunteer-pools", "volunteer record", "Shared volunteers",
        "A place's shared volunteers in one year: hours available, hours one volunteer gives, "
        "and the cost of recruiting, training and supervising one.",
        VolunteerPool, VolunteerPoolPublic, VolunteerPoolCreate,
        volunteers.save_pool, volunteers.update_pool, volunteers.delete_pool,
        readers=ALL_ROLES,
        rules=(NO_SUCH_REFERENCE,),
    ),
    Resource(
        "providers", "provider", "Providers",
        "Who delivers each intervention, in which sector and for what share of its delivery.",
        Provider, ProviderPublic, ProviderCreate,
        providers.create_provider, providers.update_provider, providers.delete_provider,
        readers=ALL_ROLES,
        conflicts=True,
        rules=(
            NO_SUCH_REFERENCE,
            "providers' shares of the intervention adding up to more than 100%",
        ),
    ),
]  # fmt: skip

need_bp = api_blueprint(
    "need", "Need index", "Each place's need index and how it was worked out from its indicators."
)


class PlaceNeedPublic(BaseModel):
    place_id: int
    place: str
    need_index: float
    from_indicators: bool = Field(description="False: no indicator values, typed by hand.")
    normalised: dict[str, float] = Field(
        description="Each indicator's value divided by its average across places, by name."
    )
    missing: list[str] = Field(description="Weighted indicators without a value here.")


class NeedPublic(BaseModel):
    formula: str
    places: list[PlaceNeedPublic]


@need_bp.get("/need", responses={200: NeedPublic})
def read_need():
    """Every place's need index, the formula, and each indicator's normalised value."""
    api_user(*ALL_ROLES)
    session = get_session()
    names = {i.id: i.name for i in session.exec(select(RiskIndicator))}
    places = []
    for place_id, need in sorted(current_needs(session).items()):
        place = fetch(session, Place, place_id, "place")
        places.append(
            PlaceNeedPublic(
                place_id=place_id,
                place=place.name,
                need_index=place.need_index,
                from_indicators=need.need_index is not None,
                normalised={names[key]: round(value, 4) for key, value in need.normalised.items()},
                missing=list(need.missing),
            )
        )
    return NeedPublic(formula=FORMULA, places=places).model_dump(mode="json")


COMMUNITY_BLUEPRINTS: list[APIBlueprint] = [*map(add_resource, RESOURCES), need_bp]


consultation_bp = api_blueprint(
    "consultation",
    "Consultation",
    "Feedback from those receiving and delivering each intervention in a place; place leads "
    "record and read only their places'.",
)


class ConsultationBody(BaseModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    intervention_id: int = RecordId
    year: int = Field(ge=2000, le=2100, description="Financial year by its start year.")
    respondents: Respondents
    people_consulted: int = Field(ge=1, le=100_000)
    consulted_on: date
    rating: int = Field(ge=1, le=5, description="1 not working to 5 working very well.")
    what_works: str = Field(default="", max_length=1000)
    what_to_change: str = Field(default="", max_length=1000)


@consultation_bp.get("/places/<int:id>/consultations", responses={200: Page[ConsultationPublic]})
def list_consultations(path: IdPath, query: PageQuery):
    """A place's consultation feedback, newest first."""
    user = api_user(*ALL_ROLES)
    session = get_session()
    fetch(session, Place, path.id, "place")
    try:
        check_scope(path.id, scope_of(user))
    except OutsideYourPlaces as refused:
        fail(403, str(refused))
    rows = [
        ConsultationPublic.model_validate(row)
        for row, _place, _intervention in feedback_list(session, place_id=path.id)
    ]
    return page_of_list(rows, query)


@consultation_bp.post(
    "/places/<int:id>/consultations",
    responses={201: ConsultationPublic, **refused_when(NO_SUCH_REFERENCE)},
)
def create_consultation(path: IdPath, body: ConsultationBody):
    """Record one group's feedback on an intervention in a place."""
    user = api_user(*RECORDERS)
    session = get_session()
    fetch(session, Place, path.id, "place")  # the address names it: 404 when there is none
    try:
        feedback = record_feedback(
            session, {**body.model_dump(), "place_id": path.id}, actor=user, scope=scope_of(user)
        )
    except OutsideYourPlaces as refused:
        fail(403, str(refused))
    session.refresh(feedback)
    return ConsultationPublic.model_validate(feedback).model_dump(mode="json"), 201


@consultation_bp.delete("/consultations/<int:id>", responses={204: None})
def delete_consultation(path: IdPath):
    """Delete feedback recorded by mistake (the audit log keeps a copy)."""
    user = api_user(*RECORDERS)
    delete_feedback(get_session(), path.id, actor=user, scope=scope_of(user))
    return "", 204


COMMUNITY_BLUEPRINTS.append(consultation_bp)
