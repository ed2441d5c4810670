"""Plans side by side: headline figures, what moved where and by how much, against the first plan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from planner.plans.report import PlanReport

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


@dataclass
class Comparison:
    reports: list[PlanReport]
    headline: list[Figures]
    demand: list[Figures]
    partners: list[Figures]
    benefits: list[Figures]
    interventions: list[Figures]
    allocations: list[tuple[str, str, Figures]]  # intervention, place, spend


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

    headline = [
        figure(
            "Total pooled spend", [r.total_spend if r.has_allocation else None for r in reports]
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
            "People served (participant places)",
            [r.participants if r.has_allocation else None for r in reports],
            "count",
        ),
        figure("Value of pooling", [r.pooling_gain for r in reports]),
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
        demand=[figure(name, values, "count") for name, values in sorted(demand.items())],
        partners=[figure(name, values) for name, values in sorted(contributions.items())],
        benefits=[figure(name, values) for name, values in sorted(benefits.items())],
        interventions=[figure(name, values) for name, values in sorted(by_intervention.items())],
        allocations=[entry for entry in allocations if entry[2].changed],
    )
