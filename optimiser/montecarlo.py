"""Monte Carlo of a plan's value: how sure can the partnership be that benefits exceed costs?

The plan stays as it is (who is served by what, where, when, paid by whom); what is drawn is
the figures its value rests on (``optimiser.uncertainty``). Every draw revalues the plan's
expected demand avoided, intervention by intervention and demand type by demand type: the units
scale with the drawn effect and take-up, and are valued at the drawn unit costs. Costs are what
the plan pays, the same in every draw (places are commissioned whether or not they are taken).

The draws are centred on the plan's own figures (confidence-weighted and discounted, as the
objective counts them), so with no take-up range the average draw is the plan's value; the
spread is what the plan page's single figure leaves out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from optimiser.inputs import PlanningInputs
from optimiser.plan import Plan
from optimiser.scenario import ScenarioRules
from optimiser.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED, Draws, draw, expected_factors

HISTOGRAM_BINS = 30
TINY = 0.005


@dataclass(frozen=True)
class DemandInterval:
    """Demand of one type the plan avoids: as planned, and the draws' 5th, 50th, 95th percentiles."""

    demand_type: str
    name: str
    planned: float
    low: float
    median: float
    high: float


@dataclass(frozen=True)
class PartnerOdds:
    """One partner's contribution against the benefit that falls to it, over the draws.

    ``chance_benefit_exceeds_contribution`` is None for a partner that pays nothing.
    """

    partner: str
    name: str
    contribution: float
    planned_benefit: float
    benefit_low: float
    benefit_median: float
    benefit_high: float
    chance_benefit_exceeds_contribution: float | None


@dataclass(frozen=True)
class Histogram:
    """Counts of draws of the plan's value in equal-width bins (``edges`` has one more entry)."""

    edges: tuple[float, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class MonteCarlo:
    """What ``draws`` draws of the uncertain inputs say about one plan's value, in pounds.

    ``value_*`` is the money value of demand avoided (planned, then the draws' mean and 5th,
    50th and 95th percentiles); ``chance_benefits_exceed_costs`` the share of draws in which it
    is above the plan's spend (in the benefits' price year when the plan converted prices to
    cash: ``Plan.prices``).
    """

    draws: int
    seed: int
    total_spend: float
    value_planned: float
    value_mean: float
    value_low: float
    value_median: float
    value_high: float
    chance_benefits_exceed_costs: float
    partners: tuple[PartnerOdds, ...]
    demand: tuple[DemandInterval, ...]
    histogram: Histogram
    seconds: float


def plan_units(
    plan: Plan, inputs: PlanningInputs, rules: ScenarioRules | None = None
) -> np.ndarray:
    """Expected demand avoided by the plan, per intervention and demand type (inputs' order),
    at the recorded figures: a plan made for uncertainty counted its units at the draws'
    expected figures, which the draws here would otherwise count twice."""
    interventions = {i.key: n for n, i in enumerate(inputs.interventions)}
    demand = {d.key: n for n, d in enumerate(inputs.demand_types)}
    units = np.zeros((len(interventions), len(demand)))
    for allocation in plan.allocations:
        for avoided in allocation.demand_avoided:
            units[interventions[allocation.intervention], demand[avoided.demand_type]] += (
                avoided.units
            )
    if rules is not None and rules.expected_over_draws:
        factors = expected_factors(inputs, rules.expected_over_draws, rules.draw_seed).effect
        units = np.divide(units, factors, out=np.zeros_like(units), where=factors > 0)
    return units


def demand_in_draws(units: np.ndarray, draws: Draws) -> np.ndarray:
    """Demand avoided per draw and demand type: each intervention's units scaled by its drawn
    effect and take-up (draws x demand types)."""
    return np.einsum("id,nid,ni->nd", units, draws.effect, draws.take_up, optimize=True)


def shares_matrix(inputs: PlanningInputs) -> np.ndarray:
    """Share of each demand type's unit cost that falls to each partner (demand types x partners)."""
    return np.array(
        [[d.shares.get(p.key, 0.0) for p in inputs.partners] for d in inputs.demand_types],
        dtype=np.float64,
    ).reshape(len(inputs.demand_types), len(inputs.partners))


def simulate_plan(
    plan: Plan,
    inputs: PlanningInputs,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    bins: int = HISTOGRAM_BINS,
    rules: ScenarioRules | None = None,
) -> MonteCarlo:
    """The plan's value over ``draws`` reproducible draws of the inputs it was solved with.

    ``inputs`` must be the inputs the plan was solved with (a stored plan's snapshot).
    """
    started = time.perf_counter()
    drawn = draw(inputs, draws, seed)
    units = plan_units(plan, inputs, rules)
    avoided = demand_in_draws(units, drawn)  # draws x demand types
    valued = avoided * drawn.unit_cost  # pounds per draw and demand type
    value = valued.sum(axis=1)
    benefit = valued @ shares_matrix(inputs)  # draws x partners
    planned_units = units.sum(axis=0)
    planned_costs = np.array([d.unit_cost for d in inputs.demand_types], dtype=np.float64)
    planned_benefit = (planned_units * planned_costs) @ shares_matrix(inputs)
    paid = {p.partner: p.contribution for p in plan.partners}
    partners = []
    for number, partner in enumerate(inputs.partners):
        contribution = paid.get(partner.key, 0.0)
        low, median, high = np.percentile(benefit[:, number], [5, 50, 95])
        partners.append(
            PartnerOdds(
                partner=partner.key,
                name=partner.name,
                contribution=contribution,
                planned_benefit=round(float(planned_benefit[number]), 2),
                benefit_low=round(float(low), 2),
                benefit_median=round(float(median), 2),
                benefit_high=round(float(high), 2),
                chance_benefit_exceeds_contribution=(
                    float(np.mean(benefit[:, number] > contribution))
                    if contribution > TINY
                    else None
                ),
            )
        )
    intervals = []
    for number, demand in enumerate(inputs.demand_types):
        if planned_units[number] <= 0:
            continue
        low, median, high = np.percentile(avoided[:, number], [5, 50, 95])
        intervals.append(
            DemandInterval(
                demand_type=demand.key,
                name=demand.name,
                planned=round(float(planned_units[number]), 4),
                low=round(float(low), 4),
                median=round(float(median), 4),
                high=round(float(high), 4),
            )
        )
    counts, edges = _histogram(value, bins)
    low, median, high = np.percentile(value, [5, 50, 95])
    return MonteCarlo(
        draws=draws,
        seed=seed,
        total_spend=plan.total_spend,
        value_planned=plan.value_of_demand_avoided,
        value_mean=round(float(value.mean()), 2),
        value_low=round(float(low), 2),
        value_median=round(float(median), 2),
        value_high=round(float(high), 2),
        # Benefits are in the benefits' price year: weighed against spend in the same prices.
        chance_benefits_exceed_costs=float(
            np.mean(value > (plan.prices.real_total_spend if plan.prices else plan.total_spend))
        ),
        partners=tuple(partners),
        demand=tuple(intervals),
        histogram=Histogram(
            edges=tuple(round(float(e), 2) for e in edges), counts=tuple(int(c) for c in counts)
        ),
        seconds=time.perf_counter() - started,
    )


def _histogram(value: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """The draws' values in ``bins`` equal bars; in one bar when they differ by less than
    floating point can split into that many (a take-up range of a few billionths of a person:
    numpy refuses to make bars narrower than the numbers' own precision)."""
    try:
        return np.histogram(value, bins=bins)
    except ValueError:
        return np.histogram(value, bins=1)
