"""Robustness: re-solve the scenario on K draws of the inputs and compare the chosen plan.

Each draw is a partnership as it might turn out (effects, unit costs and take-up drawn as in
``optimiser.uncertainty``), and the scenario is solved again for it under the same rules. Over
the draws: how often each intervention and place is funded (a programme funded in nearly every
draw is a safe choice; one funded in half of them rests on figures nobody is sure of), and the
chosen plan's regret, what it gives up against the best plan for that draw's figures.

``resolve_draws`` solves a part of the draws and is what a worker runs, so the K re-solves can
be shared among workers; every worker makes the same draws from the same seed, and a draw's
answer does not depend on the part it is in (``optimiser.drawn_model``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from optimiser.block import ParticipantBlock
from optimiser.build import benefit_cost_ratio, build
from optimiser.drawn_model import DrawnModel, DrawnSolve
from optimiser.inputs import Effect, InputError, Intervention, PlanningInputs
from optimiser.model import Model
from optimiser.montecarlo import demand_in_draws, plan_units
from optimiser.plan import Plan
from optimiser.scenario import ObjectiveKind, ScenarioRules
from optimiser.solve import solve_model
from optimiser.uncertainty import Draws, check_draw_count, draw

DEFAULT_RESOLVES = 200
MOST_RESOLVES = 2_000
# Participants below this count as not served (the solver's rounding).
SERVED = 1e-4
# Parts of the draws per worker sharing them: more than one, so a part slowed by a busy machine
# does not hold the others up; few, as each part builds and solves the recorded model once.
PARTS_PER_WORKER = 3
SMALLEST_PART = 5


@dataclass(frozen=True)
class DrawOutcome:
    """The best plan for one draw: its objective and what it funds (None when no plan meets
    the rules with that draw's figures)."""

    number: int
    objective: float | None
    interventions: tuple[str, ...] = ()
    places: tuple[str, ...] = ()


@dataclass(frozen=True)
class FundedShare:
    """How often the best plans fund one intervention or place, and whether the chosen one does."""

    key: str
    name: str
    share: float
    in_plan: bool


@dataclass(frozen=True)
class Robustness:
    """What K re-solves say about the chosen plan.

    Regret is in the objective's units (pounds of demand avoided unless the scenario weights
    demand types otherwise): the best plan's objective for a draw less the chosen plan's
    objective with the same figures, never below 0. ``above_best`` counts draws in which the
    chosen plan scores above the best plan that keeps every rule, because with those figures
    it would break one (a fairness or value-for-money rule); ``no_plan`` counts draws in which
    no plan meets the rules.
    """

    draws: int
    seed: int
    solved: int
    no_plan: int
    above_best: int
    interventions: tuple[FundedShare, ...]
    places: tuple[FundedShare, ...]
    regret_mean: float
    regret_median: float
    regret_high: float  # 95th percentile
    regret_max: float
    regret_share_mean: float  # mean regret over the mean best objective
    chosen_mean: float
    best_mean: float
    # How each draw's best plan was worked out, in words, where that is not the plan's own way.
    basis: str = ""


# Whole people and programmes: a mixed-integer solve per draw would take the time of the plan's
# own solve, thousands of times over; each draw's best plan is the linear relaxation instead,
# and the words say so, so the figures are never read as whole-people plans.
DRAWS_IN_FRACTIONS = (
    "Each draw's best plan is worked out with participants, cohorts and programmes in fractions "
    "(the most any plan could do with that draw's figures), not in whole people as this plan "
    "is, so regret here includes the cost of whole people (about the plan's own distance from "
    "its bound)."
)


def check_resolve_count(count: int, field: str = "draws") -> int:
    """A number of re-solves a run may make, or InputError naming the field."""
    check_draw_count(count, field)
    if count > MOST_RESOLVES:
        raise InputError(f"{field} must be at most {MOST_RESOLVES:,} re-solves, got {count:,}")
    return count


def drawn_inputs(inputs: PlanningInputs, draws: Draws, number: int) -> PlanningInputs:
    """The partnership as draw ``number`` has it: effects scaled by the drawn effect and take-up
    (fewer places taken means less demand avoided per place paid for), unit costs drawn."""
    interventions = []
    demand = {d.key: n for n, d in enumerate(inputs.demand_types)}
    for i, intervention in enumerate(inputs.interventions):
        take_up = float(draws.take_up[number, i])
        effects = tuple(
            Effect(
                demand_type=effect.demand_type,
                reduction_per_participant=effect.reduction_per_participant
                * float(draws.effect[number, i, demand[effect.demand_type]])
                * take_up,
                years_after=effect.years_after,
            )
            for effect in intervention.effects
        )
        interventions.append(_with_effects(intervention, effects))
    demand_types = tuple(
        replace(
            demand_type,
            unit_cost=float(draws.unit_cost[number, d]),
            unit_cost_low=None,
            unit_cost_high=None,
        )
        for d, demand_type in enumerate(inputs.demand_types)
    )
    return replace(inputs, interventions=tuple(interventions), demand_types=demand_types)


def _with_effects(intervention: Intervention, effects: tuple[Effect, ...]) -> Intervention:
    return replace(intervention, effects=effects, take_up_low=None, take_up_high=None)


def best_for_draw(
    inputs: PlanningInputs, rules: ScenarioRules, number: int, *, time_limit: float = 60
) -> DrawOutcome:
    """Solve the scenario for one draw's partnership, built from its drawn figures; what the
    best plan funds. (``resolve_draws`` reaches the same answers without rebuilding the model
    for each draw; the tests hold the two together.) Whole programmes: the relaxation
    (``DRAWS_IN_FRACTIONS``)."""
    model = build(inputs, rules, relax_programmes=rules.whole_programme)
    result = solve_model(model, time_limit)
    if not result.status.has_plan or result.objective is None:
        return DrawOutcome(number, None)
    interventions, places = _funded(model.block, model.block.value_array())
    return DrawOutcome(number, result.objective, interventions, places)


def screened_rules(inputs: PlanningInputs, rules: ScenarioRules) -> ScenarioRules:
    """The scenario's rules for re-solving draws, with the benefit-cost screen applied once.

    The screen is how a partnership shortlists programmes, on the recorded figures; applied to
    each draw's figures it would drop a programme whose drawn ratio dips under the threshold
    even where the partnership holds a contract for it, and no plan could honour the contract.
    So a programme the recorded figures screen out stays out (a spending cap of nothing), and
    one they let in stays in.
    """
    # Each draw is one possible partnership: its best plan uses that draw's figures as recorded.
    rules = replace(rules, expected_over_draws=0)
    if rules.bcr_threshold <= 0:
        return rules
    model = Model.empty(inputs, rules)
    screened = {
        intervention.key: 0.0
        for intervention in inputs.interventions
        if benefit_cost_ratio(model, intervention) < rules.bcr_threshold
    }
    caps = {**rules.intervention_caps, **screened}
    return replace(rules, bcr_threshold=0.0, intervention_caps=caps)


def draw_parts(count: int, workers: int) -> list[tuple[int, int]]:
    """The draws ``0..count-1`` cut into parts for ``workers`` workers to share: a few parts
    per worker, of as near equal size as whole draws allow, none under ``SMALLEST_PART`` draws
    unless there are fewer draws than that; (start, stop) each."""
    parts = max(1, min(max(workers, 1) * PARTS_PER_WORKER, -(-count // SMALLEST_PART)))
    edges = [round(part * count / parts) for part in range(parts + 1)]
    return [(low, high) for low, high in zip(edges, edges[1:], strict=False) if high > low]


def resolve_draws(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    *,
    count: int,
    seed: int,
    start: int = 0,
    stop: int | None = None,
    time_limit: float = 60,
    on_draw: Callable[[int], None] | None = None,
) -> tuple[DrawOutcome, ...]:
    """Re-solve draws ``start`` to ``stop`` of ``count`` (a worker's part of them).

    The model is built once for the part and each draw changes only its coefficients
    (``optimiser.drawn_model``); ``on_draw(solved)`` is told after each draw how many of the
    part's draws are done. A draw's outcome is the same in any part, so the parts' outcomes
    together are those of one part holding every draw.
    """
    draws = draw(inputs, count, seed)
    numbers = range(start, count if stop is None else min(stop, count))
    if not numbers:
        return ()
    model = DrawnModel(inputs, screened_rules(inputs, rules), draws, time_limit=time_limit)
    outcomes = []
    for done, number in enumerate(numbers, start=1):
        outcomes.append(_outcome(model.model.block, number, model.solve(number)))
        if on_draw is not None:
            on_draw(done)
    return tuple(outcomes)


def _outcome(block: ParticipantBlock, number: int, solved: DrawnSolve) -> DrawOutcome:
    if solved.objective is None or solved.participants is None:
        return DrawOutcome(number, None)
    return DrawOutcome(number, solved.objective, *_funded(block, solved.participants))


def _funded(block: ParticipantBlock, participants: np.ndarray) -> tuple[tuple[str, ...], ...]:
    """The interventions and places a plan serves anyone in, each sorted."""
    served = block.per_delivery(participants)
    first = block.first_of_delivery()
    happening = np.flatnonzero(served > SERVED)
    interventions = sorted(
        {block.intervention_keys[i] for i in block.intervention[first[happening]].tolist()}
    )
    places = sorted({block.place_keys[p] for p in block.place[first[happening]].tolist()})
    return tuple(interventions), tuple(places)


def objective_weights_in_draws(
    inputs: PlanningInputs, rules: ScenarioRules, draws: Draws
) -> np.ndarray:
    """Each demand type's weight in the objective, per draw (draws x demand types)."""
    if rules.objective is ObjectiveKind.VALUE:
        return draws.unit_cost
    if rules.objective is ObjectiveKind.PRIORITY:
        weights = [rules.priority_weights.get(d.key, 0.0) for d in inputs.demand_types]
    else:
        weights = [float(d.key == rules.objective_demand_type) for d in inputs.demand_types]
    return np.tile(np.array(weights, dtype=np.float64), (draws.count, 1))


def summarise(
    plan: Plan,
    inputs: PlanningInputs,
    rules: ScenarioRules,
    outcomes: tuple[DrawOutcome, ...] | list[DrawOutcome],
    *,
    count: int,
    seed: int,
) -> Robustness:
    """Funded shares and the chosen plan's regret over the re-solved draws."""
    draws = draw(inputs, count, seed)
    chosen = (
        demand_in_draws(plan_units(plan, inputs, rules), draws)
        * objective_weights_in_draws(inputs, rules, draws)
    ).sum(axis=1)
    solved = [o for o in outcomes if o.objective is not None]
    best = np.array([o.objective for o in solved], dtype=np.float64)
    mine = np.array([chosen[o.number] for o in solved], dtype=np.float64)
    raw = best - mine
    # Within the solver's tolerance of the best, the chosen plan is as good as the best.
    tolerance = 1e-6 * np.maximum(1.0, np.abs(best))
    regret = np.where(raw > tolerance, raw, 0.0)
    above = int(np.sum(raw < -tolerance))
    funded = {a.intervention for a in plan.allocations if a.participants > SERVED}
    funded_places = {a.place for a in plan.allocations if a.participants > SERVED}
    total = max(len(solved), 1)

    def shares(
        keys: list[tuple[str, str]], found: list[tuple[str, ...]], mine_: set[str]
    ) -> tuple[FundedShare, ...]:
        counts = {key: 0 for key, _name in keys}
        for funded_keys in found:
            for key in funded_keys:
                if key in counts:
                    counts[key] += 1
        rows = [FundedShare(key, name, counts[key] / total, key in mine_) for key, name in keys]
        return tuple(sorted(rows, key=lambda r: (-r.share, r.name)))

    best_mean = float(best.mean()) if len(best) else 0.0
    return Robustness(
        draws=count,
        seed=seed,
        solved=len(solved),
        no_plan=len(outcomes) - len(solved),
        above_best=above,
        interventions=shares(
            [(i.key, i.name) for i in inputs.interventions],
            [o.interventions for o in solved],
            funded,
        ),
        places=shares(
            [(p.key, p.name) for p in inputs.places], [o.places for o in solved], funded_places
        ),
        regret_mean=_stat(regret, np.mean),
        regret_median=_stat(regret, np.median),
        regret_high=_stat(regret, lambda a: np.percentile(a, 95)),
        regret_max=_stat(regret, np.max),
        regret_share_mean=round(float(regret.mean()) / best_mean, 6)
        if best_mean > 0 and len(regret)
        else 0.0,
        chosen_mean=_stat(mine, np.mean),
        best_mean=round(best_mean, 2),
        basis=DRAWS_IN_FRACTIONS if rules.whole_programme else "",
    )


def _stat(values: np.ndarray, how: Callable[[np.ndarray], Any]) -> float:
    return round(float(how(values)), 2) if len(values) else 0.0
