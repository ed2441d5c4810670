"""Money left unspent: each partner-year with money the plan does not use, how much, and why.

A board reading a plan asks where the rest of the money went. Each partner-year whose budget
lines the plan does not spend in full gets one reason, the first of these that holds:

1. ``window``: the partner's commissioning window is closed that year, so its funding can only
   continue at the level already contracted (more money there does nothing until it opens);
2. ``ring_fence``: its ring-fence covers no intervention the plan may fund;
3. ``evidence``: what its ring-fence allows is all excluded by the evidence rules;
4. ``district``: nobody can be served in the districts its money is limited to;
5. ``district_full`` / ``capacity``: every delivery its money may pay for is at its provider
   capacity or eligible population (in its districts, for a line limited to them);
6. ``whole`` (whole people and programmes): what is left is less than one more whole
   participant or cohort of anything its money may buy costs;
7. ``rule``: a rule the scenario sets holds the spend back (the partner's own first, else the
   one worth most when loosened), quoted as the plan's sentence for it;
8. ``no_benefit``: more spend would avoid no more demand (the interventions its money may fund
   add nothing under the evidence rules' confidence weights).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from optimiser.explain import NOT_HOLDING_BACK, SHADOW_TOLERANCE, holding_rule_sentence
from optimiser.inputs import BudgetLine
from optimiser.model import DEFINITIONS, Model, Row
from optimiser.plan import BindingConstraint, BudgetLineSpend, UnspentMoney
from optimiser.separate import SEPARATE_DEFINITIONS
from optimiser.solve import shadow_price
from optimiser.wording import Gain, financial_year, money

UNSPENT_TOLERANCE = 1.0  # pounds: less than this left over is rounding, not money left unspent
EXCLUDED_BY_EVIDENCE = ("ne", "rating", "bcr")


def unspent_money(
    model: Model,
    lines: tuple[BudgetLineSpend, ...],
    gain: Gain,
    *,
    explained: bool = True,
    binding: tuple[BindingConstraint, ...] = (),
) -> tuple[UnspentMoney, ...]:
    """Every partner-year with money left unspent, in partner then year order, with its reason.

    ``explained`` False (no shadow prices: a plan not proven best, or a mixed-integer one)
    leaves the ``rule`` reason out: without duals no rule can be named. A rule is quoted in the
    words the plan's ``binding`` rules already use for it (their figures within range).
    """
    said = {rule.row: rule.sentence for rule in binding}
    by_partner_year: dict[tuple[str, int], list[BudgetLineSpend]] = defaultdict(list)
    for line in lines:
        by_partner_year[(line.partner, line.year)].append(line)
    full = _full_deliveries(model)
    found = []
    for partner in model.inputs.partners:
        for year in model.rules.years:
            spent_lines = by_partner_year.get((partner.key, year), [])
            available = round(sum(line.maximum for line in spent_lines), 2)
            spend = round(sum(line.spend for line in spent_lines), 2)
            if available - spend < UNSPENT_TOLERANCE:
                continue
            reason, why = _reason(model, partner.key, year, full, gain, explained, spend, said)
            name = model.names["partner"].get(partner.key, partner.key)
            found.append(
                UnspentMoney(
                    partner=partner.key,
                    name=name,
                    year=year,
                    available=available,
                    spend=spend,
                    unspent=round(available - spend, 2),
                    reason=reason,
                    sentence=(
                        f"{name} leaves {money(available - spend)} of its "
                        f"{money(available)} for {financial_year(year)} unspent: {why}"
                    ),
                )
            )
    return tuple(found)


def _reason(
    model: Model,
    partner: str,
    year: int,
    full: np.ndarray,
    gain: Gain,
    explained: bool,
    spend: float,
    said: dict[str, str],
) -> tuple[str, str]:
    cycle = next((c for c in model.inputs.cycles if c.partner == partner), None)
    if cycle is not None and year not in cycle.open_years:
        return "window", _window_words(model, year, tuple(cycle.open_years), spend)
    lines = [line for line in model.budget_lines.values() if line.partner == partner]
    lines = [line for line in lines if line.year == year]
    funded = [key for key in model.funding if model.budget_lines[key[0]] in lines]
    if not funded:
        return _nothing_fundable(model, lines)
    if _all_full(model, funded, full):
        districts = sorted({d for line in lines for d in line.districts})
        if districts and all(line.districts for line in lines):
            return "district_full", (
                f"no provider capacity or eligible people are left in {_and(districts)} for the "
                "interventions its money may fund there."
            )
        return "capacity", (
            "every intervention its money may fund is at its provider capacity or eligible "
            "population in every place it may pay for."
        )
    if model.rules.whole_programme:
        step = _cheapest_step(model, funded, year)
        left = sum(line.maximum for line in lines) - spend
        if step is not None and left < step[1]:
            return "whole", (
                f"what is left is less than one more whole participant or cohort costs: the "
                f"cheapest its money may buy, {step[0]}, costs {money(step[1])}."
            )
    if explained:
        rule = _holding_rule(model, partner)
        if rule is not None:
            words = said.get(rule.name) or holding_rule_sentence(model, rule, gain)
            return "rule", f"a rule holds it back. {words}"
    return "no_benefit", (
        "more spend would avoid no more demand: the interventions its money may still fund add "
        "nothing under the evidence rules' confidence weights."
    )


def _cheapest_step(
    model: Model, funded: list[tuple[str, str, str]], year: int
) -> tuple[str, float] | None:
    """The cheapest whole step a partner's money may buy in ``year``: one more participant of a
    programme bought person by person, or one more cohort; (its name, its price in cash)."""
    steps = []
    for _line, intervention_key, _zone in funded:
        intervention = model.interventions[intervention_key]
        price = (
            model.cash_cohort_cost(intervention, year)
            if model.in_cohorts(intervention)
            else model.participant_cost(intervention_key, year)
        )
        steps.append((price, model.names["intervention"].get(intervention_key, intervention_key)))
    if not steps:
        return None
    price, name = min(steps)
    return name, price


def _window_words(model: Model, year: int, open_years: tuple[int, ...], spend: float) -> str:
    level = "its existing contracts" if year == model.rules.first_year else "last year's level"
    later = [y for y in open_years if y > year and y in model.rules.years]
    opens = (
        f"until its window opens in {financial_year(later[0])}"
        if later
        else "while its window stays closed (it does not open again within the plan)"
    )
    return (
        f"its commissioning window is closed that year, so its funding can only continue at "
        f"{level} ({money(spend)}, already contracted). More money in this year's budget does "
        f"nothing {opens}."
    )


def _nothing_fundable(model: Model, lines: list[BudgetLine]) -> tuple[str, str]:
    fences = sorted({category for line in lines for category in line.ring_fence})
    if fences and all(line.ring_fence for line in lines):
        inside = [i for i in model.interventions.values() if i.category in fences]
        if inside and all(model.excluded.get(i.key) in EXCLUDED_BY_EVIDENCE for i in inside):
            return "evidence", (
                f"every intervention its ring-fence ({_and(fences)}) allows is excluded by the "
                "evidence rules."
            )
        if not [i for i in inside if i.key not in model.excluded]:
            return "ring_fence", (
                f"its ring-fence ({_and(fences)}) covers no intervention the plan may fund."
            )
    districts = sorted({d for line in lines for d in line.districts})
    if districts and all(line.districts for line in lines):
        return "district", (
            f"nobody can be served in {_and(districts)}, the districts its money is limited to, "
            "by an intervention it may fund."
        )
    if any(
        (line.partner, key, line.year) in model.held_by_window
        for line in lines
        for key in model.interventions
    ):
        return "window", (
            "its commissioning window holds its funding at the level already contracted, "
            "which is nothing."
        )
    return "evidence", "no intervention its money may fund is allowed by the evidence rules."


def _full_deliveries(model: Model) -> np.ndarray:
    """Whether each delivery (intervention, place, year) is at its reach limit."""
    block = model.block
    values = block.per_delivery(block.value_array())
    upper = block.per_delivery(block.upper)
    return values >= upper - 1e-6 * np.maximum(upper, 1.0)


def _all_full(model: Model, funded: list[tuple[str, str, str]], full: np.ndarray) -> bool:
    """Whether every delivery the funding variables may pay for is full."""
    block = model.block
    first = block.first_of_delivery()
    intervention, period = block.intervention[first], block.period[first]
    zone = model.column_zone[first]
    zone_number = {name: n for n, name in enumerate(model.zone_names)}
    for line_key, intervention_key, zone_name in funded:
        year = model.budget_lines[line_key].year
        where = (
            (intervention == block.intervention_index[intervention_key])
            & (period == block.years.index(year))
            & (zone == zone_number[zone_name])
        )
        if not full[where].all():
            return False
    return True


def _holding_rule(model: Model, partner: str) -> Row | None:
    """The binding rule that holds the partner's money back: its own rule first (its fairness
    rule, its committed minimum, its window), else the one worth most when loosened."""
    binding = [
        row
        for row in model.rows.values()
        if row.family not in DEFINITIONS
        and row.family not in SEPARATE_DEFINITIONS
        and row.family not in NOT_HOLDING_BACK
        and abs(shadow_price(row)) > SHADOW_TOLERANCE
    ]
    if not binding:
        return None
    own = [row for row in binding if partner in row.keys]
    return max(own or binding, key=lambda row: (abs(shadow_price(row)), row.family, row.name))


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
