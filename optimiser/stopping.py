"""The stop list: committed activity the evidence no longer supports, and when it can stop.

An activity (a partner's contract or agreed funding of an intervention, in a place or across
places) is listed when its intervention is rated NE or below the scenario's minimum rating. It
can stop at its next break point: the first year after the year under way in which either its
contract has ended or its partner's commissioning window is open (a partner with no cycle can
change its commissioning every year). Money committed before the break point is spent whatever
happens; money from the break point to the end of the horizon is freed.

``stop_inputs`` turns a stop list into the inputs of the re-solve that shows what the optimiser
would do with the freed money: committed money before each break is set aside (it buys nothing
the rules allow), and the stopped contracts end.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from optimiser.inputs import PlanningInputs
from optimiser.replan import HeldFunding, fundable, set_aside
from optimiser.scenario import ScenarioRules


@dataclass(frozen=True)
class Commitment:
    """Money a partner has committed to an intervention per year; ``contract_years`` are the
    years of an existing contract (empty for funding the agreed plan gives it)."""

    partner: str
    intervention: str
    amounts: Mapping[int, float]
    place: str | None = None
    contract_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class StopItem:
    """One listed activity: why, when it can stop, and the money each year it frees."""

    commitment: Commitment
    rating: str
    break_year: int | None
    reason: str
    freed: Mapping[int, float]

    @property
    def freed_total(self) -> float:
        return sum(self.freed.values())

    @property
    def committed_before_break(self) -> dict[int, float]:
        stop = self.break_year
        return {
            year: amount
            for year, amount in self.commitment.amounts.items()
            if stop is None or year < stop
        }


def break_point(
    commitment: Commitment, open_years: tuple[int, ...] | None, current_year: int, last_year: int
) -> tuple[int | None, str]:
    """The first year after ``current_year`` (to ``last_year``) in which the activity can stop,
    and why; (None, reason) if it cannot stop within the horizon."""
    for year in range(current_year + 1, last_year + 1):
        if commitment.contract_years and year > max(commitment.contract_years):
            return year, "its contract has ended"
        if open_years is None:
            return year, "its partner can change its commissioning every year"
        if year in open_years:
            return year, "its partner's commissioning window is open"
    return None, "its contract runs, and its partner's window stays closed, to the end of the plan"


def stop_list(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    commitments: Iterable[Commitment],
    current_year: int,
) -> list[StopItem]:
    """Every commitment whose intervention the rules can no longer fund, with its break point
    and the money freed from then to the end of the horizon; largest money freed first."""
    last_year = rules.first_year + rules.horizon_years - 1
    ratings = {i.key: i.evidence_rating for i in inputs.interventions}
    windows = {c.partner: c.open_years for c in inputs.cycles}
    items = []
    for commitment in commitments:
        rating = ratings.get(commitment.intervention)
        if rating is None or fundable(rules, rating):
            continue
        year, reason = break_point(
            commitment, windows.get(commitment.partner), current_year, last_year
        )
        freed = {
            y: amount
            for y, amount in commitment.amounts.items()
            if year is not None and y >= year and amount > 0
        }
        items.append(StopItem(commitment, rating, year, reason, freed))
    return sorted(items, key=lambda item: (-item.freed_total, item.commitment.partner))


def stop_inputs(
    inputs: PlanningInputs, rules: ScenarioRules, items: Iterable[StopItem]
) -> tuple[PlanningInputs, ScenarioRules]:
    """Inputs for re-solving with every listed activity stopped at its break point."""
    items = list(items)
    committed = [
        HeldFunding(
            partner=item.commitment.partner,
            intervention=item.commitment.intervention,
            year=year,
            amount=amount,
            place=item.commitment.place,
        )
        for item in items
        for year, amount in item.committed_before_break.items()
        if year in rules.years
    ]
    stopped: dict[tuple[str, str], int | None] = defaultdict(lambda: None)
    for item in items:
        stopped[(item.commitment.partner, item.commitment.intervention)] = item.break_year
    contracts = []
    for contract in inputs.contracts:
        key = (contract.partner, contract.intervention)
        if key in stopped:
            continue  # before the break its money is set aside below; after it, it has ended
        contracts.append(contract)
    inputs = dataclasses.replace(inputs, contracts=tuple(contracts))
    return set_aside(inputs, rules, committed)
