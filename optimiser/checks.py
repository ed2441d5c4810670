"""A scenario's rules checked against the partnership they are applied to.

``ScenarioRules`` checks itself on construction (fractions, horizon, segments),
but it cannot know the partnership: a cap on an intervention, a partner fairness
override for a partner or a budget override for a budget line is only
meaningful if that intervention, partner or line exists. Unchecked, a rule
naming something that is not there would be silently ignored (or, for a
demand type, fail deep inside the wording), so ``optimise`` checks first and
says which rule names what.
"""

from __future__ import annotations

from collections.abc import Iterable

from optimiser.inputs import InputError, PlanningInputs
from optimiser.scenario import ObjectiveKind, ScenarioRules
from optimiser.target import check_target


def _unknown(names: Iterable[str], known: set[str]) -> list[str]:
    return [name for name in names if name not in known]


def check_rules(inputs: PlanningInputs, rules: ScenarioRules) -> None:
    """Raise InputError naming every rule that refers to something the inputs lack.

    Checks caps (intervention, category, place), partner fairness overrides,
    budget overrides, the cost-per-unit rule, priority weights and the
    single demand type of the objective.
    """
    interventions = {i.key for i in inputs.interventions}
    categories = {i.category for i in inputs.interventions}
    places = {p.key for p in inputs.places}
    partners = {p.key for p in inputs.partners}
    lines = {line.key for line in inputs.budget_lines}
    demand_types = {d.key for d in inputs.demand_types}
    problems = [
        f"cap on intervention {key!r} — no intervention has that name"
        for key in _unknown(rules.intervention_caps, interventions)
    ]
    problems += [
        f"cap on category {key!r} — no intervention is in that category"
        for key in _unknown(rules.category_caps, categories)
    ]
    problems += [
        f"cap on place {key!r} — no place has that name"
        for key in _unknown(rules.place_caps, places)
    ]
    problems += [
        f"partner fairness override for partner {key!r} — no partner has that name"
        for key in _unknown(rules.partner_fairness_overrides, partners)
    ]
    problems += [
        f"budget override for budget line {key!r} — no budget line has that key"
        for key in _unknown((o.budget_line for o in rules.budget_overrides), lines)
    ]
    rule = rules.max_cost_per_unit
    if rule is not None and rule.demand_type not in demand_types:
        problems.append(
            f"most cost per unit of demand type {rule.demand_type!r} — no demand type has that name"
        )
    problems += [
        f"priority weight for demand type {key!r} — no demand type has that name"
        for key in _unknown(rules.priority_weights, demand_types)
    ]
    if rules.objective is ObjectiveKind.SINGLE and rules.objective_demand_type not in demand_types:
        problems.append(
            f"objective demand type {rules.objective_demand_type!r} — no demand type has that name"
        )
    if problems:
        raise InputError("scenario rules: " + "; ".join(problems))
    check_target(inputs, rules)
