"""How a row of each input sheet becomes a call to the input services: the records it names
(a partner, an intervention, a place) are found by name, and the row is saved without
committing, so the import can keep or roll back the whole workbook at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from models import DemandType, Intervention, Partner, Place
from planner.audit.service import Actor
from planner.inputs.service import (
    create_contract,
    named,
    save_budget_line,
    save_capacity_override,
    save_cycle,
    save_effect,
    save_population,
    update_contract,
    upsert_intervention,
    upsert_partner,
    upsert_place,
)
from planner.inputs.validation import financial_years

# Saves one sheet row's values; raises InputError, saying which field is wrong and why.
RowImport = Callable[[Session, Actor | None, dict[str, Any]], None]


def partner(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    upsert_partner(session, values, actor=actor, commit=False)


def cycle(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    owner = _partner(session, values)
    save_cycle(session, owner.id, _without(values, "partner"), actor=actor, commit=False)  # type: ignore[arg-type]


def intervention(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    upsert_intervention(session, values, actor=actor, commit=False)


def place(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    upsert_place(session, values, actor=actor, commit=False)


def effect(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    programme = _intervention(session, values)
    named(session, DemandType, values["demand_type"], "demand_type", "demand type")
    fields = _without(values, "intervention")
    save_effect(session, programme.id, fields, actor=actor, commit=False)  # type: ignore[arg-type]


def population(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    where = _place(session, values)
    fields = _without(values, "place")
    save_population(session, where.id, fields, actor=actor, commit=False)  # type: ignore[arg-type]


def capacity(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    where = _place(session, values)
    _intervention(session, values)
    fields = _without(values, "place")
    save_capacity_override(session, where.id, fields, actor=actor, commit=False)  # type: ignore[arg-type]


def budget_line(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    fields = {**_without(values, "partner"), "partner_id": _partner(session, values).id}
    save_budget_line(session, fields, actor=actor, commit=False)


def contract(
    session: Session, actor: Actor | None, values: dict[str, Any], existing: int | None = None
) -> None:
    """Update the contract `existing` (the one `import_contracts` matched this row to), or
    create a contract when the row matches none."""
    payer = _partner(session, values)
    programme = _intervention(session, values)
    where = _place(session, values) if values.get("place") else None
    fields = {
        **_without(values, "partner", "intervention", "place"),
        "partner_id": payer.id,
        "intervention_id": programme.id,
        "place_id": where.id if where else None,
        "years": financial_years(values.get("years"), "years"),
    }
    if existing is None:
        create_contract(session, fields, actor=actor, commit=False)
    else:
        update_contract(session, existing, fields, actor=actor, commit=False)


def _partner(session: Session, values: dict[str, Any]) -> Partner:
    return named(session, Partner, values["partner"], "partner", "partner")


def _intervention(session: Session, values: dict[str, Any]) -> Intervention:
    return named(session, Intervention, values["intervention"], "intervention", "intervention")


def _place(session: Session, values: dict[str, Any]) -> Place:
    return named(session, Place, values["place"], "place", "place")


def _without(values: dict[str, Any], *names: str) -> dict[str, Any]:
    """The row's values less the columns that name other records."""
    return {key: value for key, value in values.items() if key not in names}
