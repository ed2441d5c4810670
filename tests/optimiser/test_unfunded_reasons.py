"""One reason per unfunded intervention, whose tag never contradicts its sentence.

Hand-solved: the builders' defaults (one segment, no discounting, £1 a unit of demand, rating 4).
"""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, optimise
from optimiser.unfunded import UNFUNDED_REASONS


def _unfunded(plan):  # type: ignore[no-untyped-def]
    return {entry.intervention: entry for entry in plan.not_funded}


def test_a_tie_is_called_a_tie_not_uncompetitive():
    """P £100. A and B both cost £10 and avoid 4 each (0.40 a pound), capacity 1,000 each.
    The plan buys 10 participants of one of them (40 avoided); the other gives exactly as much
    a pound: its reduced cost is 0, so it could enter at no loss. It is a tie, tagged as one."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),), (intervention("a", 10, 4), intervention("b", 10, 4))
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)

    assert plan.objective == pytest.approx(40)
    (entry,) = plan.not_funded
    assert entry.reason == "tie"
    assert entry.reduced_cost == pytest.approx(0)
    assert "ties with the funded programmes" in entry.sentence
    assert UNFUNDED_REASONS[entry.reason].tag == "A tie"
    assert not UNFUNDED_REASONS[entry.reason].by_rule


def test_an_outcompeted_intervention_says_by_how_much_under_its_own_tag():
    """P £100. A: £10, 4 avoided (0.40 a pound); B: £20, 5 avoided (0.25 a pound). All on A:
    10 participants, 40 avoided; the budget's shadow price is 0.40. B loses 20 x 0.40 - 5 = 3
    a participant: it would need 3/5 = 60% more effect (8 avoided), or to cost 3/0.40 = £7.50
    less (£12.50)."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),), (intervention("a", 10, 4), intervention("b", 20, 5))
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)

    entry = _unfunded(plan)["b"]
    assert entry.reason == "outcompeted"
    assert entry.reduced_cost == pytest.approx(3)
    assert entry.effect_increase_needed == pytest.approx(0.6)
    assert entry.cost_reduction_needed == pytest.approx(7.5)
    assert "ties" not in entry.sentence and "outcompeted" in entry.sentence
    assert UNFUNDED_REASONS[entry.reason].tag == "Not competitive"


def test_an_effect_that_counts_for_nothing_is_not_called_uncompetitive():
    """A avoids nothing that the objective counts (rated NL2: confidence 0), so no price or
    effect would make it enter at the scenario's weights: it is tagged 'Counts for nothing'."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 4, rating="NL2"), intervention("b", 10, 4)),
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)

    entry = _unfunded(plan)["a"]
    assert entry.reason == "no_value"
    assert "counts for nothing" in entry.sentence
    assert UNFUNDED_REASONS[entry.reason].tag == "Counts for nothing"


def test_every_reason_the_optimiser_gives_has_a_tag_and_words() -> None:
    """Each reason used anywhere in the optimiser's code is in UNFUNDED_REASONS."""
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "optimiser" / "unfunded.py").read_text()
    given = set(re.findall(r'NotFunded\(\s*key,\s*name,\s*"([a-z_]+)"', source))
    given |= {"ne", "rating", "bcr", "no_population"}  # model.excluded's keys
    assert given <= set(UNFUNDED_REASONS)
    assert {"tie", "outcompeted", "no_value", "no_budget", "cannot_run"} <= given
