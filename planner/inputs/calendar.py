"""The commissioning calendar: for each partner and financial year, when it sets its budget,
whether its commissioning window is open and which contracts end, so the partnership can see
when it can act together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from models import BudgetLine, CommissioningCycle, ExistingContract, Intervention, Partner, Place
from models.vocabulary import MONTH_NAMES, financial_year_label

MAX_YEARS = 10


@dataclass(frozen=True)
class CalendarCell:
    """One partner in one financial year."""

    year: int
    budget_set: str | None = None
    window_open: bool = False
    new_contracts_until: int | None = None
    contract_ends: list[str] = field(default_factory=list)

    @property
    def new_contracts_label(self) -> str | None:
        if self.new_contracts_until is None:
            return None
        return financial_year_label(self.new_contracts_until)


@dataclass(frozen=True)
class CalendarRow:
    partner: Partner
    cycle: CommissioningCycle | None
    cells: list[CalendarCell]


@dataclass(frozen=True)
class CommissioningCalendar:
    years: list[int]
    rows: list[CalendarRow]
    open_counts: dict[int, int]
    partners_with_cycles: int

    def label(self, year: int) -> str:
        return financial_year_label(year)

    @property
    def joint_years(self) -> list[int]:
        """Years in which every partner with a recorded cycle has its window open."""
        if not self.partners_with_cycles:
            return []
        return [y for y in self.years if self.open_counts.get(y) == self.partners_with_cycles]


def budget_setting_date(financial_year: int, month: int) -> str:
    """When the budget for a financial year is set: a February budget for 2026/27 is set in
    February 2026 and an April one in April 2026 (as the year starts, like a grant confirmed
    then); an October one in October 2025, the autumn before the year."""
    calendar_year = financial_year if month <= 4 else financial_year - 1
    return f"{MONTH_NAMES[month - 1]} {calendar_year}"


def current_financial_year(today: date | None = None) -> int:
    today = today or date.today()
    return today.year if today.month >= 4 else today.year - 1


def planning_years(session: Session) -> list[int]:
    """The financial years the partnership is planning: those with budget lines, or else those
    its cycles and contracts mention, or else this year and the next two."""
    years = set(session.exec(select(BudgetLine.year)).all())
    if not years:
        for cycle in session.exec(select(CommissioningCycle)).all():
            years.update(cycle.open_years)
        for contract in session.exec(select(ExistingContract)).all():
            years.update(contract.years)
    if not years:
        first = current_financial_year()
        return [first, first + 1, first + 2]
    first = min(years)
    return list(range(first, min(max(years), first + MAX_YEARS - 1) + 1))


def build_calendar(session: Session) -> CommissioningCalendar:
    """The grid of partners by financial year across the planning years."""
    years = planning_years(session)
    partners = session.exec(select(Partner).order_by(Partner.name)).all()
    cycles = {cycle.partner_id: cycle for cycle in session.exec(select(CommissioningCycle)).all()}
    interventions = dict(session.exec(select(Intervention.id, Intervention.name)).all())
    places = dict(session.exec(select(Place.id, Place.name)).all())
    ends: dict[tuple[int, int], list[str]] = {}
    for contract in session.exec(select(ExistingContract)).all():
        if not contract.years:
            continue
        where = places.get(contract.place_id, "all places") if contract.place_id else "all places"
        what = f"{interventions.get(contract.intervention_id, '?')} ({where})"
        ends.setdefault((contract.partner_id, max(contract.years)), []).append(what)

    rows = []
    open_counts = {year: 0 for year in years}
    for partner in partners:
        cycle = cycles.get(partner.id)  # type: ignore[arg-type]
        cells = []
        for year in years:
            is_open = bool(cycle and year in cycle.open_years)
            if is_open:
                open_counts[year] += 1
            cells.append(
                CalendarCell(
                    year=year,
                    budget_set=(
                        budget_setting_date(year, cycle.budget_setting_month) if cycle else None
                    ),
                    window_open=is_open,
                    new_contracts_until=(
                        year + cycle.contract_length_years - 1 if cycle and is_open else None
                    ),
                    contract_ends=sorted(ends.get((partner.id, year), [])),  # type: ignore[arg-type]
                )
            )
        rows.append(CalendarRow(partner=partner, cycle=cycle, cells=cells))
    return CommissioningCalendar(
        years=years, rows=rows, open_counts=open_counts, partners_with_cycles=len(cycles)
    )
