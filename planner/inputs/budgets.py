"""Budget lines: what each partner can put into the pool in each financial year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from models import BudgetLine, ExistingContract, Partner, Place, Scenario, ScenarioBudgetOverride
from models.intervention import InterventionCategory
from models.partner import BudgetLineCreate
from models.rules import check_contracts_within_budget
from models.vocabulary import financial_year_label
from planner.audit.service import Actor, record_change, snapshot
from planner.inputs.validation import (
    InputConflict,
    InputError,
    apply,
    check_rule,
    deletion_refusal,
    editable_fields,
    fetch,
    financial_year,
    join_words,
    merged,
    reference,
    saving,
    validated,
)

BUDGET_FIELDS = editable_fields(BudgetLineCreate)


def create_budget_line(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> BudgetLine:
    """Add one partner's budget for one financial year (fields: partner_id, year, maximum,
    minimum, status, ring_fence categories, districts)."""
    partner, details = _checked(session, None, fields)
    line = BudgetLine(**details.model_dump())
    with saving(session, commit=commit):
        session.add(line)
        session.flush()
        record_change(
            session,
            actor,
            "create",
            "budget_line",
            line.id,
            None,
            _snapshot(partner, line),
            f"Added {describe(partner, line)}",
        )
    return line


def update_budget_line(
    session: Session,
    line_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> BudgetLine:
    """Change a budget line; fields not given keep their value."""
    line = fetch(session, BudgetLine, line_id, "budget line")
    old_partner = fetch(session, Partner, line.partner_id, "partner")
    before = _snapshot(old_partner, line)
    partner, details = _checked(session, line, fields)
    if (partner.id, details.year) != (old_partner.id, line.year):
        _check_year_can_go(session, old_partner, line)
    with saving(session, commit=commit):
        apply(line, details)
        session.add(line)
        record_change(
            session,
            actor,
            "update",
            "budget_line",
            line.id,
            before,
            _snapshot(partner, line),
            f"Changed {describe(partner, line)}",
        )
    return line


def save_budget_line(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> BudgetLine:
    """Create or update the budget line of fields['partner_id'] for fields['year'] (imports)."""
    year = financial_year(fields.get("year"), "year")
    existing = session.exec(
        select(BudgetLine).where(
            BudgetLine.partner_id == fields.get("partner_id"), BudgetLine.year == year
        )
    ).first()
    if existing is None:
        return create_budget_line(session, fields, actor=actor, commit=commit)
    return update_budget_line(session, existing.id, fields, actor=actor, commit=commit)  # type: ignore[arg-type]


def budget_line_uses(session: Session, line: BudgetLine) -> list[str]:
    """What depends on this budget line, in words."""
    partner = fetch(session, Partner, line.partner_id, "partner")
    uses = []
    try:
        _check_year_can_go(session, partner, line)
    except InputError as error:
        uses.append(next(iter(error.errors.values())))
    scenarios = session.exec(
        select(Scenario.name)
        .join(ScenarioBudgetOverride, ScenarioBudgetOverride.scenario_id == Scenario.id)  # type: ignore[arg-type]
        .where(ScenarioBudgetOverride.budget_line_id == line.id)
        .order_by(Scenario.name)
    ).all()
    if scenarios:
        uses.append(f"scenario {join_words(list(scenarios))} overrides it")
    return uses


def delete_budget_line(
    session: Session, line_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    """Delete a budget line no existing contract or scenario relies on."""
    line = fetch(session, BudgetLine, line_id, "budget line")
    partner = fetch(session, Partner, line.partner_id, "partner")
    uses = budget_line_uses(session, line)
    if uses:
        raise InputConflict({"__all__": deletion_refusal(describe(partner, line), uses)})
    before = _snapshot(partner, line)
    with saving(session, commit=commit):
        session.delete(line)
        record_change(
            session,
            actor,
            "delete",
            "budget_line",
            line_id,
            before,
            None,
            f"Deleted {describe(partner, line)}",
        )


def describe(partner: Partner, line: BudgetLine) -> str:
    return f"{partner.name}'s {financial_year_label(line.year)} budget line"


def contracted_by_year(session: Session, partner_id: int) -> dict[int, Decimal]:
    """Money a partner's existing contracts already commit in each financial year."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    contracts = session.exec(
        select(ExistingContract).where(ExistingContract.partner_id == partner_id)
    ).all()
    for contract in contracts:
        for year in contract.years:
            totals[int(year)] += Decimal(contract.annual_amount)
    return dict(totals)


def _checked(
    session: Session, line: BudgetLine | None, fields: Mapping[str, Any]
) -> tuple[Partner, BudgetLineCreate]:
    given = dict(fields)
    if "year" in given:
        given["year"] = financial_year(given["year"], "year")
    values = merged(line, given, BUDGET_FIELDS)
    partner = reference(session, Partner, values.get("partner_id"), "partner_id", "partner")
    details = validated(BudgetLineCreate, values, record_field="minimum")
    unknown = [c for c in details.ring_fence if c not in set(InterventionCategory)]
    if unknown:
        raise InputError(
            {
                "ring_fence": f"'{unknown[0]}' is not an intervention category; use "
                + ", ".join(category.value for category in InterventionCategory)
            }
        )
    details.districts = _known_districts(session, details.districts)
    clash = session.exec(
        select(BudgetLine).where(
            BudgetLine.partner_id == partner.id,
            BudgetLine.year == details.year,
            BudgetLine.id != (line.id if line else None),
        )
    ).first()
    if clash is not None:
        raise InputConflict(
            {
                "year": f"{partner.name} already has a budget line for "
                f"{financial_year_label(details.year)}; change that one instead"
            }
        )
    contracted = contracted_by_year(session, partner.id)  # type: ignore[arg-type]
    check_rule(
        check_contracts_within_budget,
        partner.name,
        details.year,
        contracted.get(details.year, Decimal(0)),
        details.maximum,
    )
    return partner, details


def partnership_districts(session: Session) -> list[str]:
    """The districts the partnership works in: those of its places and partners."""
    places = session.exec(select(Place.district)).all()
    partners = session.exec(select(Partner.district)).all()
    return sorted({district for district in (*places, *partners) if district})


def _known_districts(session: Session, given: list[str]) -> list[str]:
    """The districts a budget line names, spelled as the places and partners spell them; a
    district no place or partner is in would quietly fund nothing, so it is refused."""
    known = {district.lower(): district for district in partnership_districts(session)}
    wanted = [district.strip() for district in given if district and district.strip()]
    unknown = [district for district in wanted if district.lower() not in known]
    if unknown:
        choices = (
            f"use one of: {', '.join(sorted(known.values()))}"
            if known
            else "add a place in that district first"
        )
        raise InputError(
            {"districts": f"'{unknown[0]}' is not the district of any place or partner; {choices}"}
        )
    return sorted({known[district.lower()] for district in wanted})


def _check_year_can_go(session: Session, partner: Partner, line: BudgetLine) -> None:
    """Existing contracts in this line's year need a budget line for that year."""
    remaining = session.exec(
        select(BudgetLine.year).where(BudgetLine.partner_id == partner.id, BudgetLine.id != line.id)
    ).all()
    contracted = contracted_by_year(session, partner.id)  # type: ignore[arg-type]
    if line.year in contracted and line.year not in remaining:
        raise InputError(
            {
                "year": f"{partner.name}'s existing contracts spend "
                f"£{contracted[line.year]:,.2f} in {financial_year_label(line.year)}, "
                "so that year needs a budget line"
            }
        )


def _snapshot(partner: Partner, line: BudgetLine) -> dict[str, Any]:
    return {"partner": partner.name, **(snapshot(line) or {})}
