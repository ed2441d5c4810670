"""Why an intervention is not funded: the rule that excluded it, or what it lacks.

An intervention that was only outcompeted is judged by the reduced cost of
funding one more participant: the participant variable's reduced cost plus
the unit cost times the reduced cost of the cheapest money that may pay for
it. Taken together the two do not depend on how a degenerate solution splits
the dual of the funding balance between them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from pulp import LpVariable

from optimiser.build import benefit_cost_ratio
from optimiser.inputs import Intervention
from optimiser.model import Model
from optimiser.plan import Allocation, NotFunded
from optimiser.prices import cash_unit_cost
from optimiser.programmes import RunningCost
from optimiser.scenario import ObjectiveKind
from optimiser.solve import reduced_cost, shadow_price
from optimiser.target import target_weights
from optimiser.wording import Gain, about_money, about_number, financial_year, money, percent

TOLERANCE = 1e-7
LOSS_TOLERANCE = 1e-6  # objective units: a smaller loss from running a programme is a tie


@dataclass(frozen=True)
class UnfundedReason:
    """Why an intervention is unfunded, as a tag: the page's short tag, the workbook's longer
    words, and whether a rule (rather than the competition for money) keeps it out. One tag
    per intervention, chosen with its sentence, so the two never disagree."""

    key: str
    tag: str
    words: str
    by_rule: bool


UNFUNDED_REASONS = {
    reason.key: reason
    for reason in (
        UnfundedReason(
            "ne", "Excluded by a rule", "Rated NE: found not effective or harmful", True
        ),
        UnfundedReason(
            "rating", "Excluded by a rule", "Evidence rating below the scenario's minimum", True
        ),
        UnfundedReason(
            "bcr", "Excluded by a rule", "Benefit-cost ratio below the scenario's threshold", True
        ),
        UnfundedReason("no_population", "Nobody to serve", "No eligible people in any place", True),
        UnfundedReason("no_budget", "No money may pay", "No budget line may pay for it", True),
        UnfundedReason(
            "outcompeted",
            "Not competitive",
            "Not competitive: other interventions give more for the money",
            False,
        ),
        UnfundedReason(
            "tie",
            "A tie",
            "A tie: it gives as much for the money as the funded interventions, and could "
            "enter the plan at no loss",
            False,
        ),
        UnfundedReason(
            "no_value",
            "Counts for nothing",
            "Its effect counts for nothing under the scenario's weights, evidence confidence "
            "and appraisal period",
            False,
        ),
        UnfundedReason(
            "cannot_run",
            "Cannot run whole",
            "Cannot run anywhere with its set-up cost or minimum cohort within the rules",
            True,
        ),
        UnfundedReason(
            "not_proven",
            "Not proven",
            "The solver stopped before proving the plan best: it could enter the plan",
            False,
        ),
    )
}

EXCLUDED = {
    "ne": "its evidence rating is NE (found not effective or harmful), and NE programmes are "
    "never funded",
    "rating": "its evidence rating {rating} is below the scenario's minimum of {minimum}",
    "bcr": "its benefit-cost ratio of {bcr} is below the threshold of {threshold}",
    "no_population": "no place has eligible {target_group} within provider capacity",
    "no_budget": "no budget line's ring-fence allows {category} programmes",
}


def not_funded(
    model: Model,
    plan_allocations: tuple[Allocation, ...],
    *,
    solved: bool = True,
    running: Mapping[str, RunningCost] | None = None,
    gain: Gain | None = None,
) -> tuple[NotFunded, ...]:
    """For each intervention with no allocation: the rule that excluded it, or what it lacks.

    Without a solved plan (or without shadow prices to judge by) only the
    exclusions, known before solving, are listed. In whole-programme mode a
    programme switched off everywhere is judged by ``running``: what forcing
    it on in its best place costs the plan (``programmes.running_costs``),
    worded by ``gain``.
    """
    funded = {a.intervention for a in plan_allocations if a.cost > 0.005}
    money_for = _money_by_intervention(model) if solved else {}
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
            sentence = f"{intervention.name} is not funded: {text}."
            result.append(NotFunded(key, intervention.name, reason, sentence))
        elif running and key in running and gain is not None:
            result.append(_not_repaid(model, key, running[key], gain))
        elif solved:
            result.append(_outcompeted(model, key, money_for))
    return tuple(result)


def _programme_figures(model: Model, key: str) -> tuple[str, str]:
    """ "its set-up cost of £20 and minimum cohort of 12", and its verb ("are" or "is")."""
    intervention = model.interventions[key]
    parts = []
    if intervention.fixed_cost > 0:
        parts.append(f"set-up cost of {money(intervention.fixed_cost)}")
    if intervention.min_cohort > 0:
        parts.append(f"minimum cohort of {about_number(intervention.min_cohort)}")
    return "its " + " and ".join(parts), "are" if len(parts) > 1 else "is"


def _not_repaid(model: Model, key: str, cost: RunningCost, gain: Gain) -> NotFunded:
    """A programme switched off everywhere: what running it in its best place would cost."""
    name = model.interventions[key].name
    figures, verb = _programme_figures(model, key)
    if cost.loss is None:
        sentence = (
            f"{name} is not funded: it cannot run anywhere within the rules with {figures}, "
            "with the other programmes as planned."
        )
        return NotFunded(key, name, "cannot_run", sentence)
    where = (
        f"{model.names['place'].get(str(cost.place), str(cost.place))} in "
        f"{financial_year(int(cost.year or 0))}"
    )
    if cost.runs == 2:
        where += " and 1 more place or year"
    elif cost.runs > 2:
        where += f" and {cost.runs - 1} more places or years"
    held = "with the other programmes as planned"
    unproven = "" if cost.proven else " (the solver stopped early on this check: it may be less)"
    reason = "outcompeted"
    if cost.loss > LOSS_TOLERANCE:
        sentence = (
            f"{name} is not funded: {figures} {verb} not repaid: running it in its best place, "
            f"{where}, would lower the plan's {_objective_words(gain)} by "
            f"{_amount(gain, cost.loss)}, {held}{unproven}."
        )
    elif cost.loss >= -LOSS_TOLERANCE:
        sentence = (
            f"{name} is not funded, but running it in {where} would leave the plan's "
            f"{_objective_words(gain)} about the same, {held}: it ties with the funded programmes."
        )
        reason = "tie"
    else:
        sentence = (
            f"{name} is not funded, but running it in {where} would raise the plan's "
            f"{_objective_words(gain)} by {_amount(gain, -cost.loss)}, {held}: the solver "
            "stopped before proving the plan best."
        )
        reason = "not_proven"
    return NotFunded(key, name, reason, sentence, reduced_cost=max(cost.loss, 0.0))


def _objective_words(gain: Gain) -> str:
    return "value" if gain.kind is ObjectiveKind.VALUE else "objective"


def _amount(gain: Gain, amount: float) -> str:
    """ "about £3" for the plan's value; "about 2.5 A&E attendances avoided" otherwise."""
    return f"about {about_money(amount)}" if gain.kind is ObjectiveKind.VALUE else gain(amount)


def _money_by_intervention(model: Model) -> dict[tuple[str, int, str], list[LpVariable]]:
    """Funding variables that may pay for an intervention, by (intervention, year, zone)."""
    money: dict[tuple[str, int, str], list[LpVariable]] = defaultdict(list)
    for (line_key, intervention_key, zone), var in model.funding.items():
        money[(intervention_key, model.budget_lines[line_key].year, zone)].append(var)
    return money


def _no_money_sentence(model: Model, key: str) -> str:
    """Why no money may pay for an intervention: geography and ring-fences, or closed windows."""
    name = model.interventions[key].name
    held = sorted(
        {partner for partner, intervention, _year in model.held_by_window if intervention == key}
    )
    if not held:
        return f"{name} is not funded: no budget line may pay for it where it can be delivered."
    partners = ", ".join(model.names["partner"].get(p, p) for p in held)
    return (
        f"{name} is not funded: the only budget lines that may pay for it where it can be "
        "delivered belong to partners whose commissioning windows are closed and who have no "
        f"existing contract for it ({partners})."
    )


def _counts_for_nothing(name: str) -> str:
    return (
        f"{name} is not funded: its expected effect counts for nothing under this scenario's "
        "weights, evidence confidence and appraisal period."
    )


def _outcompeted(
    model: Model,
    key: str,
    money_for: dict[tuple[str, int, str], list[LpVariable]],
) -> NotFunded:
    """How much more effective, or cheaper, an unfunded intervention would need to be."""
    intervention = model.interventions[key]
    name = intervention.name
    block = model.block
    # Per (year, zone): the cheapest money's reduced cost, and the value of a pound there
    # (that reduced cost plus the funding balance's dual).
    cheapest = np.full((len(block.years), len(model.zone_names)), np.nan)
    pound = np.full_like(cheapest, np.nan)
    for period, year in enumerate(block.years):
        for zone_number, zone in enumerate(model.zone_names):
            funding_vars = money_for.get((key, year, zone))
            if not funding_vars:
                continue
            cheapest[period, zone_number] = min(map(reduced_cost, funding_vars))
            funding_row = model.rows.get(f"funding|{key}|{year}|{zone}")
            pound[period, zone_number] = cheapest[period, zone_number] - (
                shadow_price(funding_row) if funding_row is not None else 0.0
            )
    columns = block.columns_of(key)
    periods, zones = block.period[columns], model.column_zone[columns]
    # The unit cost in cash, as the funding balance pays it (for one bought in whole cohorts,
    # the unit cost it would have person by person: the sentence is about a participant's price).
    cash_by_year = [cash_unit_cost(intervention, year, model.inputs.prices) for year in block.years]
    costs = np.asarray(cash_by_year, dtype=np.float64)[periods]
    gaps = block.reduced_cost_array()[columns] + costs * cheapest[periods, zones]
    if not len(gaps) or np.isnan(gaps).all():
        return NotFunded(key, name, "no_budget", _no_money_sentence(model, key))
    best = int(np.nanargmin(gaps))  # the first of equals, in column order
    gap = float(gaps[best])
    year = block.years[periods[best]]
    segment = int(block.segment[columns[best]])
    pound_here = float(pound[periods[best], zones[best]])
    fundable = ~np.isnan(gaps)
    # Each (year, segment) that money may pay for once, not each of its thousands of columns.
    starts = np.unique(periods[fundable].astype(np.int64) * 256 + block.segment[columns][fundable])
    if all(
        _worth_per_participant(model, intervention, block.years[start // 256], start % 256) <= 0
        for start in starts.tolist()
    ):
        return NotFunded(key, name, "no_value", _counts_for_nothing(name), reduced_cost=gap)
    if gap <= TOLERANCE:
        sentence = (
            f"{name} is not funded, but it ties with the funded programmes: it could enter the "
            "plan at no loss."
        )
        return NotFunded(key, name, "tie", sentence, reduced_cost=max(gap, 0.0))
    per_participant = _worth_per_participant(model, intervention, year, segment)
    parts = []
    increase = cheaper = None
    if per_participant > 0:
        increase = gap / per_participant
        parts.append(f"about {percent(increase)} more effective")
    # The gap is in that year's cash; the unit cost is a price of its price year.
    uplift = float(costs[best]) / intervention.unit_cost
    if pound_here > TOLERANCE and gap / pound_here / uplift < intervention.unit_cost:
        cheaper = gap / pound_here / uplift
        parts.append(
            f"about {about_money(cheaper)} cheaper per participant "
            f"({about_money(intervention.unit_cost - cheaper)} instead of "
            f"{money(intervention.unit_cost)})"
        )
    if not parts:
        return NotFunded(key, name, "no_value", _counts_for_nothing(name), reduced_cost=gap)
    else:
        sentence = (
            f"{name} is not funded: it was outcompeted. It would need to be "
            f"{', or '.join(parts)}, to enter the plan."
        )
    return NotFunded(
        key,
        name,
        "outcompeted",
        sentence,
        reduced_cost=gap,
        effect_increase_needed=increase,
        cost_reduction_needed=cheaper,
    )


def _worth_per_participant(
    model: Model, intervention: Intervention, year: int, segment: int
) -> float:
    """What one more participant's effect is worth in the objective's units. In target mode the
    objective is spend, and a participant's effect is worth what it saves of the target's cost:
    its demand avoided (as the target counts it) at the target's shadow price."""
    target = model.rules.target
    if target is None:
        return model.objective_per_participant(intervention, year, segment)
    row = next((row for row in model.rows.values() if row.family == "target"), None)
    if row is None:
        return 0.0
    weights = target_weights(model.inputs, target)
    units = model.effect_per_participant(intervention, year, segment)
    counted = sum(weights.get(demand, 0.0) * amount for demand, amount in units.items())
    return counted * -shadow_price(row)
