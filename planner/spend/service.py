"""Recording actual spend and forecasts per allocation and quarter.

Finance leads (and administrators) record, per partner, intervention, place, financial year and
quarter, the money actually spent and a forecast for quarters not yet over. Every save checks
everything first, changes nothing if anything is wrong, and is audited with before and after.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session, col, select

from models import Intervention, Partner, Place, SpendRecord
from models.fields import utc_now
from models.spend import SpendRecordCreate
from models.vocabulary import financial_year_label
from planner.audit.service import Actor, record_change
from planner.inputs.validation import (
    InputError,
    InputNotFound,
    financial_year,
    reference,
    validated,
)

RECORD_FIELDS = (
    "partner_id",
    "intervention_id",
    "place_id",
    "year",
    "quarter",
    "actual",
    "forecast",
    "notes",
)


def money_or_none(value: object, field: str) -> Decimal | None:
    """A sum of money typed as 1200, '1,200.50' or '£1,200'; blank is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).replace(",", "").replace("£", "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InputError(
            {field: f"'{value}' is not a sum of money (write it like 12500.00)"}
        ) from None
    if not amount.is_finite():
        raise InputError({field: f"'{value}' is not a sum of money"})
    return amount


def checked_spend(session: Session, fields: Mapping[str, Any]) -> SpendRecordCreate:
    """The figures validated and their partner, intervention and place found; nothing saved."""
    given = {key: fields.get(key) for key in RECORD_FIELDS if key in fields}
    if "year" in given:
        given["year"] = financial_year(given["year"], "year")
    for key in ("actual", "forecast"):
        if key in given:
            given[key] = money_or_none(given[key], key)
    if given.get("notes") is None:
        given.pop("notes", None)
    details = validated(SpendRecordCreate, given, record_field="actual")
    reference(session, Partner, details.partner_id, "partner_id", "partner")
    reference(session, Intervention, details.intervention_id, "intervention_id", "intervention")
    reference(session, Place, details.place_id, "place_id", "place")
    return details


def save_spend(
    session: Session, details: SpendRecordCreate, actor: Actor
) -> tuple[SpendRecord, bool]:
    """Create or replace the quarter's record (flushed, not committed) and audit it; returns the
    record and whether it changed anything."""
    record = session.exec(
        select(SpendRecord).where(
            SpendRecord.partner_id == details.partner_id,
            SpendRecord.intervention_id == details.intervention_id,
            SpendRecord.place_id == details.place_id,
            SpendRecord.year == details.year,
            SpendRecord.quarter == details.quarter,
        )
    ).first()
    before = _snapshot(session, record)
    if record is None:
        record = SpendRecord(**details.model_dump())
    else:
        unchanged = all(
            getattr(record, key) == getattr(details, key) for key in ("actual", "forecast", "notes")
        )
        if unchanged:
            return record, False
        for key in ("actual", "forecast", "notes"):
            setattr(record, key, getattr(details, key))
    record.updated_at = utc_now()
    record.updated_by_name = actor.name or ""
    session.add(record)
    session.flush()
    after = _snapshot(session, record)
    record_change(
        session,
        actor,
        "create" if before is None else "update",
        "spend",
        record.id,
        before,
        after,
        f"Recorded spend: {spend_words(after)}",  # type: ignore[arg-type]
    )
    return record, True


def record_spend(session: Session, fields: Mapping[str, Any], *, actor: Actor) -> SpendRecord:
    """Record (or replace) one quarter's actual spend and forecast, in one transaction."""
    details = checked_spend(session, fields)
    try:
        record, _changed = save_spend(session, details, actor)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return record


def find_spend(session: Session, record_id: int) -> SpendRecord:
    record = session.get(SpendRecord, record_id)
    if record is None:
        raise InputNotFound(f"There is no spend record with id {record_id}")
    return record


def delete_spend(session: Session, record_id: int, *, actor: Actor) -> None:
    """Delete a quarter's record (entered against the wrong allocation); the audit keeps it."""
    record = find_spend(session, record_id)
    before = _snapshot(session, record)
    session.delete(record)
    record_change(
        session,
        actor,
        "delete",
        "spend",
        record_id,
        before,
        None,
        f"Deleted spend: {spend_words(before)}",  # type: ignore[arg-type]
    )
    session.commit()


def spend_records(session: Session, year: int | None = None) -> list[SpendRecord]:
    statement = select(SpendRecord).order_by(
        col(SpendRecord.year), col(SpendRecord.quarter), col(SpendRecord.id)
    )
    if year is not None:
        statement = statement.where(SpendRecord.year == year)
    return list(session.exec(statement).all())


def _snapshot(session: Session, record: SpendRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    partner = session.get(Partner, record.partner_id)
    intervention = session.get(Intervention, record.intervention_id)
    place = session.get(Place, record.place_id)
    return {
        "partner": partner.name if partner else record.partner_id,
        "intervention": intervention.name if intervention else record.intervention_id,
        "place": place.name if place else record.place_id,
        "year": record.year,
        "quarter": record.quarter,
        "actual": None if record.actual is None else str(record.actual),
        "forecast": None if record.forecast is None else str(record.forecast),
        "notes": record.notes,
    }


def spend_words(snapshot: Mapping[str, Any]) -> str:
    figures = []
    if snapshot.get("actual") is not None:
        figures.append(f"£{Decimal(snapshot['actual']):,.2f} spent")
    if snapshot.get("forecast") is not None:
        figures.append(f"£{Decimal(snapshot['forecast']):,.2f} forecast")
    return (
        f"{snapshot['partner']} on {snapshot['intervention']} in {snapshot['place']}, "
        f"{financial_year_label(int(snapshot['year']))} quarter {snapshot['quarter']}: "
        + (" and ".join(figures) or "nothing")
    )
