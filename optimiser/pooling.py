"""The value of pooling: the pool against the same partners commissioning separately.

Also what each partner could do alone (``solve_alone``), a labelled figure never summed."""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any

from optimiser.build import build
from optimiser.diagnose import diagnose
from optimiser.explain import strongest_rule
from optimiser.inputs import Partner, PlanningInputs
from optimiser.model import Model
from optimiser.plan import PartnerAlone, PartnerFunding, PoolingComparison, SolveStatus
from optimiser.rules.value import need_shares
from optimiser.scenario import ScenarioRules
from optimiser.separate import build_separate, partner_spend, pooled_value
from optimiser.solve import SolveResult, solve_model, value
from optimiser.wording import Gain, money

ALONE_IN_FRACTIONS = (
    "Both plans are in whole people; what each partner could do alone counts participants in "
    "fractions, so it is the most that partner could do alone, not a whole plan."
)


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
    reach (see ``need_shares``). A partner without a plan alone says why in
    ``cannot_plan`` (its objective is then 0 only as a placeholder: never add it up).
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
    # Whole people: each partner alone counts participants in fractions (the relaxation, an
    # upper limit on what it could do in whole people), and the comparison's words say so.
    model = build(alone, alone_rules, relax_programmes=alone_rules.whole_programme)
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
    cannot_plan = ""
    if not result.status.has_plan:
        cannot_plan = why_no_plan_alone(alone, alone_rules, result, time_limit, highs_options)
    outcome = PartnerAlone(
        partner=partner,
        name=inputs.partner(partner).name,
        status=result.status,
        objective=round(objective, 6),
        spend=round(spend, 2),
        held_back=held_back,
        cannot_plan=cannot_plan,
    )
    return outcome, covered


def why_no_plan_alone(
    alone: PlanningInputs,
    rules: ScenarioRules,
    result: SolveResult,
    time_limit: float,
    highs_options: dict[str, Any],
) -> str:
    """Why a partner has no plan alone, in words: the rules that clash, or why the solver stopped."""
    if result.status is SolveStatus.INFEASIBLE:
        found = diagnose(alone, rules, time_limit=time_limit, **highs_options)
        first = found.clashes[0].sentence if found.clashes else found.summary
        return f"Alone, its rules cannot all be met. {first}".strip()
    if result.status is SolveStatus.UNBOUNDED:
        return "Alone, its plan has no limit: a budget or capacity is missing."
    return result.note or "The solver found no plan for it alone."


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
    pooled_objective: float | None,
    *,
    time_limit: float = 60,
    alone: bool = True,
    separate_solved: tuple[Model, SolveResult] | None = None,
    alone_solved: tuple[PartnerAlone, ...] | None = None,
    **highs_options: Any,
) -> PoolingComparison | None:
    """The pooled plan against the same partners commissioning separately, in objective units.

    The separate plan is one model (``optimiser.separate``) in which each partner's money buys
    only what it chooses for the benefit that falls to it, capacity and reach shared and the
    partnership's rules on the combined plan: every separate plan is a plan the pool could run,
    so the value of pooling is never below nothing. With ``alone``, each partner is also solved
    alone, as if the others did not exist: a labelled figure each, never added up.
    ``highs_options`` go to HiGHS in each solve, as in the pooled one. ``pooled_objective``
    None solves the pooled model first (for a plan of the partners commissioning separately);
    None comes back if the pooled model has no plan. ``separate_solved`` is the separate
    model already solved (whole people: the pooled plan was made at least as good as it,
    ``optimiser.whole``), and ``alone_solved`` each partner alone already solved
    (``partners_alone``).
    """
    started = time.perf_counter()
    gain = Gain(inputs, rules)
    if pooled_objective is None:
        pooled_objective = pooled_optimum(inputs, rules, time_limit, highs_options)
        if pooled_objective is None:
            return None
    if separate_solved is None:
        model = build_separate(inputs, rules)
        result = solve_model(model, time_limit, **highs_options)
    else:
        model, result = separate_solved
    separate = pooled_value(model) if result.status.has_plan else None
    difference = None
    contributions: tuple[PartnerFunding, ...] = ()
    spend = 0.0
    if separate is not None:
        # The pooled optimum is at least the separate plan's value; a hair below is solver noise.
        tolerance = 1e-6 * max(1.0, abs(pooled_objective))
        difference = max(pooled_objective - separate, 0.0)
        if pooled_objective - separate < -tolerance and result.status is SolveStatus.OPTIMAL:
            difference = pooled_objective - separate  # the pooled solve stopped early: say so
        spend = round(value(model.total_spend), 2)
        contributions = tuple(
            PartnerFunding(partner, round(amount, 2))
            for partner, amount in partner_spend(model).items()
            if amount > 0.005
        )
    outcomes: tuple[PartnerAlone, ...] = ()
    if alone:
        outcomes = (
            alone_solved
            if alone_solved is not None
            else partners_alone(inputs, rules, time_limit, highs_options)
        )
    sentence = pooling_sentence(gain, pooled_objective, separate, result.status, result.note)
    if rules.whole_programme and outcomes:
        sentence += " " + ALONE_IN_FRACTIONS
    return PoolingComparison(
        pooled_objective=round(pooled_objective, 6),
        separate_objective=None if separate is None else round(separate, 6),
        value_of_pooling=None if difference is None else round(difference, 6),
        sentence=sentence,
        separate_status=result.status,
        separate_spend=spend,
        separate_contributions=contributions,
        alone=outcomes,
        seconds=round(time.perf_counter() - started, 4),
    )


def partners_alone(
    inputs: PlanningInputs, rules: ScenarioRules, time_limit: float, highs_options: dict[str, Any]
) -> tuple[PartnerAlone, ...]:
    """What each funding partner could do alone (``solve_alone``), in partner order."""
    return tuple(
        solve_alone(inputs, rules, partner.key, time_limit, **highs_options)[0]
        for partner in funding_partners(inputs, rules)
    )


def pooled_optimum(
    inputs: PlanningInputs, rules: ScenarioRules, time_limit: float, highs_options: dict[str, Any]
) -> float | None:
    """The pooled plan's objective, or None when the pooled model has no plan."""
    result = solve_model(build(inputs, rules), time_limit, **highs_options)
    return result.objective if result.status.has_plan else None


def funding_partners(inputs: PlanningInputs, rules: ScenarioRules) -> list[Partner]:
    """Partners with a budget line in the scenario's years: those that could plan at all."""
    return [
        partner
        for partner in inputs.partners
        if any(
            line.partner == partner.key and line.year in rules.years for line in inputs.budget_lines
        )
    ]


def pooling_sentence(
    gain: Gain,
    pooled: float,
    separate: float | None,
    status: SolveStatus,
    note: str,
) -> str:
    """The value of pooling in one sentence, or why the separate plan could not be worked out."""
    if separate is None:
        why = note or "the solver found no plan"
        return (
            "The value of pooling could not be worked out: with each partner commissioning "
            f"separately, {why[:1].lower()}{why[1:]}"
        ).rstrip(".") + "."
    # All three figures to the same step (three figures of the pooled value), so they add up.
    step = 10.0 ** (math.floor(math.log10(max(abs(pooled), 1e-9))) - 2)
    pooled_rounded = round(pooled / step) * step
    separate_rounded = round(separate / step) * step
    difference = max(pooled_rounded - separate_rounded, 0.0)
    pooled_text, separate_text = gain(pooled_rounded)[6:], gain(separate_rounded)[6:]
    opening = (
        f"Pooling adds {gain(difference)} over the same partners commissioning "
        f"separately from the same people and providers ({pooled_text} pooled against "
        f"{separate_text} separately, each partner's money buying only for the benefit that "
        "falls to it)."
    )
    if status is not SolveStatus.OPTIMAL:
        opening += " The separate plan is the best the solver found in its time, not proven best."
    return opening
