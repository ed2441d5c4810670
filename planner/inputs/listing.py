"""What the input pages show: read-only queries that gather a record with what belongs to it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from models import (
    BudgetLine,
    CapacityOverride,
    CommissioningCycle,
    CostShare,
    DemandType,
    ExistingContract,
    Intervention,
    InterventionEffect,
    Partner,
    Place,
    PlacePopulation,
)
from planner.inputs.calendar import current_financial_year
from planner.inputs.contracts import contract_words


@dataclass(frozen=True)
class PartnerRow:
    partner: Partner
    cycle: CommissioningCycle | None
    budget_lines: list[BudgetLine]

    @property
    def total_maximum(self) -> Decimal:
        return sum((line.maximum for line in self.budget_lines), Decimal(0))


@dataclass(frozen=True)
class ContractRow:
    contract: ExistingContract
    partner: str
    intervention: str
    place: str
    description: str

    @property
    def total(self) -> Decimal:
        return Decimal(self.contract.annual_amount) * len(self.contract.years)


@dataclass(frozen=True)
class BudgetMatrix:
    """Budget lines as partners by financial years, with totals per year."""

    years: list[int]
    rows: list[tuple[Partner, dict[int, BudgetLine]]]
    totals: dict[int, Decimal]
    minimum_totals: dict[int, Decimal]


def partner_rows(session: Session) -> list[PartnerRow]:
    cycles = {cycle.partner_id: cycle for cycle in session.exec(select(CommissioningCycle))}
    lines: dict[int, list[BudgetLine]] = defaultdict(list)
    for line in session.exec(select(BudgetLine).order_by(col(BudgetLine.year))):
        lines[line.partner_id].append(line)
    return [
        PartnerRow(partner, cycles.get(partner.id), lines.get(partner.id, []))  # type: ignore[arg-type]
        for partner in session.exec(select(Partner).order_by(Partner.name))
    ]


def partner_row(session: Session, partner: Partner) -> PartnerRow:
    cycle = session.exec(
        select(CommissioningCycle).where(CommissioningCycle.partner_id == partner.id)
    ).first()
    lines = session.exec(
        select(BudgetLine).where(BudgetLine.partner_id == partner.id).order_by(col(BudgetLine.year))
    ).all()
    return PartnerRow(partner, cycle, list(lines))


def contract_rows(
    session: Session,
    *,
    partner_id: int | None = None,
    intervention_id: int | None = None,
    place_id: int | None = None,
) -> list[ContractRow]:
    query = select(ExistingContract)
    if partner_id is not None:
        query = query.where(ExistingContract.partner_id == partner_id)
    if intervention_id is not None:
        query = query.where(ExistingContract.intervention_id == intervention_id)
    if place_id is not None:
        query = query.where(ExistingContract.place_id == place_id)
    rows = []
    for contract in session.exec(query):
        words = contract_words(session, contract)
        rows.append(
            ContractRow(
                contract,
                words["partner"],
                words["intervention"],
                words["place"],
                words["description"],
            )
        )
    return sorted(rows, key=lambda row: (row.partner, row.intervention, row.contract.years))


def budget_matrix(session: Session) -> BudgetMatrix:
    lines = session.exec(select(BudgetLine)).all()
    years = sorted({line.year for line in lines})
    by_partner: dict[int, dict[int, BudgetLine]] = defaultdict(dict)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    minimum_totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        by_partner[line.partner_id][line.year] = line
        totals[line.year] += line.maximum
        minimum_totals[line.year] += line.minimum or Decimal(0)
    partners = session.exec(select(Partner).order_by(Partner.name)).all()
    return BudgetMatrix(
        years=years,
        rows=[(partner, by_partner.get(partner.id, {})) for partner in partners],  # type: ignore[arg-type]
        totals=dict(totals),
        minimum_totals=dict(minimum_totals),
    )


def candidate_years(session: Session) -> list[int]:
    """Financial years to offer in forms: the budget years and a little either side."""
    years = set(session.exec(select(BudgetLine.year)).all())
    for cycle in session.exec(select(CommissioningCycle)):
        years.update(cycle.open_years)
    for contract in session.exec(select(ExistingContract)):
        years.update(contract.years)
    now = current_financial_year()
    first = min(years | {now}) - 1
    last = max(years | {now + 4}) + 1
    return list(range(first, last + 1))


def demand_rows(session: Session) -> list[tuple[DemandType, list[tuple[Partner, Decimal]]]]:
    shares: dict[int, list[tuple[Partner, Decimal]]] = defaultdict(list)
    for share, partner in session.exec(
        select(CostShare, Partner).join(Partner, CostShare.partner_id == Partner.id)  # type: ignore[arg-type]
    ):
        shares[share.demand_type_id].append((partner, share.share_percent))
    return [
        (demand_type, sorted(shares.get(demand_type.id, []), key=lambda s: (-s[1], s[0].name)))  # type: ignore[arg-type]
        for demand_type in session.exec(select(DemandType).order_by(DemandType.name))
    ]


def effect_rows(
    session: Session, intervention_id: int
) -> list[tuple[InterventionEffect, DemandType]]:
    return list(
        session.exec(
            select(InterventionEffect, DemandType)
            .join(DemandType, InterventionEffect.demand_type_id == DemandType.id)  # type: ignore[arg-type]
            .where(InterventionEffect.intervention_id == intervention_id)
            .order_by(DemandType.name)
        ).all()
    )


def effect_counts(session: Session) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for intervention_id in session.exec(select(InterventionEffect.intervention_id)):
        counts[intervention_id] += 1
    return dict(counts)


def populations(session: Session, place_id: int) -> list[PlacePopulation]:
    return list(
        session.exec(
            select(PlacePopulation)
            .where(PlacePopulation.place_id == place_id)
            .order_by(PlacePopulation.target_group)
        ).all()
    )


def population_totals(session: Session) -> dict[int, list[PlacePopulation]]:
    rows: dict[int, list[PlacePopulation]] = defaultdict(list)
    for row in session.exec(select(PlacePopulation).order_by(PlacePopulation.target_group)):
        rows[row.place_id].append(row)
    return dict(rows)


def capacity_rows(
    session: Session, *, place_id: int | None = None, intervention_id: int | None = None
) -> list[tuple[CapacityOverride, Place, Intervention]]:
    query = (
        select(CapacityOverride, Place, Intervention)
        .join(Place, CapacityOverride.place_id == Place.id)  # type: ignore[arg-type]
        .join(Intervention, CapacityOverride.intervention_id == Intervention.id)  # type: ignore[arg-type]
    )
    if place_id is not None:
        query = query.where(CapacityOverride.place_id == place_id)
    if intervention_id is not None:
        query = query.where(CapacityOverride.intervention_id == intervention_id)
    return list(session.exec(query.order_by(Place.name, Intervention.name)).all())
