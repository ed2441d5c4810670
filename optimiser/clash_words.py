"""Words for a diagnosis: what a clashing rule runs into besides the other rules.

Noun phrases, to follow "It clashes with": the rules that exclude
interventions before solving (evidence, benefit-cost threshold), what a
committed minimum's money may reach, and programmes that must run whole.
"""

from __future__ import annotations

from optimiser.build import benefit_cost_ratio
from optimiser.inputs import Intervention
from optimiser.model import Model, Row
from optimiser.wording import about_number, financial_year, money


def joined(phrases: tuple[str, ...]) -> str:
    """ "A", "A and B", "A; B and C" (phrases may hold commas of their own)."""
    if len(phrases) <= 1:
        return "".join(phrases)
    return "; ".join(phrases[:-1]) + " and " + phrases[-1]


def _name(model: Model, kind: str, key: str) -> str:
    return model.names[kind].get(key, key)


def exclusion_phrase(model: Model, intervention: Intervention) -> str:
    """The rule that excludes an intervention, naming it: "the minimum evidence rating of 3,
    which excludes Triple P (rated 2)"."""
    reason = model.excluded[intervention.key]
    name = intervention.name
    rules = model.rules
    if reason == "ne":
        return f"the rule that NE programmes are never funded, which excludes {name}"
    if reason == "rating":
        return (
            f"the minimum evidence rating of {rules.min_evidence_rating}, which excludes {name} "
            f"(rated {intervention.evidence_rating})"
        )
    if reason == "bcr":
        ratio = benefit_cost_ratio(model, intervention)
        return (
            f"the benefit-cost threshold of {rules.bcr_threshold:g}, which excludes {name} "
            f"(ratio {ratio:.2f})"
        )
    if reason == "no_population":
        return (
            f"the lack of eligible {intervention.target_group} for {name} within provider capacity"
        )
    return f"the budget lines' ring-fences, none of which allows {intervention.category} programmes"


def _line_may_fund(model: Model, line_key: str, intervention: Intervention) -> bool:
    """Whether a budget line's ring-fence allows an intervention and its districts reach it."""
    line = model.budget_lines[line_key]
    if line.ring_fence and intervention.category not in line.ring_fence:
        return False
    return any(
        place.population.get(intervention.target_group, 0.0) > 0
        and (not line.districts or place.district in line.districts)
        for place in model.inputs.places
    )


def exclusions_for(model: Model, row: Row) -> tuple[str, ...]:
    """The exclusions that take part in a clash of this rule.

    A contract or closed window for an excluded intervention; for a committed
    minimum, the excluded interventions its budget line could otherwise pay for.
    """
    if row.family in ("contract", "contract_place", "window"):
        candidates = [model.interventions[row.keys[1]]]
    elif row.family == "contracts_place":
        candidates = [model.interventions[row.keys[0]]]
    elif row.family == "committed":
        candidates = [
            intervention
            for intervention in model.interventions.values()
            if _line_may_fund(model, row.keys[0], intervention)
        ]
    else:
        return ()
    return grouped_exclusions(model, [i for i in candidates if i.key in model.excluded])


def grouped_exclusions(model: Model, excluded: list[Intervention]) -> tuple[str, ...]:
    """One phrase per excluding rule, naming every intervention it excludes once: "the minimum
    evidence rating of 4, which excludes A (rated 3) and B (rated 2)", never the rule again for
    each intervention."""
    by_reason: dict[str, list[Intervention]] = {}
    for intervention in excluded:
        by_reason.setdefault(model.excluded[intervention.key], []).append(intervention)
    phrases = []
    for reason, interventions in by_reason.items():
        if len(interventions) == 1:
            phrases.append(exclusion_phrase(model, interventions[0]))
            continue
        rules = model.rules
        if reason == "rating":
            names = _and([f"{i.name} (rated {i.evidence_rating})" for i in interventions])
            phrases.append(
                f"the minimum evidence rating of {rules.min_evidence_rating}, which excludes {names}"
            )
        elif reason == "bcr":
            names = _and(
                [f"{i.name} (ratio {benefit_cost_ratio(model, i):.2f})" for i in interventions]
            )
            phrases.append(
                f"the benefit-cost threshold of {rules.bcr_threshold:g}, which excludes {names}"
            )
        elif reason == "ne":
            names = _and([i.name for i in interventions])
            phrases.append(f"the rule that NE programmes are never funded, which excludes {names}")
        else:
            phrases.extend(exclusion_phrase(model, i) for i in interventions)
    return tuple(phrases)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _delivery_cost(model: Model, line_key: str, *, with_excluded: bool) -> float:
    """The most a budget line could pay for: every delivery it may fund, at full reach."""
    line = model.budget_lines[line_key]
    set_up = 1.0 if model.rules.whole_programme else 0.0  # set-up costs count only then
    reach = 0.0
    for intervention in model.interventions.values():
        if intervention.key in model.excluded and not with_excluded:
            continue
        if line.ring_fence and intervention.category not in line.ring_fence:
            continue
        # In cash in the line's year, as the line pays (``optimiser.prices``).
        unit_cost = model.price_per_participant(intervention.key, line.year)
        fixed_cost = model.set_up_cost(intervention.key, line.year)
        for place in model.inputs.places:
            if line.districts and place.district not in line.districts:
                continue
            population = place.population.get(intervention.target_group, 0.0)
            capacity = place.capacity.get(intervention.key, intervention.capacity)
            people = population if capacity is None else min(population, capacity)
            if people > 0:
                reach += unit_cost * people + set_up * fixed_cost
    return reach


def committed_reach(model: Model, line_key: str) -> str | None:
    """What a budget line could pay for at most: "its ring-fence allows only ... costs £310,000".

    Adds up, for every intervention and place the line may fund, the cost of
    serving as many people as providers and the eligible population allow.
    Returns None when that is not what stops the money being spent: when it
    could be spent, or could be but for interventions a rule excludes (those
    are named by ``exclusions_for``).
    """
    line = model.budget_lines[line_key]
    reach = _delivery_cost(model, line_key, with_excluded=False)
    if reach >= line.committed_minimum:
        return None
    if _delivery_cost(model, line_key, with_excluded=True) >= line.committed_minimum:
        return None
    where = " and ".join(line.districts) if line.districts else "the partnership's places"
    if line.ring_fence:
        kinds = " and ".join(line.ring_fence)
        return (
            f"its ring-fence allows only {kinds} programmes, whose capacity in {where} costs "
            f"{money(reach)}"
        )
    return (
        f"the programmes it may fund in {where} have capacity costing only {money(reach)} "
        f"in {financial_year(line.year)}"
    )


def programme_phrase(model: Model, keys: tuple[str, str, int]) -> str:
    """A programme that runs only whole, with what running it at all costs.

    "the minimum cohort of A in Halifax in 2026/27 (12 participants at £10 each: £120)".
    """
    intervention_key, place_key, year = keys
    intervention = model.interventions[intervention_key]
    where = f"{intervention.name} in {_name(model, 'place', place_key)} in {financial_year(year)}"
    # Costs in cash in that year, as the budgets pay them (``optimiser.prices``).
    unit_cost = model.price_per_participant(intervention_key, year)
    set_up = model.set_up_cost(intervention_key, year)
    cohort = f"{about_number(intervention.min_cohort)} participants at {money(unit_cost)} each"
    whole = set_up + unit_cost * intervention.min_cohort
    if intervention.fixed_cost > 0 and intervention.min_cohort > 0:
        return (
            f"the set-up cost and minimum cohort of {where} "
            f"({money(set_up)}, then {cohort}: {money(whole)})"
        )
    if intervention.fixed_cost > 0:
        return f"the set-up cost of {where} ({money(set_up)})"
    return f"the minimum cohort of {where} ({cohort}: {money(whole)})"
