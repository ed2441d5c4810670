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
from planner.inputs.named import (
    NamedKind,
    create_named,
    delete_named,
    update_named,
    upsert_named,
)
from planner.inputs.validation import (
    InputNotFound,
    apply,
    counted,
    editable_fields,
    fetch,
    financial_years,
    join_words,
    merged,
    saving,
    validated,
)

CYCLE_FIELDS = editable_fields(CommissioningCycleCreate, "partner_id")


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


PARTNER = NamedKind(
    table=Partner,
    schema=PartnerCreate,
    entity="partner",
    label="partner",
    a_label="a partner",
    uses=partner_uses,
    # A partner's name speaks for itself in the audit log: "Added Kirklees Council".
    label_in_summary=False,
)


def create_partner(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> Partner:
    """Add a partner (an organisation that contributes money) to the partnership."""
    return create_named(session, PARTNER, fields, actor=actor, commit=commit)


def update_partner(
    session: Session,
    partner_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> Partner:
    """Change a partner's name, kind, district or notes; fields not given keep their value."""
    return update_named(session, PARTNER, partner_id, fields, actor=actor, commit=commit)


def upsert_partner(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> Partner:
    """Create the partner called fields['name'], or update it if it exists (for imports)."""
    return upsert_named(session, PARTNER, fields, actor=actor, commit=commit)


def delete_partner(
    session: Session, partner_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    """Delete a partner that nothing uses any more (its commissioning cycle goes with it)."""
    delete_named(session, PARTNER, partner_id, actor=actor, commit=commit)


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


def delete_cycle(
    session: Session, partner_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    """Delete a partner's commissioning cycle: the optimiser then treats every year as open for
    it. Nothing else refers to a cycle, so nothing can stop this."""
    partner = fetch(session, Partner, partner_id, "partner")
    cycle = partner_cycle(session, partner.id)  # type: ignore[arg-type]
    if cycle is None:
        raise InputNotFound(f"{partner.name} has no commissioning cycle recorded")
    before = _cycle_snapshot(partner, cycle)
    with saving(session, commit=commit):
        record_change(
            session,
            actor,
            "delete",
            "commissioning_cycle",
            cycle.id,
            before,
            None,
            f"Deleted {partner.name}'s commissioning cycle",
        )
        session.delete(cycle)
        session.flush()


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
