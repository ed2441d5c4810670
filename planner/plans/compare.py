"""Plans side by side against the first: headline figures, the rules that differ, and what moved
where, when and by how much (by intervention, place, year, need and evidence)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from models.vocabulary import financial_year_label
from planner.plans.report import PlanReport
from planner.plans.rules import RuleDifference, compare_rules

NOISE = 0.5  # pounds or participants: smaller differences are rounding, not change


@dataclass(frozen=True)
class Figures:
    """One measure across the plans compared; the first plan is the baseline."""

    label: str
    values: tuple[float | None, ...]
    kind: str = "money"  # money, ratio or count

    def difference(self, index: int) -> float | None:
        base, other = self.values[0], self.values[index]
        if base is None or other is None:
            return None
        return other - base

    def direction(self, index: int) -> str:
        """'up', 'down' or 'same' against the baseline (shown in words and arrows, not colour)."""
        change = self.difference(index)
        threshold = 0.005 if self.kind == "ratio" else NOISE
        if change is None or abs(change) < threshold:
            return "same"
        return "up" if change > 0 else "down"

    @property
    def changed(self) -> bool:
        return any(self.direction(i) != "same" for i in range(1, len(self.values)))


@dataclass(frozen=True)
class SharedFigures:
    """Spend on one thing (a place, an evidence rating) in each plan, with the share of the plan's
    spend it is and, for places, the share of need it has."""

    spend: Figures
    spend_shares: tuple[float | None, ...]
    need_shares: tuple[float | None, ...] = ()

    @property
    def label(self) -> str:
        return self.spend.label


@dataclass
class Comparison:
    reports: list[PlanReport]
    headline: list[Figures]
    rules: list[RuleDifference]
    demand: list[Figures]
    partners: list[Figures]
    benefits: list[Figures]
    interventions: list[Figures]
    years: list[Figures]
    places: list[SharedFigures]
    evidence: list[SharedFigures]
    allocations: list[tuple[str, str, Figures]]  # intervention, place, spend over all years
    allocations_by_year: list[tuple[str, str, str, Figures]]  # and the year, where it changed


def _money_by(
    reports: list[PlanReport],
    key_of: Callable[[PlanReport], Iterable[tuple[str, Any]]],
    amount_of: Callable[[tuple[str, Any]], float],
) -> dict[str, list[float]]:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(reports))
    for index, report in enumerate(reports):
        for item in key_of(report):
            totals[item[0]][index] += amount_of(item)
    return totals


def compare_plans(reports: list[PlanReport]) -> Comparison:
    """Compare plans against the first: every figure, and only the allocations that changed."""

    def figure(label: str, values: Sequence[float | None], kind: str = "money") -> Figures:
        return Figures(label, tuple(values), kind)

    every_pooled = not any(report.partners_alone for report in reports)
    headline = [
        figure(
            "Total pooled spend" if every_pooled else "Total spend",
            [r.total_spend if r.has_allocation else None for r in reports],
        ),
        figure(
            "Value of demand avoided",
            [r.value_avoided if r.has_allocation else None for r in reports],
        ),
        figure(
            "Benefit-cost ratio",
            [r.benefit_cost_ratio if r.has_allocation else None for r in reports],
            "ratio",
        ),
        figure(
            "Participants",
            [r.participants if r.has_allocation else None for r in reports],
            "count",
        ),
        figure(
            "Value of pooling" if every_pooled else "Value of pooling (or what it would add)",
            [r.pooling_gain for r in reports],
        ),
    ]
    demand = {
        d["name"]: [0.0] * len(reports)
        for r in reports
        for d in r.result.get("demand_reductions", [])
    }
    for index, report in enumerate(reports):
        for d in report.result.get("demand_reductions", []):
            demand[d["name"]][index] = float(d["units"])
    contributions = _money_by(
        reports,
        lambda r: [(p["name"], p["contribution"]) for p in r.partners],
        lambda item: float(item[1]),
    )
    benefits = _money_by(
        reports,
        lambda r: [(p["name"], p["benefit"]) for p in r.partners],
        lambda item: float(item[1]),
    )
    by_intervention = _money_by(
        reports, lambda r: [(a.intervention, a.cost) for a in r.allocations], lambda item: item[1]
    )
    by_place: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0] * len(reports))
    for index, report in enumerate(reports):
        for line in report.allocations:
            by_place[(line.intervention, line.place)][index] += line.cost
    allocations = [
        (intervention, place, figure(f"{intervention} in {place}", values))
        for (intervention, place), values in sorted(by_place.items())
    ]
    return Comparison(
        reports=reports,
        headline=headline,
        rules=compare_rules([report.plan for report in reports]),
        demand=[figure(name, values, "count") for name, values in sorted(demand.items())],
        partners=[figure(name, values) for name, values in sorted(contributions.items())],
        benefits=[figure(name, values) for name, values in sorted(benefits.items())],
        interventions=[figure(name, values) for name, values in sorted(by_intervention.items())],
        years=_years(reports),
        places=_shared(reports, lambda r: r.places, "name", "spend_share", need=True),
        evidence=_shared(reports, lambda r: r.evidence_mix, "rating", "share", label=_rated),
        allocations=[entry for entry in allocations if entry[2].changed],
        allocations_by_year=_allocations_by_year(reports),
    )


def _years(reports: list[PlanReport]) -> list[Figures]:
    """Spend in each financial year, in year order; a year a plan does not cover is not
    comparable (none), rather than nothing spent."""
    labels: dict[int, str] = {}
    spend: dict[int, list[float | None]] = defaultdict(lambda: [None] * len(reports))
    for index, report in enumerate(reports):
        covered = report.result.get("years") or [year.year for year in report.years]
        for year in covered:
            spend[int(year)][index] = 0.0 if report.has_allocation else None
        for year in report.years:
            labels[year.year] = year.year_label
            if report.has_allocation:
                spend[year.year][index] = year.total
    return [
        Figures(f"Spend in {labels.get(year) or financial_year_label(year)}", tuple(values))
        for year, values in sorted(spend.items())
    ]


def _shared(
    reports: list[PlanReport],
    rows_of: Callable[[PlanReport], list[dict[str, Any]]],
    key: str,
    share: str,
    *,
    need: bool = False,
    label: Callable[[str], str] = str,
) -> list[SharedFigures]:
    """Spend, share of spend (and share of need) per place or evidence rating, plans side by
    side; a plan without an allocation has none to compare."""
    names: list[str] = []
    rows: list[dict[str, dict[str, Any]]] = []
    for report in reports:
        found = {str(row[key]): row for row in rows_of(report)} if report.has_allocation else {}
        rows.append(found)
        names += [name for name in found if name not in names]

    def column(name: str, field: str) -> tuple[float | None, ...]:
        return tuple(
            float(found[name].get(field) or 0.0) if name in found else None for found in rows
        )

    return [
        SharedFigures(
            Figures(label(name), column(name, "spend")),
            column(name, share),
            column(name, "need_share") if need else (),
        )
        for name in names
    ]


def _rated(rating: str) -> str:
    return f"Rated {rating}" + (" (not yet level 2)" if rating == "NL2" else "")


def _allocations_by_year(reports: list[PlanReport]) -> list[tuple[str, str, str, Figures]]:
    """Spend on each intervention in each place in each year, where a plan differs from the
    first: what moved where, and when."""
    spend: dict[tuple[str, str, int], list[float]] = defaultdict(lambda: [0.0] * len(reports))
    labels: dict[int, str] = {}
    for index, report in enumerate(reports):
        for line in report.allocations:
            spend[(line.intervention, line.place, line.year)][index] += line.cost
            labels[line.year] = line.year_label
    moved = []
    for (intervention, place, year), values in sorted(spend.items()):
        figures = Figures(f"{intervention} in {place}, {labels[year]}", tuple(values))
        if figures.changed:
            moved.append((intervention, place, labels[year], figures))
    return moved
