"""What a re-solve changes against the agreed plan: money moved by partner and place, and
interventions added or stopped, in tables and in sentences.

Both plans are compared over the re-solve's own years (a re-plan from 2027/28 leaves 2026/27 as
it was). Differences under a pound are rounding, not change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from models import Plan
from models.vocabulary import financial_year_label
from planner.spend.variance import plan_years, planned_payments

NOISE = Decimal(1)


@dataclass(frozen=True)
class MoneyChange:
    label: str
    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        return self.after - self.before


@dataclass
class Changes:
    from_year: int
    years: list[int]
    by_partner: list[MoneyChange] = field(default_factory=list)
    by_place: list[MoneyChange] = field(default_factory=list)
    by_intervention: list[MoneyChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    by_allocation: list[MoneyChange] = field(default_factory=list)

    @property
    def moved(self) -> Decimal:
        """Money moved: what allocations (intervention and place) gain, added up; as much again
        is what others lose, give or take any change in the total spent."""
        return sum((c.change for c in self.by_allocation if c.change > 0), Decimal(0))


def _totals(plan: Plan, years: list[int], position: int) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for key, amount in planned_payments(plan).items():
        if key[3] in years:
            totals[str(key[position])] += amount
    return totals


def _allocations(plan: Plan, years: list[int]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for (_partner, intervention, place, year), amount in planned_payments(plan).items():
        if year in years:
            totals[f"{intervention} in {place}"] += amount
    return totals


def _compare(before: dict[str, Decimal], after: dict[str, Decimal]) -> list[MoneyChange]:
    rows = [
        MoneyChange(label, before.get(label, Decimal(0)), after.get(label, Decimal(0)))
        for label in sorted(set(before) | set(after))
    ]
    return [row for row in rows if abs(row.change) >= NOISE]


def _pounds(amount: Decimal) -> str:
    return f"£{abs(amount):,.0f}"


def what_changes(agreed: Plan, revised: Plan) -> Changes:
    """The changes ``revised`` makes to ``agreed`` over ``revised``'s years, with sentences."""
    years = plan_years(revised) or [int(revised.inputs.get("rules", {}).get("first_year", 0))]
    changes = Changes(from_year=min(years), years=years)
    partner_before, partner_after = _totals(agreed, years, 0), _totals(revised, years, 0)
    intervention_before, intervention_after = _totals(agreed, years, 1), _totals(revised, years, 1)
    place_before, place_after = _totals(agreed, years, 2), _totals(revised, years, 2)
    changes.by_partner = _compare(partner_before, partner_after)
    changes.by_intervention = _compare(intervention_before, intervention_after)
    changes.by_place = _compare(place_before, place_after)
    changes.by_allocation = _compare(_allocations(agreed, years), _allocations(revised, years))
    changes.added = sorted(
        name
        for name, amount in intervention_after.items()
        if amount >= NOISE and intervention_before.get(name, Decimal(0)) < NOISE
    )
    changes.stopped = sorted(
        name
        for name, amount in intervention_before.items()
        if amount >= NOISE and intervention_after.get(name, Decimal(0)) < NOISE
    )
    span = financial_year_label(years[0]) + (
        f" to {financial_year_label(years[-1])}" if len(years) > 1 else ""
    )
    sentences = changes.sentences
    if not (changes.by_intervention or changes.by_place or changes.by_partner):
        sentences.append(f"Nothing changes in {span}: the re-solve funds the agreed plan as it is.")
        return changes
    sentences.append(
        f"From {span}, {_pounds(changes.moved)} moves between interventions and places."
    )
    for name in changes.added:
        sentences.append(f"{name} is added, with {_pounds(intervention_after[name])}.")
    for name in changes.stopped:
        sentences.append(f"{name} stops: its {_pounds(intervention_before[name])} goes elsewhere.")
    for row in sorted(changes.by_intervention, key=lambda r: -abs(r.change))[:5]:
        if row.label in changes.added or row.label in changes.stopped:
            continue
        way = "gains" if row.change > 0 else "loses"
        sentences.append(
            f"{row.label} {way} {_pounds(row.change)} ({_pounds(row.before)} to {_pounds(row.after)})."
        )
    for row in changes.by_partner:
        way = "more" if row.change > 0 else "less"
        sentences.append(
            f"{row.label} pays {_pounds(row.change)} {way} ({_pounds(row.after)} in all)."
        )
    for row in sorted(changes.by_place, key=lambda r: -abs(r.change))[:5]:
        way = "more" if row.change > 0 else "less"
        sentences.append(f"{row.label} gets {_pounds(row.change)} {way}.")
    return changes
