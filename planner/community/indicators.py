"""Risk indicators and their values per place: added, changed and deleted with the same checks and
audit trail wherever the change comes from (pages, import, API). Every change recalculates the
need index of every place in the same transaction, so the need floor always uses the formula
the need page shows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from models import Place
from models.indicator import (
    IndicatorValue,
    IndicatorValueBase,
    RiskIndicator,
    RiskIndicatorCreate,
)
from planner.audit.service import Actor, record_change, snapshot
from planner.community.need import IndicatorWeight, PlaceNeed, need_indices
from planner.inputs.validation import (
    apply,
    editable_fields,
    ensure_unique_name,
    fetch,
    merged,
    reference,
    saving,
    validated,
)

INDICATOR_FIELDS = editable_fields(RiskIndicatorCreate)


def indicator_weights(session: Session) -> list[IndicatorWeight]:
    """The partnership's indicators with their weights, in name order."""
    return [
        IndicatorWeight(indicator.id, indicator.name, indicator.weight)  # type: ignore[arg-type]
        for indicator in session.exec(select(RiskIndicator).order_by(RiskIndicator.name))
    ]


def indicator_values(session: Session) -> dict[tuple[int, int], float]:
    """(place id, indicator id) -> value, for every value recorded."""
    return {
        (row.place_id, row.indicator_id): row.value for row in session.exec(select(IndicatorValue))
    }


def current_needs(session: Session) -> dict[int, PlaceNeed]:
    """Every place's need from its indicators (need_index None where none is recorded)."""
    places = [place_id for place_id in session.exec(select(Place.id)) if place_id is not None]
    return need_indices(places, indicator_weights(session), indicator_values(session))


def refresh_need(session: Session, actor: Actor | None) -> list[str]:
    """Write each place's need index from its indicators (in the caller's transaction), with an
    audit event for each one that changed; returns the names of the places that changed."""
    session.flush()
    changed = []
    for place_id, need in current_needs(session).items():
        place = session.get(Place, place_id)
        if place is None or need.need_index is None or place.need_index == need.need_index:
            continue
        before = snapshot(place)
        place.need_index = need.need_index
        session.add(place)
        record_change(
            session,
            actor,
            "update",
            "place",
            place.id,
            before,
            place,
            f"Need index of {place.name} set to {need.need_index:g} from its risk indicators",
        )
        changed.append(place.name)
    return changed


def create_indicator(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> RiskIndicator:
    """Add a risk indicator (fields: name, unit, weight, source, source_url, as_at,
    illustrative, description)."""
    details = validated(RiskIndicatorCreate, merged(None, fields, INDICATOR_FIELDS))
    ensure_unique_name(session, RiskIndicator, details.name, "a risk indicator")
    indicator = RiskIndicator(**details.model_dump())
    with saving(session, commit=commit):
        session.add(indicator)
        session.flush()
        record_change(
            session, actor, "create", "risk_indicator", indicator.id, None, indicator,
            f"Added risk indicator {indicator.name}",
        )  # fmt: skip
        refresh_need(session, actor)
    return indicator


def update_indicator(
    session: Session,
    indicator_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> RiskIndicator:
    """Change an indicator (its weight, source, date...); fields not given keep their value."""
    indicator = fetch(session, RiskIndicator, indicator_id, "risk indicator")
    details = validated(RiskIndicatorCreate, merged(indicator, fields, INDICATOR_FIELDS))
    ensure_unique_name(session, RiskIndicator, details.name, "a risk indicator", indicator.id)
    before = snapshot(indicator)
    with saving(session, commit=commit):
        apply(indicator, details)
        session.add(indicator)
        record_change(
            session, actor, "update", "risk_indicator", indicator.id, before, indicator,
            f"Changed risk indicator {indicator.name}",
        )  # fmt: skip
        refresh_need(session, actor)
    return indicator


def delete_indicator(
    session: Session, indicator_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    """Delete an indicator and its values; the need index is recalculated without it."""
    indicator = fetch(session, RiskIndicator, indicator_id, "risk indicator")
    before = snapshot(indicator)
    with saving(session, commit=commit):
        for row in session.exec(
            select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id)
        ):
            session.delete(row)
        session.delete(indicator)
        record_change(
            session, actor, "delete", "risk_indicator", indicator_id, before, None,
            f"Deleted risk indicator {indicator.name} and its values",
        )  # fmt: skip
        refresh_need(session, actor)


def save_value(
    session: Session,
    place_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> IndicatorValue:
    """Record or replace one indicator's value in a place (fields: indicator_id, value)."""
    place = fetch(session, Place, place_id, "place")
    indicator = reference(
        session, RiskIndicator, fields.get("indicator_id"), "indicator_id", "risk indicator"
    )
    details = validated(
        IndicatorValueBase,
        {"place_id": place.id, "indicator_id": indicator.id, "value": fields.get("value")},
    )
    row = session.exec(
        select(IndicatorValue).where(
            IndicatorValue.place_id == place.id, IndicatorValue.indicator_id == indicator.id
        )
    ).first()
    before = _value_snapshot(place, indicator, row)
    with saving(session, commit=commit):
        if row is None:
            row = IndicatorValue(**details.model_dump())
        else:
            row.value = details.value
        session.add(row)
        session.flush()
        record_change(
            session, actor, "create" if before is None else "update", "indicator_value", row.id,
            before, _value_snapshot(place, indicator, row),
            f"Set {indicator.name} in {place.name} to {details.value:g}",
        )  # fmt: skip
        refresh_need(session, actor)
    return row


def update_value(
    session: Session,
    value_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> IndicatorValue:
    """Change a recorded value (for the API; the place and indicator stay)."""
    row = fetch(session, IndicatorValue, value_id, "indicator value")
    return save_value(
        session,
        row.place_id,
        {"indicator_id": row.indicator_id, "value": fields.get("value", row.value)},
        actor=actor,
        commit=commit,
    )


def delete_value(
    session: Session, value_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    row = fetch(session, IndicatorValue, value_id, "indicator value")
    place = fetch(session, Place, row.place_id, "place")
    indicator = fetch(session, RiskIndicator, row.indicator_id, "risk indicator")
    before = _value_snapshot(place, indicator, row)
    with saving(session, commit=commit):
        session.delete(row)
        record_change(
            session, actor, "delete", "indicator_value", value_id, before, None,
            f"Removed {indicator.name} in {place.name}",
        )  # fmt: skip
        refresh_need(session, actor)


def _value_snapshot(
    place: Place, indicator: RiskIndicator, row: IndicatorValue | None
) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"place": place.name, "indicator": indicator.name, **(snapshot(row) or {})}
