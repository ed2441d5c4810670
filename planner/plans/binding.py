"""The rules that hold a plan back, grouped by kind as the plan page words them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RuleFamily:
    """A kind of rule the optimiser names in its rows ('budget|…'), as the plan page words it:
    a heading for the group, and what one rule of it is called ('a budget rule')."""

    heading: str
    one: str

    @property
    def many(self) -> str:
        return f"{self.one}s"

    def count(self, number: int) -> str:
        """'1 budget rule', '20 budget rules'."""
        return f"{number} {self.one if number == 1 else self.many}"


RULE_FAMILIES = {
    "budget": RuleFamily("Budgets", "budget rule"),
    "committed": RuleFamily("Committed minimum budgets", "committed-minimum rule"),
    "fairness": RuleFamily("Partner fairness", "partner-fairness rule"),
    "evidence_share": RuleFamily("Share of spend on strong evidence", "evidence-share rule"),
    "portfolio_vfm": RuleFamily("Value for money of the whole plan", "value-for-money rule"),
    "cost_per_unit": RuleFamily("Cost per unit of demand avoided", "cost-per-unit rule"),
    "need_floor": RuleFamily("Place need floors", "need-floor rule"),
    "cap_place": RuleFamily("Caps on places", "place cap"),
    "cap_intervention": RuleFamily("Caps on interventions", "intervention cap"),
    "cap_category": RuleFamily("Caps on categories", "category cap"),
    "window": RuleFamily("Commissioning windows", "commissioning-window rule"),
    "contract": RuleFamily("Existing contracts", "existing-contract rule"),
    "contract_place": RuleFamily("Existing contracts", "existing-contract rule"),
    "capacity": RuleFamily("Delivery capacity", "capacity limit"),
    "runs": RuleFamily("Eligible population", "eligible-population limit"),
    "cohort": RuleFamily("Minimum cohorts", "minimum-cohort rule"),
}


@dataclass(frozen=True)
class BindingGroup:
    """The binding rules of one family, the rule worth most when loosened first."""

    family: RuleFamily
    constraints: list[dict[str, Any]]

    SHOWN = 3  # the rest fold away under "n more … that hold the plan back"

    @property
    def shown(self) -> list[dict[str, Any]]:
        return self.constraints[: self.SHOWN]

    @property
    def folded(self) -> list[dict[str, Any]]:
        return self.constraints[self.SHOWN :]

    @property
    def more(self) -> str:
        """'20 more budget rules that hold the plan back' (or '1 more place cap that holds…')."""
        number = len(self.folded)
        if number == 1:
            return f"1 more {self.family.one} that holds the plan back"
        return f"{number} more {self.family.many} that hold the plan back"


def binding_groups(result: dict[str, Any]) -> list[BindingGroup]:
    """Binding rules grouped by kind, the partnership's own choices (budgets, fairness, evidence)
    before delivery limits, and within a kind the rule worth most when loosened first."""
    groups: dict[RuleFamily, list[dict[str, Any]]] = defaultdict(list)
    order = {family: index for index, family in enumerate(RULE_FAMILIES)}
    rank: dict[RuleFamily, int] = {}
    for constraint in result.get("binding_constraints", []):
        name = str(constraint.get("family", ""))
        family = RULE_FAMILIES.get(name) or _unknown_family(name)
        groups[family].append(constraint)
        rank[family] = min(rank.get(family, len(order)), order.get(name, len(order)))
    for constraints in groups.values():
        constraints.sort(key=lambda c: -abs(float(c.get("shadow_price") or 0)))
    return [
        BindingGroup(family, constraints)
        for family, constraints in sorted(groups.items(), key=lambda item: rank[item[0]])
    ]


def _unknown_family(name: str) -> RuleFamily:
    """A kind of rule added to the optimiser after this page was written: its own name."""
    words = name.replace("_", " ").strip() or "other"
    return RuleFamily(words.capitalize(), f"{words} rule")
