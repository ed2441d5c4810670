"""Spend against the agreed plan: variance by partner, intervention, place and quarter, the
forecast outturn, headroom in each partner's budget, and cost per person delivered.

The plan says what each partner pays for each allocation (intervention, place, year). A quarter's
planned spend is a quarter of the year's: the optimiser plans whole years, and an even profile is
the assumption a finance lead can see and overwrite with a forecast. An in-year re-plan is the
exception in the year it re-planned from: it holds the money spent in the quarters already
reported, so its plan for those quarters is what was spent (each allocation's actuals, shared by
the partners' planned shares), and the rest of its year is spread over the quarters still to
come. The forecast outturn for a year adds, quarter by quarter, the actual where one is
recorded, else the forecast, else the planned quarter (nothing, for a quarter the re-plan held:
it was over). Variance is outturn less plan: positive is an overspend.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session, select

from models import DeliveryRecord, Intervention, Partner, Place, Plan, SpendRecord
from models.plan import PlanKind
from models.spend import QUARTERS

PENNY = Decimal("0.01")
Key = tuple[str, str, str]  # partner, intervention, place


def pounds(amount: float | Decimal) -> Decimal:
    return Decimal(str(amount)).quantize(PENNY)


@dataclass
class SpendLine:
    """One allocation's money for one partner in one year: plan, actuals, forecasts."""

    partner: str
    intervention: str
    place: str
    year: int
    planned: Decimal = Decimal(0)
    actual: dict[int, Decimal] = field(default_factory=dict)
    forecast: dict[int, Decimal] = field(default_factory=dict)
    # The plan's money in the quarters whose spend it held when re-planned in this year (none
    # otherwise): the allocation's actuals in each, shared by the partners' planned shares.
    held: dict[int, Decimal] = field(default_factory=dict)

    def planned_quarter(self, quarter: int) -> Decimal:
        """A quarter of the year's plan; the last takes the pennies the others rounded off.

        Held quarters plan what was held for them; the rest of the year is spread evenly over
        the others."""
        if quarter in self.held:
            return self.held[quarter]
        later = [q for q in QUARTERS if q not in self.held] or list(QUARTERS)
        rest = self.planned - sum(self.held.values(), Decimal(0))
        share = (rest / len(later)).quantize(PENNY)
        return rest - (len(later) - 1) * share if quarter == later[-1] else share

    def quarter_outturn(self, quarter: int) -> Decimal:
        if quarter in self.actual:
            return self.actual[quarter]
        if quarter in self.forecast:
            return self.forecast[quarter]
        if quarter in self.held:
            return Decimal(0)  # a quarter over when re-planned: nothing recorded, nothing spent
        return self.planned_quarter(quarter)

    @property
    def spent(self) -> Decimal:
        return sum(self.actual.values(), Decimal(0))

    @property
    def outturn(self) -> Decimal:
        return sum((self.quarter_outturn(q) for q in QUARTERS), Decimal(0))

    @property
    def variance(self) -> Decimal:
        return self.outturn - self.planned

    @property
    def reported(self) -> bool:
        return bool(self.actual or self.forecast)


@dataclass(frozen=True)
class VarianceRow:
    """Plan, spent so far, forecast outturn and variance for one group of lines."""

    label: str
    planned: Decimal
    spent: Decimal
    outturn: Decimal

    @property
    def variance(self) -> Decimal:
        return self.outturn - self.planned

    @property
    def direction(self) -> str:
        if abs(self.variance) < 1:
            return "on plan"
        return "overspend" if self.variance > 0 else "underspend"


@dataclass(frozen=True)
class Headroom:
    """A partner's budget in the year against its forecast outturn."""

    partner: str
    budget: Decimal
    planned: Decimal
    outturn: Decimal

    @property
    def headroom(self) -> Decimal:
        return self.budget - self.outturn


@dataclass(frozen=True)
class CostPerPerson:
    """Cost per person started: planned (the plan's cost over its participants) and delivered
    (actual spend so far over people started so far, from the place lead's delivery record)."""

    intervention: str
    place: str
    planned_people: float
    planned_cost: Decimal
    started: int | None
    spent: Decimal

    @property
    def planned_each(self) -> Decimal | None:
        return (
            pounds(self.planned_cost / Decimal(str(self.planned_people)))
            if self.planned_people
            else None
        )

    @property
    def delivered_each(self) -> Decimal | None:
        return pounds(self.spent / self.started) if self.started and self.spent else None


@dataclass
class YearSpend:
    """Everything the spend page and the return show for one year of the agreed plan."""

    plan: Plan
    year: int
    lines: list[SpendLine]
    budgets: dict[str, Decimal]
    delivery: dict[tuple[str, str], int]

    def total(self) -> VarianceRow:
        return _row("All", self.lines)

    def by(self, what: str) -> list[VarianceRow]:
        key_of: Callable[[SpendLine], str] = {
            "partner": lambda ln: ln.partner,
            "intervention": lambda ln: ln.intervention,
            "place": lambda ln: ln.place,
        }[what]
        groups: dict[str, list[SpendLine]] = defaultdict(list)
        for line in self.lines:
            groups[key_of(line)].append(line)
        return [_row(label, lines) for label, lines in sorted(groups.items())]

    def by_quarter(self) -> list[VarianceRow]:
        rows = []
        for quarter in QUARTERS:
            planned = sum((ln.planned_quarter(quarter) for ln in self.lines), Decimal(0))
            spent = sum((ln.actual.get(quarter, Decimal(0)) for ln in self.lines), Decimal(0))
            outturn = sum((ln.quarter_outturn(quarter) for ln in self.lines), Decimal(0))
            rows.append(VarianceRow(f"Quarter {quarter}", planned, spent, outturn))
        return rows

    def headroom(self) -> list[Headroom]:
        rows = []
        for row in self.by("partner"):
            rows.append(
                Headroom(
                    row.label, self.budgets.get(row.label, Decimal(0)), row.planned, row.outturn
                )
            )
        return rows

    def cost_per_person(
        self, people: dict[tuple[str, str], tuple[float, Decimal]]
    ) -> list[CostPerPerson]:
        spent: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for line in self.lines:
            spent[(line.intervention, line.place)] += line.spent
        return [
            CostPerPerson(
                intervention,
                place,
                planned,
                cost,
                self.delivery.get((intervention, place)),
                spent.get((intervention, place), Decimal(0)),
            )
            for (intervention, place), (planned, cost) in sorted(people.items())
        ]

    @property
    def reported_quarters(self) -> list[int]:
        return sorted({q for line in self.lines for q in line.actual})


def _row(label: str, lines: Iterable[SpendLine]) -> VarianceRow:
    lines = list(lines)
    return VarianceRow(
        label,
        sum((ln.planned for ln in lines), Decimal(0)),
        sum((ln.spent for ln in lines), Decimal(0)),
        sum((ln.outturn for ln in lines), Decimal(0)),
    )


def plan_years(plan: Plan) -> list[int]:
    return sorted({int(a["year"]) for a in (plan.result or {}).get("allocations", [])})


def planned_payments(
    plan: Plan, year: int | None = None
) -> dict[tuple[str, str, str, int], Decimal]:
    """What each partner pays for each allocation in the plan, to the penny."""
    payments: dict[tuple[str, str, str, int], Decimal] = defaultdict(Decimal)
    for allocation in (plan.result or {}).get("allocations", []):
        if year is not None and int(allocation["year"]) != year:
            continue
        for payment in allocation.get("funding", []):
            key = (
                payment["partner"],
                allocation["intervention"],
                allocation["place"],
                int(allocation["year"]),
            )
            payments[key] += pounds(payment["amount"])
    return payments


def planned_people(plan: Plan, year: int) -> dict[tuple[str, str], tuple[float, Decimal]]:
    people: dict[tuple[str, str], tuple[float, Decimal]] = {}
    for allocation in (plan.result or {}).get("allocations", []):
        if int(allocation["year"]) == year and allocation["participants"] > 0:
            people[(allocation["intervention"], allocation["place"])] = (
                float(allocation["participants"]),
                pounds(allocation["cost"]),
            )
    return people


def held_quarters(plan: Plan, year: int, records: Iterable[SpendRecord]) -> tuple[int, ...]:
    """The quarters of ``year`` whose spend the plan held: for an in-year re-plan in the year it
    re-planned from, those with actuals when it was asked for (re-plans asked for before that
    was kept: those with actuals now); none for any other plan or year."""
    followup = (plan.inputs or {}).get("followup") or {}
    if plan.kind != PlanKind.REPLAN or followup.get("from_year") != year:
        return ()
    if "quarters_reported" in followup:
        return tuple(sorted(int(quarter) for quarter in followup["quarters_reported"]))
    return tuple(sorted({record.quarter for record in records if record.actual is not None}))


def _hold_quarters(lines: Iterable[SpendLine], quarters: tuple[int, ...]) -> None:
    """Give each line its plan for the held quarters. A pooled plan's payments say what share of
    an allocation each partner pays, not which partner's invoices came in first, so the held
    money is the allocation's actuals in each quarter, all partners together, shared by the
    partners' planned shares. An allocation planned below what it had spent keeps the even
    profile: the re-plan did not hold it."""
    if not quarters or len(quarters) == len(QUARTERS):
        return
    allocations: dict[tuple[str, str], list[SpendLine]] = defaultdict(list)
    for line in lines:
        allocations[(line.intervention, line.place)].append(line)
    for members in allocations.values():
        planned = sum((line.planned for line in members), Decimal(0))
        spent = {
            q: sum((ln.actual.get(q, Decimal(0)) for ln in members), Decimal(0)) for q in quarters
        }
        if planned <= 0 or sum(spent.values(), Decimal(0)) > planned:
            continue
        for line in members:
            line.held = {q: (spent[q] * line.planned / planned).quantize(PENNY) for q in quarters}


def year_spend(session: Session, plan: Plan, year: int) -> YearSpend:
    """The agreed plan's money in ``year`` beside every spend record for that year."""
    records = session.exec(select(SpendRecord).where(SpendRecord.year == year)).all()
    lines: dict[Key, SpendLine] = {}
    for (partner, intervention, place, _year), amount in planned_payments(plan, year).items():
        lines[(partner, intervention, place)] = SpendLine(
            partner, intervention, place, year, amount
        )
    names = record_names(session)
    for record in records:
        key = (
            names["partner"].get(record.partner_id, "?"),
            names["intervention"].get(record.intervention_id, "?"),
            names["place"].get(record.place_id, "?"),
        )
        line = lines.setdefault(key, SpendLine(*key, year))
        if record.actual is not None:
            line.actual[record.quarter] = record.actual
        if record.forecast is not None:
            line.forecast[record.quarter] = record.forecast
    _hold_quarters(lines.values(), held_quarters(plan, year, records))
    budgets: dict[str, Decimal] = defaultdict(Decimal)
    for line_spend in (plan.result or {}).get("budget_lines", []):
        if int(line_spend["year"]) == year:
            budgets[line_spend["partner"]] += pounds(line_spend["maximum"])
    delivery: dict[tuple[str, str], int] = {}
    for done in session.exec(select(DeliveryRecord).where(DeliveryRecord.year == year)).all():
        key2 = (
            names["intervention"].get(done.intervention_id, "?"),
            names["place"].get(done.place_id, "?"),
        )
        delivery[key2] = done.started
    ordered = sorted(lines.values(), key=lambda ln: (ln.partner, ln.intervention, ln.place))
    return YearSpend(plan, year, ordered, dict(budgets), delivery)


def record_names(session: Session) -> dict[str, dict[int | None, str]]:
    """Partners', interventions' and places' names by id (spend and delivery rows hold ids)."""
    return {
        "partner": {
            key: name for key, name in session.exec(select(Partner.id, Partner.name)).all()
        },
        "intervention": {
            key: name
            for key, name in session.exec(select(Intervention.id, Intervention.name)).all()
        },
        "place": {key: name for key, name in session.exec(select(Place.id, Place.name)).all()},
    }
