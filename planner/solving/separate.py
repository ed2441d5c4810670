"""A "separate" scenario: each partner plans alone with its own budget, as happens without pooling.

The optimiser's comparison with partners alone reports only each partner's objective and spend,
so this module solves each partner's own plan with the optimiser (only that partner's budget lines,
contracts and budget overrides, the same rules), then adds the plans up into one Plan of the same shape as a
pooled one, so every page and export reads it the same way. The pooled plan of the same rules
is solved too, to say what pooling would add.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import optimiser as opt
from optimiser.explain import NOT_HOLDING_BACK
from optimiser.pooling import alone_with, held_back_sentence, shortfall_reason
from optimiser.report import spend_by_year
from optimiser.wording import Gain

# Exclusions that come from the scenario's rules, the same whoever plans: quote them as they are.
RULE_EXCLUSIONS = ("ne", "rating", "bcr", "no_population")
CAPACITY_TOLERANCE = 1e-6


def optimise_separately(
    inputs: opt.PlanningInputs, rules: opt.ScenarioRules, *, time_limit: float
) -> opt.Plan:
    """Each partner's own plan, added up, with the value pooling would add."""
    funding_partners = [
        partner
        for partner in inputs.partners
        if any(
            line.partner == partner.key and line.year in rules.years for line in inputs.budget_lines
        )
    ]
    alone = {
        partner.key: opt.optimise(
            *alone_with(inputs, rules, partner.key), time_limit=time_limit, compare_pooling=False
        )
        for partner in funding_partners
    }
    pooled = opt.optimise(inputs, rules, time_limit=time_limit, compare_pooling=False)
    return combine(inputs, rules, alone, pooled)


def combine(
    inputs: opt.PlanningInputs,
    rules: opt.ScenarioRules,
    alone: dict[str, opt.Plan],
    pooled: opt.Plan | None,
) -> opt.Plan:
    """One plan from the partners' own plans: allocations, benefits and spend added up."""
    names = {partner.key: partner.name for partner in inputs.partners}
    failed = {key: plan for key, plan in alone.items() if not plan.status.has_plan}
    status = _combined_status(alone)
    solved = {key: plan for key, plan in alone.items() if plan.status.has_plan}
    allocations = _allocations(solved.values()) if not failed else ()
    total_spend = round(sum(a.cost for a in allocations), 2)
    reductions = _reductions(solved.values()) if not failed else ()
    objective = sum(plan.objective or 0.0 for plan in solved.values()) if not failed else None
    first = next(iter(alone.values()), None)
    messages = [
        "Each partner planned alone with only its own budget lines and contracts, under the "
        "scenario's rules; the figures add the partners' plans together."
    ]
    if rules.need_floor > 0:
        messages.append(
            "Alone, each partner meets the need floor in the places its own budget may pay for."
        )
    over = _over_capacity(inputs, allocations)
    if over:
        messages.append(
            f"Planning alone, partners count on the same provider capacity and eligible people: "
            f"{over} of the combined allocations (an intervention in a place in a year) exceed "
            "what providers can deliver there, so the total above flatters commissioning alone."
        )
    return opt.Plan(
        status=status,
        solver_detail="each partner planned alone",
        objective=objective,
        objective_kind=rules.objective.value,
        objective_unit=first.objective_unit if first else Gain(inputs, rules).unit,
        years=rules.years,
        total_spend=total_spend,
        value_of_demand_avoided=round(sum(r.value for r in reductions), 2),
        participants=round(sum(a.participants for a in allocations), 4),
        allocations=allocations,
        demand_reductions=reductions,
        partners=_partners(inputs, solved) if not failed else (),
        places=_places(inputs, rules, solved, allocations) if not failed else (),
        evidence_mix=_evidence_mix(inputs, allocations),
        binding_constraints=_binding(solved, names) if not failed else (),
        not_funded=_not_funded(inputs, alone, allocations),
        model_size=opt.ModelSize(
            *(
                sum(getattr(plan.model_size, f) for plan in alone.values())
                for f in _fields(opt.ModelSize)
            )
        ),
        timings=_timings(list(alone.values()) + ([pooled] if pooled else [])),
        pooling=_pooling(inputs, rules, alone, pooled) if not failed else None,
        diagnosis=_diagnosis(failed, names) if failed else None,
        messages=tuple(messages),
        budget_lines=tuple(line for plan in solved.values() for line in plan.budget_lines)
        if not failed
        else (),
        spend_by_year=spend_by_year(rules.years, allocations) if allocations else (),
    )


def _fields(kind: type) -> list[str]:
    return [f.name for f in dataclasses.fields(kind)]


def _combined_status(alone: dict[str, opt.Plan]) -> opt.SolveStatus:
    statuses = {plan.status for plan in alone.values()}
    for worst in (
        opt.SolveStatus.ERROR,
        opt.SolveStatus.UNBOUNDED,
        opt.SolveStatus.INFEASIBLE,
        opt.SolveStatus.TIME_LIMIT,
    ):
        if worst in statuses:
            return worst
    return opt.SolveStatus.OPTIMAL


def _allocations(plans: object) -> tuple[opt.Allocation, ...]:
    participants: dict[tuple[str, str, int], float] = defaultdict(float)
    cost: dict[tuple[str, str, int], float] = defaultdict(float)
    value: dict[tuple[str, str, int], float] = defaultdict(float)
    funding: dict[tuple[str, str, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    avoided: dict[tuple[str, str, int], dict[str, list[float]]] = defaultdict(
        lambda: defaultdict(lambda: [0.0, 0.0])
    )
    for plan in plans:  # type: ignore[attr-defined]
        for allocation in plan.allocations:
            key = (allocation.intervention, allocation.place, allocation.year)
            participants[key] += allocation.participants
            cost[key] += allocation.cost
            value[key] += allocation.value_of_demand_avoided or 0.0
            for payment in allocation.funding:
                funding[key][payment.partner] += payment.amount
            for demand in allocation.demand_avoided:
                avoided[key][demand.demand_type][0] += demand.units
                avoided[key][demand.demand_type][1] += demand.value
    return tuple(
        opt.Allocation(
            intervention=key[0],
            place=key[1],
            year=key[2],
            participants=round(participants[key], 4),
            cost=round(cost[key], 2),
            funding=tuple(
                opt.PartnerFunding(partner, round(amount, 2))
                for partner, amount in sorted(funding[key].items())
            ),
            value_of_demand_avoided=round(value[key], 2),
            demand_avoided=tuple(
                opt.DemandAvoided(demand, round(units, 6), round(amount, 2))
                for demand, (units, amount) in avoided[key].items()
            ),
        )
        for key in sorted(participants)
    )


def _reductions(plans: object) -> tuple[opt.DemandReduction, ...]:
    units: dict[str, float] = defaultdict(float)
    values: dict[str, float] = defaultdict(float)
    names: dict[str, str] = {}
    for plan in plans:  # type: ignore[attr-defined]
        for reduction in plan.demand_reductions:
            units[reduction.demand_type] += reduction.units
            values[reduction.demand_type] += reduction.value
            names[reduction.demand_type] = reduction.name
    return tuple(
        opt.DemandReduction(key, names[key], round(units[key], 6), round(values[key], 2))
        for key in names
    )


def _partners(
    inputs: opt.PlanningInputs, solved: dict[str, opt.Plan]
) -> tuple[opt.PartnerOutcome, ...]:
    """Each partner pays into its own plan only, and benefits from every partner's plan."""
    result = []
    for partner in inputs.partners:
        own = solved.get(partner.key)
        contribution = 0.0
        if own is not None:
            contribution = sum(p.contribution for p in own.partners if p.partner == partner.key)
        benefit = sum(
            p.benefit for plan in solved.values() for p in plan.partners if p.partner == partner.key
        )
        result.append(
            opt.PartnerOutcome(
                partner=partner.key,
                name=partner.name,
                contribution=round(contribution, 2),
                benefit=round(benefit, 2),
                benefit_ratio=round(benefit / contribution, 4) if contribution > 0 else None,
            )
        )
    return tuple(result)


def _places(
    inputs: opt.PlanningInputs,
    rules: opt.ScenarioRules,
    solved: dict[str, opt.Plan],
    allocations: tuple[opt.Allocation, ...],
) -> tuple[opt.PlaceOutcome, ...]:
    """Spend per place added up, against need over the places any partner's money may reach.

    Alone, each partner's need shares and floors cover only the places its own money may
    reach: the shares here cover those places' union, as the pooled plan's do, and each
    place's floor is the partners' own floors there added up (what the plans were held to).
    """
    spend: dict[str, float] = defaultdict(float)
    for allocation in allocations:
        spend[allocation.place] += allocation.cost
    total = sum(spend.values())
    reached = {o.place for plan in solved.values() for o in plan.places if o.need_share > 0}
    need = {place.key: place.need_index for place in inputs.places if place.key in reached}
    need_shares = {key: index / sum(need.values()) for key, index in need.items()}
    floors: dict[str, float] = defaultdict(float)
    for plan in solved.values():
        for outcome in plan.places:
            floors[outcome.place] += outcome.need_floor or 0.0
    result = []
    for place in inputs.places:
        need_share = need_shares.get(place.key, 0.0)
        result.append(
            opt.PlaceOutcome(
                place=place.key,
                name=place.name,
                spend=round(spend[place.key], 2),
                spend_share=round(spend[place.key] / total, 6) if total > 0 else 0.0,
                need_share=round(need_share, 6),
                need_floor=round(floors[place.key], 2) if rules.need_floor > 0 else None,
            )
        )
    return tuple(result)


def _evidence_mix(
    inputs: opt.PlanningInputs, allocations: tuple[opt.Allocation, ...]
) -> tuple[opt.EvidenceShare, ...]:
    ratings = {i.key: opt.base_rating(i.evidence_rating) for i in inputs.interventions}
    spend: dict[str, float] = defaultdict(float)
    for allocation in allocations:
        spend[ratings[allocation.intervention]] += allocation.cost
    total = sum(spend.values())
    return tuple(
        opt.EvidenceShare(
            rating, round(spend[rating], 2), round(spend[rating] / total, 6) if total else 0.0
        )
        for rating in ("4", "3", "2", "NL2")
    )


def _binding(
    solved: dict[str, opt.Plan], names: dict[str, str]
) -> tuple[opt.BindingConstraint, ...]:
    return tuple(
        dataclasses.replace(
            binding,
            row=f"{partner}|{binding.row}",
            sentence=f"{names[partner]}, planning alone: {binding.sentence}",
            label=f"{names[partner]}, planning alone: {binding.label}" if binding.label else "",
        )
        for partner, plan in solved.items()
        for binding in plan.binding_constraints
    )


def _not_funded(
    inputs: opt.PlanningInputs, alone: dict[str, opt.Plan], allocations: tuple[opt.Allocation, ...]
) -> tuple[opt.NotFunded, ...]:
    """Why no partner, planning alone, funds an intervention.

    A rule's exclusion is the same for every partner; otherwise the partner that came closest
    to funding it (the smallest improvement needed) speaks for all.
    """
    funded = {allocation.intervention for allocation in allocations if allocation.cost > 0.005}
    names = {partner.key: partner.name for partner in inputs.partners}
    entries: dict[str, list[tuple[str, opt.NotFunded]]] = defaultdict(list)
    for partner, plan in alone.items():
        for entry in plan.not_funded:
            entries[entry.intervention].append((partner, entry))
    result = []
    for intervention in inputs.interventions:
        found = entries.get(intervention.key)
        if intervention.key in funded or not found:
            continue
        ruled_out = [entry for _partner, entry in found if entry.reason in RULE_EXCLUSIONS]
        if ruled_out:
            result.append(ruled_out[0])
            continue
        partner, closest = min(
            found,
            key=lambda pair: (
                pair[1].effect_increase_needed is None,
                pair[1].effect_increase_needed or 0.0,
            ),
        )
        result.append(
            dataclasses.replace(
                closest,
                sentence=(
                    f"No partner planning alone funds {intervention.name}; {names[partner]} comes "
                    f"closest. {closest.sentence}"
                ),
            )
        )
    return tuple(result)


def _over_capacity(inputs: opt.PlanningInputs, allocations: tuple[opt.Allocation, ...]) -> int:
    """How many (intervention, place, year) allocations exceed their reach when added up."""
    interventions = {i.key: i for i in inputs.interventions}
    places = {p.key: p for p in inputs.places}
    over = 0
    for allocation in allocations:
        intervention, place = interventions[allocation.intervention], places[allocation.place]
        reach = place.population.get(intervention.target_group, 0.0)
        capacity = place.capacity.get(intervention.key, intervention.capacity)
        if capacity is not None:
            reach = min(reach, capacity)
        if allocation.participants > reach + CAPACITY_TOLERANCE:
            over += 1
    return over


def _timings(plans: list[opt.Plan]) -> opt.Timings:
    return opt.Timings(
        *(round(sum(getattr(plan.timings, f) for plan in plans), 6) for f in _fields(opt.Timings))
    )


def _held_back(plan: opt.Plan) -> str:
    """Why a partner's plan alone leaves money unspent, as the pooled comparison says it."""
    if plan.status is not opt.SolveStatus.OPTIMAL:
        return ""
    available = sum(line.maximum for line in plan.budget_lines)
    strongest = next(
        (rule.sentence for rule in plan.binding_constraints if rule.family not in NOT_HOLDING_BACK),
        "",
    )
    return held_back_sentence(
        plan.total_spend, available, None if plan.mip_gap is not None else strongest
    )


def _pooling(
    inputs: opt.PlanningInputs,
    rules: opt.ScenarioRules,
    alone: dict[str, opt.Plan],
    pooled: opt.Plan | None,
) -> opt.PoolingComparison | None:
    if pooled is None or not pooled.status.has_plan or pooled.objective is None:
        return None
    results = tuple(
        opt.PartnerAlone(
            partner=key,
            name=inputs.partner(key).name,
            status=plan.status,
            objective=round(plan.objective or 0.0, 6),
            spend=plan.total_spend,
            held_back=_held_back(plan),
        )
        for key, plan in alone.items()
    )
    total = sum(result.objective for result in results)
    difference = pooled.objective - total
    gain = Gain(inputs, rules)
    pooled_text, alone_text = gain(pooled.objective)[6:], gain(total)[6:]  # without "about "
    if difference >= 0:
        sentence = (
            f"Pooling the same budgets under the same rules would add {gain(difference)} "
            f"({pooled_text} pooled against {alone_text} with each partner alone)."
        )
    else:
        covered = [
            {o.place for o in plan.places if o.need_share > 0}
            for plan in alone.values()
            if plan.status.has_plan and (plan.objective or 0.0) > 0
        ]
        sentence = (
            f"The partners alone add up to {alone_text} against {pooled_text} pooled only "
            f"because {shortfall_reason(rules, covered)}."
        )
    return opt.PoolingComparison(
        pooled_objective=round(pooled.objective, 6),
        alone=results,
        sum_alone=round(total, 6),
        value_of_pooling=round(difference, 6),
        sentence=sentence,
    )


def _diagnosis(failed: dict[str, opt.Plan], names: dict[str, str]) -> opt.Diagnosis:
    who = ", ".join(names[key] for key in failed)
    clashes = tuple(
        dataclasses.replace(clash, sentence=f"{names[key]}, planning alone: {clash.sentence}")
        for key, plan in failed.items()
        if plan.diagnosis
        for clash in plan.diagnosis.clashes
    )
    details = " ".join(
        f"{names[key]}: {plan.diagnosis.summary if plan.diagnosis else plan.solver_detail}"
        for key, plan in failed.items()
    )
    return opt.Diagnosis(
        summary=f"Planning alone, the rules cannot all be met for {who}. {details}",
        clashes=clashes,
    )
