"""Turn duals and reduced costs into sentences with names and money.

Shadow prices are marginal: they hold for small changes, and in a degenerate
plan they are not unique, so every estimate reads "about".
"""

from __future__ import annotations

from optimiser.model import DEFINITIONS, Model, Row
from optimiser.plan import Allocation, BindingConstraint, NotFunded
from optimiser.solve import reduced_cost, shadow_price, value
from optimiser.wording import (
    Gain,
    about_money,
    about_number,
    financial_year,
    money,
    money_step,
    percent,
)

SHADOW_TOLERANCE = 1e-7


def _name(model: Model, kind: str, key: str) -> str:
    lookup = {
        "partner": {p.key: p.name for p in model.inputs.partners},
        "intervention": {i.key: i.name for i in model.inputs.interventions},
        "place": {p.key: p.name for p in model.inputs.places},
        "demand": {d.key: d.name for d in model.inputs.demand_types},
    }[kind]
    return lookup.get(key, key)


def _budget_label(model: Model, line_key: str) -> str:
    line = model.budget_lines[line_key]
    label = f"{_name(model, 'partner', line.partner)}'s {financial_year(line.year)} budget"
    return label if line_key == f"{line.partner}-{line.year}" else f"{label} ({line_key})"


def describe_rule(model: Model, row: Row) -> str:
    """A rule as a noun phrase: "Calderdale Council's 2027/28 budget of £100,000"."""
    keys, family = row.keys, row.family
    if family == "budget":
        return f"{_budget_label(model, keys[0])} of {money(row.rhs)}"
    if family == "committed":
        line = model.budget_lines[keys[0]]
        partner = _name(model, "partner", line.partner)
        return f"{partner}'s committed minimum of {money(row.rhs)} in {financial_year(line.year)}"
    if family in ("capacity", "runs", "cohort"):
        what = {"capacity": "the capacity", "runs": "the reach", "cohort": "the minimum cohort"}
        return (
            f"{what[family]} of {_name(model, 'intervention', keys[0])} in "
            f"{_name(model, 'place', keys[1])} in {financial_year(keys[2])}"
            + (f" ({about_number(row.rhs)} participants)" if family == "capacity" else "")
        )
    if family == "window":
        partner, intervention, year = keys
        return (
            f"{_name(model, 'partner', partner)}'s closed commissioning window in "
            f"{financial_year(year)}, which holds its funding of "
            f"{_name(model, 'intervention', intervention)} at "
            + ("its existing contracts" if year == model.rules.first_year else "last year's level")
        )
    if family == "contract":
        partner, intervention, year = keys
        return (
            f"{_name(model, 'partner', partner)}'s existing contract of {money(row.rhs)} for "
            f"{_name(model, 'intervention', intervention)} in {financial_year(year)}"
        )
    if family == "contract_place":
        partner, intervention, place, year = keys
        return (
            f"{_name(model, 'partner', partner)}'s existing contract of {money(row.rhs)} for "
            f"{_name(model, 'intervention', intervention)} in {_name(model, 'place', place)} "
            f"in {financial_year(year)}"
        )
    if family == "evidence_share":
        return (
            f"the rule that at least {percent(row.coefficient)} of spend goes to "
            "programmes rated 3 or above"
        )
    if family == "portfolio_vfm":
        return f"the rule that benefit is at least {about_number(row.coefficient)} times spend"
    if family == "cost_per_unit":
        return (
            f"the most cost of {money(row.coefficient)} per "
            f"{_name(model, 'demand', keys[0])} avoided"
        )
    if family == "fairness":
        return (
            f"{_name(model, 'partner', keys[0])}'s fair-share rule (benefit to it at least "
            f"{about_number(row.coefficient)} times its contribution)"
        )
    if family == "need_floor":
        return f"the need floor for {_name(model, 'place', keys[0])}"
    if family == "cap_intervention":
        return f"the cap of {money(row.rhs)} on {_name(model, 'intervention', keys[0])}"
    if family == "cap_category":
        return f"the cap of {money(row.rhs)} on {keys[0]} programmes"
    if family == "cap_place":
        return f"the cap of {money(row.rhs)} on spend in {_name(model, 'place', keys[0])}"
    return row.name


def _sentence(model: Model, row: Row, price: float, gain: Gain) -> str:
    """What relaxing one binding rule a little would buy, in words."""
    family, keys = row.family, row.keys
    total = value(model.total_spend)
    if family == "budget":
        step = money_step(row.rhs)
        return (
            f"{money(step)} more from {_budget_label(model, keys[0])} "
            f"would add {gain(step * price)}."
        )
    if family in ("capacity", "runs"):
        return (
            f"One more participant place on {_name(model, 'intervention', keys[0])} in "
            f"{_name(model, 'place', keys[1])} in {financial_year(keys[2])} "
            f"would add {gain(price)}."
        )
    if family in ("evidence_share", "portfolio_vfm", "fairness", "need_floor", "cost_per_unit"):
        return _ratio_sentence(model, row, price, gain, total)
    if family == "window":
        step = money_step(max(total, 10.0))
        direction = "more" if price > 0 else "less"
        return (
            f"{describe_rule(model, row).capitalize()} binds: {money(step)} {direction} "
            f"would add {gain(step * abs(price))}."
        )
    if row.sense == 1:  # a floor (committed minimum, contract, cohort): less would help
        step = money_step(max(row.rhs, 10.0))
        if family == "cohort":
            return f"{describe_rule(model, row).capitalize()} binds: it costs {gain(abs(price))} per participant required."
        return (
            f"{describe_rule(model, row)[0].upper()}{describe_rule(model, row)[1:]} binds: "
            f"{money(step)} less required would add {gain(step * -price)}."
        )
    step = money_step(max(row.rhs, 10.0))  # caps
    return (
        f"{describe_rule(model, row)[0].upper()}{describe_rule(model, row)[1:]} binds: "
        f"{money(step)} more allowed would add {gain(step * price)}."
    )


def _ratio_sentence(model: Model, row: Row, price: float, gain: Gain, total: float) -> str:
    """Rules written as a ratio to spend: quote the gain from easing the ratio a little.

    A rule ``lhs - ratio * base >= 0`` eased by ``d`` frees ``d * base`` of
    right-hand side, so the objective gains about ``shadow * d * base``.
    """
    rule = describe_rule(model, row)
    rule = rule[0].upper() + rule[1:]
    if row.family == "evidence_share":
        return (
            f"{rule} binds: lowering it by one percentage point would add "
            f"{gain(-price * 0.01 * total)}."
        )
    if row.family == "portfolio_vfm":
        return f"{rule} binds: lowering the ratio by 0.1 would add {gain(-price * 0.1 * total)}."
    if row.family == "fairness":
        contribution = value(model.contribution[row.keys[0]])
        step = money_step(max(contribution, 10.0))
        return (
            f"{rule} binds: letting its benefit fall {money(step)} short would add "
            f"{gain(-price * step)}."
        )
    if row.family == "need_floor":
        floor = row.coefficient * total
        step = money_step(max(floor, 10.0))
        return (
            f"{rule} (at least {about_money(floor)}) binds: {money(step)} less required there "
            f"would add {gain(-price * step)}."
        )
    reduction = value(model.reduction[row.keys[0]])
    step = significant_step(row.coefficient)
    return (
        f"{rule} binds: allowing {money(step)} more per unit would add "
        f"{gain(price * reduction * step)}."
    )


def significant_step(amount: float) -> float:
    """A round tenth of an amount, to quote a change in a limit."""
    return money_step(amount * 1.0)


def binding_constraints(model: Model, gain: Gain) -> tuple[BindingConstraint, ...]:
    """Every rule or limit with a non-zero shadow price, largest effect first."""
    found = []
    for row in model.rows.values():
        if row.family in DEFINITIONS:
            continue
        price = shadow_price(row)
        if abs(price) <= SHADOW_TOLERANCE:
            continue
        found.append(
            BindingConstraint(
                row=row.name,
                family=row.family,
                shadow_price=price,
                sentence=_sentence(model, row, price, gain),
            )
        )
    return tuple(sorted(found, key=lambda b: (b.family, b.row)))


EXCLUDED = {
    "ne": "its evidence rating is NE (found not effective or harmful), and NE programmes are "
    "never funded",
    "rating": "its evidence rating {rating} is below the scenario's minimum of {minimum}",
    "bcr": "its benefit-cost ratio of {bcr} is below the threshold of {threshold}",
    "no_population": "no place has eligible {target_group} within provider capacity",
    "no_budget": "no budget line's ring-fence allows {category} programmes",
}


def not_funded(
    model: Model, plan_allocations: tuple[Allocation, ...], gain: Gain, *, solved: bool = True
) -> tuple[NotFunded, ...]:
    """For each intervention with no allocation: the rule that excluded it, or what it lacks.

    Without a solved plan only the exclusions, known before solving, are listed.
    """
    from optimiser.build import benefit_cost_ratio

    by_intervention: dict[str, list[tuple[float, tuple[str, str, int, int]]]] = {}
    if solved:
        for var_key, var in model.participants.items():
            by_intervention.setdefault(var_key[0], []).append((reduced_cost(var), var_key))
    funded = {allocation.intervention for allocation in plan_allocations if allocation.cost > 0.005}
    result = []
    for key, intervention in model.interventions.items():
        if key in funded:
            continue
        reason = model.excluded.get(key)
        if reason is not None:
            text = EXCLUDED[reason].format(
                rating=intervention.evidence_rating,
                minimum=model.rules.min_evidence_rating,
                bcr=f"{benefit_cost_ratio(model, intervention):.2f}",
                threshold=f"{model.rules.bcr_threshold:g}",
                target_group=intervention.target_group,
                category=intervention.category,
            )
            result.append(
                NotFunded(
                    key, intervention.name, reason, f"{intervention.name} is not funded: {text}."
                )
            )
        elif solved:
            result.append(_outcompeted(model, by_intervention.get(key, []), key, gain))
    return tuple(result)


def _outcompeted(
    model: Model, candidates: list[tuple[float, tuple[str, str, int, int]]], key: str, gain: Gain
) -> NotFunded:
    """How much more effective, or cheaper, an unfunded intervention would need to be.

    Its best participant variable's reduced cost is the objective lost per
    participant forced in. Being that much more effective closes the gap;
    so does a lower unit cost, at the marginal value of money in its funding
    balance.
    """
    intervention = model.interventions[key]
    name = intervention.name
    if not candidates:
        return NotFunded(
            key,
            name,
            "no_budget",
            f"{name} is not funded: no budget line may pay for it where it can be delivered.",
        )
    cost, (_i, place, year, segment) = min(candidates)
    if cost <= SHADOW_TOLERANCE:
        return NotFunded(
            key,
            name,
            "outcompeted",
            f"{name} is not funded, but it ties with the funded programmes: it could enter the plan at no loss.",
            reduced_cost=cost,
        )
    per_participant = model.objective_per_participant(intervention, year, segment)
    parts = []
    increase = None
    if per_participant > 0:
        increase = cost / per_participant
        parts.append(f"about {percent(increase)} more effective")
    funding_row = model.rows.get(f"funding|{key}|{year}|{model.zone_of(place, year)}")
    money_value = -shadow_price(funding_row) if funding_row is not None else 0.0
    reduction = None
    if money_value > SHADOW_TOLERANCE and cost / money_value < intervention.unit_cost:
        reduction = cost / money_value
        parts.append(
            f"about {about_money(reduction)} cheaper per participant "
            f"({about_money(intervention.unit_cost - reduction)} instead of {money(intervention.unit_cost)})"
        )
    if not parts:
        text = f"{name} is not funded: its expected effect counts for nothing under this scenario's weights and evidence confidence."
    else:
        text = f"{name} is not funded: it was outcompeted. It would need to be {', or '.join(parts)}, to enter the plan."
    return NotFunded(
        key,
        name,
        "outcompeted",
        text,
        reduced_cost=cost,
        effect_increase_needed=increase,
        cost_reduction_needed=reduction,
    )
