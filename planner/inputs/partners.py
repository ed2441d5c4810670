"""Partners and their commissioning cycles: create, change, delete, each audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, func, select

from models import (
    BudgetLine,
    CommissioningCycle,
    CostShare,
    DemandType,
    ExistingContract,
    Partner,
    Scenario,
)
from models.partner import CommissioningCycleCreate, PartnerCreate
from planner.audit.service import Actor, record_change, snapshot
from planner.inputs.validation import (
    InputError,
    apply,
    by_name,
    counted,
    deletion_refusal,
    editable_fields,
    ensure_unique_name,
    fetch,
    financial_years,
    join_words,
    merged,
    saving,
    validated,
)

PARTNER_FIELDS = editable_fields(PartnerCreate)
CYCLE_FIELDS = editable_fields(CommissioningCycleCreate, "partner_id")


def create_partner(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> Partner:
    """Add a partner (an organisation that contributes money) to the partnership."""
    details = validated(PartnerCreate, merged(None, fields, PARTNER_FIELDS))
    ensure_unique_name(session, Partner, details.name, "a partner")
    partner = Partner(**details.model_dump())
    with saving(session, commit=commit):
        session.add(partner)
        session.flush()
        record_change(
            session, actor, "create", "partner", partner.id, None, partner, f"Added {partner.name}"
        )
    return partner


def update_partner(
    session: Session,
    partner_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> Partner:
    """Change a partner's name, kind, district or notes; fields not given keep their value."""
    partner = fetch(session, Partner, partner_id, "partner")
    details = validated(PartnerCreate, merged(partner, fields, PARTNER_FIELDS))
    ensure_unique_name(session, Partner, details.name, "a partner", partner.id)
    before = snapshot(partner)
    with saving(session, commit=commit):
        apply(partner, details)
        session.add(partner)
        record_change(
            session,
            actor,
            "update",
            "partner",
            partner.id,
            before,
            partner,
            f"Changed {partner.name}",
        )
    return partner


def upsert_partner(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> Partner:
    """Create the partner called fields['name'], or update it if it exists (for imports)."""
    existing = by_name(session, Partner, str(fields.get("name", "")))
    if existing is None:
        return create_partner(session, fields, actor=actor, commit=commit)
    return update_partner(session, existing.id, fields, actor=actor, commit=commit)  # type: ignore[arg-type]


def partner_uses(session: Session, partner: Partner) -> list[str]:
    """What would lose its meaning if this partner were deleted, in words."""
    lines = _count(session, BudgetLine, BudgetLine.partner_id == partner.id)
    contracts = _count(session, ExistingContract, ExistingContract.partner_id == partner.id)
    held = [counted(lines, "budget line")] if lines else []
    held += [counted(contracts, "existing contract")] if contracts else []
    uses = [f"it has {join_words(held)}"] if held else []
    shared = session.exec(
        select(DemandType.name)
        .join(CostShare, CostShare.demand_type_id == DemandType.id)  # type: ignore[arg-type]
        .where(CostShare.partner_id == partner.id)
        .order_by(DemandType.name)
    ).all()
    if shared:
        uses.append(f"it bears a share of the cost of {join_words(list(shared))}")
    scenarios = [
        scenario.name
        for scenario in session.exec(select(Scenario)).all()
        if str(partner.id) in (scenario.partner_fairness_overrides or {})
    ]
    if scenarios:
        uses.append(f"the fairness rules of scenario {join_words(scenarios)} name it")
    return uses


def delete_partner(
    session: Session, partner_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    """Delete a partner that nothing uses any more (its commissioning cycle goes with it)."""
    partner = fetch(session, Partner, partner_id, "partner")
    uses = partner_uses(session, partner)
    if uses:
        raise InputError({"__all__": deletion_refusal(partner.name, uses)})
    before = snapshot(partner)
    with saving(session, commit=commit):
        session.delete(partner)
        record_change(
            session, actor, "delete", "partner", partner_id, before, None, f"Deleted {partner.name}"
        )


def save_cycle(
    session: Session,
    partner_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> CommissioningCycle:
    """Record or change when a partner can commission: budget-setting month, the financial
    years its window is open (list or text like '2026/27, 2028/29') and its contract length."""
    partner = fetch(session, Partner, partner_id, "partner")
    cycle = partner_cycle(session, partner.id)  # type: ignore[arg-type]
    given = dict(fields)
    if "open_years" in given:
        given["open_years"] = financial_years(given["open_years"], "open_years")
    details = validated(
        CommissioningCycleCreate,
        {**merged(cycle, given, CYCLE_FIELDS), "partner_id": partner.id},
    )
    before = _cycle_snapshot(partner, cycle)
    with saving(session, commit=commit):
        if cycle is None:
            cycle = CommissioningCycle(**details.model_dump())
        else:
            apply(cycle, details, CYCLE_FIELDS)
        session.add(cycle)
        session.flush()
        record_change(
            session,
            actor,
            "create" if before is None else "update",
            "commissioning_cycle",
            cycle.id,
            before,
            _cycle_snapshot(partner, cycle),
            f"{'Recorded' if before is None else 'Changed'} {partner.name}'s commissioning cycle",
        )
    return cycle


def partner_cycle(session: Session, partner_id: int) -> CommissioningCycle | None:
    return session.exec(
        select(CommissioningCycle).where(CommissioningCycle.partner_id == partner_id)
    ).first()


def _cycle_snapshot(partner: Partner, cycle: CommissioningCycle | None) -> dict[str, Any] | None:
    if cycle is None:
        return None
    return {"partner": partner.name, **(snapshot(cycle) or {})}


def _count(session: Session, table: type, condition: Any) -> int:
    return session.exec(select(func.count()).select_from(table).where(condition)).one()
