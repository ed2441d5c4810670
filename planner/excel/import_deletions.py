"""Records a workbook leaves out: a sheet in the workbook is taken as the whole list of its
records, so a partner, place, intervention, demand type, budget line or existing contract that has
no row on its sheet is one the import can delete, when the user confirms that.

Each such record is listed with what depends on it. It is refused, with the reason, where the
agreed plan (the plan place-based teams deliver) or a delivery record still needs it, or where the
input services refuse to delete it (something not deleted with it still uses it). Records are
deleted children first (contracts and budget lines before partners, interventions before the
demand types their effects name), through the same services as the delete buttons, so each
deletion is checked and audited alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, func, select

from models import (
    BudgetLine,
    CapacityOverride,
    DeliveryRecord,
    DemandType,
    ExistingContract,
    Intervention,
    InterventionEffect,
    Partner,
    Place,
    PlacePopulation,
    PlanAllocation,
    PlanFunding,
)
from models.vocabulary import financial_year_label
from planner.audit.service import Actor
from planner.delivery.agreement import agreed_plan
from planner.excel import input_tables as tables
from planner.excel.import_reader import SheetRow
from planner.inputs.budgets import budget_line_uses, delete_budget_line
from planner.inputs.contracts import contract_words, delete_contract
from planner.inputs.demand import delete_demand_type, demand_type_uses
from planner.inputs.interventions import delete_intervention, intervention_uses
from planner.inputs.name_index import name_key
from planner.inputs.partners import delete_partner, partner_uses
from planner.inputs.places import delete_place, place_uses
from planner.inputs.validation import InputError, counted, financial_year, join_words

Rows = list[tuple[SheetRow, dict[str, Any]]]
Delete = Callable[..., None]


@dataclass(frozen=True)
class MissingRecord:
    """A record with no row on its sheet: what depends on it, and why it cannot be deleted
    (empty when it can). ``deleted`` says the import deleted it."""

    sheet: str
    label: str
    depends: str = ""
    refused: str = ""
    deleted: bool = False


@dataclass(frozen=True)
class Absent:
    """A record the workbook leaves out, with how to delete it and why it cannot be."""

    sheet: str
    label: str
    record_id: int
    delete: Delete
    depends: str
    needed: str  # why the agreed plan or a delivery record needs it; "" when nothing does


class AgreedPlanNeeds:
    """What the agreed plan and the delivery records use, read once per import."""

    def __init__(self, session: Session) -> None:
        plan = agreed_plan(session)
        self.plan_id = plan.id if plan else None
        self.paying: dict[str, Decimal] = {}
        self.spending: dict[tuple[str, int], Decimal] = {}
        self.places: set[str] = set()
        self.interventions: set[str] = set()
        if plan is not None:
            for funding in session.exec(select(PlanFunding).where(PlanFunding.plan_id == plan.id)):
                partner = name_key(funding.partner_name)
                self.paying[partner] = self.paying.get(partner, Decimal(0)) + funding.amount
                line = (partner, funding.year)
                self.spending[line] = self.spending.get(line, Decimal(0)) + funding.amount
            for allocation in session.exec(
                select(PlanAllocation).where(PlanAllocation.plan_id == plan.id)
            ):
                self.places.add(name_key(allocation.place_name))
                self.interventions.add(name_key(allocation.intervention_name))
        self.delivered: dict[tuple[str, int], int] = {}
        for column, kind in (
            (col(DeliveryRecord.place_id), "place"),
            (col(DeliveryRecord.intervention_id), "i"),
        ):
            for record_id, count in session.exec(select(column, func.count()).group_by(column)):
                self.delivered[(kind, record_id)] = count

    @property
    def plan(self) -> str:
        return f"the agreed plan (plan {self.plan_id})"

    def partner(self, partner: Partner) -> str:
        paid = self.paying.get(name_key(partner.name), Decimal(0))
        return f"{self.plan} has it paying £{paid:,.2f}" if paid > 0 else ""

    def budget_line(self, partner: Partner, line: BudgetLine) -> str:
        spent = self.spending.get((name_key(partner.name), line.year), Decimal(0))
        return f"{self.plan} spends £{spent:,.2f} from it" if spent > 0 else ""

    def delivery(self, kind: str, record_id: int | None) -> str:
        count = self.delivered.get((kind, record_id or 0), 0)
        return (
            f"{counted(count, 'delivery record')} {'is' if count == 1 else 'are'} kept against it"
            if count
            else ""
        )

    def place(self, place: Place) -> str:
        reasons = [self.delivery("place", place.id)]
        if name_key(place.name) in self.places:
            reasons.insert(0, f"{self.plan} delivers there")
        return join_words([reason for reason in reasons if reason])

    def intervention(self, intervention: Intervention) -> str:
        reasons = [self.delivery("i", intervention.id)]
        if name_key(intervention.name) in self.interventions:
            reasons.insert(0, f"{self.plan} funds it")
        return join_words([reason for reason in reasons if reason])


def _going_with(session: Session, record: Any) -> list[str]:
    """What is deleted together with a record: a place's populations and capacities, an
    intervention's effects and capacities."""
    if isinstance(record, Place):
        parts = [
            (PlacePopulation, PlacePopulation.place_id, "eligible population row"),
            (CapacityOverride, CapacityOverride.place_id, "capacity override"),
        ]
    elif isinstance(record, Intervention):
        parts = [
            (InterventionEffect, InterventionEffect.intervention_id, "effect"),
            (CapacityOverride, CapacityOverride.intervention_id, "capacity override"),
        ]
    else:
        return []
    words = []
    for table, column, label in parts:
        count = session.exec(
            select(func.count()).select_from(table).where(column == record.id)
        ).one()
        if count:
            words.append(counted(count, label))
    return [f"its {join_words(words)} go with it"] if words else []


def _named_absent(
    session: Session,
    sheet: str,
    table: type[Any],
    given: set[str],
    uses: Callable[[Session, Any], list[str]],
    needed: Callable[[Any], str],
    delete: Delete,
) -> list[Absent]:
    return [
        Absent(
            sheet, record.name, record.id, delete, "; ".join(uses(session, record)), needed(record)
        )
        for record in session.exec(select(table).order_by(table.name))
        if name_key(record.name) not in given
    ]


def find_absent(
    session: Session,
    parsed_rows: dict[str, list[SheetRow]],
    readable: dict[str, Rows],
    matched_contracts: Iterable[int],
) -> list[Absent]:
    """Every record of a sheet in the workbook that has no row there, in the order they can be
    deleted (children first)."""
    needs = AgreedPlanNeeds(session)
    absent: list[Absent] = []

    def names(sheet: str) -> set[str]:
        return {name_key(row.cells.get("name")) for row in parsed_rows.get(sheet, [])}

    if tables.CONTRACTS.name in parsed_rows:
        kept = set(matched_contracts)
        for contract in session.exec(select(ExistingContract).order_by(col(ExistingContract.id))):
            if contract.id not in kept:
                words = contract_words(session, contract)
                label = " · ".join(str(value) for value in words.values() if value)
                absent.append(
                    Absent(tables.CONTRACTS.name, label, contract.id, delete_contract, "", "")  # type: ignore[arg-type]
                )
    if tables.BUDGET_LINES.name in parsed_rows:
        given = {
            (name_key(values.get("partner")), financial_year(values["year"], "year"))
            for _row, values in readable.get(tables.BUDGET_LINES.name, [])
            if values.get("year") is not None
        }
        partners = {partner.id: partner for partner in session.exec(select(Partner))}
        for line in session.exec(
            select(BudgetLine).order_by(col(BudgetLine.partner_id), col(BudgetLine.year))
        ):
            partner = partners[line.partner_id]
            if (name_key(partner.name), line.year) in given:
                continue
            absent.append(
                Absent(
                    tables.BUDGET_LINES.name,
                    f"{partner.name} · {financial_year_label(line.year)}",
                    line.id,  # type: ignore[arg-type]
                    delete_budget_line,
                    "; ".join(budget_line_uses(session, line)),
                    needs.budget_line(partner, line),
                )
            )
    for sheet, table, uses, needed, delete in (
        (
            tables.INTERVENTIONS.name,
            Intervention,
            intervention_uses,
            needs.intervention,
            delete_intervention,
        ),
        (tables.PLACES.name, Place, place_uses, needs.place, delete_place),
        ("Demand types", DemandType, demand_type_uses, lambda _record: "", delete_demand_type),
        (tables.PARTNERS.name, Partner, partner_uses, needs.partner, delete_partner),
    ):
        if sheet in parsed_rows:
            absent.extend(_named_absent(session, sheet, table, names(sheet), uses, needed, delete))
    return absent


def delete_absent(
    session: Session, actor: Actor | None, absent: list[Absent]
) -> list[MissingRecord]:
    """Delete each absent record the agreed plan and deliveries do not need, through its input
    service (which refuses, in words, while something else still uses it); the caller owns the
    transaction. Returns each record with whether it was deleted or why not."""
    done: list[MissingRecord] = []
    for record in absent:
        refused = record.needed
        if not refused:
            try:
                record.delete(session, record.record_id, actor=actor, commit=False)
            except InputError as error:
                refused = "; ".join(error.errors.values())
        done.append(MissingRecord(record.sheet, record.label, record.depends, refused, not refused))
    return done


def listed_only(absent: list[Absent]) -> list[MissingRecord]:
    """The absent records as kept: listed, nothing deleted (the agreed plan's needs shown)."""
    return [MissingRecord(r.sheet, r.label, r.depends, r.needed) for r in absent]
