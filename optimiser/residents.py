"""Participatory budgets in the plan: money a scenario sets aside in a place for residents, and
the projects they chose with it.

Residents' choices are fixed before the optimiser runs: the money set aside in a year leaves
every budget line of that year in proportion to its maximum (the slice is the pool's, not one
partner's), and the people a chosen intervention serves are no longer there for the optimiser to
reach (the provider's capacity and the eligible population in that place fall by as many), nor
are the volunteer hours they need there that year. The rest of the pool is then optimised
around them. What the residents' choice cost the optimised value is the plan's benefit without
any set-aside, against this plan's benefit plus the benefit of the interventions residents chose
(a community proposal outside the model adds none that the model can count).

In target mode what residents' chosen interventions avoid counts towards the target (the pool
need reach only the rest), and their choice's cost is money: what the pool spends plus what
residents spent, against the least cost of the target with nothing set aside.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from optimiser.inputs import InputError, Money, Place, PlanningInputs, _amount
from optimiser.plan import ChosenProject, ResidentsOutcome
from optimiser.target import target_weights
from optimiser.wording import money


@dataclass(frozen=True)
class SetAside:
    """Money set aside from the pool in a place and year for residents to allocate."""

    place: str
    year: int
    amount: Money
    title: str = ""

    def __post_init__(self) -> None:
        _amount(self, f"set-aside in place {self.place!r}", "amount")


@dataclass(frozen=True)
class ResidentsChoice:
    """A project residents chose: an intervention for so many participants, or a community
    proposal (``intervention`` None) that the model does not value."""

    place: str
    year: int
    title: str
    cost: Money
    intervention: str | None = None
    participants: float = 0.0

    def __post_init__(self) -> None:
        label = f"residents' choice {self.title!r}"
        _amount(self, label, "cost")
        _amount(self, label, "participants")


def set_aside_by_year(inputs: PlanningInputs) -> dict[int, float]:
    totals: dict[int, float] = defaultdict(float)
    for item in inputs.set_asides:
        totals[item.year] += item.amount
    return dict(totals)


def around_residents(inputs: PlanningInputs) -> PlanningInputs:
    """The inputs the optimiser plans the rest of the pool with: budgets less the set-aside,
    capacity and people less those residents' chosen interventions serve."""
    if not inputs.set_asides and not inputs.residents_choices:
        return inputs
    totals = set_aside_by_year(inputs)
    pool: dict[int, float] = defaultdict(float)
    for line in inputs.budget_lines:
        pool[line.year] += line.maximum
    for year, amount in totals.items():
        if amount > pool.get(year, 0.0) + 1e-6:
            raise InputError(
                f"£{amount:,.0f} is set aside for residents in {year}, more than the "
                f"£{pool.get(year, 0.0):,.0f} the pool holds that year"
            )
    lines = []
    for line in inputs.budget_lines:
        kept = 1 - totals.get(line.year, 0.0) / pool[line.year] if pool[line.year] else 1.0
        maximum = line.maximum * kept
        lines.append(
            dataclasses.replace(
                line, maximum=maximum, committed_minimum=min(line.committed_minimum, maximum)
            )
        )
    return dataclasses.replace(
        inputs,
        budget_lines=tuple(lines),
        places=tuple(_less_served(inputs)),
        volunteer_pools=tuple(_less_volunteered(inputs)),
    )


def _less_volunteered(inputs: PlanningInputs) -> list[Any]:
    """Volunteer pools less the hours residents' chosen interventions need in their place and
    year (never below none: the residents' choice stands, and the optimiser has the rest)."""
    needed: dict[tuple[str, int], float] = defaultdict(float)
    for choice in inputs.residents_choices:
        if choice.intervention is None:
            continue
        hours = inputs.intervention(choice.intervention).volunteer_hours_per_participant
        needed[(choice.place, choice.year)] += choice.participants * hours
    return [
        dataclasses.replace(pool, hours=max(0.0, pool.hours - needed[(pool.place, pool.year)]))
        if needed.get((pool.place, pool.year))
        else pool
        for pool in inputs.volunteer_pools
    ]


def _less_served(inputs: PlanningInputs) -> list[Place]:
    """Places with the people residents' chosen interventions serve taken out, in the first
    year they are chosen for (capacity and population are per year; a later year's choice
    takes from every year, the cautious reading)."""
    served: dict[tuple[str, str], float] = defaultdict(float)
    for choice in inputs.residents_choices:
        if choice.intervention is not None:
            served[(choice.place, choice.intervention)] += choice.participants
    places = []
    for place in inputs.places:
        population = dict(place.population)
        capacity = dict(place.capacity)
        for (where, intervention_key), people in served.items():
            if where != place.key:
                continue
            intervention = inputs.intervention(intervention_key)
            group = intervention.target_group
            population[group] = max(0.0, population.get(group, 0.0) - people)
            default = capacity.get(intervention_key, intervention.capacity)
            if default is not None:
                capacity[intervention_key] = max(0.0, default - people)
        places.append(dataclasses.replace(place, population=population, capacity=capacity))
    return places


def check_residents(inputs: PlanningInputs) -> None:
    """Every choice names a known place and intervention and fits the money set aside there."""
    places = {place.key for place in inputs.places}
    budget: dict[tuple[str, int], float] = defaultdict(float)
    for item in inputs.set_asides:
        if item.place not in places:
            raise InputError(f"set-aside: place {item.place!r} is unknown")
        budget[(item.place, item.year)] += item.amount
    spent: dict[tuple[str, int], float] = defaultdict(float)
    for choice in inputs.residents_choices:
        if choice.intervention is not None:
            inputs.intervention(choice.intervention)
        spent[(choice.place, choice.year)] += choice.cost
    for key, amount in spent.items():
        if amount > budget.get(key, 0.0) + 0.005:
            raise InputError(
                f"residents' choices in {key[0]!r} in {key[1]} cost £{amount:,.0f}, more than "
                f"the £{budget.get(key, 0.0):,.0f} set aside"
            )


def choices_reach(model: Any, weights: dict[str, float]) -> float:
    """What residents' chosen interventions avoid, each demand type weighted by ``weights``
    (the objective's, or the target's), over the horizon."""
    total = 0.0
    for choice in model.inputs.residents_choices:
        if choice.intervention is None or choice.year not in model.rules.years:
            continue
        intervention = model.interventions[choice.intervention]
        units = model.effect_per_participant(intervention, choice.year, 0)
        total += choice.participants * sum(weights.get(d, 0.0) * a for d, a in units.items())
    return total


def residents_outcome(
    asked: PlanningInputs,
    model: Any,
    objective: float,
    gain: Any,
    solve_plain: Any,
    *,
    proven: bool = True,
    accuracy: Any = None,
) -> ResidentsOutcome:
    """What residents chose, what it cost, and what their choice cost the optimised value.

    ``solve_plain`` solves the same scenario with nothing set aside and returns its objective
    (None when it finds no plan) and whether the solver proved that plan best. ``proven`` says
    whether it proved this plan best. A cost is stated only when both are proven: the
    difference of two plans the solver stopped early on would not hold when re-solved.
    ``accuracy`` (whole people and programmes) returns how far, in objective units, the two
    whole plans together may be from their best, once both are solved: the cost is then
    stated to that accuracy."""
    chosen = []
    value_of_choices = 0.0
    for choice in asked.residents_choices:
        value = 0.0
        if choice.intervention is not None and choice.year in model.rules.years:
            intervention = model.interventions[choice.intervention]
            value = choice.participants * model.objective_per_participant(
                intervention, choice.year, 0
            )
        value_of_choices += value
        chosen.append(
            ChosenProject(
                choice.place, choice.year, choice.title, choice.cost, choice.intervention,
                choice.participants, round(value, 2),
            )
        )  # fmt: skip
    set_aside = sum(item.amount for item in asked.set_asides)
    spent = sum(choice.cost for choice in asked.residents_choices)
    without, plain_proven = solve_plain()
    if without is not None and not (proven and plain_proven):
        unproven = "this plan" if not proven else "the plan with that money optimised too"
        return ResidentsOutcome(
            set_aside=round(set_aside, 2),
            spent=round(spent, 2),
            chosen=tuple(chosen),
            value_of_choices=round(value_of_choices, 2),
            optimised_without=None,
            cost_to_optimised=None,
            sentence=(
                f"Residents chose projects costing {money(spent)} of the {money(set_aside)} set "
                f"aside; the solver did not prove {unproven} best within its time limit, so "
                "what their choice cost the optimised value is not stated."
            ),
        )
    if gain.target:
        return _target_outcome(asked, chosen, set_aside, spent, objective, without, model)
    cost = None if without is None else round(without - (objective + value_of_choices), 2)
    if cost is None:
        sentence = "Without the set-aside the scenario has no plan to compare with."
    elif cost <= 0.005:
        sentence = (
            f"Residents chose projects costing £{spent:,.0f} of the £{set_aside:,.0f} set aside; "
            "their choice cost the optimised value nothing."
        )
    else:
        sentence = (
            f"Residents chose projects costing £{spent:,.0f} of the £{set_aside:,.0f} set aside; "
            f"against optimising that money too, their choice cost {gain(cost)} "
            f"({gain.unit} counted by the model: community proposals outside it count as none)."
        )
    margin = accuracy() if accuracy is not None and cost is not None else 0.0
    if margin > 0.005:
        sentence = sentence.rstrip(".") + (
            f". Both plans are in whole people, each proven within a small share of its best, "
            f"so this is accurate to within {gain(margin)[6:]}."
        )
    return ResidentsOutcome(
        set_aside=round(set_aside, 2),
        spent=round(spent, 2),
        chosen=tuple(chosen),
        value_of_choices=round(value_of_choices, 2),
        optimised_without=None if without is None else round(without, 2),
        cost_to_optimised=cost,
        sentence=sentence,
    )


def _target_outcome(
    asked: PlanningInputs,
    chosen: list[ChosenProject],
    set_aside: float,
    spent: float,
    objective: float,
    without: float | None,
    model: Any,
) -> ResidentsOutcome:
    """Target mode: the cost is money, the pool's spend plus the residents' against the least
    cost of the target with that money optimised too."""
    reach = choices_reach(model, target_weights(asked, model.rules.target))
    cost = None if without is None else round(objective + spent - without, 2)
    chose = f"Residents chose projects costing {money(spent)} of the {money(set_aside)} set aside"
    if cost is None:
        sentence = "Without the set-aside the scenario has no plan to compare with."
    elif cost <= 0.005:
        sentence = (
            f"{chose}; what they avoid counts towards the target, and reaching it cost no more "
            "than optimising that money too would."
        )
    else:
        sentence = (
            f"{chose}; what they avoid counts towards the target, and reaching it this way "
            f"costs {_pounds(cost)} more than optimising that money too would."
        )
    return ResidentsOutcome(
        set_aside=round(set_aside, 2),
        spent=round(spent, 2),
        chosen=tuple(chosen),
        value_of_choices=round(reach, 2),
        optimised_without=None if without is None else round(without, 2),
        cost_to_optimised=cost,
        sentence=sentence,
    )


def _pounds(amount: float) -> str:
    """Exact to the penny (pence only where there are some): the figure a re-solve gives."""
    text = f"£{amount:,.2f}"
    return text.removesuffix(".00")
