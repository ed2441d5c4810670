"""What the plan page shows, read from the stored plan only (its result and rows), never from the
live inputs: a plan solved last month still reads as it was solved after budgets change."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from models import Plan
from models.plan import PlanStatus
from models.vocabulary import financial_year_label
from optimiser.families import family
from optimiser.rounding import controlled_rounding
from optimiser.solve import EARLY_STOPS, says_why_it_stopped
from optimiser.whole import percent_up
from planner.core.years import InFinancialYear
from planner.plans.binding import BindingGroup, binding_groups

STATUS_LABELS = {
    PlanStatus.QUEUED: "Waiting to start",
    PlanStatus.RUNNING: "Solving",
    PlanStatus.OPTIMAL: "Best plan found",
    PlanStatus.TIME_LIMIT: "Stopped early",  # which limit stopped it is in the plan's own message
    PlanStatus.INFEASIBLE: "Rules clash",
    PlanStatus.UNBOUNDED: "Unbounded",
    PlanStatus.ERROR: "Failed",
}

# Participants within this of a whole number are whole (the solver's integrality tolerance).
WHOLE = 1e-6


def within_words(gap: float) -> str:
    """The solver's proven gap as a sentence: 'This plan is within 0.18% of the best possible
    plan.' Rounded up as the plan's own explanation rounds it (``optimiser.whole.percent_up``),
    so the sentence holds and the page says the same figure twice, not 0.2% above and 0.18%
    below."""
    if gap <= 0:
        return "This plan is the best possible plan: the solver proved no better plan exists."
    return f"This plan is within {percent_up(gap)} of the best possible plan."


STATUS_TAGS = {
    PlanStatus.QUEUED: "tag-grey",
    PlanStatus.RUNNING: "tag",
    PlanStatus.OPTIMAL: "tag-green",
    PlanStatus.TIME_LIMIT: "tag-yellow",
    PlanStatus.INFEASIBLE: "tag-red",
    PlanStatus.UNBOUNDED: "tag-red",
    PlanStatus.ERROR: "tag-red",
}


@dataclass(frozen=True)
class AllocationLine(InFinancialYear):
    """One row of the allocation table: who is served by what, where, when, and who pays."""

    intervention: str
    place: str
    district: str
    year: int
    participants: float
    cost: float
    value: float
    paid_by: tuple[tuple[str, float], ...]
    # Whole cohorts bought (interventions delivered in cohorts, whole people plans; else 0).
    cohorts: int = 0


@dataclass(frozen=True)
class FundingLine(InFinancialYear):
    """What each partner pays towards one intervention in one year."""

    intervention: str
    year: int
    amounts: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.amounts.values())


@dataclass(frozen=True)
class YearSpend(InFinancialYear):
    year: int
    total: float
    by_partner: dict[str, float]
    participants: float


@dataclass
class PlanReport:
    """Everything the plan page shows, in display order."""

    plan: Plan
    result: dict[str, Any]
    allocations: list[AllocationLine] = field(default_factory=list)
    funding: list[FundingLine] = field(default_factory=list)
    partner_names: list[str] = field(default_factory=list)
    years: list[YearSpend] = field(default_factory=list)
    binding_groups: list[BindingGroup] = field(default_factory=list)
    by_intervention: list[InterventionSummary] = field(default_factory=list)

    @property
    def status(self) -> PlanStatus:
        return PlanStatus(self.plan.status)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def has_allocation(self) -> bool:
        return self.status.has_allocation and bool(self.result)

    @property
    def total_spend(self) -> float:
        return float(self.result.get("total_spend") or 0.0)

    @property
    def total_spend_in_pounds(self) -> Decimal:
        """Total spend to the nearest pound, halves up, as the plan workbook's Summary shows it
        (Excel's ROUND): formatting the pence would round a half to even, a pound apart."""
        return Decimal(str(self.total_spend)).quantize(Decimal(1), rounding=ROUND_HALF_UP)

    @property
    def year_table(self) -> YearTable:
        return year_table(self.years, self.partner_names)

    @property
    def value_avoided(self) -> float:
        return float(self.result.get("value_of_demand_avoided") or 0.0)

    @property
    def benefit_cost_ratio(self) -> float | None:
        if self.plan.benefit_cost_ratio is not None:
            return self.plan.benefit_cost_ratio
        return self.value_avoided / self.total_spend if self.total_spend else None

    @property
    def prices(self) -> dict[str, Any] | None:
        """The price index the plan converted with, and spend in cash and real terms (None: no
        index, or a plan stored before prices were kept)."""
        prices: dict[str, Any] | None = self.result.get("prices")
        return prices

    @property
    def participants(self) -> float:
        return float(self.result.get("participants") or 0.0)

    @property
    def demand_reductions(self) -> list[dict[str, Any]]:
        return [d for d in self.result.get("demand_reductions", []) if d.get("units", 0) > 1e-6]

    @property
    def partners(self) -> list[dict[str, Any]]:
        return list(self.result.get("partners", []))

    @property
    def places(self) -> list[dict[str, Any]]:
        return sorted(self.result.get("places", []), key=lambda p: -p.get("need_share", 0))

    @property
    def evidence_mix(self) -> list[dict[str, Any]]:
        return list(self.result.get("evidence_mix", []))

    @property
    def not_funded(self) -> list[dict[str, Any]]:
        return list(self.result.get("not_funded", []))

    @property
    def diagnosis(self) -> dict[str, Any] | None:
        return self.result.get("diagnosis")

    @property
    def clash_groups(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """The clashes grouped by kind of rule (the registry's headings), in the order the
        diagnosis found them, so each kind is named once above its clashes."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for clash in (self.diagnosis or {}).get("clashes", []):
            groups.setdefault(family(str(clash["family"])).heading, []).append(clash)
        return list(groups.items())

    @property
    def pooling(self) -> dict[str, Any] | None:
        return self.result.get("pooling")

    @property
    def pooling_gain(self) -> float | None:
        if self.plan.pooling_gain is not None:
            return float(self.plan.pooling_gain)
        pooling = self.pooling
        return float(pooling["value_of_pooling"]) if pooling else None

    @property
    def unspent(self) -> list[dict[str, Any]]:
        """Each partner-year with money left unspent, and why (empty in plans stored before)."""
        return list(self.result.get("unspent", []))

    @property
    def money_available(self) -> float:
        """All the budget lines' maximums added up (0 in plans stored before lines were kept)."""
        return round(sum(line["maximum"] for line in self.result.get("budget_lines", [])), 2)

    @property
    def money_unspent(self) -> float:
        return round(sum(entry["unspent"] for entry in self.unspent), 2)

    @property
    def pooling_status(self) -> str:
        """The value-of-pooling job: '' none, 'waiting', 'working', 'done' or 'failed'."""
        return self.plan.pooling_status or ""

    @property
    def pooling_failure(self) -> str:
        return str(self.result.get("pooling_failure") or "")

    @property
    def partners_alone(self) -> bool:
        """Whether the scenario had each partner plan alone (the baseline without pooling)."""
        scenario = (self.plan.inputs or {}).get("scenario") or {}
        return scenario.get("funding_mode") == "separate"

    @property
    def messages(self) -> list[str]:
        return list(self.result.get("messages", []))

    @property
    def stop_notes(self) -> list[str]:
        """The optimiser's own words for a plan it stopped early: which limit stopped it (time,
        iterations, an interruption...). Empty for a plan it did not stop early."""
        if self.status is not PlanStatus.TIME_LIMIT:
            return []
        return [message for message in self.messages if says_why_it_stopped(message)]

    @property
    def stopped_at_time_limit(self) -> bool:
        """Whether a longer time limit is what might find a better plan."""
        return any(EARLY_STOPS["kTimeLimit"] in note for note in self.stop_notes)

    @property
    def reason_messages(self) -> list[str]:
        """The optimiser's messages for "Why the plan is what it is", less those the page already
        shows above it: the note on why it stopped early, "the rules cannot all be met" (the
        diagnosis says it with its figures) and, with no plan, the reason no plan was found."""
        summary = str((self.diagnosis or {}).get("summary") or "")
        no_plan = "" if self.has_allocation else (self.plan.message or "")
        return [
            message
            for message in self.messages
            if message not in self.stop_notes
            and not (summary and summary.startswith(message.rstrip(".")))
            and message not in no_plan
        ]

    @property
    def whole_programme(self) -> bool:
        """Whether the plan was solved with whole people and programmes."""
        return bool(((self.plan.inputs or {}).get("rules") or {}).get("whole_programme"))

    @property
    def whole_people(self) -> bool:
        """Whether the plan is of whole people: solved with whole people and programmes, and
        every allocation a whole number of participants (a plan stored before the optimiser
        bought whole people may be neither)."""
        return self.whole_programme and all(
            abs(line.participants - round(line.participants)) < WHOLE for line in self.allocations
        )

    @property
    def gap_sentence(self) -> str:
        """How close a whole people plan is to the best possible, in words, from the solver's
        proven gap; empty when there is none to state."""
        gap = self.result.get("mip_gap")
        if not self.has_allocation or not self.whole_people or gap is None:
            return ""
        return within_words(float(gap))

    @property
    def model_size(self) -> dict[str, Any]:
        return self.result.get("model_size") or {
            "variables": self.plan.variables,
            "constraints": self.plan.constraints,
            "nonzeros": self.plan.nonzeros,
            "integer_variables": None,
        }

    @property
    def timings(self) -> dict[str, Any]:
        return self.result.get("timings") or {
            "build": self.plan.build_seconds,
            "solve": self.plan.solve_seconds,
        }

    @property
    def year_labels(self) -> str:
        years = self.result.get("years") or [y.year for y in self.years]
        if not years:
            return ""
        first, last = financial_year_label(min(years)), financial_year_label(max(years))
        return first if first == last else f"{first} to {last}"


def _paid_by(entry: dict[str, Any], partner_names: dict[str, str]) -> tuple[tuple[str, float], ...]:
    return tuple(
        (partner_names.get(str(f["partner"]), str(f["partner"])), float(f["amount"]))
        for f in entry.get("funding", [])
        if float(f["amount"]) >= 0.005
    )


def _allocation_lines(plan: Plan, result: dict[str, Any]) -> list[AllocationLine]:
    """Rows carry the names as they were when solved; the result carries who paid. The solving
    service writes one row per result allocation in the same order, so they pair up."""
    partner_names = {str(p["partner"]): p["name"] for p in result.get("partners", [])}
    place_names = {str(p["place"]): p["name"] for p in result.get("places", [])}
    entries = list(result.get("allocations", []))
    rows = sorted(plan.allocations, key=lambda row: row.id or 0)
    paired = len(rows) == len(entries) and all(
        row.year == entry["year"] and abs(float(row.cost) - float(entry["cost"])) < 0.02
        for row, entry in zip(rows, entries, strict=True)
    )
    if paired:
        lines = [
            AllocationLine(
                row.intervention_name,
                row.place_name,
                row.district,
                row.year,
                float(row.participants),
                float(row.cost),
                float(row.demand_avoided_value),
                _paid_by(entry, partner_names),
                int(entry.get("cohorts") or 0),
            )
            for row, entry in zip(rows, entries, strict=True)
        ]
    elif rows:
        lines = [
            AllocationLine(
                row.intervention_name,
                row.place_name,
                row.district,
                row.year,
                float(row.participants),
                float(row.cost),
                float(row.demand_avoided_value),
                (),
            )
            for row in rows
        ]
    else:
        lines = [
            AllocationLine(
                str(entry["intervention"]),
                place_names.get(str(entry["place"]), str(entry["place"])),
                "",
                int(entry["year"]),
                float(entry["participants"]),
                float(entry["cost"]),
                0.0,
                _paid_by(entry, partner_names),
                int(entry.get("cohorts") or 0),
            )
            for entry in entries
        ]
    return sorted(lines, key=lambda line: (line.intervention, line.place, line.year))


def _funding_lines(plan: Plan) -> tuple[list[FundingLine], list[str]]:
    amounts: dict[tuple[str, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    partners: set[str] = set()
    for row in plan.fundings:
        if row.amount < Decimal("0.005"):
            continue
        amounts[(row.intervention_name, row.year)][row.partner_name] += float(row.amount)
        partners.add(row.partner_name)
    lines = [
        FundingLine(intervention, year, dict(by_partner))
        for (intervention, year), by_partner in sorted(amounts.items())
    ]
    return lines, sorted(partners)


@dataclass(frozen=True)
class YearTable:
    """Spend by year and partner in whole pounds that add up across, down and to the headline
    total (controlled rounding, as the optimiser rounds pence), so no row or column of the page's
    table is a pound out from its total."""

    rows: list[tuple[YearSpend, dict[str, int], int]]
    partner_totals: dict[str, int]
    total: int


def year_table(years: list[YearSpend], partners: list[str]) -> YearTable:
    """The page's spend-by-year table in whole pounds."""
    cells = [
        (row, column, years[row].by_partner.get(partner, 0.0))
        for row in range(len(years))
        for column, partner in enumerate(partners)
    ]
    if not cells:
        return YearTable([(year, {}, 0) for year in years], {}, 0)
    row, column, amount = (np.asarray(part) for part in zip(*cells, strict=True))
    rounded = controlled_rounding(row, column, amount, (len(years), len(partners)))
    shown = {
        (int(r), int(c)): int(whole)
        for r, c, whole in zip(row.tolist(), column.tolist(), rounded.cells, strict=True)
    }
    return YearTable(
        rows=[
            (
                year,
                {partner: shown[(index, c)] for c, partner in enumerate(partners)},
                int(rounded.row_totals[index]),
            )
            for index, year in enumerate(years)
        ],
        partner_totals={p: int(rounded.column_totals[c]) for c, p in enumerate(partners)},
        total=rounded.total,
    )


def _years(plan: Plan, allocations: list[AllocationLine]) -> list[YearSpend]:
    totals: dict[int, float] = defaultdict(float)
    participants: dict[int, float] = defaultdict(float)
    for line in allocations:
        totals[line.year] += line.cost
        participants[line.year] += line.participants
    by_partner: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in plan.fundings:
        by_partner[row.year][row.partner_name] += float(row.amount)
    years = sorted(set(totals) | set(by_partner))
    return [
        YearSpend(year, totals[year], dict(by_partner[year]), participants[year]) for year in years
    ]


@dataclass(frozen=True)
class InterventionSummary:
    """One intervention's allocations added up over places and years."""

    intervention: str
    places: int
    participants: float
    cost: float
    value: float


def _intervention_summaries(allocations: list[AllocationLine]) -> list[InterventionSummary]:
    places: dict[str, set[str]] = defaultdict(set)
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for line in allocations:
        places[line.intervention].add(line.place)
        total = totals[line.intervention]
        total[0] += line.participants
        total[1] += line.cost
        total[2] += line.value
    return [
        InterventionSummary(name, len(places[name]), *totals[name])
        for name in sorted(totals, key=lambda name: -totals[name][1])
    ]


def build_report(plan: Plan) -> PlanReport:
    """The plan page's figures, from what was stored when the plan was solved."""
    result = dict(plan.result or {})
    report = PlanReport(plan=plan, result=result)
    if not plan.status.finished:
        return report
    report.allocations = _allocation_lines(plan, result)
    report.funding, report.partner_names = _funding_lines(plan)
    report.years = _years(plan, report.allocations)
    report.binding_groups = binding_groups(result)
    report.by_intervention = _intervention_summaries(report.allocations)
    return report
