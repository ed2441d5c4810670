"""What the plan workbook shows: one solved plan with the names, rules and limits it was solved
with, gathered in a frozen view so the sheets never touch the database or Flask.

`view_from_optimiser` builds it from the optimiser's own inputs, rules and answer; the stored
plan adapter (`planner.excel.stored_plan`) turns a saved `models.Plan` row into those.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from models.vocabulary import WHOLE_PEOPLE_LABEL, financial_year_label
from optimiser import Plan as OptimisedPlan
from optimiser import PlanningInputs
from optimiser.evidence import base_rating
from optimiser.families import SETTINGS, Setting
from optimiser.scenario import ScenarioRules
from optimiser.solve import says_why_it_stopped
from planner.pooled_fund.risk_share import RiskShareTerms

if TYPE_CHECKING:
    from planner.excel.plan_changes import PlanChanges

STATUS_LABELS = {
    "optimal": "Optimal: the best plan under these rules",
    "time_limit": "Stopped early: a workable plan, not proven best",
    "infeasible": "The rules cannot all be met",
    "unbounded": "Unbounded: a rule or budget is missing",
    "error": "The solver failed",
}


@dataclass(frozen=True)
class InterventionFacts:
    """What the workbook needs to know about one intervention."""

    key: str
    name: str
    category: str
    evidence_rating: str
    unit_cost: float
    fixed_cost: float = 0.0

    @property
    def evidence_level(self) -> str:
        """The level the rules count it at: '3+' counts as '3'."""
        try:
            return base_rating(self.evidence_rating)
        except ValueError:
            return self.evidence_rating


@dataclass(frozen=True)
class PlaceFacts:
    key: str
    name: str
    district: str
    need_index: float


@dataclass(frozen=True)
class BudgetLimit:
    """The most (and committed least) one partner may spend in one year, as the plan used them."""

    partner: str
    year: int
    maximum: float
    minimum: float = 0.0


@dataclass(frozen=True)
class PooledFundTerms:
    """The scenario's pooled-fund agreement, as the workbook shows it."""

    host: str | None
    terms: RiskShareTerms
    reference: str = ""


@dataclass(frozen=True)
class PlanWorkbookView:
    """One solved plan, ready to be written to Excel."""

    plan_id: int | None
    scenario_name: str
    created_at: datetime | None
    created_by: str
    result: OptimisedPlan
    partners: Mapping[str, str]
    interventions: Mapping[str, InterventionFacts]
    places: Mapping[str, PlaceFacts]
    budget_limits: tuple[BudgetLimit, ...] = ()
    fairness: Mapping[str, float] = field(default_factory=dict)
    need_floor: float = 0.0
    min_share_rated_3_plus: float = 0.0
    portfolio_vfm_ratio: float = 0.0
    whole_programme: bool = False
    rules: tuple[tuple[str, str], ...] = ()
    demand_avoided: Mapping[tuple[str, str, int], float] = field(default_factory=dict)
    inputs: Mapping[str, Any] = field(default_factory=dict)
    pooled_fund: PooledFundTerms | None = None
    # The newest finished Monte Carlo of the plan and its tornado bars (empty: none run).
    uncertainty: Mapping[str, Any] = field(default_factory=dict)
    # For a re-plan, evidence check or stop-list re-solve: what it changes (None otherwise).
    changes: PlanChanges | None = None
    # The optimiser's own inputs and rules, for the benefit formulas, capacities and contract
    # ends (None: a view made without them, whose sheets then show typed figures).
    planning_inputs: PlanningInputs | None = None
    scenario_rules: ScenarioRules | None = None
    # Who delivers each intervention, by intervention key: "Name (60%); Other (40%)".
    providers: Mapping[str, str] = field(default_factory=dict)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(self.result.years)

    @property
    def year_labels(self) -> list[str]:
        return [financial_year_label(year) for year in self.years]

    @property
    def status_label(self) -> str:
        """The solver status in words; a plan stopped early says what stopped it (a time limit,
        an iteration limit, an interruption), in the optimiser's own words."""
        status = str(self.result.status)
        label = STATUS_LABELS.get(status, status)
        stop = next((m for m in self.result.messages if says_why_it_stopped(m)), "")
        return f"{label}. {stop}" if status == "time_limit" and stop else label

    @property
    def reconciled(self) -> bool:
        """Whether the plan's money is whole pence that add up every way (``optimiser.reconcile``).

        Plans solved before the optimiser reconciled its money have no budget lines' spend;
        their costs and payments were rounded one by one and can be pennies apart.
        """
        return bool(self.result.budget_lines) or not self.result.allocations

    def partner_name(self, key: str) -> str:
        return self.partners.get(key, key)

    def intervention(self, key: str) -> InterventionFacts:
        return self.interventions.get(key) or InterventionFacts(key, key, "", "", 0.0)

    def place(self, key: str) -> PlaceFacts:
        return self.places.get(key) or PlaceFacts(key, key, "", 1.0)

    def partner_keys(self) -> list[str]:
        """Partners in the order they were given, then any that only appear in the funding."""
        keys = list(self.partners)
        for allocation in self.result.allocations:
            for funding in allocation.funding:
                if funding.partner not in keys:
                    keys.append(funding.partner)
        return keys


def describe_rules(rules: ScenarioRules, names: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The scenario's rules as (rule, setting) pairs a finance lead can read."""
    years = rules.years
    described = [
        (
            "Financial years planned",
            f"{financial_year_label(years[0])} to {financial_year_label(years[-1])}",
        ),
        ("Objective", _objective_label(rules, names)),
        ("Weakest evidence rating that may be funded", rules.min_evidence_rating),
        *(
            (setting.label, _setting_text(rules, setting, names))
            for setting in SETTINGS.values()
            if setting.name != "horizon_years"
        ),
        (
            "Confidence in expected effect by evidence level",
            ", ".join(f"{level}: {weight:g}" for level, weight in rules.confidence.items()),
        ),
        (
            "Effect multiplier of each slice of the reachable population",
            ", ".join(f"{multiplier:g}" for multiplier in rules.segment_multipliers),
        ),
        (
            WHOLE_PEOPLE_LABEL,
            "Yes" if rules.whole_programme else "No",
        ),
    ]
    if rules.max_cost_per_unit is not None:
        described.append(
            (
                "Most spend per unit of demand avoided",
                f"£{rules.max_cost_per_unit.max_cost:,.2f} per "
                f"{names.get(rules.max_cost_per_unit.demand_type, rules.max_cost_per_unit.demand_type)}",
            )
        )
    for label, caps in (
        ("Cap on spend per place", rules.place_caps),
        ("Cap on spend per intervention", rules.intervention_caps),
        ("Cap on spend per category", rules.category_caps),
    ):
        for key, amount in caps.items():
            described.append((f"{label}: {names.get(key, key)}", f"£{amount:,.2f}"))
    return tuple(described)


def _objective_label(rules: ScenarioRules, names: Mapping[str, str]) -> str:
    if str(rules.objective) == "single" and rules.objective_demand_type:
        demand = names.get(rules.objective_demand_type, rules.objective_demand_type)
        return f"Most {demand} avoided"
    if str(rules.objective) == "priority":
        return "Most priority-weighted demand avoided"
    return "Most value of demand avoided (£)"


def _setting_text(rules: ScenarioRules, setting: Setting, names: Mapping[str, str]) -> str:
    """One numeric setting as the workbook shows it: percentages as percentages."""
    if setting.name == "partner_fairness":
        return _fairness_label(rules, names)
    number = float(getattr(rules, setting.name))
    if setting.percent:
        return f"{round(number * 100, 4):g}%"
    return f"{number:g}"


def _fairness_label(rules: ScenarioRules, names: Mapping[str, str]) -> str:
    text = f"{rules.partner_fairness:g}" if rules.partner_fairness else "Off"
    overrides = [
        f"{names.get(key, key)} {alpha:g}"
        for key, alpha in rules.partner_fairness_overrides.items()
    ]
    return text + (f" (except {', '.join(overrides)})" if overrides else "")


def budget_limits(inputs: PlanningInputs, rules: ScenarioRules) -> tuple[BudgetLimit, ...]:
    """Each budget line in the horizon, with the scenario's overrides applied."""
    overrides = {override.budget_line: override for override in rules.budget_overrides}
    limits = []
    for line in inputs.budget_lines:
        if line.year not in rules.years:
            continue
        override = overrides.get(line.key)
        maximum = line.maximum
        minimum = line.committed_minimum
        if override is not None:
            maximum = override.maximum if override.maximum is not None else maximum
            minimum = (
                override.committed_minimum if override.committed_minimum is not None else minimum
            )
        limits.append(BudgetLimit(line.partner, line.year, maximum, minimum))
    return tuple(limits)


def view_from_optimiser(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    result: OptimisedPlan,
    *,
    plan_id: int | None = None,
    scenario_name: str = "",
    created_at: datetime | None = None,
    created_by: str = "",
    demand_avoided: Mapping[tuple[str, str, int], float] | None = None,
    snapshot: Mapping[str, Any] | None = None,
) -> PlanWorkbookView:
    """The workbook view of a plan the optimiser has just made from `inputs` and `rules`."""
    names: dict[str, str] = {partner.key: partner.name for partner in inputs.partners}
    names.update({demand.key: demand.name for demand in inputs.demand_types})
    names.update({intervention.key: intervention.name for intervention in inputs.interventions})
    names.update({place.key: place.name for place in inputs.places})
    return PlanWorkbookView(
        plan_id=plan_id,
        scenario_name=scenario_name,
        created_at=created_at,
        created_by=created_by,
        result=result,
        partners={partner.key: partner.name for partner in inputs.partners},
        interventions={
            item.key: InterventionFacts(
                item.key,
                item.name,
                item.category,
                item.evidence_rating,
                item.unit_cost,
                item.fixed_cost,
            )
            for item in inputs.interventions
        },
        places={
            place.key: PlaceFacts(place.key, place.name, place.district, place.need_index)
            for place in inputs.places
        },
        budget_limits=budget_limits(inputs, rules),
        fairness={partner.key: rules.fairness_for(partner.key) for partner in inputs.partners},
        need_floor=rules.need_floor,
        min_share_rated_3_plus=rules.min_share_rated_3_plus,
        portfolio_vfm_ratio=rules.portfolio_vfm_ratio,
        whole_programme=rules.whole_programme,
        rules=describe_rules(rules, names),
        demand_avoided=dict(demand_avoided or {}),
        inputs=dict(snapshot) if snapshot is not None else optimiser_snapshot(inputs, rules),
        planning_inputs=inputs,
        scenario_rules=rules,
    )


def optimiser_snapshot(inputs: PlanningInputs, rules: ScenarioRules) -> dict[str, Any]:
    """Every input and rule as plain JSON, for the workbook's Inputs sheet."""
    return {"inputs": _plain(inputs), "rules": _plain(rules)}


def _plain(item: Any) -> Any:
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {f.name: _plain(getattr(item, f.name)) for f in dataclasses.fields(item)}
    if isinstance(item, Mapping | MappingProxyType):
        return {str(key): _plain(value) for key, value in item.items()}
    if isinstance(item, tuple | list):
        return [_plain(value) for value in item]
    if isinstance(item, Enum):
        return item.value
    return item
