"""The value of pooling: each partner alone with only its own budget, against the pool."""

from __future__ import annotations

from dataclasses import replace

from optimiser.build import build
from optimiser.inputs import PlanningInputs
from optimiser.plan import PartnerAlone, PoolingComparison
from optimiser.scenario import ScenarioRules
from optimiser.solve import solve_model, value
from optimiser.wording import Gain


def partner_alone(
    inputs: PlanningInputs, rules: ScenarioRules, partner: str, *, time_limit: float = 60
) -> PartnerAlone:
    """The same rules solved with only one partner's budget lines and contracts.

    A partner whose rules cannot be met alone counts as achieving nothing.
    """
    alone = replace(
        inputs,
        budget_lines=tuple(line for line in inputs.budget_lines if line.partner == partner),
        contracts=tuple(c for c in inputs.contracts if c.partner == partner),
    )
    model = build(alone, rules)
    result = solve_model(model, time_limit)
    objective = result.objective if result.status.has_plan and result.objective else 0.0
    spend = value(model.total_spend) if result.status.has_plan else 0.0
    return PartnerAlone(
        partner=partner,
        name=inputs.partner(partner).name,
        status=result.status,
        objective=round(objective, 6),
        spend=round(spend, 2),
    )


def compare_pooling(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    pooled_objective: float,
    *,
    time_limit: float = 60,
) -> PoolingComparison:
    """Pooled plan against the sum of the partners' plans alone, in objective units."""
    alone = tuple(
        partner_alone(inputs, rules, partner.key, time_limit=time_limit)
        for partner in inputs.partners
        if any(line.partner == partner.key for line in inputs.budget_lines)
    )
    total = sum(result.objective for result in alone)
    gain = Gain(inputs, rules)
    difference = pooled_objective - total
    pooled, apart = gain(pooled_objective)[6:], gain(total)[6:]
    if difference >= 0:
        sentence = (
            f"Pooling adds {gain(difference)} over the partners commissioning alone "
            f"({pooled} pooled against {apart} alone)."
        )
    else:
        sentence = (
            f"The partners alone add up to {apart} against {pooled} pooled only because "
            "each of them, alone, counts on the same provider capacity and eligible people."
        )
    return PoolingComparison(
        pooled_objective=round(pooled_objective, 6),
        alone=alone,
        sum_alone=round(total, 6),
        value_of_pooling=round(difference, 6),
        sentence=sentence,
    )
