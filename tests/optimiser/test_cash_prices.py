"""Cash prices: unit costs priced in one year, paid from cash budgets in the plan's years.

Deflators 100 in 2022/23, 110 in 2026/27 and 121 in 2027/28: a cost priced in 2022/23 costs
1.1 times as much cash in 2026/27 and 1.21 times in 2027/28. Benefits stay in 2022/23 prices.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optimiser_builders import intervention, partnership, simple_rules
from sentence_harness import check_by_re_solving

from optimiser import BudgetLine, InputError, Partner, PriceIndex, SolveStatus, optimise
from optimiser.prices import cash_uplift, real_factor

INDEX = PriceIndex(((2022, 100.0), (2026, 110.0), (2027, 121.0)), real_year=2022, source="test")


def _plan(lines, interventions, rules=None, prices=INDEX, **extra):  # type: ignore[no-untyped-def]
    inputs = partnership(lines, interventions, prices=prices, **extra)
    return optimise(inputs, rules or simple_rules(), compare_pooling=False)


def test_uplift_is_the_ratio_of_deflators():
    """100 -> 110: a pound of 2022/23 prices costs £1.10 in 2026/27; with no index, £1."""
    assert cash_uplift(INDEX, 2022, 2026) == pytest.approx(1.1)
    assert cash_uplift(INDEX, 2026, 2027) == pytest.approx(1.1)
    assert cash_uplift(INDEX, None, 2027) == pytest.approx(1.21)  # no price year: real year's
    assert cash_uplift(None, 2022, 2026) == 1.0
    assert real_factor(INDEX, 2027) == pytest.approx(1.21)


def test_a_cash_budget_buys_fewer_people_at_cash_prices():
    """A: £100 in 2022/23 prices, 1 avoided (£1) each. £1,100 cash in 2026/27 at £110 cash
    each buys 10 people, not 11; the allocation costs £1,100 cash, £1,000 in 2022/23 prices."""
    plan = _plan(
        (BudgetLine("p", 2026, 1100),),
        (intervention("a", 100, 1, price_year=2022),),
        partners=(Partner("p", "Partner P"),),
    )

    assert plan.status is SolveStatus.OPTIMAL
    (allocation,) = plan.allocations
    assert allocation.participants == pytest.approx(10)
    assert allocation.cost == pytest.approx(1100)
    assert plan.total_spend == pytest.approx(1100)
    assert plan.prices is not None
    (year,) = plan.prices.spend_by_year
    assert (year.year, year.cash, year.real) == (2026, 1100.0, 1000.0)
    assert year.real_factor == pytest.approx(1.1)
    assert plan.prices.real_total_spend == pytest.approx(1000)
    (uplift,) = plan.prices.uplifts
    assert (uplift.price_year, uplift.year, uplift.factor) == (2022, 2026, pytest.approx(1.1))
    assert "2022/23 prices" in plan.prices.sentence


def test_each_year_pays_its_own_cash_price():
    """£1,100 a year: 2026/27 at £110 buys 10 people; 2027/28 at £121 buys 1,100/121 = 9.0909.
    An intervention priced in 2026/27 (£110) costs £110 in 2026/27 and £121 in 2027/28."""
    plan = _plan(
        (BudgetLine("p", 2026, 1100), BudgetLine("p", 2027, 1100)),
        (intervention("a", 100, 1, price_year=2022), intervention("b", 110, 1, price_year=2026)),
        simple_rules(horizon_years=2),
        partners=(Partner("p", "Partner P"),),
    )

    people: dict[int, float] = {}
    for allocation in plan.allocations:
        people[allocation.year] = people.get(allocation.year, 0) + allocation.participants
    assert people[2026] == pytest.approx(10)
    assert people[2027] == pytest.approx(1100 / 121, abs=1e-4)
    assert plan.prices is not None
    assert [y.real for y in plan.prices.spend_by_year] == pytest.approx([1000, 1100 / 1.21])


def test_no_index_keeps_prices_as_cash():
    """Without an index a £100 unit cost is £100 cash: £1,100 buys 11 people."""
    plan = _plan(
        (BudgetLine("p", 2026, 1100),),
        (intervention("a", 100, 1, price_year=2022),),
        prices=None,
        partners=(Partner("p", "Partner P"),),
    )
    assert plan.allocations[0].participants == pytest.approx(11)
    assert plan.prices is None


def test_value_for_money_weighs_real_benefit_against_real_spend():
    """A: £100 in 2022/23 prices, 120 avoided at £1 (benefit £120 in 2022/23 prices).
    Real benefit-cost ratio 1.2; against cash (£110) it would be 1.09. The rule "benefit at
    least 1.15 x spend" holds in real terms, so the whole £1,100 is spent (10 people); were it
    weighed against cash the plan could spend nothing."""
    plan = _plan(
        (BudgetLine("p", 2026, 1100),),
        (intervention("a", 100, 120, price_year=2022),),
        simple_rules(portfolio_vfm_ratio=1.15),
        partners=(Partner("p", "Partner P"),),
    )
    assert plan.total_spend == pytest.approx(1100)
    assert plan.allocations[0].participants == pytest.approx(10)


def test_partner_fairness_weighs_real_benefit_against_real_contribution():
    """One partner bears all of the demand: benefit £120 per £100 real (£110 cash). Fairness
    1.15 holds in real terms (1.2), so all £1,100 is spent; the ratio shown is 1.2, the one
    the rule bounds, against a real contribution of £1,000."""
    plan = _plan(
        (BudgetLine("p", 2026, 1100),),
        (intervention("a", 100, 120, price_year=2022),),
        simple_rules(partner_fairness=1.15),
        partners=(Partner("p", "Partner P"),),
    )
    (partner,) = plan.partners
    assert partner.contribution == pytest.approx(1100)
    assert partner.real_contribution == pytest.approx(1000)
    assert partner.benefit_ratio == pytest.approx(1.2)


def test_a_year_missing_from_the_index_is_named():
    """A plan for 2026/27 with an index that stops at 2022/23 cannot be priced."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 1, price_year=2022),),
        prices=PriceIndex(((2022, 100.0),), real_year=2022),
    )
    with pytest.raises(InputError, match=r"no deflator for 2026/27"):
        optimise(inputs, simple_rules(), compare_pooling=False)


def test_an_intervention_priced_in_a_year_the_index_lacks_is_named():
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 1, price_year=2019),),
        prices=INDEX,
    )
    with pytest.raises(InputError, match=r"'A' is priced in 2019/20"):
        optimise(inputs, simple_rules(), compare_pooling=False)


def test_budget_sentences_hold_in_cash_when_re_solved():
    """P £60 + Q £40 cash in 2026/27; prices uplifted by 1.1. A: £10 (£11 cash), 3 avoided,
    capacity 6; B: £20 (£22 cash), 5 avoided. A first: 6 people, £66. B with £34: 34/22 people.
    Avoided 18 + 5 x 34/22 = 25.727. A pound more buys 1/22 of B: shadow price 5/22 = 0.2273,
    so £5 more adds about £1.14 (HiGHS's range stops at £6, where P's money alone pays for
    A's £66 and the basis changes). Every sentence is re-solved."""
    lines = (BudgetLine("p", 2026, 60), BudgetLine("q", 2026, 40))
    interventions = (
        intervention("a", 10, 3, capacity=6, price_year=2022),
        intervention("b", 20, 5, price_year=2022),
    )
    inputs = partnership(lines, interventions, prices=INDEX)
    rules = simple_rules()
    plan = optimise(inputs, rules, compare_pooling=False)

    assert plan.objective == pytest.approx(18 + 5 * 34 / 22)
    budget = next(b for b in plan.binding_constraints if b.row == "budget|p-2026")
    assert budget.shadow_price == pytest.approx(5 / 22)
    assert budget.sentence == (
        "£5 more from Partner P's 2026/27 budget would add about £1.14 of demand avoided; "
        "beyond £6 it stops holding."
    )
    checked, wrong = check_by_re_solving(inputs, rules, plan.binding_constraints)
    assert checked >= 2
    assert wrong == []


def test_cheaper_by_is_said_in_the_interventions_own_prices():
    """£110 cash; B: £20 (£22 cash), 5 avoided; C: £20, rated 3 so 3.2 counted. All to B.
    C's reduced cost per participant: 22 x 5/22 - 3.2 = 1.8 cash-valued; cheaper by
    1.8 / (5/22) = £7.92 cash, which is £7.20 in its 2022/23 prices (£12.80 instead of £20)."""
    plan = _plan(
        (BudgetLine("p", 2026, 110),),
        (
            intervention("b", 20, 5, price_year=2022),
            intervention("c", 20, 4, rating="3", price_year=2022),
        ),
        partners=(Partner("p", "Partner P"),),
    )
    (unfunded,) = plan.not_funded
    assert unfunded.cost_reduction_needed == pytest.approx(7.2)
    assert "(£12.80 instead of £20)" in unfunded.sentence


@settings(max_examples=25, deadline=None)
@given(
    deflators=st.lists(st.floats(50, 200), min_size=3, max_size=3),
    unit_costs=st.lists(st.floats(5, 500), min_size=2, max_size=2),
    budgets=st.lists(st.integers(0, 5000), min_size=2, max_size=2),
)
def test_cash_spend_is_real_spend_times_uplift_each_year(deflators, unit_costs, budgets):  # type: ignore[no-untyped-def]
    """Whatever the index: each year's cash spend is its real spend x the year's factor, each
    allocation costs participants x unit cost x uplift, and no budget pays more than it has."""
    index = PriceIndex(
        ((2022, deflators[0]), (2026, deflators[1]), (2027, deflators[2])), real_year=2022
    )
    plan = _plan(
        (BudgetLine("p", 2026, budgets[0]), BudgetLine("p", 2027, budgets[1])),
        (
            intervention("a", unit_costs[0], 2, price_year=2022, capacity=3),
            intervention("b", unit_costs[1], 1, price_year=2026),
        ),
        simple_rules(horizon_years=2),
        prices=index,
        partners=(Partner("p", "Partner P"),),
    )
    assert plan.prices is not None
    for year in plan.prices.spend_by_year:
        factor = index.deflators[[2022, 2026, 2027].index(year.year)][1] / deflators[0]
        assert year.cash == pytest.approx(year.real * factor, abs=0.02)
        assert year.cash <= budgets[[2026, 2027].index(year.year)] + 0.01
    price_year = {"a": 2022, "b": 2026}
    deflator = dict(index.deflators)
    for allocation in plan.allocations:
        uplift = deflator[allocation.year] / deflator[price_year[allocation.intervention]]
        unit_cost = unit_costs[0] if allocation.intervention == "a" else unit_costs[1]
        assert allocation.cost == pytest.approx(
            allocation.participants * unit_cost * uplift, abs=0.01 + unit_cost * uplift * 1e-4
        )


def test_whole_cohorts_and_minimum_contracts_are_paid_in_cash():
    """A in cohorts of 10 at £1,000 a cohort in 2022/23 prices: £1,100 a cohort in 2026/27 cash
    (deflators 100 -> 110). £2,150 cash buys one whole cohort (two would cost £2,200), so 10
    people for £1,100, not the 21.5 people £2,150 buys in fractions at £100 each. A minimum
    contract is cash and is not uplifted: £1,050 is met by one cohort's £1,100."""
    plan = _plan(
        (BudgetLine("p", 2026, 2150),),
        (
            intervention(
                "a",
                100,
                1,
                price_year=2022,
                cohort_size=10,
                cohort_cost=1000,
                minimum_contract=1050,
            ),
        ),
        simple_rules(whole_programme=True),
        partners=(Partner("p", "Partner P"),),
    )

    assert plan.status is SolveStatus.OPTIMAL
    (allocation,) = plan.allocations
    assert (allocation.cohorts, allocation.participants) == (1, 10)
    assert allocation.cost == pytest.approx(1100)
    assert plan.prices is not None
    assert plan.prices.real_total_spend == pytest.approx(1000)


def test_a_minimum_contract_above_what_cash_buys_keeps_the_programme_out():
    """Same cohort, but a £2,200 minimum contract: one cohort (£1,100 cash) is too small and two
    (£2,200) are beyond the £2,150 budget, so nothing is bought."""
    plan = _plan(
        (BudgetLine("p", 2026, 2150),),
        (
            intervention(
                "a",
                100,
                1,
                price_year=2022,
                cohort_size=10,
                cohort_cost=1000,
                minimum_contract=2200,
            ),
        ),
        simple_rules(whole_programme=True),
        partners=(Partner("p", "Partner P"),),
    )

    assert plan.status is SolveStatus.OPTIMAL
    assert plan.allocations == ()
