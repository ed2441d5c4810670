"""The partners commissioning separately: one model, each partner's money buying for itself.

The value of pooling (DOMAIN.md) compares the pooled plan with the same partners commissioning
separately from the same eligible people and providers. ``build_separate`` writes that
counterfactual as one linear program: the pooled model, every rule and limit kept (capacity and
reach shared, the partnership's rules on the combined plan), plus who buys which participants:

- ``n[p,i,t,z,s] >= 0``: participants that partner ``p`` buys of intervention ``i`` in year
  ``t`` in funding zone ``z`` (all places, or one district) in diminishing-returns segment
  ``s``; one variable where some budget line of ``p`` may pay for ``i`` in ``z`` in ``t``.
- ``purchase`` rows: the partners' purchases add up to the participants,
  ``sum_p n[p,i,t,z,s] = sum_{l in z} x[i,l,t,s]``.
- ``partner_pays`` rows: each partner pays for what it buys from its own budget lines,
  ``sum_{b of p} f[b,i,z] >= unit_cost_i * sum_s n[p,i,t,z,s]`` (the unit cost in cash in t).
- The objective: each partner counts only the benefit that falls to it from what it buys,
  ``sum_p sum share_{d,p} * weight_d * effect_{i,t,s,d} * n[p,i,t,z,s]``.

An intervention's effect per participant does not depend on the place, so who buys where within a
zone changes nothing that any partner counts: zones are enough, and the model stays small (a few
thousand purchase variables against a million participant columns).

Every separate plan is a plan the pool could run (dropping the purchases leaves a solution of the
pooled model), so the pooled plan's value is at least the separate plan's by construction.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
from pulp import LpVariable

from optimiser.build import build
from optimiser.inputs import PlanningInputs
from optimiser.lp import EQ, GE, Terms, expression
from optimiser.model import Model
from optimiser.scenario import ScenarioRules
from optimiser.solve import value

# A partner does not spend money on what brings it nothing: the separate objective charges a
# millionth of the benefit scale per pound spent, too little to change any choice with a benefit,
# enough that money with no benefit to its partner stays unspent rather than anywhere at all.
SPEND_TIE_BREAK = 1e-6
PURCHASE = "purchase"
PARTNER_PAYS = "partner_pays"
# Rows that say who buys what: facts of the separate model, never rules to explain or relax.
SEPARATE_DEFINITIONS = frozenset({PURCHASE, PARTNER_PAYS})

Purchase = tuple[str, str, int, str, int]  # partner, intervention, year, zone, segment


def build_separate(inputs: PlanningInputs, rules: ScenarioRules) -> Model:
    """The scenario's model with each partner's money buying only for the benefit it gets."""
    model = build(inputs, rules)
    # Measured on the demo (6 December 2026): HiGHS from nothing 4.5-6.5 s, from a dive 1.0-1.5 s;
    # holding the relaxation's whole choices took 8.5 s (the purchases tie every partner's
    # money to the held choices).
    model.whole_start = "dive"
    purchases = add_purchases(model)
    set_separate_objective(model, purchases)
    return model


def _funding_by_partner(model: Model) -> dict[tuple[str, str, int, str], Terms]:
    """Each partner's funding variables per (partner, intervention, year, zone)."""
    found: dict[tuple[str, str, int, str], Terms] = defaultdict(list)
    for (line_key, intervention, zone), var in model.funding.items():
        line = model.budget_lines[line_key]
        found[(line.partner, intervention, line.year, zone)].append((var, 1.0))
    return found


def add_purchases(model: Model) -> dict[Purchase, LpVariable]:
    """Who buys which participants: ``purchase`` and ``partner_pays`` rows (module docstring)."""
    block = model.block
    segments = block.segments
    segment_position = np.zeros(max(segments, default=0) + 1, dtype=np.int64)
    segment_position[list(segments)] = np.arange(len(segments))
    funding = _funding_by_partner(model)
    buyers: dict[tuple[str, int, str], list[str]] = defaultdict(list)
    for partner, intervention, year, zone in sorted(funding):
        buyers[(intervention, year, zone)].append(partner)
    purchases: dict[Purchase, LpVariable] = {}
    zone_number = {zone: n for n, zone in enumerate(model.zone_names)}
    period = {year: n for n, year in enumerate(block.years)}
    shape = (len(model.interventions), len(block.years), len(model.zone_names), len(segments))
    row_of = np.full(int(np.prod(shape)), -1, dtype=np.int64)
    rows: list[Any] = []
    for number, period_number, zone in zip(*np.nonzero(model.served), strict=True):
        intervention = block.intervention_keys[number]
        year = block.years[period_number]
        zone_name = model.zone_names[zone]
        for position, segment in enumerate(segments):
            terms: Terms = []
            for partner in buyers.get((intervention, year, zone_name), []):
                var = model.variable(f"n|{partner}|{intervention}|{year}|{zone_name}|{segment}")
                purchases[(partner, intervention, year, zone_name, segment)] = var
                terms.append((var, 1.0))
            keys = (intervention, year, zone_name, segment)
            row = model.add(PURCHASE, keys, terms, EQ, 0.0)
            where = np.ravel_multi_index((number, period_number, zone, position), shape)
            row_of[where] = len(rows)
            rows.append(row.constraint)
    column_where = np.ravel_multi_index(
        (block.intervention, block.period, model.column_zone, segment_position[block.segment]),
        shape,
    )
    block.attach(rows, row_of[column_where], np.arange(len(block)), -np.ones(len(block)))
    for (partner, intervention, year, zone), money in funding.items():
        if (intervention, year, zone) not in buyers or zone_number.get(zone) is None:
            continue
        if not model.served[
            block.intervention_index[intervention], period[year], zone_number[zone]
        ]:
            continue
        # A cohort's price shared among its places: partners buy places, the pool the cohorts.
        cost = model.price_per_participant(intervention, year)
        bought = [
            (purchases[(partner, intervention, year, zone, segment)], -cost) for segment in segments
        ]
        model.add(PARTNER_PAYS, (partner, intervention, year, zone), [*money, *bought], GE, 0.0)
    return purchases


def own_weight(model: Model, partner: str, intervention: str, year: int, segment: int) -> float:
    """What one participant bought by ``partner`` is worth to it: its share of the benefit."""
    units = model.effect_per_participant(model.interventions[intervention], year, segment)
    shares = {d.key: d.shares.get(partner, 0.0) for d in model.inputs.demand_types}
    return sum(
        shares[demand] * model.objective_weights.get(demand, 0.0) * amount
        for demand, amount in units.items()
    )


def set_separate_objective(model: Model, purchases: dict[Purchase, LpVariable]) -> None:
    """Maximise the benefit each partner gets from what it buys, added up over partners.

    ``build`` has already set ``objective_weights`` (the pooled objective's weights per demand
    type); the separate plan is then valued with those same weights (``pooled_value``).
    """
    weights: dict[tuple[str, str, int, int], float] = {}
    terms: Terms = []
    for (partner, intervention, year, _zone, segment), var in purchases.items():
        key = (partner, intervention, year, segment)
        if key not in weights:
            weights[key] = own_weight(model, partner, intervention, year, segment)
        if weights[key]:
            terms.append((var, -weights[key]))
    assert model.total_spend is not None, "build comes first"
    terms.append((model.total_spend, SPEND_TIE_BREAK))
    model.problem.setObjective(expression(terms))


def pooled_value(model: Model) -> float:
    """A solved model's plan valued as the pooled objective values it (objective units)."""
    return sum(weight * value(model.reduction[d]) for d, weight in model.objective_weights.items())


def partner_spend(model: Model) -> dict[str, float]:
    """Each partner's spend in a solved model (its contribution), in pounds."""
    return {partner: value(var) for partner, var in model.contribution.items()}
