"""How sure the inputs are: each uncertain figure, its spread, and reproducible draws of them all.

Three kinds of figure are uncertain:

- an intervention's **effect** on a demand type (demand avoided per participant): a standard
  error (drawn from a normal distribution around the recorded effect), or a plausible low-high
  range (drawn from a triangular distribution, most likely at the recorded effect). Where the
  evidence gives neither, a default standard error that widens as the evidence rating falls
  (``DEFAULT_EFFECT_SPREAD``: 20% of the effect for a 4, 30% for a 3, 50% for a 2, 75% for NL2);
- a demand type's **unit cost**: a low-high range (triangular, most likely at the recorded
  cost), or by default plus or minus ``DEFAULT_UNIT_COST_SPREAD`` (20%);
- an intervention's **take-up**: the share of commissioned places that are taken up and
  completed, a range drawn uniformly. The plan assumes every place is taken (take-up 1), which
  is also the default; a range below 1 moves value down, since places are paid for either way.

A draw below zero effect counts as no effect (the re-solves cannot take a negative effect).
Draws are made in one fixed order from one seed, so the same seed gives the same draws for the
Monte Carlo, the re-solves and every worker that takes a share of them.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from optimiser.evidence import base_rating, evidence_level
from optimiser.inputs import InputError, PlanningInputs
from optimiser.wording import percent

# Standard error of an effect, as a share of the effect, where the evidence gives none.
DEFAULT_EFFECT_SPREAD = {"4": 0.2, "3": 0.3, "2": 0.5, "NL2": 0.75}
# Unit costs are averages across areas and years: plus or minus this share where no range is given.
DEFAULT_UNIT_COST_SPREAD = 0.2
# A normal distribution's 5th to 95th percentile: the figure plus or minus this many errors.
NINETY_PERCENT = 1.6448536269514722
DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20_260_401
MOST_DRAWS = 100_000


class Spread(StrEnum):
    NORMAL = "normal"  # a standard error
    TRIANGULAR = "triangular"  # a range, most likely at the recorded figure
    UNIFORM = "uniform"  # a range, any value in it as likely
    FIXED = "fixed"


class Kind(StrEnum):
    EFFECT = "effect"
    UNIT_COST = "unit_cost"
    TAKE_UP = "take_up"


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain figure: what it is, its recorded value, how it spreads and where that
    spread came from.

    ``keys`` are (intervention, demand type) for an effect, (demand type,) for a unit cost and
    (intervention,) for take-up. ``low`` and ``high`` are the ends a tornado chart moves it
    between: the range's ends, or the 90% interval of a standard error (5th and 95th
    percentiles). ``source`` says whether the spread was given or is the default, and which.
    """

    kind: Kind
    keys: tuple[str, ...]
    label: str
    point: float
    low: float
    high: float
    spread: Spread
    standard_error: float
    source: str
    given: bool


def default_effect_spread(rating: str) -> float:
    """Standard error of an effect, as a share of it, for an evidence rating with no spread given."""
    return DEFAULT_EFFECT_SPREAD.get(base_rating(rating), DEFAULT_EFFECT_SPREAD["NL2"])


def uncertain_inputs(inputs: PlanningInputs) -> tuple[UncertainInput, ...]:
    """Every uncertain figure of the partnership, in a fixed order: effects (by intervention,
    then demand type), unit costs, take-up.

    Never-funded (NE) interventions are left out. Effects of one intervention on one demand type
    recorded twice count as one figure (their sum), with the wider relative spread.
    """
    names = {d.key: d.name for d in inputs.demand_types}
    found: list[UncertainInput] = []
    for intervention in inputs.interventions:
        if evidence_level(intervention.evidence_rating) == 0:
            continue
        for demand_type in sorted({e.demand_type for e in intervention.effects}):
            effects = [e for e in intervention.effects if e.demand_type == demand_type]
            label = f"Effect of {intervention.name} on {names[demand_type]}"
            found.append(_effect(intervention.key, demand_type, label, intervention, effects))
    for demand in inputs.demand_types:
        label = f"Unit cost of {demand.name}"
        if demand.unit_cost_low is not None and demand.unit_cost_high is not None:
            found.append(
                _ranged(
                    Kind.UNIT_COST,
                    (demand.key,),
                    label,
                    demand.unit_cost,
                    demand.unit_cost_low,
                    demand.unit_cost_high,
                    "given range",
                )
            )
        else:
            share = DEFAULT_UNIT_COST_SPREAD
            found.append(
                _ranged(
                    Kind.UNIT_COST,
                    (demand.key,),
                    label,
                    demand.unit_cost,
                    demand.unit_cost * (1 - share),
                    demand.unit_cost * (1 + share),
                    f"default: plus or minus {percent(share)}",
                    given=False,
                )
            )
    for intervention in inputs.interventions:
        if evidence_level(intervention.evidence_rating) == 0:
            continue
        label = f"Take-up of {intervention.name}"
        low, high = intervention.take_up_low, intervention.take_up_high
        if low is None or high is None:
            found.append(
                UncertainInput(
                    Kind.TAKE_UP,
                    (intervention.key,),
                    label,
                    1.0,
                    1.0,
                    1.0,
                    Spread.FIXED,
                    0.0,
                    "default: every place taken",
                    False,
                )
            )
        else:
            spread = Spread.UNIFORM if high > low else Spread.FIXED
            error = (high - low) / np.sqrt(12.0)
            found.append(
                UncertainInput(
                    Kind.TAKE_UP,
                    (intervention.key,),
                    label,
                    1.0,
                    low,
                    high,
                    spread,
                    float(error),
                    "given range",
                    True,
                )
            )
    return tuple(found)


def _effect(
    intervention_key: str, demand_type: str, label: str, intervention: object, effects: list
) -> UncertainInput:
    point = float(sum(e.reduction_per_participant for e in effects))
    keys = (intervention_key, demand_type)
    ranged = [e for e in effects if e.low is not None and e.high is not None]
    if len(effects) == 1 and ranged:
        effect = ranged[0]
        return _ranged(Kind.EFFECT, keys, label, point, effect.low, effect.high, "given range")
    errors = [e.standard_error for e in effects if e.standard_error is not None]
    if len(errors) == len(effects) and point > 0:
        relative = max(
            (error / e.reduction_per_participant if e.reduction_per_participant else 0.0)
            for error, e in zip(errors, effects, strict=True)
        )
        return _normal(keys, label, point, relative * point, "given standard error", True)
    rating = intervention.evidence_rating  # type: ignore[attr-defined]
    share = default_effect_spread(rating)
    source = f"default for evidence rated {base_rating(rating)}: standard error {percent(share)}"
    return _normal(keys, label, point, share * point, source, False)


def _normal(
    keys: tuple[str, ...], label: str, point: float, error: float, source: str, given: bool
) -> UncertainInput:
    low = max(0.0, point - NINETY_PERCENT * error)
    high = point + NINETY_PERCENT * error
    spread = Spread.NORMAL if error > 0 else Spread.FIXED
    return UncertainInput(Kind.EFFECT, keys, label, point, low, high, spread, error, source, given)


def _ranged(
    kind: Kind,
    keys: tuple[str, ...],
    label: str,
    point: float,
    low: float | None,
    high: float | None,
    source: str,
    *,
    given: bool = True,
) -> UncertainInput:
    bottom, top = float(low or 0.0), float(high or 0.0)
    spread = Spread.TRIANGULAR if top > bottom else Spread.FIXED
    # A triangular distribution's standard deviation, for the record.
    error = np.sqrt(
        (bottom**2 + point**2 + top**2 - bottom * point - bottom * top - point * top) / 18
    )
    return UncertainInput(
        kind, keys, label, point, bottom, top, spread, float(error), source, given
    )


@dataclass(frozen=True)
class Draws:
    """``count`` joint draws of every uncertain figure, as arrays the value sums multiply.

    ``effect`` is the drawn effect over the recorded one (draws x interventions x demand types;
    1 where no effect is recorded), ``unit_cost`` the drawn unit costs in pounds (draws x demand
    types) and ``take_up`` the drawn share of places taken (draws x interventions), all in the
    inputs' order.
    """

    count: int
    seed: int
    effect: np.ndarray
    unit_cost: np.ndarray
    take_up: np.ndarray


def check_draw_count(count: int, field: str = "draws") -> int:
    """A number of draws a run may make, or InputError naming the field."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MOST_DRAWS:
        raise InputError(f"{field} must be a whole number from 1 to {MOST_DRAWS:,}, got {count!r}")
    return count


def draw(inputs: PlanningInputs, count: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED) -> Draws:
    """``count`` reproducible joint draws of the partnership's uncertain figures (independent of
    one another), vectorised with numpy: the same seed and inputs give the same draws."""
    check_draw_count(count)
    interventions = {i.key: n for n, i in enumerate(inputs.interventions)}
    demand = {d.key: n for n, d in enumerate(inputs.demand_types)}
    effect = np.ones((count, len(interventions), len(demand)))
    unit_cost = np.tile(
        np.array([d.unit_cost for d in inputs.demand_types], dtype=np.float64), (count, 1)
    )
    take_up = np.ones((count, len(interventions)))
    for item in uncertain_inputs(inputs):
        values = _sample(seed, item, count)
        if item.kind is Kind.EFFECT:
            i, d = interventions[item.keys[0]], demand[item.keys[1]]
            effect[:, i, d] = values / item.point if item.point > 0 else 0.0
        elif item.kind is Kind.UNIT_COST:
            unit_cost[:, demand[item.keys[0]]] = values
        else:
            take_up[:, interventions[item.keys[0]]] = values
    return Draws(count, seed, effect, unit_cost, take_up)


def _sample(seed: int, item: UncertainInput, count: int) -> np.ndarray:
    # Each figure has its own stream, seeded by the run's seed and the figure's name, so
    # adding a spread to one figure (or a new intervention) leaves the others' draws as they were.
    name = "|".join((item.kind.value, *item.keys)).encode()
    rng = np.random.default_rng([seed, zlib.crc32(name)])
    if item.spread is Spread.FIXED:
        return np.full(count, item.point)
    if item.spread is Spread.UNIFORM:
        return rng.uniform(item.low, item.high, count)
    if item.spread is Spread.TRIANGULAR:
        return rng.triangular(item.low, item.point, item.high, count)
    return np.maximum(0.0, rng.normal(item.point, item.standard_error, count))


@dataclass(frozen=True)
class ExpectedFactors:
    """Each figure's average over the sampled draws against its recorded value: the effect
    factor (effect x take-up, interventions x demand types) and the unit costs in pounds."""

    effect: np.ndarray
    unit_cost: np.ndarray


def expected_factors(inputs: PlanningInputs, count: int, seed: int) -> ExpectedFactors:
    """Sample averages of the draws that planning for uncertainty plans with.

    Demand avoided is linear in each figure, and the figures are drawn independently, so the
    average over the draws of a plan's value is its value with each effect scaled by the
    average of (drawn effect x drawn take-up) and each unit cost at its average: one linear
    program, the same size as the plan's, with every rule and explanation as before.
    """
    drawn = draw(inputs, count, seed)
    effect = np.einsum("nid,ni->id", drawn.effect, drawn.take_up) / count
    return ExpectedFactors(effect=effect, unit_cost=drawn.unit_cost.mean(axis=0))


def expected_inputs(inputs: PlanningInputs, count: int, seed: int) -> PlanningInputs:
    """The partnership at its expected figures over ``count`` draws (see ``expected_factors``)."""
    from dataclasses import replace

    from optimiser.inputs import Effect

    factors = expected_factors(inputs, count, seed)
    demand = {d.key: n for n, d in enumerate(inputs.demand_types)}
    interventions = tuple(
        replace(
            intervention,
            effects=tuple(
                Effect(
                    demand_type=effect.demand_type,
                    reduction_per_participant=effect.reduction_per_participant
                    * float(factors.effect[i, demand[effect.demand_type]]),
                    years_after=effect.years_after,
                    standard_error=None,
                    low=None,
                    high=None,
                )
                for effect in intervention.effects
            ),
            take_up_low=None,
            take_up_high=None,
        )
        for i, intervention in enumerate(inputs.interventions)
    )
    demand_types = tuple(
        replace(d, unit_cost=float(factors.unit_cost[n]), unit_cost_low=None, unit_cost_high=None)
        for n, d in enumerate(inputs.demand_types)
    )
    return replace(inputs, interventions=interventions, demand_types=demand_types)
