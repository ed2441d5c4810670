"""Recording what place-based teams delivered, and comparing it with the plan.

A place lead records, per intervention and financial year, how many people started and how
many completed. Counts are whole people, never negative, and never more than the place's
eligible population for the intervention's target group. Every change is audited, and a place
lead can record only for their own places.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from models import DeliveryRecord, Intervention, Place, PlacePopulation, Plan
from models.delivery import DeliveryRecordCreate
from models.fields import utc_now
from models.vocabulary import financial_year_label
from planner.audit.service import Actor, record_change
from planner.core.years import InFinancialYear
from planner.delivery.agreement import agreed_plan
from planner.inputs.validation import (
    InputError,
    InputNotFound,
    fetch,
    financial_year,
    reference,
    saving,
    validated,
)

# Which places a user may see: None means every place (commissioners, finance leads, admins).
PlaceScope = Collection[int] | None

RECORD_FIELDS = ("place_id", "intervention_id", "year", "started", "completed", "notes")


class OutsideYourPlaces(PermissionError):
    """A place lead tried to see or record delivery for a place they do not lead."""


def check_scope(place_id: int, scope: PlaceScope) -> None:
    if scope is not None and place_id not in scope:
        raise OutsideYourPlaces("You can see and record delivery only for the places you lead")


def record_delivery(
    session: Session, fields: Mapping[str, Any], *, actor: Actor, scope: PlaceScope = None
) -> DeliveryRecord:
    """Record (or replace) the people started and completed on one intervention in one place
    in one financial year. Checks everything before changing anything."""
    given = {key: fields.get(key) for key in RECORD_FIELDS if key in fields}
    if "year" in given:
        given["year"] = financial_year(given["year"], "year")
    if given.get("notes") is None:
        given.pop("notes", None)
    details = validated(DeliveryRecordCreate, given)
    place = reference(session, Place, details.place_id, "place_id", "place")
    check_scope(place.id, scope)  # type: ignore[arg-type]
    intervention = reference(
        session, Intervention, details.intervention_id, "intervention_id", "intervention"
    )
    _check_reach(session, place, intervention, details)

    record = session.exec(
        select(DeliveryRecord).where(
            DeliveryRecord.place_id == place.id,
            DeliveryRecord.intervention_id == intervention.id,
            DeliveryRecord.year == details.year,
        )
    ).first()
    before = _snapshot(place, intervention, record)
    if record is None:
        record = DeliveryRecord(**details.model_dump())
    else:
        for key in ("started", "completed", "notes"):
            setattr(record, key, getattr(details, key))
    record.updated_at = utc_now()
    record.updated_by_name = actor.name or ""
    session.add(record)
    session.flush()
    year = financial_year_label(details.year)
    record_change(
        session,
        actor,
        "create" if before is None else "update",
        "delivery",
        record.id,
        before,
        _snapshot(place, intervention, record),
        f"Recorded delivery of {intervention.name} in {place.name}, {year}: "
        f"{details.started} started, {details.completed} completed",
    )
    session.commit()
    return record


def update_delivery(
    session: Session,
    record_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor,
    scope: PlaceScope = None,
) -> DeliveryRecord:
    """Change a delivery record; fields not given keep their value. The place, intervention
    and year identify the record and cannot change."""
    record = find_delivery(session, record_id, scope)
    current = record.model_dump(include=set(RECORD_FIELDS))
    changes = {key: fields[key] for key in ("started", "completed", "notes") if key in fields}
    return record_delivery(session, {**current, **changes}, actor=actor, scope=scope)


def delete_delivery(
    session: Session, record_id: int, *, actor: Actor, scope: PlaceScope = None
) -> None:
    """Delete a delivery record (recorded by mistake, or against the wrong intervention or
    year); the audit log keeps its figures. A place lead may delete only their places' records."""
    record = find_delivery(session, record_id, scope)
    place = fetch(session, Place, record.place_id, "place")
    intervention = fetch(session, Intervention, record.intervention_id, "intervention")
    before = _snapshot(place, intervention, record)
    with saving(session):
        session.delete(record)
        record_change(
            session,
            actor,
            "delete",
            "delivery",
            record_id,
            before,
            None,
            f"Deleted {delivery_words(session, record)}",
        )


def delivery_words(session: Session, record: DeliveryRecord) -> str:
    """'the delivery record of Incredible Years in Dewsbury, 2026/27'."""
    place = fetch(session, Place, record.place_id, "place")
    intervention = fetch(session, Intervention, record.intervention_id, "intervention")
    return (
        f"the delivery record of {intervention.name} in {place.name}, "
        f"{financial_year_label(record.year)}"
    )


def find_delivery(session: Session, record_id: int, scope: PlaceScope = None) -> DeliveryRecord:
    """A delivery record the user may see (another place's record is 'not found' to them)."""
    record = fetch(session, DeliveryRecord, record_id, "delivery record")
    if scope is not None and record.place_id not in scope:
        # Another place's record is not theirs to know about.
        raise InputNotFound(f"There is no delivery record with id {record_id}")
    return record


def delivery_records(session: Session, scope: PlaceScope = None) -> Any:
    """A query for the delivery records the user may see, in a stable order."""
    statement = select(DeliveryRecord).order_by(
        col(DeliveryRecord.year), col(DeliveryRecord.place_id), col(DeliveryRecord.id)
    )
    if scope is not None:
        statement = statement.where(col(DeliveryRecord.place_id).in_(list(scope) or [-1]))
    return statement


def _check_reach(
    session: Session, place: Place, intervention: Intervention, details: DeliveryRecordCreate
) -> None:
    """Delivery that could not have happened is refused: more people than are eligible, more
    completed than started, a year outside the agreed plan, or an intervention rated NE. Delivery
    of something the plan does not fund here is allowed (teams do run other things) and shown as
    not in the plan."""
    errors: dict[str, str] = {}
    if intervention.evidence_rating == "NE":
        errors["intervention_id"] = (
            f"{intervention.name} is rated NE (no effect, or harmful) and is never funded, so "
            "no delivery of it can be recorded"
        )
    plan = agreed_plan(session)
    years = sorted((plan.result or {}).get("years") or []) if plan is not None else []
    if years and details.year not in years:
        errors["year"] = (
            f"{financial_year_label(details.year)} is outside the agreed plan's years "
            f"({financial_year_label(years[0])} to {financial_year_label(years[-1])})"
        )
    population = session.exec(
        select(PlacePopulation.population).where(
            PlacePopulation.place_id == place.id,
            PlacePopulation.target_group == intervention.target_group,
        )
    ).first()
    eligible = population or 0
    for field, label in (("started", "started"), ("completed", "completed")):
        count = getattr(details, field)
        if count <= eligible:
            continue
        if population is None:
            errors[field] = (
                f"{place.name} has no eligible population recorded for "
                f"{intervention.target_group}, so no one can be counted as {label}; "
                "ask a commissioner to record it on the place first"
            )
        else:
            errors[field] = (
                f"{count:,} people {label} is more than the {eligible:,} "
                f"{intervention.target_group} eligible in {place.name}"
            )
    if details.completed > details.started:
        errors.setdefault(
            "completed", f"cannot be more than the {details.started:,} people started"
        )
    if errors:
        raise InputError(errors)


def _snapshot(
    place: Place, intervention: Intervention, record: DeliveryRecord | None
) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "place": place.name,
        "intervention": intervention.name,
        "year": financial_year_label(record.year),
        "started": record.started,
        "completed": record.completed,
        "notes": record.notes,
    }


@dataclass(frozen=True)
class DeliveryLine(InFinancialYear):
    """Planned against delivered for one intervention in one place in one financial year."""

    intervention: str
    place: str
    year: int
    planned: float
    started: int | None
    completed: int | None
    intervention_id: int | None
    place_id: int | None
    # The delivery record behind `started` and `completed`, when one has been recorded.
    record_id: int | None = None

    @property
    def recorded(self) -> bool:
        return self.started is not None

    @property
    def started_share(self) -> float | None:
        """People started as a share of people planned (None when nothing was planned)."""
        if self.started is None or self.planned < 0.5:
            return None
        return self.started / self.planned

    @property
    def progress(self) -> str:
        """Delivery in words, for the table's last column."""
        if self.started is None:
            return "Not recorded yet"
        if self.planned < 0.5:
            return "Not in the plan"
        share = self.started / self.planned
        if share >= 1:
            return "Started as planned" if share < 1.05 else "More started than planned"
        return f"{share:.0%} of planned started"


@dataclass(frozen=True)
class PlaceDelivery:
    """Planned against delivered, added up for one place."""

    place: str
    place_id: int | None
    planned: float
    started: int
    completed: int
    recorded: int
    rows: int

    @property
    def started_share(self) -> float | None:
        return self.started / self.planned if self.planned >= 0.5 else None


def delivery_by_place(lines: list[DeliveryLine]) -> list[PlaceDelivery]:
    """The lines added up per place, for the partnership-wide view."""
    places: dict[str, list[DeliveryLine]] = {}
    for line in lines:
        places.setdefault(line.place, []).append(line)
    return [
        PlaceDelivery(
            place=name,
            place_id=rows[0].place_id,
            planned=sum(line.planned for line in rows),
            started=sum(line.started or 0 for line in rows),
            completed=sum(line.completed or 0 for line in rows),
            recorded=sum(1 for line in rows if line.recorded),
            rows=len(rows),
        )
        for name, rows in sorted(places.items())
    ]


def delivery_against_plan(
    session: Session, plan_id: int, place_ids: PlaceScope = None
) -> list[DeliveryLine]:
    """For each intervention, place and year of the plan: people planned, started, completed.

    Delivery recorded in the plan's years for an intervention the plan does not fund in that
    place is listed too (planned 0), so nothing delivered goes unseen. Plans keep names, so
    plan rows are matched to today's places and interventions by name.
    """
    plan = fetch(session, Plan, plan_id, "plan")
    places = {place.name: place for place in session.exec(select(Place)).all()}
    interventions = {i.name: i for i in session.exec(select(Intervention)).all()}
    place_names = {p.id: name for name, p in places.items()}
    intervention_names = {i.id: name for name, i in interventions.items()}

    planned: dict[tuple[str, str, int], float] = {}
    for row in plan.allocations:
        place = places.get(row.place_name)
        if place_ids is not None and (place is None or place.id not in place_ids):
            continue
        key = (row.intervention_name, row.place_name, row.year)
        planned[key] = planned.get(key, 0.0) + float(row.participants)
    years = set((plan.result or {}).get("years") or []) | {key[2] for key in planned}

    delivered: dict[tuple[str, str, int], DeliveryRecord] = {}
    for record in session.exec(delivery_records(session, place_ids)).all():
        if record.year not in years:
            continue
        key = (
            intervention_names.get(record.intervention_id, "?"),
            place_names.get(record.place_id, "?"),
            record.year,
        )
        delivered[key] = record

    lines = []
    for key in sorted(set(planned) | set(delivered)):
        intervention_name, place_name, year = key
        if planned.get(key, 0.0) < 0.005 and key not in delivered:
            continue
        record = delivered.get(key)
        place = places.get(place_name)
        intervention = interventions.get(intervention_name)
        lines.append(
            DeliveryLine(
                intervention=intervention_name,
                place=place_name,
                year=year,
                planned=planned.get(key, 0.0),
                started=record.started if record else None,
                completed=record.completed if record else None,
                intervention_id=intervention.id if intervention else None,
                place_id=place.id if place else None,
                record_id=record.id if record else None,
            )
        )
    return lines
