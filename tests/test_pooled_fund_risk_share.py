"""The risk-share arithmetic: hand-worked splits, and properties every split must have."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.pooled_fund import RiskShareBasis
from planner.pooled_fund.position import pooled_fund_position
from planner.pooled_fund.risk_share import (
    RiskShareError,
    RiskShareTerms,
    contingency_reserve,
    share_variance,
)

D = Decimal
BY_CONTRIBUTION = RiskShareTerms()


def test_overspend_in_proportion_to_contributions() -> None:
    """Police £600, council £300, NHS £100 (60/30/10%). A £1,000 overspend: £600, £300, £100."""
    parts = share_variance(
        BY_CONTRIBUTION, {"Police": D(600), "Council": D(300), "NHS": D(100)}, D(1000)
    )
    assert parts == {"Council": D("300.00"), "NHS": D("100.00"), "Police": D("600.00")}


def test_pennies_left_by_rounding_go_to_the_largest_remainders() -> None:
    """Three equal partners and £100: 33.333... each; floors 33.33 x 3 = 99.99, one penny left,
    all remainders equal, so it goes to the partner named first (A): 33.34, 33.33, 33.33."""
    parts = share_variance(BY_CONTRIBUTION, {"C": D(1), "B": D(1), "A": D(1)}, D(100))
    assert parts == {"A": D("33.34"), "B": D("33.33"), "C": D("33.33")}


def test_an_underspend_is_returned_as_negative_parts_by_stated_percentages() -> None:
    """Underspends by stated shares 70/30 (contributions 50/50 are ignored): -£10.01 splits
    -7.007 and -3.003: floors 7.00 and 3.00, a penny left to the larger remainder (A)."""
    terms = RiskShareTerms(
        underspend_basis=RiskShareBasis.PERCENTAGES,
        underspend_percent={"A": D(70), "B": D(30)},
    )
    parts = share_variance(terms, {"A": D(50), "B": D(50)}, D("-10.01"))
    assert parts == {"A": D("-7.01"), "B": D("-3.00")}


def test_overspend_and_underspend_can_follow_different_rules() -> None:
    terms = RiskShareTerms(
        overspend_basis=RiskShareBasis.PERCENTAGES,
        overspend_percent={"A": D(100), "B": D(0)},
    )
    contributions = {"A": D(1), "B": D(3)}
    assert share_variance(terms, contributions, D(40)) == {"A": D("40.00"), "B": D("0.00")}
    assert share_variance(terms, contributions, D(-40)) == {"A": D("-10.00"), "B": D("-30.00")}


def test_amounts_that_cannot_be_shared_are_refused_in_words() -> None:
    with pytest.raises(RiskShareError, match="No partner contributed"):
        share_variance(BY_CONTRIBUTION, {"A": D(0)}, D(5))
    halves = RiskShareTerms(
        overspend_basis=RiskShareBasis.PERCENTAGES, overspend_percent={"A": D(50), "B": D(40)}
    )
    with pytest.raises(RiskShareError, match="add up to 90%, not 100%"):
        share_variance(halves, {"A": D(1)}, D(5))


def test_nothing_to_share_is_zero_for_everyone() -> None:
    assert share_variance(BY_CONTRIBUTION, {"A": D(0), "B": D(0)}, D(0)) == {
        "A": D("0.00"),
        "B": D("0.00"),
    }


money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)


# No deadline: a shared machine's load is not a defect (no timing assertions in tests).
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    contributions=st.dictionaries(st.sampled_from("ABCDEFG"), money, min_size=1),
    amount=st.decimals(min_value=-1_000_000, max_value=1_000_000, places=2, allow_nan=False),
)
def test_parts_are_whole_pence_adding_up_to_the_amount(
    contributions: dict[str, Decimal], amount: Decimal
) -> None:
    if sum(contributions.values()) == 0:
        return
    parts = share_variance(BY_CONTRIBUTION, contributions, amount)
    assert sum(parts.values()) == amount
    total = sum(contributions.values())
    for partner, part in parts.items():
        assert part == part.quantize(D("0.01"))
        assert part * amount >= 0  # same sign as the amount
        exact = abs(amount) * contributions.get(partner, D(0)) / total
        assert abs(abs(part) - exact) < D("0.01")  # within a penny of its exact share


def test_reserve_is_its_percentage_of_the_pool_rounded_down() -> None:
    """2% of £1,234.56 = £24.6912: £24.69."""
    assert contingency_reserve(RiskShareTerms(contingency_percent=D(2)), D("1234.56")) == D("24.69")


def test_exposure_and_headroom_of_a_plan() -> None:
    """One year. A: maximum £1,000, spends £900; B: maximum £500, spends £100. Pool £1,000,
    reserve 10% = £100, shared 90/10 by contributions: A £90, B £10. Exposure A £990, B £110.
    Headroom A £100 (90% used), B £400 (20% used); both reserve parts fit."""
    result = {
        "years": [2026],
        "budget_lines": [
            {"partner": "A", "year": 2026, "spend": 900.0, "maximum": 1000.0},
            {"partner": "B", "year": 2026, "spend": 100.0, "maximum": 500.0},
        ],
    }
    position = pooled_fund_position(
        result, RiskShareTerms(contingency_percent=D(10)), host="A", partners=["A", "B"]
    )
    assert position.years[0].reserve == D("100.00")
    rows = {row.partner: row for row in position.exposures}
    assert (rows["A"].reserve_share, rows["A"].exposure) == (D("90.00"), D("990.00"))
    assert (rows["B"].reserve_share, rows["B"].exposure) == (D("10.00"), D("110.00"))
    assert rows["A"].overspend_share == D("0.9")
    lines = {line.partner: line for line in position.headroom}
    assert (lines["A"].headroom, lines["A"].used) == (D("100.00"), D("0.9"))
    assert (lines["B"].headroom, lines["B"].used) == (D("400.00"), D("0.2"))
    assert position.problems == ()


def test_a_reserve_that_does_not_fit_the_budgets_is_said_with_the_amount_beyond() -> None:
    """A spends all its £1,000; reserve 5% = £50 falls all to A, with £0 headroom: £50 beyond."""
    result = {
        "years": [2026],
        "budget_lines": [{"partner": "A", "year": 2026, "spend": 1000.0, "maximum": 1000.0}],
    }
    position = pooled_fund_position(result, RiskShareTerms(contingency_percent=D(5)), host="A")
    assert len(position.problems) == 1
    assert "£50.00 of the reserve must come from outside" in position.problems[0]
