"""Whole people and programmes: how close the plan is, in words, and a pool never below separate.

In whole-programme mode the plan is a mixed-integer program (whole participants, whole
cohorts, programmes that run or not). HiGHS stops once it has proven its plan within a small
share of the best possible: it holds a bound that no plan can beat, and ``closeness`` says how
far the plan is from that bound, rounded up, so the words are never kinder than the proof.

The value of pooling compares two whole plans: the pooled one and the partners commissioning
separately (the same switch turns whole people on in both). Every separate plan is a plan the
pool could run, but each solve stops within its gap, so a pooled solve could stop below the
separate plan. ``at_least_separate`` then solves the pool again starting from the separate
plan's whole choices, so the pooled plan is at least as good as the separate one and the
comparison says what holds.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from optimiser.build import build
from optimiser.inputs import PlanningInputs
from optimiser.model import Model
from optimiser.plan import NotFunded, PartnerAlone, SolveStatus
from optimiser.pooling import partners_alone
from optimiser.scenario import ScenarioRules
from optimiser.separate import build_separate, pooled_value
from optimiser.solve import SolveResult, solve_model
from optimiser.start import choices_of
from optimiser.wording import Gain

EXPLAINED_WHOLE = (
    "Shadow prices are from the linear program with programme choices and whole cohorts fixed "
    "as planned and participants counted in fractions: each is a rate at the margin, and the "
    "plan itself changes only in whole people."
)
# Added to each sentence whose figure is a shadow price or reduced cost of a whole plan: the
# figure is the linear program's (``EXPLAINED_WHOLE``), true there, and said to be so.
IN_FRACTIONS = (
    " (counting participants in fractions, as the shadow prices do: whole participants come "
    "in steps, so a change smaller than one may add nothing)"
)
# Reasons for an unfunded programme that come from reduced costs.
FROM_REDUCED_COSTS = frozenset({"outcompeted", "tie"})
# Below this the solver's bound and its plan agree: the plan is proven best.
PROVEN = 1e-9

SeparateSolve = tuple[Model, SolveResult]
# What the value of pooling compares a plan with: the separate plan solved, each partner alone.
Comparisons = tuple[SeparateSolve, tuple[PartnerAlone, ...]]


def proven_gap(result: SolveResult) -> float | None:
    """How far the plan may be from the best possible, as a share of the solver's bound.

    The bound is HiGHS's: no plan does better. None when there is no bound (the solver
    stopped before it had one).
    """
    if result.objective is None:
        return None
    if result.bound is None:
        return 0.0 if result.status is SolveStatus.OPTIMAL else None
    gap = abs(result.bound - result.objective) / max(abs(result.bound), 1e-9)
    return 0.0 if gap <= PROVEN else gap


def percent_up(share: float) -> str:
    """A share as a percentage rounded up (never closer than proven): 0.000682 -> "0.07%"."""
    percent = share * 100
    places = 2 if percent < 1 else 1
    step = 10.0**-places
    rounded = max(math.ceil(percent / step - 1e-9) * step, step)
    return f"{rounded:.{places}f}".rstrip("0").rstrip(".") + "%"


def closeness(result: SolveResult, gain: Gain) -> str:
    """How close the whole plan is to the best possible, from the solver's proof, in words."""
    best = "cheapest" if gain.target else "best"
    gap = proven_gap(result)
    if result.status is SolveStatus.OPTIMAL:
        if gap is None or gap == 0.0:
            return (
                f"In whole people and programmes this is the {best} possible plan: the solver "
                "proved that no plan does better."
            )
        return (
            f"In whole people and programmes this plan is within {percent_up(gap)} of the "
            f"{best} possible plan (the solver proved that no plan does better than its bound)."
        )
    if gap is None:
        return (
            "The solver stopped before it had a bound on the best possible plan, so how close "
            "this plan is cannot be said."
        )
    return (
        f"When the solver stopped, this plan was within {percent_up(gap)} of the {best} "
        "possible plan (the gap it had reached against its bound)."
    )


def in_fractions(sentence: str) -> str:
    """A shadow-price sentence of a whole plan, saying that its figure counts in fractions."""
    if not sentence.endswith("."):
        return sentence + IN_FRACTIONS
    return sentence[:-1] + IN_FRACTIONS + "."


def whole_unfunded(unfunded: NotFunded) -> NotFunded:
    """An unfunded programme's reason in a whole plan: reduced-cost reasons said to count in
    fractions. A tie there is an artefact of the choices held (an extra pound can go to it at
    the margin only because the plan's cohorts and switches are fixed), not a free way in."""
    if unfunded.reason == "tie":
        return replace(
            unfunded,
            sentence=(
                f"{unfunded.name} is not funded: in whole people and programmes the best plan "
                "found leaves it out; counting participants in fractions, with the plan's "
                "programmes and cohorts held, it would tie with the funded programmes at the "
                "margin."
            ),
        )
    if unfunded.reason in FROM_REDUCED_COSTS:
        return replace(unfunded, sentence=in_fractions(unfunded.sentence))
    return unfunded


def solve_separate(
    inputs: PlanningInputs, rules: ScenarioRules, time_limit: float, options: dict[str, Any]
) -> SeparateSolve:
    """The partners commissioning separately, solved (whole people when the scenario is)."""
    model = build_separate(inputs, rules)
    return model, solve_model(model, time_limit, **options)


def compared_beside_plan(rules: ScenarioRules, *, separately: bool) -> bool:
    """Whether a plan's value of pooling is solved beside the pooled plan (``solve_comparisons``
    in a second thread): a pooled plan in whole people, with no target (in target mode there is
    no value of pooling to compare)."""
    return rules.whole_programme and rules.target is None and not separately


def solve_comparisons(
    inputs: PlanningInputs, rules: ScenarioRules, time_limit: float, options: dict[str, Any]
) -> Comparisons:
    """What the value of pooling compares the pooled plan with, solved while the pooled plan
    is: the partners commissioning separately, then each partner alone."""
    separate = solve_separate(inputs, rules, time_limit, options)
    return separate, partners_alone(inputs, rules, time_limit, options)


def at_least_separate(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    model: Model,
    result: SolveResult,
    separate: SeparateSolve,
    time_limit: float,
    options: dict[str, Any],
) -> tuple[Model, SolveResult]:
    """The pooled plan, solved again from the separate plan's whole choices if it came out
    below that plan (module docstring); otherwise as it was."""
    separate_model, separate_result = separate
    if not separate_result.status.has_plan:
        return model, result
    floor = pooled_value(separate_model)
    tolerance = 1e-6 * max(1.0, abs(floor))
    if result.objective is not None and result.objective >= floor - tolerance:
        return model, result
    again = build(inputs, rules)
    found = solve_model(again, time_limit, start=choices_of(separate_model), **options)
    if found.objective is None:
        return model, result
    if result.objective is not None and found.objective <= result.objective:
        return model, result
    return again, found
