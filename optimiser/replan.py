"""In-year re-planning: the rest of the horizon re-solved with what is spent and contracted held.

Pure input transforms, so the same solver, rules and explanations answer a re-plan as answered
the agreed plan:

- ``replan_inputs`` moves the plan's first year to the year under way, drops the years that are
  over, and holds every pound already spent (or committed by a partner whose window is closed
  this year) as a floor on that partner's funding of that intervention, in that place. The
  commissioning cycles pass through unchanged, so closed windows still hold funding where it was.
- ``set_aside`` takes money out of the plan where it is committed to activity the rules can no
  longer fund (a contract for an intervention now rated NE, or below the partnership's minimum):
  its partner's budget falls by that much in those years and the contract leaves the model, so
  the money buys nothing and the rest of the plan is re-solved around it.
- ``with_evidence`` changes one intervention's rating, unit cost or effect size.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from optimiser.evidence import evidence_level
from optimiser.inputs import (
    BudgetLine,
    Effect,
    ExistingContract,
    InputError,
    Intervention,
    Money,
    PlanningInputs,
)
from optimiser.scenario import BudgetOverride, ScenarioRules

PENNY = 0.005


@dataclass(frozen=True)
class HeldFunding:
    """Money a partner has spent, or must still pay, on an intervention in a year (and place)."""

    partner: str
    intervention: str
    year: int
    amount: Money
    place: str | None = None

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise InputError(
                f"held funding of {self.partner!r} for {self.intervention!r}: amount must be at least 0"
            )
        object.__setattr__(self, "amount", float(self.amount))


def replan_inputs(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    held: Iterable[HeldFunding],
    from_year: int,
) -> tuple[PlanningInputs, ScenarioRules]:
    """Inputs and rules for re-solving from ``from_year`` to the end of the agreed horizon.

    Years before ``from_year`` are over and leave the model. In ``from_year`` each partner's
    funding of each intervention is at least the larger of its existing contracts and what it
    holds (spent so far, or committed), and at least the held amount in each held place. Later
    years keep their contracts. Raises InputError if ``from_year`` is outside the horizon.
    """
    last_year = rules.first_year + rules.horizon_years - 1
    if not rules.first_year <= from_year <= last_year:
        raise InputError(
            f"re-planning from {from_year}: the plan covers {rules.first_year} to {last_year}"
        )
    held_now = [item for item in held if item.year == from_year and item.amount > PENNY]
    contracts = _contracts_with_held(inputs.contracts, held_now, from_year)
    gone = from_year - rules.first_year
    new_rules = dataclasses.replace(
        rules,
        first_year=from_year,
        horizon_years=rules.horizon_years - gone,
        appraisal_years=max(rules.appraisal_years - gone, rules.horizon_years - gone),
    )
    return dataclasses.replace(inputs, contracts=tuple(contracts)), new_rules


def _contracts_with_held(
    contracts: Iterable[ExistingContract], held: list[HeldFunding], year: int
) -> list[ExistingContract]:
    """Contracts for the years from ``year`` on, with ``year``'s floors raised to what is held.

    A contract's money and money spent are often the same pounds (spend against the contract),
    so the floor for a partner and intervention is the larger of the two, never their sum: the
    held amounts become place floors, and any contracted money beyond them stays as a contract
    with the place of the original (or none where the contracts named different places).
    """
    kept: list[ExistingContract] = []
    contracted: dict[tuple[str, str], float] = defaultdict(float)
    places: dict[tuple[str, str], set[str | None]] = defaultdict(set)
    for contract in contracts:
        later = tuple(y for y in contract.years if y > year)
        if later:
            kept.append(dataclasses.replace(contract, years=later))
        if year in contract.years:
            key = (contract.partner, contract.intervention)
            contracted[key] += contract.amount_per_year
            places[key].add(contract.place)
    spent: dict[tuple[str, str], float] = defaultdict(float)
    for item in held:
        spent[(item.partner, item.intervention)] += item.amount
        kept.append(
            ExistingContract(
                partner=item.partner,
                intervention=item.intervention,
                years=(year,),
                amount_per_year=item.amount,
                place=item.place,
            )
        )
    for key, amount in contracted.items():
        beyond = amount - spent.get(key, 0.0)
        if beyond > PENNY:
            named = places[key]
            place = next(iter(named)) if len(named) == 1 else None
            kept.append(
                ExistingContract(
                    partner=key[0],
                    intervention=key[1],
                    years=(year,),
                    amount_per_year=beyond,
                    place=place,
                )
            )
    return kept


def set_aside(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    committed: Iterable[HeldFunding],
) -> tuple[PlanningInputs, ScenarioRules]:
    """Take committed money out of the plan: each partner's budget in each year falls by what it
    has committed there (never below nothing, committed minimums with it), and its contracts and
    held floors for those interventions in those years leave the model."""
    by_partner_year: dict[tuple[str, int], float] = defaultdict(float)
    dropped: set[tuple[str, str, int]] = set()
    for item in committed:
        by_partner_year[(item.partner, item.year)] += item.amount
        dropped.add((item.partner, item.intervention, item.year))
    contracts = []
    for contract in inputs.contracts:
        years = tuple(
            y for y in contract.years if (contract.partner, contract.intervention, y) not in dropped
        )
        if years:
            contracts.append(dataclasses.replace(contract, years=years))
    overrides = {o.budget_line: o for o in rules.budget_overrides}
    for (partner, year), amount in sorted(by_partner_year.items()):
        remaining = amount
        for line in _lines_of(inputs.budget_lines, partner, year):
            if remaining <= PENNY:
                break
            current = overrides.get(line.key)
            maximum = current.maximum if current and current.maximum is not None else line.maximum
            minimum = (
                current.committed_minimum
                if current and current.committed_minimum is not None
                else line.committed_minimum
            )
            taken = min(remaining, maximum)
            remaining -= taken
            overrides[line.key] = BudgetOverride(
                budget_line=line.key,
                maximum=maximum - taken,
                committed_minimum=min(minimum, maximum - taken),
            )
    new_rules = dataclasses.replace(rules, budget_overrides=tuple(overrides.values()))
    return dataclasses.replace(inputs, contracts=tuple(contracts)), new_rules


def _lines_of(lines: Iterable[BudgetLine], partner: str, year: int) -> list[BudgetLine]:
    return sorted((ln for ln in lines if ln.partner == partner and ln.year == year), key=_by_key)


def _by_key(line: BudgetLine) -> str:
    return line.key


def fundable(rules: ScenarioRules, rating: str) -> bool:
    """Whether the scenario's evidence rule lets an intervention with ``rating`` be funded."""
    level = evidence_level(rating)
    return level > 0 and level >= evidence_level(rules.min_evidence_rating)


def with_evidence(
    inputs: PlanningInputs,
    intervention: str,
    *,
    evidence_rating: str | None = None,
    unit_cost: Money | None = None,
    effect_scale: float | None = None,
) -> PlanningInputs:
    """The inputs with one intervention's rating, unit cost or effect (every effect on demand
    multiplied by ``effect_scale``) changed; the rest as they were."""
    current: Intervention = inputs.intervention(intervention)
    changes: dict[str, object] = {}
    if evidence_rating is not None:
        changes["evidence_rating"] = evidence_rating
    if unit_cost is not None:
        changes["unit_cost"] = unit_cost
    if effect_scale is not None:
        if effect_scale < 0:
            raise InputError(f"intervention {intervention!r}: effect scale must be at least 0")
        changes["effects"] = tuple(
            Effect(
                demand_type=effect.demand_type,
                reduction_per_participant=effect.reduction_per_participant * effect_scale,
                years_after=effect.years_after,
            )
            for effect in current.effects
        )
    changed = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
    interventions = tuple(
        changed if item.key == intervention else item for item in inputs.interventions
    )
    return dataclasses.replace(inputs, interventions=interventions)
