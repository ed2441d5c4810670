"""Money left unspent, hand-solved: each partner-year, how much, and the one reason why."""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, one_place, partnership, simple_rules

from optimiser import BudgetLine, CommissioningCycle, Partner, Place, optimise

TWO_YEARS = {"horizon_years": 2, "appraisal_years": 2}


def test_a_closed_window_holds_the_money_at_what_was_contracted():
    """P's window is open in 2026 only. A costs £10 and can take 5 people a year: P spends
    £50 in 2026, and 2027 must continue at that level, so £50 of its £100 for 2027/28 stays
    unspent: more money that year does nothing while its window stays closed."""
    inputs = partnership(
        (BudgetLine("p", 2026, 50), BudgetLine("p", 2027, 100)),
        (intervention("a", 10, 1, capacity=50),),
        cycles=(CommissioningCycle("p", (2026,)),),
    )
    plan = optimise(inputs, simple_rules(**TWO_YEARS), compare_pooling=False)

    (unspent,) = plan.unspent
    assert (unspent.partner, unspent.year, unspent.reason) == ("p", 2027, "window")
    assert unspent.unspent == pytest.approx(50)
    assert unspent.sentence == (
        "Partner P leaves £50 of its £100 for 2027/28 unspent: its commissioning window is "
        "closed that year, so its funding can only continue at last year's level (£50, already "
        "contracted). More money in this year's budget does nothing while its window stays "
        "closed (it does not open again within the plan)."
    )


def test_a_ring_fence_with_nothing_eligible():
    """Q's £40 may fund only youth programmes, and there are none: all £40 unspent."""
    inputs = partnership(
        (BudgetLine("p", 2026, 50), BudgetLine("q", 2026, 40, ring_fence=("youth",))),
        (intervention("a", 10, 1),),
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)

    (unspent,) = plan.unspent
    assert (unspent.partner, unspent.reason, unspent.unspent) == ("q", "ring_fence", 40)
    assert unspent.sentence.endswith(
        "its ring-fence (youth) covers no intervention the plan may fund."
    )


def test_a_ring_fence_whose_programmes_the_evidence_rules_exclude():
    """Q's youth programme Y is rated 2; the scenario funds only 3 or above: £40 unspent."""
    inputs = partnership(
        (BudgetLine("p", 2026, 50), BudgetLine("q", 2026, 40, ring_fence=("youth",))),
        (intervention("a", 10, 1), intervention("y", 10, 1, rating="2", category="youth")),
    )
    plan = optimise(inputs, simple_rules(min_evidence_rating="3"), compare_pooling=False)

    (unspent,) = plan.unspent
    assert (unspent.partner, unspent.reason) == ("q", "evidence")


def test_a_district_with_no_capacity_left():
    """Kirklees Council's £100 pays only in Kirklees, where A can take 3 people (£30): £70
    unspent, its district full; the police's £40 goes to Halifax."""
    places = (
        Place("h", "Huddersfield", "Kirklees", {"children": 3}),
        Place("c", "Halifax", "Calderdale", {"children": 1000}),
    )
    inputs = partnership(
        (BudgetLine("k", 2026, 100, districts=("Kirklees",)), BudgetLine("w", 2026, 40)),
        (intervention("a", 10, 1),),
        partners=(Partner("k", "Kirklees Council", district="Kirklees"), Partner("w", "Police")),
        places=places,
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)

    (unspent,) = plan.unspent
    assert (unspent.partner, unspent.reason, unspent.unspent) == ("k", "district_full", 70)
    assert "left in Kirklees" in unspent.sentence


def test_a_rule_that_holds_the_money_back():
    """A avoids 3 units (£1 each, all Q's) per £10; P's fair-share rule asks benefit to P of at least
    0.2 x its contribution, and nothing benefits P: P spends nothing, its £50 held back by its
    own rule, quoted as the plan's sentence for it."""
    from optimiser import DemandType

    inputs = partnership(
        (BudgetLine("p", 2026, 50), BudgetLine("q", 2026, 50)),
        (intervention("a", 10, 3),),
        demand_types=(DemandType("d", "Demand", 1.0, {"q": 1.0}),),
        places=(one_place(),),
    )
    plan = optimise(inputs, simple_rules(partner_fairness=0.2), compare_pooling=False)

    (unspent,) = plan.unspent
    assert (unspent.partner, unspent.reason, unspent.unspent) == ("p", "rule", 50)
    assert "Partner P's" in unspent.sentence and "a rule holds it back." in unspent.sentence


def test_a_plan_that_spends_everything_has_nothing_unspent():
    inputs = partnership((BudgetLine("p", 2026, 50),), (intervention("a", 10, 1),))
    assert optimise(inputs, simple_rules(), compare_pooling=False).unspent == ()
