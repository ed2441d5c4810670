"""Community records through the API: risk indicators and their values per place (which set each
place's need index), and consultation feedback. Every change goes through the same services as
the pages, with the same checks and audit."""

from __future__ import annotations

from typing import Any

from flask_openapi3 import APIBlueprint
from pydantic import BaseModel, Field
from sqlmodel import Session, select

from models import Place
from models.indicator import (
    IndicatorValue,
    IndicatorValuePublic,
    RiskIndicator,
    RiskIndicatorCreate,
    RiskIndicatorPublic,
)
from models.vocabulary import Role
from planner.api.base import api_blueprint, api_user
from planner.api.resources import Parent, Resource, add_resource
from planner.community import indicators
from planner.community.indicators import current_needs
from planner.community.need import FORMULA
from planner.db import get_session
from planner.inputs.validation import fetch

ALL_ROLES = tuple(Role)
RecordId = Field(ge=1, le=2_147_483_647)
PLACE = Parent("places", "place", Place, "place_id")


class IndicatorValueBody(BaseModel):
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
    ),
    Resource(
        "indicator-values", "indicator value", "Indicator values",
        "One risk indicator's value in a place; every change recalculates the need index.",
        IndicatorValue, IndicatorValuePublic, IndicatorValueBody,
        _save_value, indicators.update_value, indicators.delete_value,
        parent=PLACE, readers=ALL_ROLES,
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
