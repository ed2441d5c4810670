"""Rules that span several records, worded for the person who has to fix the input.

Forms, the spreadsheet import and the API all call these, so a rule is stated once.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from models.vocabulary import financial_year_label

SHARE_TOLERANCE = Decimal("0.01")


class RuleBroken(ValueError):
    """An input breaks a rule that spans records. `field` says which field to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_cost_shares(demand_type_name: str, shares: Mapping[str, Decimal]) -> None:
    """The shares of a demand type's cost borne by the partners must total 100%."""
    if not shares:
        raise RuleBroken(
            "cost_shares",
            f"{demand_type_name}: say which partners bear its cost (shares must total 100%)",
        )
    total = sum((Decimal(share) for share in shares.values()), Decimal(0))
    if abs(total - 100) > SHARE_TOLERANCE:
        raise RuleBroken(
            "cost_shares",
            f"{demand_type_name}: cost shares total {total.normalize():f}%, but must total 100%",
        )


def check_contract_years(
    partner_name: str, contract_years: Iterable[int], budget_years: Iterable[int]
) -> None:
    """An existing contract spends its partner's budget, so each of its years needs a budget line.

    A year with no budget line lies outside the horizon the partnership is planning.
    """
    known = set(budget_years)
    outside = [year for year in sorted(set(contract_years)) if year not in known]
    if outside:
        labels = ", ".join(financial_year_label(year) for year in outside)
        raise RuleBroken(
            "years",
            f"{labels} is outside the planning horizon: {partner_name} has no budget line for "
            f"{'that year' if len(outside) == 1 else 'those years'}",
        )


def check_contracts_within_budget(
    partner_name: str,
    year: int,
    contracted: Decimal,
    maximum: Decimal | None,
    field: str = "maximum",
) -> None:
    """A partner's existing contracts in a year are spent from its budget line for that year,
    so they cannot come to more than the line's maximum (the plan could never be met)."""
    if maximum is not None and contracted > maximum:
        raise RuleBroken(
            field,
            f"{partner_name}'s existing contracts in {financial_year_label(year)} come to "
            f"£{contracted:,.2f}, more than its budget line maximum of £{maximum:,.2f}",
        )
