"""Which existing contract each row of the Existing contracts sheet is.

Contracts have no name. A partner's money for one intervention in one place (or all places) is
one contract in any year, so a row is the contract with the same partner, intervention and place
whose years overlap the row's: editing a contract's years on its row changes that contract
rather than adding a second one beside it, which would count the committed money twice. Rows
that would leave two contracts sharing a year are problems, in words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from models import ExistingContract, Intervention, Partner, Place
from planner.excel.import_reader import SheetRow
from planner.inputs.contracts import years_span
from planner.inputs.validation import InputError, by_name, financial_years

Holder = tuple[int | None, int | None, int | None]  # partner, intervention, place ids

ABOUT_CONTRACTS = (
    "Existing contracts have no name: a row is the contract with the same partner, "
    "intervention and place whose years overlap the row's, so change a contract's years on its "
    "own row. Two contracts for the same partner, intervention and place may not share a year."
)


@dataclass(frozen=True)
class ContractMatch:
    """What a contract row does: update `existing` (a contract id), create one (None), or
    neither, for the `problem` given."""

    existing: int | None = None
    problem: str = ""


def match_contracts(
    session: Session, rows: Sequence[tuple[SheetRow, dict[str, Any]]]
) -> dict[int, ContractMatch]:
    """Each contract row's match, by sheet row number. Rows whose partner, intervention, place
    or years cannot be read are left out: importing them reports why."""
    wanted: dict[Holder, list[tuple[int, list[int]]]] = defaultdict(list)
    for row, values in rows:
        holder = _holder(session, values)
        try:
            years = financial_years(values.get("years"), "years")
        except InputError:
            continue
        if None not in holder[:2] and years:
            wanted[holder].append((row.number, years))
    recorded: dict[Holder, list[ExistingContract]] = defaultdict(list)
    for contract in session.exec(select(ExistingContract)):
        holder = (contract.partner_id, contract.intervention_id, contract.place_id)
        recorded[holder].append(contract)
    matches: dict[int, ContractMatch] = {}
    for holder, given in wanted.items():
        matches.update(_match_holder(given, recorded.get(holder, [])))
    return matches


def _match_holder(
    given: list[tuple[int, list[int]]], recorded: list[ExistingContract]
) -> dict[int, ContractMatch]:
    """Matches for one partner, intervention and place: first rows giving a contract's years as
    they are, then rows overlapping one contract no other row has taken."""
    claimed: dict[int, int] = {}  # contract id -> the row that is it
    matches: dict[int, ContractMatch] = {}
    for number, years in given:
        same = next((c for c in recorded if sorted(c.years) == years and c.id not in claimed), None)
        if same is not None and same.id is not None:
            claimed[same.id] = number
            matches[number] = ContractMatch(same.id)
    for number, years in given:
        if number in matches:
            continue
        overlapping = [c for c in recorded if set(c.years) & set(years)]
        free = [c for c in overlapping if c.id not in claimed]
        if len(overlapping) > 1 and len(free) != 1:
            spans = " and ".join(years_span(sorted(c.years)) for c in overlapping)
            matches[number] = ContractMatch(
                problem=f"overlaps {len(overlapping)} existing contracts ({spans}); give each "
                "on its own row with its years as they are, then change them one at a time"
            )
        elif free and free[0].id is not None:
            claimed[free[0].id] = number
            matches[number] = ContractMatch(free[0].id)
        elif overlapping:
            taken = overlapping[0]
            given_on = claimed.get(taken.id) if taken.id is not None else None
            matches[number] = ContractMatch(
                problem=f"overlaps the existing contract for {years_span(sorted(taken.years))} "
                f"(row {given_on}); change its years on that row instead of adding another"
            )
        else:
            matches[number] = ContractMatch(None)
    # The contracts as they would be: no two may share a year.
    after = [(number, years) for number, years in given if not matches[number].problem]
    after += [(0, sorted(c.years)) for c in recorded if c.id not in claimed]
    for index, (number, years) in enumerate(after):
        if number == 0:
            continue
        for other, other_years in after[:index] + after[index + 1 :]:
            if not set(years) & set(other_years) or (other and other > number):
                continue
            where = f"row {other}" if other else "an existing contract not on this sheet"
            matches[number] = ContractMatch(
                problem=f"its years overlap {where} ({years_span(other_years)}) for the same "
                "partner, intervention and place; two contracts may not share a year, as that "
                "would count the money twice"
            )
            break
    return matches


def _holder(session: Session, values: dict[str, Any]) -> Holder:
    partner = by_name(session, Partner, str(values.get("partner") or ""))
    intervention = by_name(session, Intervention, str(values.get("intervention") or ""))
    place = by_name(session, Place, str(values["place"])) if values.get("place") else None
    place_id = place.id if place is not None else None
    if values.get("place") and place is None:
        return (None, None, None)  # an unknown place: its row reports it
    return (
        partner.id if partner is not None else None,
        intervention.id if intervention is not None else None,
        place_id,
    )
