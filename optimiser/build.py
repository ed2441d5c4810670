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

from optimiser.evidence import evidence_level
from optimiser.inputs import Intervention, Place, PlanningInputs
from optimiser.lp import EQ, Terms, expression
from optimiser.model import Model
from optimiser.rules.delivery import add_capacity
from optimiser.rules.money import (
    add_budgets,
    add_caps,
    add_commissioning_windows,
    add_funding_balance,
)
from optimiser.rules.value import (
    add_evidence_rules,
    add_partner_fairness,
    add_place_fairness,
    add_value_for_money,
)
from optimiser.scenario import ObjectiveKind, ScenarioRules

__all__ = ["build", "exclusion_reasons"]


def build(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    *,
    diagnosing: bool = False,
    relax_programmes: bool = False,
    fixed_programmes: dict[tuple[str, str, int], float] | None = None,
) -> Model:
    """The whole optimisation model of DOMAIN.md for one scenario.

    ``diagnosing`` adds penalised slack to every rule and minimises the
    breaches instead of maximising benefit. ``relax_programmes`` makes the
    whole-programme switches continuous (the linear relaxation);
    ``fixed_programmes`` fixes them at a mixed-integer solution so that the
    remaining linear program yields duals.
    """
    model = Model.empty(
        inputs,
        rules,
        diagnosing=diagnosing,
        relax_programmes=relax_programmes,
        fixed_programmes=fixed_programmes,
    )
    model.excluded = exclusion_reasons(model)
    add_participant_variables(model)
    add_programme_variables(model)
    add_funding_variables(model)
    add_aggregates(model)
    add_funding_balance(model)
    add_budgets(model)
    add_capacity(model)
    add_commissioning_windows(model)
    add_evidence_rules(model)
    add_value_for_money(model)
    add_partner_fairness(model)
    add_place_fairness(model)
    add_caps(model)
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
    for intervention in model.interventions.values():
        level = evidence_level(intervention.evidence_rating)
        if level == 0:
            reasons[intervention.key] = "ne"
        elif level < minimum:
            reasons[intervention.key] = "rating"
        elif rules.bcr_threshold > 0 and benefit_cost_ratio(model, intervention) < (
            rules.bcr_threshold
        ):
            reasons[intervention.key] = "bcr"
        elif not any(_reach(place, intervention) > 0 for place in model.inputs.places):
            reasons[intervention.key] = "no_population"
        elif not any(
            _may_fund(line.ring_fence, intervention) for line in model.budget_lines.values()
        ):
            reasons[intervention.key] = "no_budget"
    return reasons


def benefit_cost_ratio(model: Model, intervention: Intervention) -> float:
    """Money value of demand avoided per pound, for a first participant in the first year."""
    value = model.value_per_participant(intervention, model.rules.first_year, 0)
    return value / intervention.unit_cost


def _reach(place: Place, intervention: Intervention) -> float:
    """Most participants a place can have in a year: eligible people within capacity."""
    population = place.population.get(intervention.target_group, 0.0)
    capacity = place.capacity.get(intervention.key, intervention.capacity)
    return population if capacity is None else min(population, capacity)


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
    rows at partnership scale); ``add_capacity`` records them for the
    explanations. Segments model diminishing returns: the first people
    reached are at highest risk, so later slices carry smaller multipliers.
    """
    shares = model.rules.segment_shares
    for intervention in model.interventions.values():
        if intervention.key in model.excluded:
            continue
        for place in model.inputs.places:
            reach = _reach(place, intervention)
            if reach <= 0:
                continue
            limited_by = (
                "reach" if reach == place.population.get(intervention.target_group) else "capacity"
            )
            for year in model.rules.years:
                model.reach_limits[(intervention.key, place.key, year)] = (limited_by, reach)
            prefix = f"x|{intervention.key}|{place.key}|"
            for year in model.rules.years:
                for segment, share in enumerate(shares):
                    if share > 0:
                        model.participants[(intervention.key, place.key, year, segment)] = (
                            model.variable(f"{prefix}{year}|{segment}", 0.0, share * reach)
                        )


def add_programme_variables(model: Model) -> None:
    """y[i,l,t] in whole-programme mode: does the programme run here this year?

    Only interventions with a set-up cost or a minimum cohort need one.
    """
    if not model.rules.whole_programme:
        return
    seen: set[tuple[str, str, int]] = set()
    for intervention_key, place_key, year, _segment in model.participants:
        intervention = model.interventions[intervention_key]
        key = (intervention_key, place_key, year)
        if key in seen or (intervention.fixed_cost <= 0 and intervention.min_cohort <= 0):
            continue
        seen.add(key)
        name = f"y|{intervention_key}|{place_key}|{year}"
        if model.fixed_programmes is not None:
            value = round(model.fixed_programmes.get(key, 0.0))
            model.runs[key] = model.variable(name, value, value)
        elif model.relax_programmes:
            model.runs[key] = model.variable(name, 0.0, 1.0)
        else:
            model.runs[key] = model.variable(name, 0.0, 1.0, integer=True)


def add_funding_variables(model: Model) -> None:
    """f[b,i,zone]: money from budget line b for intervention i (in b's year).

    A variable exists only where the line may fund the intervention (ring-fence,
    geography, evidence) and there is someone to serve: a variable that must
    be zero should not exist.
    """
    for year in model.rules.years:
        model.zones[year] = funding_zones(model, year)
    served = {(i, model.zone_of(place, year), year) for i, place, year, _s in model.participants}
    for line in model.budget_lines.values():
        for intervention in model.interventions.values():
            if intervention.key in model.excluded or not _may_fund(line.ring_fence, intervention):
                continue
            for zone in model.zones[line.year]:
                if line.districts and zone not in line.districts:
                    continue
                if (intervention.key, zone, line.year) not in served:
                    continue
                var = model.variable(f"f|{line.key}|{intervention.key}|{zone}")
                model.funding[(line.key, intervention.key, zone)] = var
                index_key = (line.partner, intervention.key, line.year)
                model.funding_index.setdefault(index_key, []).append(var)


def add_aggregates(model: Model) -> None:
    """Demand reduction per demand type, spend per place, contribution per partner, total."""
    reduction_terms: dict[str, Terms] = {d.key: [] for d in model.inputs.demand_types}
    # One look-up per (intervention, year, segment), not per participant variable.
    effects: dict[tuple[str, int, int], list[tuple[Terms, float]]] = {}
    for (intervention_key, _place, year, segment), var in model.participants.items():
        key = (intervention_key, year, segment)
        targets = effects.get(key)
        if targets is None:
            units = model.effect_per_participant(
                model.interventions[intervention_key], year, segment
            )
            targets = effects[key] = [(reduction_terms[d], -u) for d, u in units.items()]
        for terms, coefficient in targets:
            terms.append((var, coefficient))
    for demand_type in model.inputs.demand_types:
        total = model.variable(f"reduction|{demand_type.key}")
        model.reduction[demand_type.key] = total
        terms = [(total, 1.0), *reduction_terms[demand_type.key]]
        model.add("reduction", (demand_type.key,), terms, EQ, 0.0)

    if model.rules.need_floor > 0 or model.rules.place_caps:
        spend_terms: dict[str, Terms] = {place.key: [] for place in model.inputs.places}
        unit_costs = {key: -i.unit_cost for key, i in model.interventions.items()}
        for (intervention_key, place, _year, _segment), var in model.participants.items():
            spend_terms[place].append((var, unit_costs[intervention_key]))
        for (intervention_key, place, _year), var in model.runs.items():
            spend_terms[place].append((var, -model.interventions[intervention_key].fixed_cost))
        for place_key, terms in spend_terms.items():
            var = model.variable(f"spend|{place_key}")
            model.place_spend[place_key] = var
            model.add("place_spend", (place_key,), [(var, 1.0), *terms], EQ, 0.0)

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


def objective_weights(inputs: PlanningInputs, rules: ScenarioRules) -> dict[str, float]:
    """Weight of one unit of each demand type in the objective."""
    if rules.objective is ObjectiveKind.PRIORITY:
        return {d.key: rules.priority_weights.get(d.key, 0.0) for d in inputs.demand_types}
    if rules.objective is ObjectiveKind.SINGLE:
        return {d.key: float(d.key == rules.objective_demand_type) for d in inputs.demand_types}
    return {d.key: d.unit_cost for d in inputs.demand_types}


def set_objective(model: Model) -> None:
    """Maximise weighted demand reduction, written as minimising its negative.

    In a diagnosis the objective is instead the total breach of the rules, in
    pounds.
    """
    model.objective_weights = objective_weights(model.inputs, model.rules)
    if model.diagnosing:
        terms = [(var, 1.0) for slack in model.slacks.values() for var, _direction in slack]
    else:
        terms = [
            (model.reduction[d], -weight) for d, weight in model.objective_weights.items() if weight
        ]
    model.problem.setObjective(expression(terms))
