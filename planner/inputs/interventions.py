"""Interventions that can be commissioned, and their expected effect on each demand type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from models import (
    CapacityOverride,
    DeliveryRecord,
    DemandType,
    ExistingContract,
    Intervention,
    InterventionEffect,
    Partner,
    Place,
    ScenarioCap,
)
from models.intervention import InterventionCreate, InterventionEffectCreate
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
    financial_year,
    join_words,
    merged,
    reference,
    saving,
    validated,
)

EFFECT_FIELDS = editable_fields(InterventionEffectCreate)


def intervention_uses(session: Session, intervention: Intervention) -> list[str]:
    """What depends on this intervention, in words."""
    uses = []
    contracts = session.exec(
        select(Partner.name)
        .join(ExistingContract, ExistingContract.partner_id == Partner.id)  # type: ignore[arg-type]
        .where(ExistingContract.intervention_id == intervention.id)
    ).all()
    if contracts:
        uses.append(
            f"{counted(len(contracts), 'existing contract')} "
            f"({join_words(sorted(set(contracts)))}) {'funds' if len(contracts) == 1 else 'fund'} it"
        )
    effects = session.exec(
        select(InterventionEffect).where(InterventionEffect.intervention_id == intervention.id)
    ).all()
    if effects:
        uses.append(f"it has {counted(len(effects), 'expected effect')} (delete those first)")
    overrides = session.exec(
        select(Place.name)
        .join(CapacityOverride, CapacityOverride.place_id == Place.id)  # type: ignore[arg-type]
        .where(CapacityOverride.intervention_id == intervention.id)
    ).all()
    if overrides:
        uses.append(f"it has a capacity set in {join_words(sorted(overrides))}")
    capped = session.exec(
        select(Scenario.name)
        .join(ScenarioCap, ScenarioCap.scenario_id == Scenario.id)  # type: ignore[arg-type]
        .where(
            ScenarioCap.scope == CapScope.INTERVENTION, ScenarioCap.target == str(intervention.id)
        )
    ).all()
    if capped:
        uses.append(f"scenario {join_words(sorted(capped))} caps spending on it")
    delivered = session.exec(
        select(Place.name)
        .join(DeliveryRecord, DeliveryRecord.place_id == Place.id)  # type: ignore[arg-type]
        .where(DeliveryRecord.intervention_id == intervention.id)
    ).all()
    if delivered:
        # Deleting the intervention would silently drop what place teams recorded as delivered.
        uses.append(
            f"place-based teams have recorded delivering it in {join_words(sorted(set(delivered)))} "
            f"({counted(len(delivered), 'delivery record')}), which deleting it would lose"
        )
    return uses


INTERVENTION = NamedKind(
    table=Intervention,
    schema=InterventionCreate,
    entity="intervention",
    label="intervention",
    a_label="an intervention",
    uses=intervention_uses,
)


def _price_year(fields: Mapping[str, Any]) -> Mapping[str, Any]:
    """A price year written as people write it (2022/23) becomes its start year, as the record
    keeps it; a word that is no year is refused naming the field."""
    if "price_year" not in fields:
        return fields
    return {**fields, "price_year": financial_year(fields["price_year"], "price_year")}


def create_intervention(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> Intervention:
    """Add an intervention (fields as InterventionCreate: name, category, target_group,
    unit_cost, fixed_cost, min_cohort, capacity, evidence_rating, cost_rating, rating source,
    date and address, illustrative...)."""
    return create_named(session, INTERVENTION, _price_year(fields), actor=actor, commit=commit)


def update_intervention(
    session: Session,
    intervention_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> Intervention:
    """Change an intervention; fields not given keep their value."""
    return update_named(
        session, INTERVENTION, intervention_id, _price_year(fields), actor=actor, commit=commit
    )


def upsert_intervention(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> Intervention:
    """Create the intervention called fields['name'] or update it (for imports)."""
    return upsert_named(session, INTERVENTION, _price_year(fields), actor=actor, commit=commit)


def delete_intervention(
    session: Session, intervention_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    """Delete an intervention that no contract, effect, place or scenario refers to."""
    delete_named(session, INTERVENTION, intervention_id, actor=actor, commit=commit)


def save_effect(
    session: Session,
    intervention_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> InterventionEffect:
    """Record or replace an intervention's expected effect on one demand type (fields:
    demand_type_id, or demand_type by name; reduction_per_participant; years_after as a list
    or text like '1, 2, 3' or '1-3')."""
    intervention = fetch(session, Intervention, intervention_id, "intervention")
    demand_type = _effect_demand_type(session, fields)
    existing = session.exec(
        select(InterventionEffect).where(
            InterventionEffect.intervention_id == intervention.id,
            InterventionEffect.demand_type_id == demand_type.id,
        )
    ).first()
    return _write_effect(session, intervention, demand_type, existing, fields, actor, commit)


def update_effect(
    session: Session,
    effect_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> InterventionEffect:
    """Change one expected effect (its demand type may change if that type has no effect yet)."""
    effect = fetch(session, InterventionEffect, effect_id, "expected effect")
    intervention = fetch(session, Intervention, effect.intervention_id, "intervention")
    demand_type = _effect_demand_type(session, {"demand_type_id": effect.demand_type_id, **fields})
    clash = session.exec(
        select(InterventionEffect).where(
            InterventionEffect.intervention_id == intervention.id,
            InterventionEffect.demand_type_id == demand_type.id,
            InterventionEffect.id != effect.id,
        )
    ).first()
    if clash is not None:
        raise InputConflict(
            {
                "demand_type_id": f"{intervention.name} already has an effect on "
                f"{demand_type.name}; change that one instead"
            }
        )
    return _write_effect(session, intervention, demand_type, effect, fields, actor, commit)


def delete_effect(
    session: Session, effect_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    """Remove an intervention's expected effect on one demand type."""
    effect = fetch(session, InterventionEffect, effect_id, "expected effect")
    before = effect_snapshot(session, effect)
    with saving(session, commit=commit):
        session.delete(effect)
        record_change(
            session,
            actor,
            "delete",
            "intervention_effect",
            effect_id,
            before,
            None,
            f"Deleted the effect of {before['intervention']} on {before['demand_type']}",
        )


def parse_years_after(value: object) -> list[int]:
    """'1, 2, 3' or '1-3' or [1, 2, 3] -> [1, 2, 3]."""
    if isinstance(value, list | tuple):
        parts: list[str] = [str(item) for item in value]
    else:
        parts = str(value or "").replace(";", ",").split(",")
    years: list[int] = []
    try:
        for part in (p.strip() for p in parts):
            if not part:
                continue
            if "-" in part[1:]:
                start, end = (int(bit) for bit in part.split("-", 1))
                years.extend(range(start, end + 1))
            else:
                years.append(int(part))
    except ValueError:
        raise InputError(
            {
                "years_after": "write the years after participation as whole numbers, "
                "like 1, 2, 3 or 1-3"
            }
        ) from None
    return years


def effect_snapshot(session: Session, effect: InterventionEffect) -> dict[str, Any]:
    intervention = session.get(Intervention, effect.intervention_id)
    demand_type = session.get(DemandType, effect.demand_type_id)
    return {
        "intervention": intervention.name if intervention else "?",
        "demand_type": demand_type.name if demand_type else "?",
        **(snapshot(effect) or {}),
    }


def _effect_demand_type(session: Session, fields: Mapping[str, Any]) -> DemandType:
    if fields.get("demand_type") and not fields.get("demand_type_id"):
        found = by_name(session, DemandType, str(fields["demand_type"]))
        if found is None:
            raise InputError(
                {"demand_type_id": f"There is no demand type called '{fields['demand_type']}'"}
            )
        return found
    return reference(
        session, DemandType, fields.get("demand_type_id"), "demand_type_id", "demand type"
    )


def _write_effect(
    session: Session,
    intervention: Intervention,
    demand_type: DemandType,
    effect: InterventionEffect | None,
    fields: Mapping[str, Any],
    actor: Actor | None,
    commit: bool,
) -> InterventionEffect:
    given = {**fields, "demand_type_id": demand_type.id}
    if "years_after" in given:
        given["years_after"] = parse_years_after(given["years_after"])
    details = validated(InterventionEffectCreate, merged(effect, given, EFFECT_FIELDS))
    before = effect_snapshot(session, effect) if effect else None
    with saving(session, commit=commit):
        if effect is None:
            effect = InterventionEffect(intervention_id=intervention.id, **details.model_dump())  # type: ignore[arg-type]
        else:
            apply(effect, details)
        session.add(effect)
        session.flush()
        record_change(
            session,
            actor,
            "create" if before is None else "update",
            "intervention_effect",
            effect.id,
            before,
            effect_snapshot(session, effect),
            f"{'Added' if before is None else 'Changed'} the effect of {intervention.name} "
            f"on {demand_type.name}",
        )
    return effect
