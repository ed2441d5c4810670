"""Build the linear program for one partnership and scenario.

``build`` reads like a table of contents: variables, then one function per
family of rules, then the objective. The rule families live in
``optimiser/rules/``; this module holds the variables, the aggregates the
rules refer to, and the objective.

Aggregates keep the matrix sparse: demand reduction per demand type, spend
per place, contribution per partner and total spend are each a variable
defined by one equality row, so a fairness rule or a need floor is a handful
of terms instead of one term per participant variable.
"""

from __future__ import annotations

import math

import numpy as np
from pulp import LpVariable

from optimiser.block import ParticipantBlock
from optimiser.evidence import evidence_level
from optimiser.inputs import BudgetLine, Intervention, PlanningInputs
from optimiser.lp import EQ, GE, Terms, expression
from optimiser.model import Model
from optimiser.prices import real_unit_cost
from optimiser.residents import choices_reach
from optimiser.rules.delivery import add_capacity
from optimiser.rules.money import (
    add_budgets,
    add_caps,
    add_commissioning_windows,
    add_funding_balance,
    held_at_nothing,
)
from optimiser.rules.value import (
    add_evidence_rules,
    add_partner_fairness,
    add_place_fairness,
    add_sector_share,
    add_value_for_money,
)
from optimiser.rules.volunteers import add_volunteer_hours
from optimiser.scenario import ObjectiveKind, ScenarioRules
from optimiser.target import target_weights

__all__ = ["build", "exclusion_reasons"]


def build(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    *,
    diagnosing: bool = False,
    relax_programmes: bool = False,
    fixed_programmes: dict[tuple[str, str, int], float] | None = None,
    free_programmes: frozenset[str] = frozenset(),
    fixed_cohorts: dict[tuple[str, str, int], float] | None = None,
) -> Model:
    """The whole optimisation model of DOMAIN.md for one scenario.

    ``diagnosing`` adds penalised slack to every rule and minimises the
    breaches instead of maximising benefit. ``relax_programmes`` makes the
    whole-programme switches continuous (the linear relaxation);
    ``fixed_programmes`` fixes them at a mixed-integer solution so that the
    remaining linear program yields duals, except the switches of the
    interventions in ``free_programmes``, which stay whole (binary);
    ``fixed_cohorts`` fixes the whole cohorts alongside them.

    In whole-programme mode participants are whole numbers (an integer n per delivery) unless
    the programmes are relaxed or fixed: the linear programs behind the relaxation bound and
    the explanations count participants continuously.
    """
    model = Model.empty(
        inputs,
        rules,
        diagnosing=diagnosing,
        relax_programmes=relax_programmes,
        fixed_programmes=fixed_programmes,
        free_programmes=free_programmes,
        fixed_cohorts=fixed_cohorts,
    )
    model.reach, model.capacity_limited = reach_matrix(inputs)
    model.excluded = exclusion_reasons(model)
    add_participant_variables(model)
    add_programme_variables(model)
    add_funding_variables(model)
    add_aggregates(model)
    add_real_spend(model)
    add_funding_balance(model)
    add_budgets(model)
    add_capacity(model)
    add_volunteer_hours(model)
    add_commissioning_windows(model)
    add_evidence_rules(model)
    add_sector_share(model)
    add_value_for_money(model)
    add_partner_fairness(model)
    add_place_fairness(model)
    add_caps(model)
    add_target(model)
    set_objective(model)
    return model


def exclusion_reasons(model: Model) -> dict[str, str]:
    """Interventions the rules rule out before any solving, with the rule's name.

    Reasons are short codes that explain.py turns into sentences: ``ne``,
    ``rating``, ``bcr``, ``no_population``, ``no_budget``.
    """
    rules = model.rules
    minimum = evidence_level(rules.min_evidence_rating)
    reasons: dict[str, str] = {}
    for number, intervention in enumerate(model.interventions.values()):
        level = evidence_level(intervention.evidence_rating)
        if level == 0:
            reasons[intervention.key] = "ne"
        elif level < minimum:
            reasons[intervention.key] = "rating"
        elif rules.bcr_threshold > 0 and benefit_cost_ratio(model, intervention) < (
            rules.bcr_threshold
        ):
            reasons[intervention.key] = "bcr"
        elif not (model.reach[number] > 0).any():
            reasons[intervention.key] = "no_population"
        elif not any(
            _may_fund(line.ring_fence, intervention) for line in model.budget_lines.values()
        ):
            reasons[intervention.key] = "no_budget"
    return reasons


def benefit_cost_ratio(model: Model, intervention: Intervention) -> float:
    """Money value of demand avoided per pound, for a first participant in the first year.

    Benefits are in the real year's prices, so the cost is too (``real_unit_cost``)."""
    value = model.value_per_participant(intervention, model.rules.first_year, 0)
    return value / real_unit_cost(intervention, model.inputs.prices)


def reach_matrix(inputs: PlanningInputs) -> tuple[np.ndarray, np.ndarray]:
    """Most participants per intervention and place in a year, and where capacity sets it.

    The reach is the eligible population of the intervention's target group
    within the provider's capacity (the place's override, or the
    intervention's default). Both arrays are (interventions x places).
    """
    interventions, places = inputs.interventions, inputs.places
    eligible = {
        group: np.array([place.population.get(group, 0.0) for place in places], dtype=np.float64)
        for group in {intervention.target_group for intervention in interventions}
    }
    population = np.zeros((len(interventions), len(places)))
    for number, intervention in enumerate(interventions):
        population[number] = eligible[intervention.target_group]
    default = [np.inf if i.capacity is None else i.capacity for i in interventions]
    capacity = np.repeat(np.array(default, dtype=np.float64)[:, None], len(places), axis=1)
    index = {intervention.key: number for number, intervention in enumerate(interventions)}
    for where, place in enumerate(places):
        for key, amount in place.capacity.items():
            if key in index:
                capacity[index[key], where] = amount
    reach = np.minimum(population, capacity)
    return reach, reach != population


def _may_fund(ring_fence: tuple[str, ...], intervention: Intervention) -> bool:
    return not ring_fence or intervention.category in ring_fence


def funding_zones(model: Model, year: int) -> tuple[str, ...]:
    """Where one year's money must balance separately.

    If any budget line that year pays only for some districts, each district
    balances its own delivery cost, so a council's money pays only for its
    own places; otherwise one balance covers every place.
    """
    restricted = any(line.districts for line in model.budget_lines.values() if line.year == year)
    if not restricted:
        return ("all",)
    return tuple(sorted({place.district for place in model.inputs.places}))


def add_participant_variables(model: Model) -> None:
    """x[i,l,t,s]: participants per segment, each a slice of the reachable population.

    The reachable population is the eligible population within the provider's
    capacity, so capacity and reach are column bounds, not rows (36,000 fewer
    rows at partnership scale); ``model.reach`` keeps them for the
    explanations. Segments model diminishing returns: the first people
    reached are at highest risk, so later slices carry smaller multipliers.
    The participants are one block of array columns (see ``optimiser.block``).
    """
    reach = model.reach.copy()
    for number, key in enumerate(model.interventions):
        if key in model.excluded:
            reach[number] = 0.0
    model.participants = ParticipantBlock.grid(
        tuple(model.interventions),
        tuple(place.key for place in model.inputs.places),
        model.rules.years,
        model.rules.segment_shares,
        reach,
    )
    model.participants.whole = model.whole_people


def add_programme_variables(model: Model) -> None:
    """Whole-programme mode: y[i,l,t] "the programme runs here this year", and k[i,l,t], the
    whole cohorts bought here this year.

    A switch y where an intervention has a set-up cost, a minimum cohort or a minimum
    contract; cohorts k where it is delivered in cohorts, at most enough to take its reach.
    Each is whole (binary, integer), or continuous for the linear relaxation, or fixed at a
    plan's choice (except for ``free_programmes``).
    """
    if not model.rules.whole_programme:
        return
    block = model.block
    interventions = list(model.interventions.values())
    switched = np.array(
        [i.fixed_cost > 0 or i.min_cohort > 0 or i.minimum_contract > 0 for i in interventions],
        dtype=bool,
    )
    in_cohorts = np.array([model.in_cohorts(i) for i in interventions], dtype=bool)
    first = block.first_of_delivery()
    wanted = switched[block.intervention[first]] | in_cohorts[block.intervention[first]]
    for column in first[wanted].tolist():
        intervention_key, place_key, year, _segment = block.key(column)
        intervention = model.interventions[intervention_key]
        key = (intervention_key, place_key, year)
        held = model.fixed_programmes is not None and intervention_key not in model.free_programmes
        if (
            intervention.fixed_cost > 0
            or intervention.min_cohort > 0
            or (intervention.minimum_contract > 0)
        ):
            chosen = None if not held else (model.fixed_programmes or {}).get(key, 0.0)
            model.runs[key] = _whole_variable(model, f"y|{key}", 1.0, chosen)
            model.run_columns[key] = column
        if model.in_cohorts(intervention):
            _kind, reach = model.reach_limit(intervention_key, place_key)
            most = float(math.ceil(reach / intervention.cohort_size - 1e-9))
            chosen = None if not held else (model.fixed_cohorts or {}).get(key, 0.0)
            model.cohorts[key] = _whole_variable(model, f"k|{key}", most, chosen)
            model.cohort_columns[key] = column


def _whole_variable(model: Model, label: str, most: float, chosen: float | None) -> LpVariable:
    """A whole-number choice from 0 to ``most``: fixed at ``chosen`` when given, continuous in
    the relaxation, integer otherwise."""
    if chosen is not None:
        fixed = float(round(chosen))
        return model.variable(label, fixed, fixed)
    if model.relax_programmes:
        return model.variable(label, 0.0, most)
    return model.variable(label, 0.0, most, integer=True)


def add_funding_variables(model: Model) -> None:
    """f[b,i,zone]: money from budget line b for intervention i (in b's year).

    A variable exists only where the line may fund the intervention (ring-fence,
    geography, evidence), there is someone to serve, and the partner's
    commissioning window does not hold the money at nothing (closed, with no
    contract and nothing it could have paid the year before): a variable that
    must be zero should not exist.
    """
    block = model.block
    districts = sorted({place.district for place in model.inputs.places})
    model.zone_names = ("all", *districts)
    for year in model.rules.years:
        model.zones[year] = funding_zones(model, year)
    restricted = np.array([model.zones[year] != ("all",) for year in block.years], dtype=bool)
    district_of = np.array(
        [1 + districts.index(place.district) for place in model.inputs.places], dtype=np.int32
    )
    model.column_zone = np.where(restricted[block.period], district_of[block.place], 0)
    served = np.zeros((len(model.interventions), len(block.years), len(model.zone_names)), bool)
    served[block.intervention, block.period, model.column_zone] = True
    model.served = served
    zone_number = {zone: n for n, zone in enumerate(model.zone_names)}
    period = {year: n for n, year in enumerate(block.years)}
    candidates: list[tuple[BudgetLine, str, str]] = []
    for line in model.budget_lines.values():
        for number, intervention in enumerate(model.interventions.values()):
            if intervention.key in model.excluded or not _may_fund(line.ring_fence, intervention):
                continue
            for zone in model.zones[line.year]:
                if line.districts and zone not in line.districts:
                    continue
                if not served[number, period[line.year], zone_number[zone]]:
                    continue
                candidates.append((line, intervention.key, zone))
    fundable = {(line.partner, key, line.year) for line, key, _zone in candidates}
    # In a diagnosis a closed window is a rule that may be broken, so its money stays.
    model.held_by_window = set() if model.diagnosing else held_at_nothing(model, fundable)
    for line, intervention_key, zone in candidates:
        index_key = (line.partner, intervention_key, line.year)
        if index_key in model.held_by_window:
            continue
        var = model.variable(f"f|{line.key}|{intervention_key}|{zone}")
        model.funding[(line.key, intervention_key, zone)] = var
        model.funding_index.setdefault(index_key, []).append(var)


def effect_slots(model: Model) -> tuple[np.ndarray, np.ndarray]:
    """Demand avoided per participant, per (intervention, period, segment), in slots.

    Slot ``k`` holds the k-th demand type that a participant's effect reduces
    (in demand-type order) and the amount; an unused slot has demand type -1.
    There are as many slots as the most demand types one intervention reduces
    (one to three in practice), so the tables stay small, and
    ``effect_per_participant`` runs once per (intervention, year, segment),
    never per column. Both arrays are (interventions x periods x segments x slots).
    """
    block = model.block
    demand = {d.key: n for n, d in enumerate(model.inputs.demand_types)}
    shape = (len(model.interventions), len(block.years), len(model.rules.segment_shares))
    found: dict[tuple[int, int, int], list[tuple[int, float]]] = {}
    for number, intervention in enumerate(model.interventions.values()):
        if intervention.key in model.excluded:
            continue
        for period, year in enumerate(block.years):
            for segment in block.segments:
                units = model.effect_per_participant(intervention, year, segment)
                found[(number, period, segment)] = sorted(
                    (demand[key], amount) for key, amount in units.items()
                )
    slots = max((len(effects) for effects in found.values()), default=0)
    demand_type = np.full((*shape, slots), -1, dtype=np.int32)
    amount = np.zeros((*shape, slots))
    for where, effects in found.items():
        for slot, (demand_number, per_participant) in enumerate(effects):
            demand_type[(*where, slot)] = demand_number
            amount[(*where, slot)] = per_participant
    return demand_type, amount


def add_aggregates(model: Model) -> None:
    """Demand reduction per demand type, spend per place, contribution per partner, total."""
    block = model.block
    rows = []
    for demand_type in model.inputs.demand_types:
        total = model.variable(f"reduction|{demand_type.key}")
        model.reduction[demand_type.key] = total
        rows.append(model.add("reduction", (demand_type.key,), [(total, 1.0)], EQ, 0.0))
    demand, amount = effect_slots(model)
    model.effect_demand, model.effect_amount = demand, amount
    periods, segments = demand.shape[1], demand.shape[2]
    combination = (block.intervention * periods + block.period) * segments + block.segment
    for slot in range(demand.shape[3]):
        reduced = demand[..., slot].ravel()[combination]
        columns = np.flatnonzero(reduced >= 0)
        per_participant = amount[..., slot].ravel()[combination[columns]]
        block.attach([r.constraint for r in rows], reduced[columns], columns, -per_participant)
    del combination

    if model.rules.need_floor > 0 or model.rules.place_caps:
        fixed_costs: dict[str, Terms] = {place.key: [] for place in model.inputs.places}
        for keys in sorted(model.cost_keys()):
            fixed_costs[keys[1]].extend(
                (var, -cost) for var, cost in model.programme_cost_terms(keys)
            )
        rows = []
        for place_key, terms in fixed_costs.items():
            var = model.variable(f"spend|{place_key}")
            model.place_spend[place_key] = var
            rows.append(model.add("place_spend", (place_key,), [(var, 1.0), *terms], EQ, 0.0))
        block.attach(
            [r.constraint for r in rows],
            block.place,
            np.arange(len(block)),
            -model.column_unit_costs(),
        )

    contribution_terms: dict[str, Terms] = {p.key: [] for p in model.inputs.partners}
    for (line_key, _i, _zone), var in model.funding.items():
        contribution_terms[model.budget_lines[line_key].partner].append((var, -1.0))
    for partner in model.inputs.partners:
        var = model.variable(f"contribution|{partner.key}")
        model.contribution[partner.key] = var
        terms = contribution_terms[partner.key]
        model.add("contribution", (partner.key,), [(var, 1.0), *terms], EQ, 0.0)

    model.total_spend = model.variable("total_spend")
    terms = [(var, -1.0) for var in model.contribution.values()]
    model.add("total_spend", (), [(model.total_spend, 1.0), *terms], EQ, 0.0)


def add_real_spend(model: Model) -> None:
    """Contribution per partner and total spend in the real year's prices (cash deflated).

    Benefits are real (the demand unit costs' prices), so the rules that weigh benefit against
    spend (portfolio value for money, most cost per unit, partner fairness) weigh it against
    real spend: a pound of cash in year t is 1 / real_factor(t) real pounds. With no price
    index, or one whose factors are all 1, they are the cash aggregates themselves (no rows).
    """
    factors = {year: model.real_factor(year) for year in model.rules.years}
    if all(factor == 1.0 for factor in factors.values()):
        model.real_contribution = dict(model.contribution)
        model.real_total_spend = model.total_spend
        return
    by_partner: dict[str, Terms] = {p.key: [] for p in model.inputs.partners}
    for (line_key, _i, _zone), var in model.funding.items():
        line = model.budget_lines[line_key]
        by_partner[line.partner].append((var, -1.0 / factors[line.year]))
    for partner in model.inputs.partners:
        var = model.variable(f"real_contribution|{partner.key}")
        model.real_contribution[partner.key] = var
        terms = [(var, 1.0), *by_partner[partner.key]]
        model.add("real_contribution", (partner.key,), terms, EQ, 0.0)
    model.real_total_spend = model.variable("real_total_spend")
    terms = [(var, -1.0) for var in model.real_contribution.values()]
    model.add("real_total_spend", (), [(model.real_total_spend, 1.0), *terms], EQ, 0.0)


def objective_weights(inputs: PlanningInputs, rules: ScenarioRules) -> dict[str, float]:
    """Weight of one unit of each demand type in the objective."""
    if rules.objective is ObjectiveKind.PRIORITY:
        return {d.key: rules.priority_weights.get(d.key, 0.0) for d in inputs.demand_types}
    if rules.objective is ObjectiveKind.SINGLE:
        return {d.key: float(d.key == rules.objective_demand_type) for d in inputs.demand_types}
    return {d.key: d.unit_cost for d in inputs.demand_types}


# In a diagnosis, which rule gives way when breaking either would cost the same: promises to
# spend first, then the scenario's own rules, then contracts and windows, budget maximums last.
# The steps are far too small to prefer a larger breach of one rule over a smaller one of another.
GIVE_WAY_ORDER = (
    "committed",
    "policy",
    "contract",
    "contract_place",
    "contracts_place",
    "window",
    "budget",
)
TIE_BREAK = 1e-5


def breach_penalty(family: str) -> float:
    """Penalty per pound of breach of a rule in a diagnosis: 1, plus a tie-break by family."""
    rank = GIVE_WAY_ORDER.index(family if family in GIVE_WAY_ORDER else "policy")
    return 1.0 + TIE_BREAK * rank


def add_target(model: Model) -> None:
    """Target mode: demand avoided (weighted as the target counts it) at least the target, less
    what residents' chosen interventions avoid (they are outside the pool's variables)."""
    target = model.rules.target
    if target is None:
        return
    weights = target_weights(model.inputs, target)
    terms = [(model.reduction[key], weight) for key, weight in weights.items() if weight]
    rest = max(0.0, target.amount - choices_reach(model, weights))
    model.add("target", (target.demand_type or "",), terms, GE, rest)


def set_objective(model: Model) -> None:
    """Maximise weighted demand reduction, written as minimising its negative; in target mode,
    minimise total spend.

    In a diagnosis the objective is instead the total breach of the rules, in
    pounds (with ``breach_penalty``'s tie-break between equal breaches).
    """
    model.objective_weights = objective_weights(model.inputs, model.rules)
    if model.rules.target is not None and not model.diagnosing:
        model.problem.setObjective(expression([(model.total_spend, 1.0)]))
        return
    if model.diagnosing:
        terms = [
            (var, breach_penalty(model.rows[name].family))
            for name, slack in model.slacks.items()
            for var, _direction in slack
        ]
    else:
        terms = [
            (model.reduction[d], -weight) for d, weight in model.objective_weights.items() if weight
        ]
    model.problem.setObjective(expression(terms))
