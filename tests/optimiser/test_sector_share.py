"""The rule "at least X% of spend through voluntary and community sector providers", added through
the rule registry. Hand-solved."""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, Partner, optimise
from tests.optimiser.sentence_harness import check_by_re_solving

ONE_PARTNER = (Partner("p", "Partner P"),)


def _inputs():  # type: ignore[no-untyped-def]
    return partnership(
        (BudgetLine("p", 2026, 100),),
        (
            intervention("a", 10, 4),  # delivered by a council team
            intervention("b", 20, 5, voluntary_sector_share=0.5),  # half by a local charity
        ),
        partners=ONE_PARTNER,
    )


def test_share_through_the_voluntary_sector_binds():
    """£100; A £10 for 4 (0.40/£, public sector), B £20 for 5 (0.25/£, half voluntary sector).
    At least 30% through the voluntary sector: 0.5 x spend on B >= 0.3 x 100, so B gets £60
    (3 people, 15 avoided) and A £40 (4 people, 16): 31. Without the rule: all A, 40.
    At 29% B needs only £58, so £2 moves to A: 2 x (0.40 - 0.25) = 0.30 more avoided. The
    sentence quotes the rule's limit eased by £1 (0.5 x B - 0.3 x 100 >= -1: B needs £58), the
    same 0.30, and that change holds when re-solved."""
    plan = optimise(_inputs(), simple_rules(min_share_vcs=0.3), compare_pooling=False)
    assert plan.objective == pytest.approx(31)
    people = {a.intervention: a.participants for a in plan.allocations}
    assert people == pytest.approx({"a": 4, "b": 3})
    rule = next(b for b in plan.binding_constraints if b.row == "vcs_share")
    assert rule.sentence == (
        "The rule that at least 30% of spend goes through voluntary and community sector "
        "providers holds the plan back: allowing £1 less spend through voluntary and community "
        "sector providers than it asks would add about £0.30 of demand avoided."
    )
    eased = optimise(_inputs(), simple_rules(min_share_vcs=0.29), compare_pooling=False)
    assert eased.objective - plan.objective == pytest.approx(0.30)  # the sentence holds
    assert rule.change is not None and rule.change.objective_change == pytest.approx(0.30)
    checked, wrong = check_by_re_solving(
        _inputs(), simple_rules(min_share_vcs=0.3), plan.binding_constraints
    )
    assert checked > 0 and wrong == []  # every sentence that carries a change holds when re-solved
    free = optimise(_inputs(), simple_rules(), compare_pooling=False)
    assert free.objective == pytest.approx(40)
