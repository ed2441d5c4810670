"""Read a solved model into the Plan's figures: allocations, benefits, places, evidence mix."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from optimiser.evidence import base_rating
from optimiser.model import Model
from optimiser.plan import (
    Allocation,
    DemandAvoided,
    DemandReduction,
    EvidenceShare,
    PartnerFunding,
    PartnerOutcome,
    PlaceOutcome,
)
from optimiser.rules.value import need_shares
from optimiser.solve import value

TINY = 1e-6  # participants or pounds below this are solver noise


def _pounds(amount: float) -> float:
    return round(amount + 0.0, 2)


def allocations(model: Model) -> tuple[Allocation, ...]:
    """Participants, cost and funding by partner for each intervention, place and year.

    Partners fund an intervention per year and funding zone; each place's
    share of that money is in proportion to its delivery cost. Participants
    and costs are added up as arrays over the participant block; sentences
    and records are made only for deliveries that happen.
    """
    block = model.block
    first = block.first_of_delivery()
    intervention, place, period = block.intervention[first], block.place[first], block.period[first]
    participants = block.per_delivery(block.value_array())
    costs = model.unit_costs()[intervention] * participants
    for key, run in model.runs.items():
        fixed_cost = model.interventions[key[0]].fixed_cost
        costs[model.run_columns[key] // len(block.segments)] += fixed_cost * value(run)
    zone = model.column_zone[first]
    shape = (len(model.interventions), len(block.years), len(model.zone_names))
    zone_key = np.ravel_multi_index((intervention, period, zone), shape)
    zone_cost = np.bincount(zone_key, weights=costs, minlength=int(np.prod(shape)))
    zone_money: dict[tuple[str, int, str], dict[str, float]] = defaultdict(
        lambda: defaultdict(float)
    )
    for (line_key, intervention_key, zone_name), var in model.funding.items():
        line = model.budget_lines[line_key]
        zone_money[(intervention_key, line.year, zone_name)][line.partner] += value(var)
    happening_array = np.flatnonzero((participants >= TINY) | (costs >= TINY))
    units, values = demand_avoided(model, happening_array)
    pence = to_pence(values)
    happening = happening_array.tolist()
    units_of = units.tolist()  # plain floats: rounding numpy scalars one by one is slow
    row_of = {delivery: row for row, delivery in enumerate(happening)}
    demand_types = model.inputs.demand_types
    keys = {
        delivery: (
            block.intervention_keys[intervention[delivery]],
            block.place_keys[place[delivery]],
            block.years[period[delivery]],
        )
        for delivery in happening
    }
    result = []
    for delivery in sorted(happening, key=keys.__getitem__):
        intervention_key, place_key, year = keys[delivery]
        total = float(zone_cost[zone_key[delivery]])
        cost = float(costs[delivery])
        fraction = cost / total if total > 0 else 0.0
        money = zone_money[(intervention_key, year, model.zone_names[zone[delivery]])]
        funding = tuple(
            PartnerFunding(partner, _pounds(amount * fraction))
            for partner, amount in sorted(money.items())
            if amount * fraction > 0.005
        )
        row = row_of[delivery]
        avoided = tuple(
            DemandAvoided(demand.key, round(amount, 6), _pounds(demand.unit_cost * amount))
            for demand, amount in zip(demand_types, units_of[row], strict=True)
            if amount > 0
        )
        result.append(
            Allocation(
                intervention=intervention_key,
                place=place_key,
                year=year,
                participants=round(float(participants[delivery]), 4),
                cost=_pounds(cost),
                funding=funding,
                value_of_demand_avoided=float(pence[row]) / 100,
                demand_avoided=avoided,
            )
        )
    return tuple(result)


def demand_avoided(model: Model, deliveries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Demand avoided by some deliveries: units per demand type, and their money value.

    The same expected, confidence-weighted, discounted figures as the
    ``reduction`` aggregates the objective counts, taken from the participants
    of each delivery's segments. Returns units (deliveries x demand types, in
    input order) and the value of each delivery at unit cost.
    """
    block = model.block
    segments = max(len(block.segments), 1)
    columns = (block.first_of_delivery()[deliveries][:, None] + np.arange(segments)).ravel()
    row = np.repeat(np.arange(len(deliveries)), segments)
    people = block.value_array()[columns]
    where = (block.intervention[columns], block.period[columns], block.segment[columns])
    demand_count = len(model.inputs.demand_types)
    flat = np.zeros(len(deliveries) * demand_count)
    for slot in range(model.effect_demand.shape[-1]):
        demand = model.effect_demand[(*where, slot)]
        used = demand >= 0
        np.add.at(
            flat,
            row[used] * demand_count + demand[used],
            people[used] * model.effect_amount[(*where, slot)][used],
        )
    units = flat.reshape(len(deliveries), demand_count)
    unit_costs = np.array([d.unit_cost for d in model.inputs.demand_types], dtype=np.float64)
    return units, units @ unit_costs


def to_pence(amounts: np.ndarray) -> np.ndarray:
    """Whole pence, each within a penny of its amount, adding up to the rounded total.

    Largest remainders take the odd pennies, so a column of rounded values
    adds up to its rounded total as a finance lead expects.
    """
    if not len(amounts):
        return np.zeros(0, dtype=np.int64)
    exact = np.maximum(amounts, 0.0) * 100
    pence = np.floor(exact).astype(np.int64)
    short = int(round(float(exact.sum()))) - int(pence.sum())
    if short > 0:
        pence[np.argsort(pence - exact, kind="stable")[:short]] += 1
    return pence


def demand_reductions(model: Model) -> tuple[DemandReduction, ...]:
    return tuple(
        DemandReduction(
            demand_type=demand.key,
            name=demand.name,
            units=round(value(model.reduction[demand.key]), 6),
            value=_pounds(demand.unit_cost * value(model.reduction[demand.key])),
        )
        for demand in model.inputs.demand_types
    )


def partner_outcomes(model: Model) -> tuple[PartnerOutcome, ...]:
    """Each partner's contribution against the money value of demand avoided for it."""
    result = []
    for partner in model.inputs.partners:
        contribution = value(model.contribution[partner.key])
        benefit = sum(
            demand.shares.get(partner.key, 0.0)
            * demand.unit_cost
            * value(model.reduction[demand.key])
            for demand in model.inputs.demand_types
        )
        result.append(
            PartnerOutcome(
                partner=partner.key,
                name=partner.name,
                contribution=_pounds(contribution),
                benefit=_pounds(benefit),
                benefit_ratio=round(benefit / contribution, 4) if contribution > TINY else None,
            )
        )
    return tuple(result)


def place_outcomes(
    model: Model, plan_allocations: tuple[Allocation, ...]
) -> tuple[PlaceOutcome, ...]:
    """Spend in each place against its share of need (and its floor, if the scenario sets one)."""
    spend: dict[str, float] = defaultdict(float)
    for allocation in plan_allocations:
        spend[allocation.place] += allocation.cost
    total = sum(spend.values())
    shares = need_shares(model)
    phi = model.rules.need_floor
    return tuple(
        PlaceOutcome(
            place=place.key,
            name=place.name,
            spend=_pounds(spend[place.key]),
            spend_share=round(spend[place.key] / total, 6) if total > 0 else 0.0,
            need_share=round(shares[place.key], 6),
            need_floor=_pounds(phi * shares[place.key] * total) if phi > 0 else None,
        )
        for place in model.inputs.places
    )


def floor_note(model: Model, named: int = 5) -> list[str]:
    """A note naming the places in need that the need floor leaves out, if any.

    The floor spreads over the places the budget lines' money may reach; a
    place in need that no money may reach is left out rather than forcing
    spend everywhere down to nothing.
    """
    shares = need_shares(model)
    left_out = [p.name for p in model.inputs.places if p.need_index > 0 and shares[p.key] <= 0]
    if not left_out:
        return []
    names = ", ".join(left_out[:named])
    if len(left_out) > named:
        names += f" and {len(left_out) - named} more"
    return [
        "The need floor spreads over the places the budget lines may pay for where someone can "
        f"be served; it leaves out {names}."
    ]


def evidence_mix(
    model: Model, plan_allocations: tuple[Allocation, ...]
) -> tuple[EvidenceShare, ...]:
    """Share of spend by evidence level (4, 3, 2, NL2)."""
    spend: dict[str, float] = defaultdict(float)
    for allocation in plan_allocations:
        rating = model.interventions[allocation.intervention].evidence_rating
        spend[base_rating(rating)] += allocation.cost
    total = sum(spend.values())
    return tuple(
        EvidenceShare(
            rating, _pounds(spend[rating]), round(spend[rating] / total, 6) if total else 0.0
        )
        for rating in ("4", "3", "2", "NL2")
    )
