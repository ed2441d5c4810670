"""Places where place-based teams deliver: eligible populations and provider capacity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from models import (
    CapacityOverride,
    DeliveryRecord,
    ExistingContract,
    Intervention,
    Partner,
    Place,
    PlacePopulation,
    ScenarioCap,
    User,
    UserPlace,
)
from models.place import CapacityOverrideBase, PlaceCreate, PlacePopulationBase
from models.scenario import CapScope, Scenario
from planner.audit.service import Actor, record_change, snapshot
from planner.inputs.named import (
    NamedKind,
    create_named,
    delete_named,
    update_named,
    upsert_named,
)
from planner.inputs.validation import (
    InputConflict,
    InputError,
    apply,
    by_name,
    counted,
    editable_fields,
    fetch,
    join_words,
    merged,
    reference,
    saving,
    validated,
)

POPULATION_FIELDS = editable_fields(PlacePopulationBase)


def place_uses(session: Session, place: Place) -> list[str]:
    """What depends on this place, in words (its populations and capacities belong to it)."""
    uses = []
    contracts = session.exec(
        select(Partner.name)
        .join(ExistingContract, ExistingContract.partner_id == Partner.id)  # type: ignore[arg-type]
        .where(ExistingContract.place_id == place.id)
    ).all()
    if contracts:
        uses.append(
            f"{counted(len(contracts), 'existing contract')} "
            f"({join_words(sorted(set(contracts)))}) "
            f"{'delivers' if len(contracts) == 1 else 'deliver'} there"
        )
    leads = session.exec(
        select(User.name)
        .join(UserPlace, UserPlace.user_id == User.id)  # type: ignore[arg-type]
        .where(UserPlace.place_id == place.id)
    ).all()
    if leads:
        uses.append(f"place lead {join_words(sorted(leads))} looks after it")
    capped = session.exec(
        select(Scenario.name)
        .join(ScenarioCap, ScenarioCap.scenario_id == Scenario.id)  # type: ignore[arg-type]
        .where(ScenarioCap.scope == CapScope.PLACE, ScenarioCap.target == str(place.id))
    ).all()
    if capped:
        uses.append(f"scenario {join_words(sorted(capped))} caps spending there")
    delivered = session.exec(
        select(Intervention.name)
        .join(DeliveryRecord, DeliveryRecord.intervention_id == Intervention.id)  # type: ignore[arg-type]
        .where(DeliveryRecord.place_id == place.id)
    ).all()
    if delivered:
        # Deleting the place would silently drop what its team recorded as delivered.
        uses.append(
            f"its place-based team has recorded delivering "
            f"{join_words(sorted(set(delivered)))} there "
            f"({counted(len(delivered), 'delivery record')}), which deleting it would lose"
        )
    return uses


PLACE = NamedKind(
    table=Place,
    schema=PlaceCreate,
    entity="place",
    label="place",
    a_label="a place",
    uses=place_uses,
)


def create_place(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> Place:
    """Add a place (fields: name, district, need_index, description)."""
    return create_named(session, PLACE, fields, actor=actor, commit=commit)


def update_place(
    session: Session,
    place_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> Place:
    """Change a place; fields not given keep their value."""
    return update_named(session, PLACE, place_id, fields, actor=actor, commit=commit)


def upsert_place(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> Place:
    """Create the place called fields['name'] or update it (for imports)."""
    return upsert_named(session, PLACE, fields, actor=actor, commit=commit)


def delete_place(
    session: Session, place_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    """Delete a place and its populations and capacities, if nothing else refers to it."""
    delete_named(session, PLACE, place_id, actor=actor, commit=commit)


def save_population(
    session: Session,
    place_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> PlacePopulation:
    """Record or replace a place's eligible population for one target group (fields:
    target_group, population)."""
    place = fetch(session, Place, place_id, "place")
    details = validated(PlacePopulationBase, merged(None, fields, POPULATION_FIELDS))
    row = session.exec(
        select(PlacePopulation).where(
            PlacePopulation.place_id == place.id,
            PlacePopulation.target_group == details.target_group,
        )
    ).first()
    return _write_population(session, place, row, details, actor, commit)


def update_population(
    session: Session,
    population_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> PlacePopulation:
    """Change one population row (its target group may change if the place has no row for it)."""
    row = fetch(session, PlacePopulation, population_id, "population")
    place = fetch(session, Place, row.place_id, "place")
    details = validated(PlacePopulationBase, merged(row, fields, POPULATION_FIELDS))
    clash = session.exec(
        select(PlacePopulation).where(
            PlacePopulation.place_id == place.id,
            PlacePopulation.target_group == details.target_group,
            PlacePopulation.id != row.id,
        )
    ).first()
    if clash is not None:
        raise InputConflict(
            {
                "target_group": f"{place.name} already has a population for "
                f"{details.target_group}; change that one instead"
            }
        )
    return _write_population(session, place, row, details, actor, commit)


def delete_population(
    session: Session, population_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    row = fetch(session, PlacePopulation, population_id, "population")
    place = fetch(session, Place, row.place_id, "place")
    before = {"place": place.name, **(snapshot(row) or {})}
    with saving(session, commit=commit):
        session.delete(row)
        record_change(
            session,
            actor,
            "delete",
            "place_population",
            population_id,
            before,
            None,
            f"Deleted {place.name}'s population of {row.target_group}",
        )


def save_capacity_override(
    session: Session,
    place_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> CapacityOverride:
    """Record or replace a provider's capacity for one intervention in a place (fields:
    intervention_id or intervention by name, capacity), replacing the intervention's default."""
    place = fetch(session, Place, place_id, "place")
    intervention = _override_intervention(session, fields)
    details = validated(
        CapacityOverrideBase,
        {"intervention_id": intervention.id, "capacity": fields.get("capacity")},
    )
    override = session.exec(
        select(CapacityOverride).where(
            CapacityOverride.place_id == place.id,
            CapacityOverride.intervention_id == intervention.id,
        )
    ).first()
    before = _override_snapshot(place, intervention, override)
    with saving(session, commit=commit):
        if override is None:
            override = CapacityOverride(place_id=place.id, **details.model_dump())  # type: ignore[arg-type]
        else:
            override.capacity = details.capacity
        session.add(override)
        session.flush()
        record_change(
            session,
            actor,
            "create" if before is None else "update",
            "capacity_override",
            override.id,
            before,
            _override_snapshot(place, intervention, override),
            f"Set the capacity of {intervention.name} in {place.name} to {details.capacity}",
        )
    return override


def delete_capacity_override(
    session: Session, override_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    """Remove a capacity override, so the intervention's default capacity applies again."""
    override = fetch(session, CapacityOverride, override_id, "capacity override")
    place = fetch(session, Place, override.place_id, "place")
    intervention = fetch(session, Intervention, override.intervention_id, "intervention")
    before = _override_snapshot(place, intervention, override)
    with saving(session, commit=commit):
        session.delete(override)
        record_change(
            session,
            actor,
            "delete",
            "capacity_override",
            override_id,
            before,
            None,
            f"Removed the capacity override of {intervention.name} in {place.name}",
        )


def target_groups(session: Session) -> list[str]:
    """Target groups interventions serve, so populations are recorded under the same words."""
    groups = set(session.exec(select(Intervention.target_group)).all())
    groups |= set(session.exec(select(PlacePopulation.target_group)).all())
    return sorted(groups)


def districts(session: Session) -> list[str]:
    return sorted(set(session.exec(select(Place.district)).all()))


def _write_population(
    session: Session,
    place: Place,
    row: PlacePopulation | None,
    details: PlacePopulationBase,
    actor: Actor | None,
    commit: bool,
) -> PlacePopulation:
    before = {"place": place.name, **(snapshot(row) or {})} if row else None
    with saving(session, commit=commit):
        if row is None:
            row = PlacePopulation(place_id=place.id, **details.model_dump())  # type: ignore[arg-type]
        else:
            apply(row, details)
        session.add(row)
        session.flush()
        record_change(
            session,
            actor,
            "create" if before is None else "update",
            "place_population",
            row.id,
            before,
            {"place": place.name, **(snapshot(row) or {})},
            f"Set {place.name}'s population of {row.target_group} to {row.population:,}",
        )
    return row


def _override_intervention(session: Session, fields: Mapping[str, Any]) -> Intervention:
    if fields.get("intervention") and not fields.get("intervention_id"):
        found = by_name(session, Intervention, str(fields["intervention"]))
        if found is None:
            raise InputError(
                {"intervention_id": f"There is no intervention called '{fields['intervention']}'"}
            )
        return found
    return reference(
        session, Intervention, fields.get("intervention_id"), "intervention_id", "intervention"
    )


def _override_snapshot(
    place: Place, intervention: Intervention, override: CapacityOverride | None
) -> dict[str, Any] | None:
    if override is None:
        return None
    return {
        "place": place.name,
        "intervention": intervention.name,
        **(snapshot(override) or {}),
    }
