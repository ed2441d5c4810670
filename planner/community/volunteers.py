"""Shared local volunteers per place and year: recorded, changed and deleted with the same checks
and audit trail from the pages and the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from models import Intervention, Place
from models.vocabulary import financial_year_label
from models.volunteer import VolunteerPool, VolunteerPoolCreate
from planner.audit.service import Actor, record_change, snapshot
from planner.inputs.validation import (
    InputError,
    apply,
    editable_fields,
    fetch,
    financial_year,
    merged,
    reference,
    saving,
    validated,
)

FIELDS = editable_fields(VolunteerPoolCreate)


def save_pool(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> VolunteerPool:
    """Record or replace a place's volunteers in one year (fields: place_id, year, hours,
    hours_per_volunteer, cost_per_volunteer, illustrative, notes)."""
    given = dict(fields)
    if "year" in given:
        given["year"] = financial_year(given["year"], "year")
    place = reference(session, Place, given.get("place_id"), "place_id", "place")
    details = validated(VolunteerPoolCreate, merged(None, given, FIELDS))
    pool = session.exec(
        select(VolunteerPool).where(
            VolunteerPool.place_id == place.id, VolunteerPool.year == details.year
        )
    ).first()
    return _write(session, place, pool, details, actor, commit)


def update_pool(
    session: Session,
    pool_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> VolunteerPool:
    """Change a place's volunteers; the place and year stay (record another year instead)."""
    pool = fetch(session, VolunteerPool, pool_id, "volunteer record")
    place = fetch(session, Place, pool.place_id, "place")
    given = {key: value for key, value in fields.items() if key not in ("place_id", "year")}
    details = validated(VolunteerPoolCreate, merged(pool, given, FIELDS))
    return _write(session, place, pool, details, actor, commit)


def delete_pool(
    session: Session, pool_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    pool = fetch(session, VolunteerPool, pool_id, "volunteer record")
    place = fetch(session, Place, pool.place_id, "place")
    before = {"place": place.name, **(snapshot(pool) or {})}
    with saving(session, commit=commit):
        session.delete(pool)
        record_change(
            session, actor, "delete", "volunteer_pool", pool_id, before, None,
            f"Deleted the volunteers of {place.name} in {financial_year_label(pool.year)}",
        )  # fmt: skip


def pools_by_place(session: Session) -> list[tuple[Place, list[VolunteerPool]]]:
    """Every place with its volunteers by year (places without any too)."""
    pools = session.exec(select(VolunteerPool).order_by(col(VolunteerPool.year))).all()
    places = session.exec(select(Place).order_by(Place.name)).all()
    return [(place, [p for p in pools if p.place_id == place.id]) for place in places]


def volunteering_interventions(session: Session) -> list[Intervention]:
    """Interventions that need volunteer hours, most hours first."""
    found = session.exec(select(Intervention).where(Intervention.volunteer_hours > 0)).all()
    return sorted(found, key=lambda i: (-i.volunteer_hours, i.name))


def _write(
    session: Session,
    place: Place,
    pool: VolunteerPool | None,
    details: VolunteerPoolCreate,
    actor: Actor | None,
    commit: bool,
) -> VolunteerPool:
    if details.place_id != place.id and pool is not None:
        raise InputError({"place_id": "A volunteer record's place cannot change"})
    before = {"place": place.name, **(snapshot(pool) or {})} if pool else None
    with saving(session, commit=commit):
        if pool is None:
            pool = VolunteerPool(**details.model_dump())
        else:
            apply(pool, details, FIELDS - {"place_id", "year"})
        session.add(pool)
        session.flush()
        record_change(
            session, actor, "create" if before is None else "update", "volunteer_pool", pool.id,
            before, {"place": place.name, **(snapshot(pool) or {})},
            f"Set the volunteers of {place.name} in {financial_year_label(pool.year)}: "
            f"{pool.hours:,.0f} hours, {pool.hours_per_volunteer:g} hours and "
            f"£{pool.cost_per_volunteer:,.0f} per volunteer",
        )  # fmt: skip
    return pool
