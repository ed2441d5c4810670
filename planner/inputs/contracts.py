"""Existing contracts: money partners have already committed, which every plan must respect."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from models import BudgetLine, ExistingContract, Intervention, Partner, Place
from models.partner import ExistingContractCreate
from models.rules import check_contract_years, check_contracts_within_budget
from models.vocabulary import financial_year_label
from planner.audit.service import Actor, record_change, snapshot
from planner.inputs.budgets import contracted_by_year
from planner.inputs.validation import (
    apply,
    check_rule,
    editable_fields,
    fetch,
    financial_years,
    merged,
    reference,
    saving,
    validated,
)

CONTRACT_FIELDS = editable_fields(ExistingContractCreate)


def create_contract(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> ExistingContract:
    """Record an existing contract (fields: partner_id, intervention_id, place_id or None for
    all places, years as a list or text like '2026/27, 2027/28', annual_amount, notes)."""
    details, words = _checked(session, None, fields)
    contract = ExistingContract(**details.model_dump())
    with saving(session, commit=commit):
        session.add(contract)
        session.flush()
        record_change(
            session,
            actor,
            "create",
            "existing_contract",
            contract.id,
            None,
            {**words, **(snapshot(contract) or {})},
            f"Added {words['description']}",
        )
    return contract


def update_contract(
    session: Session,
    contract_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> ExistingContract:
    """Change an existing contract; fields not given keep their value."""
    contract = fetch(session, ExistingContract, contract_id, "existing contract")
    before = {**contract_words(session, contract), **(snapshot(contract) or {})}
    details, words = _checked(session, contract, fields)
    with saving(session, commit=commit):
        apply(contract, details)
        session.add(contract)
        record_change(
            session,
            actor,
            "update",
            "existing_contract",
            contract.id,
            before,
            {**words, **(snapshot(contract) or {})},
            f"Changed {words['description']}",
        )
    return contract


def delete_contract(
    session: Session, contract_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    """Delete an existing contract (for example one entered by mistake or ended early)."""
    contract = fetch(session, ExistingContract, contract_id, "existing contract")
    before = {**contract_words(session, contract), **(snapshot(contract) or {})}
    with saving(session, commit=commit):
        session.delete(contract)
        record_change(
            session,
            actor,
            "delete",
            "existing_contract",
            contract_id,
            before,
            None,
            f"Deleted {before['description']}",
        )


def contract_words(session: Session, contract: ExistingContract) -> dict[str, str]:
    """Names of what a contract refers to, for the audit log and page headings."""
    partner = session.get(Partner, contract.partner_id)
    intervention = session.get(Intervention, contract.intervention_id)
    place = session.get(Place, contract.place_id) if contract.place_id else None
    return _words(partner, intervention, place, contract.years)


def _words(
    partner: Partner | None,
    intervention: Intervention | None,
    place: Place | None,
    years: list[int],
) -> dict[str, str]:
    partner_name = partner.name if partner else "?"
    intervention_name = intervention.name if intervention else "?"
    place_name = place.name if place else "all places"
    span = years_span(years)
    return {
        "partner": partner_name,
        "intervention": intervention_name,
        "place": place_name,
        "description": f"{partner_name}'s contract for {intervention_name} in {place_name} ({span})",
    }


def years_span(years: list[int]) -> str:
    """[2026, 2027] -> '2026/27 to 2027/28'; [2026] -> '2026/27'."""
    if not years:
        return "no years"
    ordered = sorted(years)
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 1:
        return f"{financial_year_label(ordered[0])} to {financial_year_label(ordered[-1])}"
    return ", ".join(financial_year_label(year) for year in ordered)


def _checked(
    session: Session, contract: ExistingContract | None, fields: Mapping[str, Any]
) -> tuple[ExistingContractCreate, dict[str, str]]:
    given = dict(fields)
    if "years" in given:
        given["years"] = financial_years(given["years"], "years")
    if given.get("place_id") == "":
        given["place_id"] = None
    values = merged(contract, given, CONTRACT_FIELDS)
    partner = reference(session, Partner, values.get("partner_id"), "partner_id", "partner")
    intervention = reference(
        session, Intervention, values.get("intervention_id"), "intervention_id", "intervention"
    )
    place = None
    if values.get("place_id") not in (None, ""):
        place = reference(session, Place, values["place_id"], "place_id", "place")
    details = validated(ExistingContractCreate, values)
    budgets = {
        line.year: line.maximum
        for line in session.exec(select(BudgetLine).where(BudgetLine.partner_id == partner.id))
    }
    check_rule(check_contract_years, partner.name, details.years, budgets)
    contracted = contracted_by_year(session, partner.id)  # type: ignore[arg-type]
    for year in details.years:
        already = contracted.get(year, Decimal(0))
        if contract is not None and contract.partner_id == partner.id and year in contract.years:
            already -= Decimal(contract.annual_amount)
        check_rule(
            check_contracts_within_budget,
            partner.name,
            year,
            already + details.annual_amount,
            budgets[year],
            "annual_amount",
        )
    return details, _words(partner, intervention, place, details.years)
