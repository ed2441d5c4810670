"""Demand types (units of demand on services) and the share of their cost each partner bears."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from models import CostShare, DemandType, Intervention, InterventionEffect, Partner, Scenario
from models.demand import CostShareCreate, DemandTypeCreate
from models.fields import field_errors
from models.rules import check_cost_shares
from planner.audit.service import Actor, record_change, snapshot
from planner.inputs.named import NamedKind, delete_named
from planner.inputs.validation import (
    InputError,
    apply,
    by_name,
    check_rule,
    editable_fields,
    ensure_unique_name,
    fetch,
    join_words,
    merged,
    saving,
    validated,
)

DEMAND_FIELDS = editable_fields(DemandTypeCreate)
Shares = Mapping[int | str, Any]


def create_demand_type(
    session: Session,
    fields: Mapping[str, Any],
    shares: Shares,
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> DemandType:
    """Add a demand type with the percentage of its unit cost each partner bears.

    `shares` maps a partner (by id, or by name as a string) to its percentage; blank or zero
    shares are left out, and the rest must total 100%.
    """
    details, checked = _checked(session, None, fields, shares)
    demand_type = DemandType(**details.model_dump())
    with saving(session, commit=commit):
        session.add(demand_type)
        session.flush()
        _replace_shares(session, demand_type, checked or {})
        record_change(
            session,
            actor,
            "create",
            "demand_type",
            demand_type.id,
            None,
            demand_type_snapshot(session, demand_type),
            f"Added demand type {demand_type.name}",
        )
    return demand_type


def update_demand_type(
    session: Session,
    demand_type_id: int,
    fields: Mapping[str, Any],
    shares: Shares | None = None,
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> DemandType:
    """Change a demand type; with `shares` its cost shares are replaced, without they stay."""
    demand_type = fetch(session, DemandType, demand_type_id, "demand type")
    details, checked = _checked(session, demand_type, fields, shares)
    before = demand_type_snapshot(session, demand_type)
    with saving(session, commit=commit):
        apply(demand_type, details)
        session.add(demand_type)
        if checked is not None:
            _replace_shares(session, demand_type, checked)
        record_change(
            session,
            actor,
            "update",
            "demand_type",
            demand_type.id,
            before,
            demand_type_snapshot(session, demand_type),
            f"Changed demand type {demand_type.name}",
        )
    return demand_type


def upsert_demand_type(
    session: Session,
    fields: Mapping[str, Any],
    shares: Shares | None = None,
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> DemandType:
    """Create the demand type called fields['name'] or update it (for imports)."""
    existing = by_name(session, DemandType, str(fields.get("name", "")))
    if existing is None:
        return create_demand_type(session, fields, shares or {}, actor=actor, commit=commit)
    return update_demand_type(
        session,
        existing.id,  # type: ignore[arg-type]
        fields,
        shares,
        actor=actor,
        commit=commit,
    )


def demand_type_uses(session: Session, demand_type: DemandType) -> list[str]:
    """What depends on this demand type, in words."""
    uses = []
    effects = session.exec(
        select(Intervention.name)
        .join(InterventionEffect, InterventionEffect.intervention_id == Intervention.id)  # type: ignore[arg-type]
        .where(InterventionEffect.demand_type_id == demand_type.id)
        .order_by(Intervention.name)
    ).all()
    if effects:
        uses.append(f"the expected effects of {join_words(list(effects))} reduce it")
    scenarios = [
        scenario.name
        for scenario in session.exec(select(Scenario).order_by(Scenario.name)).all()
        if demand_type.id
        in (scenario.max_cost_per_unit_demand_type_id, scenario.objective_demand_type_id)
        or str(demand_type.id) in (scenario.priority_weights or {})
    ]
    if scenarios:
        uses.append(f"scenario {join_words(scenarios)} uses it")
    return uses


def cost_shares(session: Session, demand_type_id: int) -> list[tuple[Partner, Decimal]]:
    """Each partner's share of a demand type's cost, largest first."""
    rows = session.exec(
        select(Partner, CostShare)
        .join(CostShare, col(CostShare.partner_id) == col(Partner.id))
        .where(CostShare.demand_type_id == demand_type_id)
    ).all()
    shares = [(partner, share.share_percent) for partner, share in rows]
    return sorted(shares, key=lambda row: (-row[1], row[0].name))


def demand_type_snapshot(session: Session, demand_type: DemandType) -> dict[str, Any]:
    shares = {
        partner.name: str(share)
        for partner, share in cost_shares(session, demand_type.id)  # type: ignore[arg-type]
    }
    return {**(snapshot(demand_type) or {}), "cost_shares": shares}


DEMAND_TYPE = NamedKind(
    table=DemandType,
    schema=DemandTypeCreate,
    entity="demand_type",
    label="demand type",
    a_label="a demand type",
    uses=demand_type_uses,
    audited=demand_type_snapshot,
)


def delete_demand_type(
    session: Session, demand_type_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    """Delete a demand type no intervention effect or scenario uses (its cost shares go too)."""
    delete_named(session, DEMAND_TYPE, demand_type_id, actor=actor, commit=commit)


def _checked(
    session: Session,
    demand_type: DemandType | None,
    fields: Mapping[str, Any],
    shares: Shares | None,
) -> tuple[DemandTypeCreate, dict[int, Decimal] | None]:
    """Check the demand type and its shares together, so every problem is reported at once."""
    values = merged(demand_type, fields, DEMAND_FIELDS)
    errors: dict[str, str] = {}
    details = checked = None
    try:
        details = validated(DemandTypeCreate, values)
        ensure_unique_name(
            session,
            DemandType,
            details.name,
            "a demand type",
            demand_type.id if demand_type else None,
        )
    except InputError as error:
        errors.update(error.errors)
    if shares is not None:
        try:
            checked = _checked_shares(session, str(values.get("name") or "").strip(), shares)
        except InputError as error:
            errors.update(error.errors)
    if errors or details is None:
        raise InputError(errors)
    return details, checked


def _checked_shares(session: Session, name: str, shares: Shares) -> dict[int, Decimal]:
    """Validate each share and the 100% total; returns {partner id: percent}."""
    errors: dict[str, str] = {}
    checked: dict[int, Decimal] = {}
    named_shares: dict[str, Decimal] = {}
    for key, raw in shares.items():
        partner = _share_partner(session, key)
        field = f"share_{partner.id}"
        text = str(raw).strip().rstrip("%").strip() if raw is not None else ""
        if not text:
            continue
        try:
            share = CostShareCreate.model_validate(
                {"partner_id": partner.id, "share_percent": Decimal(text)}
            ).share_percent
        except InvalidOperation:
            errors[field] = f"{partner.name}'s share must be a percentage, like 40 or 12.5"
            continue
        except ValidationError as error:
            reason = field_errors(error).get("share_percent", "must be between 0 and 100")
            errors[field] = f"{partner.name}'s share {reason}"
            continue
        if share:
            checked[partner.id] = share  # type: ignore[index]
            named_shares[partner.name] = share
    if errors:
        raise InputError(errors)
    check_rule(check_cost_shares, name, named_shares)
    return checked


def _share_partner(session: Session, key: int | str) -> Partner:
    partner = session.get(Partner, key) if isinstance(key, int) else by_name(session, Partner, key)
    if partner is None:
        raise InputError({"cost_shares": f"There is no partner called '{key}'"})
    return partner


def _replace_shares(session: Session, demand_type: DemandType, shares: dict[int, Decimal]) -> None:
    for old in session.exec(
        select(CostShare).where(CostShare.demand_type_id == demand_type.id)
    ).all():
        session.delete(old)
    session.flush()
    for partner_id, share in shares.items():
        session.add(
            CostShare(demand_type_id=demand_type.id, partner_id=partner_id, share_percent=share)  # type: ignore[arg-type]
        )
    session.flush()
