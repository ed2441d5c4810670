"""Observed outcomes beside the baseline and the demand the agreed plan expected to avoid.

The plan stores, per allocation and demand type, the demand it expects to avoid over the
appraisal period, confidence-weighted and discounted to its first year. Here that figure is put
back into years: an effect that lands in several years after participation lands equally in
each, so undoing the discount spreads it over them. What a reader gets per year is the plan's
own expectation (after the confidence discount for weaker evidence), comparable in units with
what was observed.

What this never says: that the plan caused a change. Demand moves for many reasons; without a
comparison group (similar places without the interventions, or a well-matched trend) a fall
against the baseline is not evidence that the interventions worked, nor a rise that they failed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, select

from models import DemandType, ObservedOutcome, Place, Plan
from models.vocabulary import financial_year_label
from planner.delivery.service import PlaceScope

CAVEATS = (
    "These figures do not show that the plan caused any change. Demand rises and falls for many "
    "reasons (the economy, policing and recording practice, school policy, the season, chance), "
    "and without a comparison group of similar places without these interventions no change "
    "against the baseline can be attributed to them.",
    "Small places have small counts: a change of a few cases a year is within normal variation.",
    "The plan's expected figure is an expectation from the evidence, already discounted for "
    "weaker evidence; most effects arrive in the years after people take part, so little is "
    "expected in the first year.",
    "Baselines are what each place lead recorded (usually the year before the plan began); a "
    "baseline that is itself unusual makes every later year look better or worse than it is.",
)


@dataclass(frozen=True)
class OutcomeLine:
    place: str
    demand_type: str
    unit: str
    year: int
    observed: float
    baseline: float | None
    expected_avoided: float
    source: str

    @property
    def change(self) -> float | None:
        """Observed less baseline: negative is less demand than the baseline."""
        return None if self.baseline is None else self.observed - self.baseline

    @property
    def expected_level(self) -> float | None:
        """The baseline less what the plan expected to avoid."""
        return None if self.baseline is None else max(self.baseline - self.expected_avoided, 0.0)


def expected_by_year(plan: Plan) -> dict[tuple[str, str, int], float]:
    """Demand the plan expects to avoid per (place, demand type, year), confidence-weighted,
    not discounted."""
    snapshot = plan.inputs or {}
    rules = snapshot.get("rules", {})
    first_year = int(rules.get("first_year", 0))
    rate = float(rules.get("discount_rate", 0.0))
    appraisal = int(rules.get("appraisal_years", 10))
    profile: dict[tuple[str, str], list[int]] = defaultdict(list)
    for intervention in snapshot.get("inputs", {}).get("interventions", []):
        for effect in intervention.get("effects", []):
            profile[(intervention["key"], effect["demand_type"])] += list(effect["years_after"])
    expected: dict[tuple[str, str, int], float] = defaultdict(float)
    for allocation in (plan.result or {}).get("allocations", []):
        start = int(allocation["year"])
        for avoided in allocation.get("demand_avoided", []):
            years = [
                start + after
                for after in profile.get((allocation["intervention"], avoided["demand_type"]), [])
                if start + after - first_year < appraisal
            ]
            weights = sum((1 + rate) ** -(year - first_year) for year in years)
            if not years or not weights:
                continue
            per_year = float(avoided["units"]) / weights
            for year in years:
                expected[(allocation["place"], avoided["demand_type"], year)] += per_year
    return expected


def outcome_lines(session: Session, plan: Plan | None, scope: PlaceScope) -> list[OutcomeLine]:
    """Every recorded outcome the reader may see, beside the plan's expectation that year."""
    expected = expected_by_year(plan) if plan else {}
    places = {p.id: p.name for p in session.exec(select(Place)).all()}
    demand = {d.id: d for d in session.exec(select(DemandType)).all()}
    statement = select(ObservedOutcome)
    lines = []
    for record in session.exec(statement).all():
        if scope is not None and record.place_id not in scope:
            continue
        place, kind = places.get(record.place_id, "?"), demand.get(record.demand_type_id)
        name = kind.name if kind else "?"
        lines.append(
            OutcomeLine(
                place=place,
                demand_type=name,
                unit=kind.unit if kind else "",
                year=record.year,
                observed=record.observed,
                baseline=record.baseline,
                expected_avoided=round(expected.get((place, name, record.year), 0.0), 1),
                source=record.source,
            )
        )
    return sorted(lines, key=lambda ln: (ln.demand_type, ln.place, ln.year))


@dataclass(frozen=True)
class ChartBar:
    label: str
    kind: str  # baseline, observed or expected
    value: float
    x: float
    width: float
    height: float
    y: float


@dataclass(frozen=True)
class Chart:
    """A grouped bar chart for one demand type: per place and year, baseline, observed and the
    level the plan expected (baseline less expected avoided). Geometry in SVG units."""

    demand_type: str
    unit: str
    width: float
    height: float
    groups: list[tuple[str, float]]  # place and its x centre (the year is under it)
    bars: list[ChartBar]
    top: float


def charts(lines: list[OutcomeLine]) -> list[Chart]:
    by_type: dict[str, list[OutcomeLine]] = defaultdict(list)
    for line in lines:
        by_type[line.demand_type].append(line)
    result = []
    for name, rows in sorted(by_type.items()):
        plot_height, bar, gap = 180.0, 30.0, 60.0
        top = max(max(r.observed, r.baseline or 0.0) for r in rows) or 1.0
        bars: list[ChartBar] = []
        groups: list[tuple[str, float]] = []
        x = 70.0  # room for the first place's name, centred under its bars
        for row in rows:
            values = [
                ("baseline", row.baseline),
                ("observed", row.observed),
                ("expected", row.expected_level),
            ]
            shown = [(kind, value) for kind, value in values if value is not None]
            for offset, (kind, value) in enumerate(shown):
                height = plot_height * float(value) / top
                bars.append(
                    ChartBar(
                        f"{row.place} {financial_year_label(row.year)}",
                        kind,
                        float(value),
                        x + offset * bar,
                        bar - 2,
                        height,
                        20 + plot_height - height,
                    )
                )
            groups.append((row.place, x + len(shown) * bar / 2))
            x += len(shown) * bar + gap
        result.append(
            Chart(name, rows[0].unit, max(x + 10.0, 300.0), plot_height + 70, groups, bars, top)
        )
    return result
