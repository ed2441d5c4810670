"""The rules that hold a plan back, grouped by kind as the plan page words them (the kinds and
their words come from the optimiser's registry, ``optimiser.families``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from optimiser.families import FAMILIES, RuleFamily, family


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
    before delivery limits, and within a kind the rule worth most when loosened first. Families
    that share a heading (existing contracts, overall and in one place) make one group. A family
    the registry does not know is an error (KeyError), never a group with a made-up name."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    first: dict[str, RuleFamily] = {}
    order = {key: index for index, key in enumerate(FAMILIES)}
    rank: dict[str, int] = {}
    for constraint in result.get("binding_constraints", []):
        name = str(constraint.get("family", ""))
        kind = family(name)
        groups[kind.heading].append(constraint)
        if rank.get(kind.heading, len(order)) > order[name]:
            rank[kind.heading], first[kind.heading] = order[name], kind
    for constraints in groups.values():
        constraints.sort(key=lambda c: -abs(float(c.get("shadow_price") or 0)))
    return [
        BindingGroup(first[heading], constraints)
        for heading, constraints in sorted(groups.items(), key=lambda item: rank[item[0]])
    ]
