"""Read a solved model into the Plan's figures: allocations, benefits, places, evidence mix."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from optimiser.evidence import base_rating
from optimiser.model import Model
from optimiser.plan import (
    Allocation,
    BudgetLineSpend,
    DemandAvoided,
    DemandReduction,
    EvidenceShare,
    PartnerFunding,
    PartnerOutcome,
    PlaceOutcome,
    YearSpend,
)
from optimiser.reconcile import ReconciledMoney, reconcile
from optimiser.rules.value import need_shares
from optimiser.solve import value

TINY = 1e-6  # participants or pounds below this are solver noise


def _pounds(amount: float) -> float:
    return round(amount + 0.0, 2)


def delivery_costs(model: Model) -> tuple[np.ndarray, np.ndarray]:
    """Each delivery's cost in pounds as solved, and the number of its intervention-year-zone.

    The cost is unit cost x participants, or the whole cohorts at their price (plus the set-up
    cost of a programme that runs), in cash (uplifted from each intervention's price year),
    before any rounding; the zone number is ``numpy.ravel_multi_index`` of the delivery's
    intervention, period and funding zone, the level at which the funding balance holds.
    """
    block = model.block
    first = block.first_of_delivery()
    intervention, period = block.intervention[first], block.period[first]
    costs = model.cash_unit_costs[intervention, period] * block.per_delivery(block.value_array())
    segments = max(len(block.segments), 1)
    for key in model.cost_keys():
        column = model.run_columns.get(key, model.cohort_columns.get(key, 0))
        costs[column // segments] += sum(
            cost * value(var) for var, cost in model.programme_cost_terms(key)
        )
    shape = (len(model.interventions), len(block.years), len(model.zone_names))
    zone_key = np.ravel_multi_index((intervention, period, model.column_zone[first]), shape)
    return costs, zone_key


def plan_money(model: Model) -> ReconciledMoney:
    """The solved plan's money in whole pence that reconciles (see ``optimiser.reconcile``)."""
    return reconcile(model, *delivery_costs(model))


def allocations(model: Model, money: ReconciledMoney) -> tuple[Allocation, ...]:
    """Participants, cost and funding by partner for each intervention, place and year.

    Costs and payments are ``money``'s whole pence: each allocation's payments add up to its
    cost exactly, and each budget line's payments to its spend. The cost shown is that
    rounded figure; participants are as solved (to four places; whole numbers with whole
    people), so unit cost x participants (plus any set-up cost) is the cost before rounding,
    within a penny of the cost shown (and within unit cost x 0.00005 more, the rounding of the
    participants); an intervention bought in whole cohorts costs its cohorts at the cohort's
    price instead, and ``cohorts`` says how many.
    Sentences and records are made only for deliveries that happen.
    """
    block = model.block
    first = block.first_of_delivery()
    intervention, place, period = block.intervention[first], block.place[first], block.period[first]
    participants = block.participants()
    cohorts = _cohorts_per_delivery(model)
    happening_array = np.flatnonzero((participants >= TINY) | (money.cost > 0))
    units, values = demand_avoided(model, happening_array)
    pence = to_pence(values)
    happening = happening_array.tolist()
    units_of = units.tolist()  # plain floats: rounding numpy scalars one by one is slow
    row_of = {delivery: row for row, delivery in enumerate(happening)}
    payments = _payments_by_partner(model, money)
    demand_types = model.inputs.demand_types
    keys = {
        delivery: (
            block.intervention_keys[intervention[delivery]],
            block.place_keys[place[delivery]],
            block.years[period[delivery]],
        )
        for delivery in happening
    }
    cost_of = money.cost.tolist()
    result = []
    for delivery in sorted(happening, key=keys.__getitem__):
        intervention_key, place_key, year = keys[delivery]
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
                cost=cost_of[delivery] / 100,
                funding=payments.get(delivery, ()),
                value_of_demand_avoided=float(pence[row]) / 100,
                demand_avoided=avoided,
                cohorts=cohorts.get(delivery, 0),
            )
        )
    return tuple(result)


def _cohorts_per_delivery(model: Model) -> dict[int, int]:
    """Whole cohorts bought per delivery number, where an intervention is bought in cohorts."""
    segments = max(len(model.block.segments), 1)
    return {
        model.cohort_columns[key] // segments: int(round(value(var)))
        for key, var in model.cohorts.items()
    }


def _payments_by_partner(
    model: Model, money: ReconciledMoney
) -> dict[int, tuple[PartnerFunding, ...]]:
    """What each partner pays for each delivery (its lines' payments added up), by partner key."""
    partners = sorted({line.partner for line in model.budget_lines.values()})
    partner_number = {key: n for n, key in enumerate(partners)}
    partner_of_line = np.array(
        [partner_number[model.budget_lines[key].partner] for key in money.line_keys],
        dtype=np.int64,
    )
    if not len(money.payment):
        return {}
    combined = money.payment_delivery * len(partners) + partner_of_line[money.payment_line]
    keys, where = np.unique(combined, return_inverse=True)
    sums = np.bincount(where, weights=money.payment, minlength=len(keys)).astype(np.int64)
    result: dict[int, list[PartnerFunding]] = defaultdict(list)
    for key, amount in zip(keys.tolist(), sums.tolist(), strict=True):
        delivery, partner = divmod(key, len(partners))
        result[delivery].append(PartnerFunding(partners[partner], amount / 100))
    return {delivery: tuple(funding) for delivery, funding in result.items()}


def budget_line_spend(model: Model, money: ReconciledMoney) -> tuple[BudgetLineSpend, ...]:
    """What each budget line pays into the plan, to the penny, against its limits."""
    return tuple(
        BudgetLineSpend(
            budget_line=key,
            partner=model.budget_lines[key].partner,
            year=model.budget_lines[key].year,
            spend=spend / 100,
            maximum=_pounds(model.budget_lines[key].maximum),
            committed_minimum=_pounds(model.budget_lines[key].committed_minimum),
            held=held,
        )
        for key, spend, held in zip(
            money.line_keys, money.line_spend.tolist(), money.held, strict=True
        )
    )


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


def partner_outcomes(
    model: Model, lines: tuple[BudgetLineSpend, ...]
) -> tuple[PartnerOutcome, ...]:
    """Each partner's contribution (its budget lines' spend, to the penny) against the money
    value of demand avoided for it."""
    paid: dict[str, int] = defaultdict(int)
    real: dict[str, float] = defaultdict(float)
    for line in lines:
        paid[line.partner] += pence_of(line.spend)
        real[line.partner] += line.spend / model.real_factor(line.year)
    indexed = model.inputs.prices is not None
    result = []
    for partner in model.inputs.partners:
        contribution = paid[partner.key] / 100
        # Benefits are real, so the ratio the fairness rule bounds is to the real contribution.
        compared = real[partner.key] if indexed else contribution
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
                contribution=contribution,
                benefit=_pounds(benefit),
                benefit_ratio=round(benefit / compared, 4) if compared > TINY else None,
                real_contribution=_pounds(compared) if indexed else None,
            )
        )
    return tuple(result)


def pence_of(pounds: float) -> int:
    """Whole pence of a figure already rounded to the penny."""
    return int(round(pounds * 100))


def spend_by_year(
    years: tuple[int, ...], plan_allocations: tuple[Allocation, ...]
) -> tuple[YearSpend, ...]:
    """Spend in each financial year: the allocations' costs added up in pence."""
    spend = dict.fromkeys(years, 0)
    for allocation in plan_allocations:
        spend[allocation.year] = spend.get(allocation.year, 0) + pence_of(allocation.cost)
    return tuple(YearSpend(year, pence / 100) for year, pence in spend.items())


def place_outcomes(
    model: Model, plan_allocations: tuple[Allocation, ...]
) -> tuple[PlaceOutcome, ...]:
    """Spend in each place against its share of need (and its floor, if the scenario sets one).

    Spend is the allocations' costs added up in pence, so the places add up to the total."""
    spend: dict[str, int] = defaultdict(int)
    for allocation in plan_allocations:
        spend[allocation.place] += pence_of(allocation.cost)
    total = sum(spend.values())
    shares = need_shares(model)
    phi = model.rules.need_floor
    return tuple(
        PlaceOutcome(
            place=place.key,
            name=place.name,
            spend=spend[place.key] / 100,
            spend_share=round(spend[place.key] / total, 6) if total > 0 else 0.0,
            need_share=round(shares[place.key], 6),
            need_floor=_pounds(phi * shares[place.key] * total / 100) if phi > 0 else None,
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
    """Share of spend by evidence level (4, 3, 2, NL2), added up in pence."""
    spend: dict[str, int] = defaultdict(int)
    for allocation in plan_allocations:
        rating = model.interventions[allocation.intervention].evidence_rating
        spend[base_rating(rating)] += pence_of(allocation.cost)
    total = sum(spend.values())
    return tuple(
        EvidenceShare(
            rating, spend[rating] / 100, round(spend[rating] / total, 6) if total else 0.0
        )
        for rating in ("4", "3", "2", "NL2")
    )
