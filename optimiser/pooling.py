"""The value of pooling: each partner alone with only its own budget, against the pool."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

from optimiser.build import build
from optimiser.explain import strongest_rule
from optimiser.inputs import PlanningInputs
from optimiser.plan import PartnerAlone, PoolingComparison, SolveStatus
from optimiser.rules.value import need_shares
from optimiser.scenario import ScenarioRules
from optimiser.solve import solve_model, value
from optimiser.wording import Gain, money


def partner_alone(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    partner: str,
    *,
    time_limit: float = 60,
    **highs_options: Any,
) -> PartnerAlone:
    """The same rules solved with only one partner's budget lines and contracts.

    Alone, the need floor spreads over the places the partner's own money may
    reach (see ``need_shares``). A partner whose rules cannot be met alone
    counts as achieving nothing.
    """
    return solve_alone(inputs, rules, partner, time_limit, **highs_options)[0]


def alone_with(
    inputs: PlanningInputs, rules: ScenarioRules, partner: str
) -> tuple[PlanningInputs, ScenarioRules]:
    """The partnership as one partner sees it alone: its budget lines, contracts and overrides."""
    alone = replace(
        inputs,
        budget_lines=tuple(line for line in inputs.budget_lines if line.partner == partner),
        contracts=tuple(c for c in inputs.contracts if c.partner == partner),
    )
    own_lines = {line.key for line in alone.budget_lines}
    overrides = tuple(o for o in rules.budget_overrides if o.budget_line in own_lines)
    return alone, replace(rules, budget_overrides=overrides)


def solve_alone(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    partner: str,
    time_limit: float,
    **highs_options: Any,
) -> tuple[PartnerAlone, frozenset[str]]:
    """A partner's plan alone, and the places its need floor covers."""
    alone, alone_rules = alone_with(inputs, rules, partner)
    model = build(alone, alone_rules)
    result = solve_model(model, time_limit, **highs_options)
    objective = result.objective if result.status.has_plan and result.objective else 0.0
    spend = value(model.total_spend) if result.status.has_plan else 0.0
    covered = frozenset(place for place, share in need_shares(model).items() if share > 0)
    available = sum(line.maximum for line in model.budget_lines.values())
    held_back = ""
    if result.status is SolveStatus.OPTIMAL:
        # A mixed-integer solve has no shadow prices to say which rule holds it back.
        strongest = None if model.is_mip else strongest_rule(model, Gain(alone, alone_rules))
        held_back = held_back_sentence(spend, available, strongest)
    outcome = PartnerAlone(
        partner=partner,
        name=inputs.partner(partner).name,
        status=result.status,
        objective=round(objective, 6),
        spend=round(spend, 2),
        held_back=held_back,
    )
    return outcome, covered


def held_back_sentence(spend: float, available: float, strongest: str | None) -> str:
    """Why a partner alone spends less than its budgets allow, or '' when it spends (nearly) all.

    ``strongest`` is the sentence of the rule worth most when loosened; '' when no rule binds,
    so what holds it back is capacity and the eligible people its money may reach; None when
    the solve cannot tell (a mixed-integer program has no shadow prices).
    """
    if available - spend < max(1.0, 0.001 * available):
        return ""
    opening = f"Alone it spends {money(spend)} of the {money(available)} its budgets allow"
    if strongest is None:
        return f"{opening}."
    if strongest:
        return f"{opening}. {strongest}"
    return f"{opening}: the provider capacity and eligible people its money may reach are used up."


def compare_pooling(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    pooled_objective: float,
    *,
    time_limit: float = 60,
    **highs_options: Any,
) -> PoolingComparison:
    """Pooled plan against the sum of the partners' plans alone, in objective units.

    ``highs_options`` go to HiGHS in each partner's solve, as in the pooled one.
    """
    solved = [
        solve_alone(inputs, rules, partner.key, time_limit, **highs_options)
        for partner in inputs.partners
        if any(line.partner == partner.key for line in inputs.budget_lines)
    ]
    alone = tuple(outcome for outcome, _covered in solved)
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
            f"{shortfall_reason(rules, [places for outcome, places in solved if outcome.objective > 0])}."
        )
    return PoolingComparison(
        pooled_objective=round(pooled_objective, 6),
        alone=alone,
        sum_alone=round(total, 6),
        value_of_pooling=round(difference, 6),
        sentence=sentence,
    )


def shortfall_reason(rules: ScenarioRules, covered: Sequence[Collection[str]]) -> str:
    """Why the partners alone can add up to more than the pool, as a clause.

    Alone, each partner counts on the same provider capacity and eligible
    people. And with a need floor, a partner alone spreads it over the
    places its own money may reach (``covered``), while the pool must meet it
    in every place any partner's money may reach.
    """
    capacity = "each of them, alone, counts on the same provider capacity and eligible people"
    everywhere = set().union(*covered) if covered else set()
    if rules.need_floor > 0 and any(set(places) < everywhere for places in covered):
        return (
            f"{capacity}, and a partner alone meets the need floor only in the places its own "
            "budget may pay for, while the pooled plan must meet it in every place"
        )
    return capacity
