"""The clash diagnosis opens with one sentence, and names each excluding rule once."""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, Partner, SolveStatus, optimise

ONE_PARTNER = (Partner("p", "Partner P"),)


def test_an_evidence_clash_names_the_rating_rule_once_with_every_programme_it_excludes():
    """P committed £100, ring-fenced to family programmes. A and B (family, rated 2) are the
    only programmes it may fund, and the scenario funds only rated 3 or above; C (school,
    rated 4) is outside the ring-fence. Nothing can be spent: the commitment is £100 short,
    and the rating rule excludes both A and B: named once, with both."""
    inputs = partnership(
        (BudgetLine("p", 2026, 200, committed_minimum=100, ring_fence=("family",)),),
        (
            intervention("a", 10, 3, rating="2"),
            intervention("b", 20, 3, rating="2"),
            intervention("c", 10, 3, category="school"),
        ),
        partners=ONE_PARTNER,
    )
    plan = optimise(inputs, simple_rules(min_evidence_rating="3"), compare_pooling=False)

    assert plan.status is SolveStatus.INFEASIBLE
    assert plan.diagnosis is not None
    (clash,) = plan.diagnosis.clashes
    assert clash.shortfall == pytest.approx(100)
    assert clash.clashes_with == (
        "the minimum evidence rating of 3, which excludes A (rated 2) and B (rated 2)",
    )
    assert clash.sentence.count("the minimum evidence rating") == 1
    assert plan.diagnosis.summary == (
        "The rules cannot all be met. The rule that matters most is Partner P's committed "
        "minimum of £100 in 2026/27: the smallest change that makes a plan possible is for it "
        "to give way by £100 (a smaller committed minimum)."
    )


def test_the_lead_is_one_sentence_naming_the_rule_and_the_change():
    """P committed £100 but family programmes are capped at £70: £30 must give way. The lead
    is one sentence after its opening words, naming the change of £30."""
    inputs = partnership(
        (BudgetLine("p", 2026, 200, committed_minimum=100),),
        (intervention("a", 10, 3),),
        partners=ONE_PARTNER,
    )
    plan = optimise(inputs, simple_rules(category_caps={"family": 70}), compare_pooling=False)

    assert plan.diagnosis is not None
    assert plan.diagnosis.summary.startswith("The rules cannot all be met. The rule that matters")
    assert plan.diagnosis.summary.count(".") == 2  # one sentence after the opening words
    assert "give way by £30" in plan.diagnosis.summary
