"""What the Allocations sheet says about each row's contract: its category in words and when the
contract that pays for it ends, from the partners' commissioning cycles and existing contracts."""

from __future__ import annotations

from models.intervention import InterventionCategory
from models.vocabulary import financial_year_label
from optimiser import Allocation, CommissioningCycle, ExistingContract
from planner.excel.plan_view import PlanWorkbookView

CATEGORY_WORDS = {category.value: category.label for category in InterventionCategory}


def category_label(category: str) -> str:
    """An intervention category as the Inputs sheet's ring-fences name it."""
    return CATEGORY_WORDS.get(category, category)


def contract_end(view: PlanWorkbookView, allocation: Allocation) -> str:
    """When the contract paying for this row ends: "31 Mar 2029", or, where its funders'
    contracts end at different dates, each funder's ("Leeds City Council: 31 Mar 2028; ...")."""
    inputs = view.planning_inputs
    if inputs is None:
        return "Not recorded"
    cycles = {cycle.partner: cycle for cycle in inputs.cycles}
    ends: dict[str, str] = {}
    for funding in allocation.funding:
        if funding.amount <= 0:
            continue
        contracts = [
            contract
            for contract in inputs.contracts
            if contract.partner == funding.partner
            and contract.intervention == allocation.intervention
            and contract.place in (None, allocation.place)
            and allocation.year in contract.years
        ]
        ends[view.partner_name(funding.partner)] = _partner_end(
            allocation.year, cycles.get(funding.partner), contracts
        )
    words = sorted(set(ends.values()))
    if not words:
        return "Not funded"
    if len(words) == 1:
        return words[0]
    return "; ".join(f"{partner}: {end}" for partner, end in sorted(ends.items()))


def _partner_end(
    year: int, cycle: CommissioningCycle | None, contracts: list[ExistingContract]
) -> str:
    if contracts:
        return _end(max(max(contract.years) for contract in contracts) + 1)
    if cycle is None:
        return f"{_end(year + 1)} (no commissioning cycle: funded year by year)"
    if year in cycle.open_years:
        return _end(year + cycle.contract_length_years)
    earlier = [open_year for open_year in cycle.open_years if open_year < year]
    if earlier and max(earlier) + cycle.contract_length_years > year:
        return _end(max(earlier) + cycle.contract_length_years)
    later = [open_year for open_year in cycle.open_years if open_year > year]
    if later:
        return f"Continues as contracted until the window opens in {financial_year_label(later[0])}"
    return "Continues as contracted"


def _end(year: int) -> str:
    """A contract ending at the close of the financial year before `year` starts: 31 Mar."""
    return f"31 Mar {year}"
