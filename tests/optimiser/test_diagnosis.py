"""Diagnosis: each clash names the rules it clashes with, exclusions, and whole programmes."""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, one_place, partnership, simple_rules

from optimiser import (
    BudgetLine,
    ExistingContract,
    Partner,
    SolveStatus,
    diagnose,
    optimise,
)

ONE_PARTNER = (Partner("p", "Partner P"),)


def test_whole_programme_clash_is_found_and_names_the_minimum_cohort():
    """P has £100 and committed £50; A costs £10 a participant with a minimum cohort of 12,
    so running A at all costs £120. Were programmes divisible, 5 to 10 participants would
    meet both rules (that relaxation finds nothing to breach). Whole, the cheapest breach is
    to run A with 12 (£120, the budget £20 over) rather than not at all (the commitment £50
    short). Held to its £100, the budget makes the commitment give way: they clash, because
    of A's minimum cohort."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100, committed_minimum=50),),
        (intervention("a", 10, 4, min_cohort=12),),
        partners=ONE_PARTNER,
    )
    plan = optimise(inputs, simple_rules(whole_programme=True))

    assert plan.status is SolveStatus.INFEASIBLE
    assert plan.diagnosis is not None
    assert plan.diagnosis.summary == (
        "The rules cannot all be met. The rule that matters most is Partner P's 2026/27 budget "
        "of £100: the smallest change that makes a plan possible is for it to give way by £20 "
        "(more money in a budget)."
    )
    (clash,) = plan.diagnosis.clashes
    assert clash.row == "budget|p-2026"
    assert clash.shortfall == pytest.approx(20)
    assert clash.sentence == (
        "Partner P's 2026/27 budget of £100 would be exceeded by £20. It clashes with Partner "
        "P's committed minimum of £50 in 2026/27 and the minimum cohort of A in Halifax in "
        "2026/27 (12 participants at £10 each: £120)."
    )
    # The same rules as a linear program fit: only whole programmes make them clash.
    relaxed = optimise(inputs, simple_rules(), compare_pooling=False)
    assert relaxed.status is SolveStatus.OPTIMAL


def test_set_up_cost_clash_gives_way_by_the_smaller_breach():
    """As above, with a set-up cost of £30 too: running A costs £30 + 12 x £10 = £150, £50
    over the budget; not running it leaves the commitment £50 short. Equal breaches: the
    promise to spend gives way first, and names the budget and A's set-up and cohort."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100, committed_minimum=50),),
        (intervention("a", 10, 4, min_cohort=12, fixed_cost=30),),
        partners=ONE_PARTNER,
    )
    diagnosis = diagnose(inputs, simple_rules(whole_programme=True))

    (clash,) = diagnosis.clashes
    assert clash.row == "committed|p-2026"
    assert clash.shortfall == pytest.approx(50)
    assert clash.sentence == (
        "Partner P's committed minimum of £50 in 2026/27 cannot be spent: £50 of it has "
        "nowhere to go. It clashes with Partner P's 2026/27 budget of £100 and the set-up cost "
        "and minimum cohort of A in Halifax in 2026/27 (£30, then 12 participants at £10 each: "
        "£150)."
    )


def test_each_clash_names_only_its_own_rules():
    """Two separate clashes in one plan. P committed £100 but family programmes are capped
    at £70 (£30 short); Q's contract of £50 for S, a school programme, meets a cap of £20 on
    S (£30 over). Held in turn, each rule makes only its own partner give way, so neither
    clash names the other's rule."""
    inputs = partnership(
        (
            BudgetLine("p", 2026, 200, committed_minimum=100, ring_fence=("family",)),
            BudgetLine("q", 2026, 200, ring_fence=("school",)),
        ),
        (intervention("a", 10, 3), intervention("s", 10, 3, category="school")),
        contracts=(ExistingContract("q", "s", (2026,), 50),),
    )
    rules = simple_rules(category_caps={"family": 70}, intervention_caps={"s": 20})
    diagnosis = diagnose(inputs, rules)

    clashes = {clash.row: clash for clash in diagnosis.clashes}
    assert set(clashes) == {"committed|p-2026", "cap_intervention|s"}
    assert clashes["committed|p-2026"].clashes_with == ("the cap of £70 on family programmes",)
    assert clashes["cap_intervention|s"].sentence == (
        "The cap of £20 on S would be exceeded by £30. It clashes with Partner Q's existing "
        "contract of £50 for S in 2026/27."
    )
    assert diagnosis.summary == (
        "The rules cannot all be met. The rule that matters most is Partner P's committed "
        "minimum of £100 in 2026/27: the smallest change that makes a plan possible is for it "
        "to give way by £30 (a smaller committed minimum), with 1 other rule giving way by £30 "
        "in all (below, by kind of rule)."
    )


def test_contract_for_an_excluded_programme_names_the_rating_rule():
    """P holds a £50 contract for A, rated 2, but the scenario funds only programmes rated 3
    or above: A has no money at all, so the contract is £50 short, and nothing else can give
    way instead: the rating rule that excludes A is what it clashes with."""
    inputs = partnership(
        (BudgetLine("p", 2026, 200),),
        (intervention("a", 10, 3, rating="2"), intervention("b", 10, 3)),
        partners=ONE_PARTNER,
        contracts=(ExistingContract("p", "a", (2026,), 50),),
    )
    plan = optimise(inputs, simple_rules(min_evidence_rating="3"))

    assert plan.diagnosis is not None
    (clash,) = plan.diagnosis.clashes
    assert clash.sentence == (
        "Partner P's existing contract of £50 for A in 2026/27 cannot be met: it is £50 short. "
        "It clashes with the minimum evidence rating of 3, which excludes A (rated 2)."
    )


def test_committed_minimum_whose_only_programme_is_excluded_says_so():
    """P's £100 commitment is ring-fenced to school programmes; the only one, S, is rated 2
    and the scenario's minimum is 3. Its capacity (1,000 pupils at £10) would be enough, so
    the reason is the exclusion, not capacity."""
    inputs = partnership(
        (BudgetLine("p", 2026, 200, committed_minimum=100, ring_fence=("school",)),),
        (intervention("s", 10, 3, rating="2", category="school"), intervention("b", 10, 3)),
        partners=ONE_PARTNER,
    )
    plan = optimise(inputs, simple_rules(min_evidence_rating="3"))

    assert plan.diagnosis is not None
    (clash,) = plan.diagnosis.clashes
    assert clash.sentence == (
        "Partner P's committed minimum of £100 in 2026/27 cannot be spent: £100 of it has "
        "nowhere to go. It clashes with the minimum evidence rating of 3, which excludes S "
        "(rated 2)."
    )


def test_committed_minimum_beyond_capacity_names_capacity_and_other_rules():
    """Kirklees Council committed £400,000 for school programmes in Kirklees, where capacity
    costs £310,000 (as in the hand-solved Kirklees case), and the scenario also caps school
    programmes at £300,000. Held to £400,000 the commitment cannot be met whatever gives
    way, so it clashes with capacity; the cap is met at £300,000 by the minimum breach."""
    inputs = partnership(
        (
            BudgetLine(
                "k",
                2026,
                500_000,
                committed_minimum=400_000,
                ring_fence=("school-based",),
                districts=("Kirklees",),
            ),
        ),
        (intervention("school", 1000, 3, category="school-based", capacity=310),),
        partners=(Partner("k", "Kirklees Council"),),
        places=(one_place(5000, district="Kirklees"),),
    )
    diagnosis = diagnose(inputs, simple_rules())

    (clash,) = diagnosis.clashes
    assert clash.shortfall == pytest.approx(90_000)
    assert clash.clashes_with == (
        "its ring-fence allows only school-based programmes, whose capacity in Kirklees costs "
        "£310,000",
    )
