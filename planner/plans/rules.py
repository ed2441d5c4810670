"""The rules a plan was solved with, read back from the snapshot it stores, never from the scenario
as it is now: after someone edits the scenario, an old plan still says what it was asked to do.

The snapshot keeps the optimiser's rules keyed by names, and the scenario's name, funding mode
and time limit beside them. `solved_rules` turns them back into a Scenario (not saved) so the
scenario page's own describer words them, and adds the caps and the budgets the plan could use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models import Plan, Scenario
from models.intervention import InterventionCategory
from models.scenario import FundingMode
from models.vocabulary import financial_year_label
from planner.scenarios.describe import RuleLine, describe_rules
from planner.scenarios.forms import ScenarioChoices
from planner.solving.rule_fields import scenario_fields

CAP_KINDS = (
    ("place_caps", "Place"),
    ("intervention_caps", "Intervention"),
    ("category_caps", "Category"),
)


@dataclass(frozen=True)
class CapLine:
    """A cap on spend the plan was held to: what it capped, its kind, and the most to spend."""

    label: str
    kind: str
    maximum: float


@dataclass(frozen=True)
class BudgetUsed:
    """One partner's budget for one year, as the plan could use it."""

    partner: str
    year: int
    recorded_maximum: float
    maximum: float
    committed_minimum: float
    replaced: bool  # the scenario replaced the recorded figure for this plan

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year)


@dataclass(frozen=True)
class SolvedRules:
    """Everything the plan was asked to follow, in words."""

    rules: list[RuleLine]
    caps: list[CapLine]
    budgets: list[BudgetUsed]
    taken_at: datetime | None

    def by_label(self) -> dict[str, str]:
        """Every rule, cap and budget as label -> value, to set plans side by side."""
        words = {line.label: line.value for line in self.rules}
        for cap in self.caps:
            words[f"Cap on {cap.label}"] = f"£{cap.maximum:,.0f}"
        for budget in self.budgets:
            words[f"Budget of {budget.partner}, {budget.year_label}"] = _budget_words(budget)
        return words


def _budget_words(budget: BudgetUsed) -> str:
    words = f"up to £{budget.maximum:,.0f}"
    if budget.committed_minimum:
        words += f", at least £{budget.committed_minimum:,.0f}"
    return words


def _ids(rows: list[Mapping[str, Any]]) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """Stand-in ids for the snapshot's records (which are keyed by name), in its order."""
    choices = [(number, str(row["name"])) for number, row in enumerate(rows, start=1)]
    return choices, {str(row["key"]): number for number, row in enumerate(rows, start=1)}


def solved_rules(plan: Plan) -> SolvedRules | None:
    """The rules, caps and budgets of the plan's snapshot; None for a plan without one (its
    inputs could not be planned with, so it was never solved)."""
    snapshot = plan.inputs or {}
    if not snapshot.get("rules") or not snapshot.get("inputs"):
        return None
    inputs = snapshot["inputs"]
    partners, partner_ids = _ids(inputs.get("partners", []))
    demand_types, demand_ids = _ids(inputs.get("demand_types", []))
    choices = ScenarioChoices(
        partners=partners, demand_types=demand_types, cap_targets=[], budget_lines=[], years=[]
    )
    return SolvedRules(
        rules=describe_rules(_scenario(snapshot, partner_ids, demand_ids), choices),
        caps=_caps(snapshot["rules"], inputs),
        budgets=_budgets(snapshot["rules"], inputs),
        taken_at=_when(snapshot.get("taken_at")),
    )


def _when(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _scenario(
    snapshot: Mapping[str, Any], partner_ids: dict[str, int], demand_ids: dict[str, int]
) -> Scenario:
    """The scenario as it was when the plan was started, from the optimiser's rules."""
    about = snapshot.get("scenario") or {}
    return Scenario(
        name=str(about.get("name") or ""),
        description=str(about.get("description") or ""),
        funding_mode=FundingMode(about.get("funding_mode") or FundingMode.POOLED.value),
        time_limit_seconds=about.get("time_limit_seconds") or 60,
        **scenario_fields(snapshot["rules"], partner_ids, demand_ids),
    )


def _caps(rules: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[CapLine]:
    places = {str(p["key"]): f"{p['name']} ({p['district']})" for p in inputs.get("places", [])}
    interventions = {str(i["key"]): str(i["name"]) for i in inputs.get("interventions", [])}
    categories = {
        category.value: f"{category.label} (category)" for category in InterventionCategory
    }
    names = {"place_caps": places, "intervention_caps": interventions, "category_caps": categories}
    return [
        CapLine(names[field].get(str(target), str(target)), kind, float(amount))
        for field, kind in CAP_KINDS
        for target, amount in sorted(rules.get(field, {}).items())
    ]


def _budgets(rules: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[BudgetUsed]:
    overrides = {str(o["budget_line"]): o for o in rules.get("budget_overrides", [])}
    partner_names = {str(p["key"]): str(p["name"]) for p in inputs.get("partners", [])}
    budgets = []
    for line in inputs.get("budget_lines", []):
        override = overrides.get(str(line["key"])) or {}
        maximum = override.get("maximum")
        minimum = override.get("committed_minimum")
        budgets.append(
            BudgetUsed(
                partner=partner_names.get(str(line["partner"]), str(line["partner"])),
                year=int(line["year"]),
                recorded_maximum=float(line["maximum"]),
                maximum=float(line["maximum"] if maximum is None else maximum),
                committed_minimum=float(
                    (line.get("committed_minimum") or 0) if minimum is None else minimum
                ),
                replaced=bool(override),
            )
        )
    return sorted(budgets, key=lambda budget: (budget.partner, budget.year))


@dataclass(frozen=True)
class RuleDifference:
    """A rule, cap or budget that is not the same in every plan compared: its value in each."""

    label: str
    values: tuple[str, ...]

    def differs(self, index: int) -> bool:
        """Whether plan `index` was solved with something other than the first plan."""
        return self.values[index] != self.values[0]


# What a plan whose snapshot has no such line was held to, by the line's kind.
ABSENT = (
    ("Cap on ", "No cap"),
    ("Budget of ", "Not in its years"),
    ("Fairness factor for ", "The general factor"),
    ("Priority of ", "0 (unweighted)"),
)


def _absent(label: str) -> str:
    return next((words for prefix, words in ABSENT if label.startswith(prefix)), "Not set")


def compare_rules(plans: list[Plan]) -> list[RuleDifference]:
    """Every rule, cap and budget that differs between the plans, in the order the scenario page
    lists them, each plan's value read from its own snapshot."""
    solved = [solved_rules(plan) for plan in plans]
    words = [rules.by_label() if rules else None for rules in solved]
    labels: list[str] = []
    for found in words:
        labels += [label for label in found or {} if label not in labels]
    differences = []
    for label in labels:
        values = tuple(
            "Not known: never solved" if found is None else found.get(label, _absent(label))
            for found in words
        )
        if len(set(values)) > 1:
            differences.append(RuleDifference(label, values))
    return differences
