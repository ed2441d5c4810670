"""What the agreed plan allocates to a place, year by year, read from the plan as it was solved.

Figures come from the stored plan (allocations, who pays, value of demand avoided) and the
inputs snapshot it was solved with (target groups, eligible populations, provider capacity,
commissioning cycles and contracts), so the place summary agrees with the plan page and the
Excel workbook even after the live inputs change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import Session, col, select

import optimiser as opt
from models import Place, Plan, PlanAgreement
from models.vocabulary import financial_year_label
from planner.core.years import InFinancialYear
from planner.delivery.agreement import agreed_plan, current_agreement
from planner.delivery.service import DeliveryLine, PlaceScope, check_scope, delivery_against_plan
from planner.inputs.calendar import budget_setting_date
from planner.inputs.validation import fetch
from planner.plans.report import AllocationLine, build_report
from planner.solving.snapshot import inputs_from_snapshot
from planner.teams.demand import DemandLine, demand_by_allocation, demand_lines, place_entries
from planner.teams.sources import RatingSource, rating_sources


@dataclass(frozen=True)
class Funder:
    """A partner paying towards an allocation, and the commissioning date that matters for it."""

    partner: str
    amount: float
    commissioning: str


@dataclass(frozen=True)
class PlaceAllocation(InFinancialYear):
    """One intervention in this place in one year."""

    intervention: str
    year: int
    target_group: str
    participants: float
    eligible: float | None
    capacity: float | None
    cost: float
    value: float
    funders: tuple[Funder, ...]
    started: int | None = None
    completed: int | None = None
    # Units of each demand type (by name) this allocation is expected to avoid.
    demand_avoided: dict[str, float] = field(default_factory=dict)
    # Whole cohorts bought (interventions delivered in cohorts, whole people plans; else 0).
    cohorts: int = 0

    @property
    def capacity_used(self) -> float | None:
        """Share of the provider's capacity in this place that the plan uses."""
        if not self.capacity:
            return None
        return self.participants / self.capacity


@dataclass(frozen=True)
class YearSection(InFinancialYear):
    year: int
    rows: list[PlaceAllocation]

    @property
    def participants(self) -> float:
        return sum(row.participants for row in self.rows)

    @property
    def cost(self) -> float:
        return sum(row.cost for row in self.rows)

    @property
    def value(self) -> float:
        return sum(row.value for row in self.rows)


@dataclass
class PlaceSummary:
    place: Place
    agreement: PlanAgreement | None
    plan: Plan | None
    years: list[YearSection] = field(default_factory=list)
    demand: list[DemandLine] = field(default_factory=list)
    delivery: list[DeliveryLine] = field(default_factory=list)
    # The evidence rating each intervention had when the plan was solved, with its source.
    ratings: dict[str, RatingSource] = field(default_factory=dict)

    @property
    def participants(self) -> float:
        return sum(section.participants for section in self.years)

    @property
    def cost(self) -> float:
        return sum(section.cost for section in self.years)

    @property
    def value(self) -> float:
        return sum(section.value for section in self.years)

    @property
    def rows(self) -> list[PlaceAllocation]:
        return [row for section in self.years for row in section.rows]


def visible_places(session: Session, scope: PlaceScope) -> list[Place]:
    """The places a user may see: a place lead's own places, or every place."""
    statement = select(Place).order_by(col(Place.district), col(Place.name))
    if scope is not None:
        statement = statement.where(col(Place.id).in_(list(scope) or [-1]))
    return list(session.exec(statement).all())


def place_summary(session: Session, place_id: int, scope: PlaceScope) -> PlaceSummary:
    """Everything the agreed plan says about one place. Raises InputNotFound for an unknown
    place and OutsideYourPlaces for a place the user does not lead."""
    place = fetch(session, Place, place_id, "place")
    check_scope(place.id, scope)  # type: ignore[arg-type]
    plan = agreed_plan(session)
    summary = PlaceSummary(place=place, agreement=current_agreement(session), plan=plan)
    if plan is None:
        return summary
    lines = [line for line in build_report(plan).allocations if line.place == place.name]
    facts = _SolvedWith.read(plan)
    delivery = delivery_against_plan(session, plan.id, [place.id])  # type: ignore[arg-type, list-item]
    delivered = {(line.intervention, line.year): line for line in delivery}
    entries = place_entries(plan, place.name)
    demand_types = facts.demand_types
    avoided = demand_by_allocation(entries, facts.interventions.values(), demand_types)
    rows_by_year: dict[int, list[PlaceAllocation]] = defaultdict(list)
    for line in lines:
        if line.participants < 0.005 and line.cost < 0.005:
            continue
        record = delivered.get((line.intervention, line.year))
        allocation = facts.allocation(
            place.name,
            line,
            record.started if record else None,
            record.completed if record else None,
        )
        units = avoided.get((line.intervention, line.year), {})
        rows_by_year[line.year].append(replace(allocation, demand_avoided=units))
    summary.years = [YearSection(year, rows_by_year[year]) for year in sorted(rows_by_year)]
    summary.demand = demand_lines(entries, demand_types)
    summary.delivery = delivery
    summary.ratings = rating_sources(plan)
    return summary


def place_totals(session: Session, places: list[Place]) -> dict[str, tuple[float, float]]:
    """(participants, cost) of the agreed plan in each place, by place name."""
    plan = agreed_plan(session)
    totals: dict[str, tuple[float, float]] = {}
    if plan is None:
        return totals
    names = {place.name for place in places}
    for line in build_report(plan).allocations:
        if line.place in names:
            people, cost = totals.get(line.place, (0.0, 0.0))
            totals[line.place] = (people + line.participants, cost + line.cost)
    return totals


class _SolvedWith:
    """The inputs a plan was solved with, looked up by name."""

    def __init__(self, inputs: opt.PlanningInputs | None) -> None:
        self.inputs = inputs
        self.interventions = {i.name: i for i in inputs.interventions} if inputs else {}
        self.places = {p.name: p for p in inputs.places} if inputs else {}
        self.partners = {p.name: p for p in inputs.partners} if inputs else {}
        self.cycles = {c.partner: c for c in inputs.cycles} if inputs else {}
        self.demand_types = {d.key: d for d in inputs.demand_types} if inputs else {}
        self.contracts = list(inputs.contracts) if inputs else []

    @classmethod
    def read(cls, plan: Plan) -> _SolvedWith:
        try:
            return cls(inputs_from_snapshot(plan.inputs)[0])
        except (KeyError, TypeError, ValueError):
            # A plan stored before snapshots existed still shows its allocations.
            return cls(None)

    def allocation(
        self, place_name: str, line: AllocationLine, started: int | None, completed: int | None
    ) -> PlaceAllocation:
        intervention = self.interventions.get(line.intervention)
        place = self.places.get(place_name)
        target_group = intervention.target_group if intervention else ""
        eligible = place.population.get(target_group) if place and intervention else None
        capacity = None
        if intervention is not None:
            capacity = intervention.capacity
            if place is not None and intervention.key in place.capacity:
                capacity = place.capacity[intervention.key]
        funders = tuple(
            Funder(partner, amount, self.commissioning(partner, intervention, place, line.year))
            for partner, amount in line.paid_by
        )
        return PlaceAllocation(
            intervention=line.intervention,
            year=line.year,
            target_group=target_group,
            participants=line.participants,
            eligible=eligible,
            capacity=capacity,
            cost=line.cost,
            value=line.value,
            funders=funders,
            started=started,
            completed=completed,
            cohorts=line.cohorts,
        )

    def commissioning(
        self,
        partner_name: str,
        intervention: opt.Intervention | None,
        place: opt.Place | None,
        year: int,
    ) -> str:
        """The date that matters for this partner's funding: when its contract ends, or when its
        commissioning window opens next."""
        partner = self.partners.get(partner_name)
        if partner is None or intervention is None:
            return ""
        for contract in self.contracts:
            if (
                contract.partner == partner.key
                and contract.intervention == intervention.key
                and contract.place in (None, place.key if place else None)
                and year in contract.years
            ):
                return f"Contract ends 31 Mar {max(contract.years) + 1}"
        cycle = self.cycles.get(partner.key)
        if cycle is None:
            return "No commissioning cycle recorded"
        month = cycle.budget_setting_month
        if year in cycle.open_years:
            end = year + cycle.contract_length_years
            return (
                f"Window open {financial_year_label(year)} (budget set "
                f"{_short_month(budget_setting_date(year, month))}); new contract to 31 Mar {end}"
            )
        later = [y for y in sorted(cycle.open_years) if y > year]
        if later:
            return (
                f"Window next opens {financial_year_label(later[0])} (budget set "
                f"{_short_month(budget_setting_date(later[0], month))})"
            )
        return "Continues as contracted; no later window recorded"


def _short_month(date_text: str) -> str:
    """'February 2026' -> 'Feb 2026' (keeps the one-page summary to one page)."""
    month, _, year = date_text.partition(" ")
    return f"{month[:3]} {year}"


@dataclass(frozen=True)
class InterventionRow:
    """One intervention in this place across the plan's years."""

    intervention: str
    target_group: str
    cells: dict[int, PlaceAllocation]

    @property
    def cost(self) -> float:
        return sum(cell.cost for cell in self.cells.values())

    @property
    def value(self) -> float:
        return sum(cell.value for cell in self.cells.values())


@dataclass(frozen=True)
class FundingRow:
    """What one partner pays towards one intervention here, by year, and its key date."""

    intervention: str
    partner: str
    amounts: dict[int, float]
    commissioning: str

    @property
    def total(self) -> float:
        return sum(self.amounts.values())


def intervention_rows(summary: PlaceSummary) -> list[InterventionRow]:
    """The allocations as a table of interventions by financial year."""
    rows: dict[str, InterventionRow] = {}
    for allocation in summary.rows:
        row = rows.setdefault(
            allocation.intervention,
            InterventionRow(allocation.intervention, allocation.target_group, {}),
        )
        row.cells[allocation.year] = allocation
    return sorted(rows.values(), key=lambda row: -row.cost)


def funding_rows(summary: PlaceSummary) -> list[FundingRow]:
    """Who pays for each intervention here, by year, with the date that matters for the first
    year the partner pays."""
    rows: dict[tuple[str, str], FundingRow] = {}
    for allocation in sorted(summary.rows, key=lambda row: row.year):
        for funder in allocation.funders:
            key = (allocation.intervention, funder.partner)
            if key not in rows:
                rows[key] = FundingRow(
                    allocation.intervention, funder.partner, {}, funder.commissioning
                )
            rows[key].amounts[allocation.year] = (
                rows[key].amounts.get(allocation.year, 0.0) + funder.amount
            )
    order = {row.intervention: index for index, row in enumerate(intervention_rows(summary))}
    return sorted(rows.values(), key=lambda row: (order.get(row.intervention, 0), -row.total))


def summary_as_json(summary: PlaceSummary) -> dict[str, Any]:
    """The place summary as the API returns it."""
    return {
        "place": {
            "id": summary.place.id,
            "name": summary.place.name,
            "district": summary.place.district,
        },
        "agreed_plan_id": summary.plan.id if summary.plan else None,
        "scenario_name": summary.plan.scenario_name if summary.plan else None,
        "agreed_at": summary.agreement.agreed_at if summary.agreement and summary.plan else None,
        "allocations": [
            {
                "intervention": row.intervention,
                "year": row.year,
                "financial_year": row.year_label,
                "target_group": row.target_group,
                "participants": round(row.participants, 2),
                "cohorts": row.cohorts,
                "eligible_population": row.eligible,
                "provider_capacity": row.capacity,
                "capacity_used": None if row.capacity_used is None else round(row.capacity_used, 4),
                "cost": f"{row.cost:.2f}",
                "value_of_demand_avoided": f"{row.value:.2f}",
                "funders": [
                    {
                        "partner": f.partner,
                        "amount": f"{f.amount:.2f}",
                        "commissioning": f.commissioning,
                    }
                    for f in row.funders
                ],
                "people_started": row.started,
                "people_completed": row.completed,
            }
            for row in summary.rows
        ],
        "demand_reduction": [
            {
                "demand_type": d.name,
                "unit": d.unit,
                "units": round(d.units, 3),
                "value": f"{d.value:.2f}",
            }
            for d in summary.demand
        ],
    }
