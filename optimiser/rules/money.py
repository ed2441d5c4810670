"""Rules about money: funding balance, budgets, commissioning windows, contracts, caps."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from pulp import LpVariable

from optimiser.lp import EQ, GE, LE, Terms
from optimiser.model import Model


def add_funding_balance(model: Model) -> None:
    """Money spent on each intervention each year equals the cost of delivering it.

    ``sum_b f[b,i,t] = unit_cost * participants (+ fixed_cost * programmes)``, or for an
    intervention bought in whole cohorts ``cohort_cost * cohorts`` instead of the unit costs,
    per district where some budget line pays only for its own district. One
    row per (intervention, year, zone) with participants to pay for.
    """
    block = model.block
    keys = list(model.interventions)
    money: dict[tuple[str, int, str], Terms] = defaultdict(list)
    for (line_key, intervention_key, zone), var in model.funding.items():
        year = model.budget_lines[line_key].year
        money[(intervention_key, year, zone)].append((var, 1.0))
    for delivery in sorted(model.cost_keys()):
        intervention_key, place, year = delivery
        zone = model.zone_of(place, year)
        money[(intervention_key, year, zone)].extend(
            (var, -cost) for var, cost in model.programme_cost_terms(delivery)
        )
    served = model.served
    row_number = np.full(served.shape, -1, dtype=np.int64)
    row_number[served] = np.arange(int(served.sum()))
    rows = []
    for number, period, zone in zip(*np.nonzero(served), strict=True):
        key = (keys[number], block.years[period], model.zone_names[zone])
        rows.append(model.add("funding", key, money.get(key, []), EQ, 0.0).constraint)
    block.attach(
        rows,
        row_number[block.intervention, block.period, model.column_zone],
        np.arange(len(block)),
        -model.column_unit_costs(),
    )


def funding_by_line(model: Model) -> dict[str, list[LpVariable]]:
    by_line: dict[str, list[LpVariable]] = defaultdict(list)
    for (line_key, _intervention, _zone), var in model.funding.items():
        by_line[line_key].append(var)
    return by_line


def add_budgets(model: Model) -> None:
    """Each budget line spends at most its maximum and at least its committed minimum."""
    by_line = funding_by_line(model)
    for line in model.budget_lines.values():
        terms = [(var, 1.0) for var in by_line.get(line.key, [])]
        model.add("budget", (line.key,), terms, LE, line.maximum)
        if line.committed_minimum > 0:
            model.add("committed", (line.key,), terms, GE, line.committed_minimum)


def contracted(model: Model) -> dict[tuple[str, str, int], float]:
    """Existing contracts in the horizon: money per (partner, intervention, year)."""
    amounts: dict[tuple[str, str, int], float] = defaultdict(float)
    for contract in model.inputs.contracts:
        for year in contract.years:
            if year in model.rules.years:
                key = (contract.partner, contract.intervention, year)
                amounts[key] += contract.amount_per_year
    return amounts


def held_at_nothing(model: Model, fundable: set[tuple[str, str, int]]) -> set[tuple[str, str, int]]:
    """(partner, intervention, year) whose money a closed commissioning window holds at nothing.

    In a closed year a partner's funding of an intervention equals last year's,
    and in a closed first year its existing contracts. With no contract that
    year and no money it could have paid the year before, the funding can only
    be zero, so it gets no variable (and no window row to read as a binding
    rule). ``fundable`` is where some budget line may pay at all. A contract
    in a closed year keeps its money, so a contract the window cannot honour
    still shows as a clash.
    """
    amounts = contracted(model)
    years = model.rules.years
    held: set[tuple[str, str, int]] = set()
    for cycle in model.inputs.cycles:
        for intervention_key in model.interventions:
            possible_before = False
            for year in years:
                keys = (cycle.partner, intervention_key, year)
                possible = keys in fundable and (
                    year in cycle.open_years or amounts.get(keys, 0.0) > 0 or possible_before
                )
                if keys in fundable and not possible:
                    held.add(keys)
                possible_before = possible
    return held


def add_commissioning_windows(model: Model) -> None:
    """Outside its window a partner's funding of each intervention stays where it was.

    In a closed year the funding equals last year's; in a closed first year it
    equals the existing contracts. Existing contracts are lower bounds for
    their years, and a contract for a named place keeps at least that much
    delivery there.
    """
    amounts = contracted(model)
    years = model.rules.years
    for cycle in model.inputs.cycles:
        for year in years:
            if year in cycle.open_years:
                continue
            for intervention_key in model.interventions:
                this_year = model.partner_funding(cycle.partner, intervention_key, year)
                keys = (cycle.partner, intervention_key, year)
                if year == years[0]:
                    rhs = amounts.get(keys, 0.0)
                    if this_year or rhs:
                        model.add("window", keys, this_year, EQ, rhs)
                    continue
                last_year = model.partner_funding(cycle.partner, intervention_key, year - 1)
                if this_year or last_year:
                    terms = [*this_year, *((var, -1.0) for var, _ in last_year)]
                    model.add("window", keys, terms, EQ, 0.0)
    for keys, amount in amounts.items():
        if amount > 0:
            model.add("contract", keys, model.partner_funding(*keys), GE, amount)
    _add_place_contracts(model)


def _add_place_contracts(model: Model) -> None:
    # Contracts for the same intervention in the same place and year add up: two partners'
    # contracts there keep at least both amounts of delivery, not the larger one.
    by_place: dict[tuple[str, str, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for contract in model.inputs.contracts:
        if contract.place is None or contract.amount_per_year <= 0:
            continue
        for year in contract.years:
            if year in model.rules.years:
                by_place[contract.intervention, contract.place, year][contract.partner] += (
                    contract.amount_per_year
                )
    block = model.block
    for (intervention_key, place, year), amounts in by_place.items():
        intervention = model.interventions[intervention_key]
        columns = np.flatnonzero(
            (block.intervention == block.intervention_index[intervention_key])
            & (block.place == block.place_index[place])
            & (block.period == block.years.index(year))
        )
        terms: Terms = model.programme_cost_terms((intervention_key, place, year))
        if len(amounts) == 1:
            (partner,) = amounts
            row = model.add(
                "contract_place",
                (partner, intervention_key, place, year),
                terms,
                GE,
                amounts[partner],
            )
        else:
            row = model.add(
                "contracts_place",
                (intervention_key, place, year),
                terms,
                GE,
                sum(amounts.values()),
            )
        if model.in_cohorts(intervention):
            continue  # paid per whole cohort: the cohorts' cost is among ``terms``
        block.attach(
            [row.constraint],
            np.zeros(len(columns), dtype=np.int64),
            columns,
            np.full(len(columns), model.participant_cost(intervention_key, year)),
        )


def add_caps(model: Model) -> None:
    """The scenario's most spend per intervention, per category and per place (whole horizon)."""
    rules = model.rules
    by_intervention: dict[str, Terms] = defaultdict(list)
    for (_line, intervention_key, _zone), var in model.funding.items():
        by_intervention[intervention_key].append((var, 1.0))
    for intervention_key, cap in rules.intervention_caps.items():
        if intervention_key in model.interventions and intervention_key not in model.excluded:
            model.add(
                "cap_intervention", (intervention_key,), by_intervention[intervention_key], LE, cap
            )
    for category, cap in rules.category_caps.items():
        terms = [
            term
            for key, intervention in model.interventions.items()
            if intervention.category == category
            for term in by_intervention.get(key, [])
        ]
        model.add("cap_category", (category,), terms, LE, cap)
    for place_key, cap in rules.place_caps.items():
        if place_key in model.place_spend:
            model.add("cap_place", (place_key,), [(model.place_spend[place_key], 1.0)], LE, cap)
