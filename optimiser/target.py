"""Target mode's limits: a target no plan could reach, whatever the budgets, is refused up front.

The most demand the partnership could avoid is every reachable participant (the eligible
population within providers' capacity) served by every fundable programme, every year of the
horizon, at the effect the plan counts (confidence-weighted, with diminishing returns and
discounting). Budgets are left out on purpose: a target within this reach but beyond the budgets
is answered by the diagnosis (which rules clash and by how much), not refused.
"""

from __future__ import annotations

from optimiser.evidence import evidence_level
from optimiser.inputs import InputError, PlanningInputs
from optimiser.model import Model
from optimiser.scenario import DemandTarget, ScenarioRules
from optimiser.wording import about_money, about_number


def target_weights(inputs: PlanningInputs, target: DemandTarget) -> dict[str, float]:
    """Weight of one unit of each demand type in a target: unit costs for a target in pounds of
    demand avoided, 1 for the targeted demand type."""
    if target.demand_type is None:
        return {d.key: d.unit_cost for d in inputs.demand_types}
    return {d.key: float(d.key == target.demand_type) for d in inputs.demand_types}


def most_reachable(inputs: PlanningInputs, rules: ScenarioRules, target: DemandTarget) -> float:
    """The most of the target's measure any plan could reach, budgets aside."""
    from optimiser.build import reach_matrix  # build imports this module's neighbours

    model = Model.empty(inputs, rules)
    reach, _limited = reach_matrix(inputs)
    weights = target_weights(inputs, target)
    minimum = evidence_level(rules.min_evidence_rating)
    total = 0.0
    for number, intervention in enumerate(inputs.interventions):
        level = evidence_level(intervention.evidence_rating)
        if level == 0 or level < minimum:
            continue
        people = float(reach[number].sum())
        for year in rules.years:
            for segment, share in enumerate(rules.segment_shares):
                units = model.effect_per_participant(intervention, year, segment)
                per_person = sum(weights.get(d, 0.0) * amount for d, amount in units.items())
                total += people * share * per_person
    return total


def target_measure(inputs: PlanningInputs, target: DemandTarget) -> str:
    """The target's measure in words: "£ of demand avoided" or "First-time entrants avoided"."""
    if target.demand_type is None:
        return "£ of demand avoided"
    return f"{inputs.demand_type(target.demand_type).name} avoided"


def check_target(inputs: PlanningInputs, rules: ScenarioRules) -> None:
    """Refuse a target naming an unknown demand type, or beyond what the population allows."""
    target = rules.target
    if target is None:
        return
    if target.demand_type is not None and target.demand_type not in {
        d.key for d in inputs.demand_types
    }:
        raise InputError(f"target: no demand type has the name {target.demand_type!r}")
    most = most_reachable(inputs, rules, target)
    if target.amount > most * (1 + 1e-9):
        shown = about_money if target.demand_type is None else about_number
        raise InputError(
            f"target: {shown(target.amount)} is more than the whole eligible population could "
            f"avoid ({target_measure(inputs, target)}: at most {shown(most)} with every "
            "reachable participant served by every programme the rules allow, every year)"
        )
