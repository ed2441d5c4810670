"""The value of pooling against the same partners commissioning separately, hand-solved."""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, DemandType, Partner, SolveStatus, optimise
from optimiser.pooling import compare_pooling

POLICE, NHS = Partner("w", "West Yorkshire Police"), Partner("n", "NHS ICB")


def _wrong_pocket():  # type: ignore[no-untyped-def]
    """A: £10 a participant, avoids 1 A&E attendance (£30, all the NHS's). B: £10, avoids one
    call-out (£5, all the police's). Police £100, NHS £50; 1,000 eligible children."""
    return partnership(
        (BudgetLine("w", 2026, 100), BudgetLine("n", 2026, 50)),
        (intervention("a", 10, 1, demand="ae"), intervention("b", 10, 1, demand="call")),
        partners=(POLICE, NHS),
        demand_types=(
            DemandType("ae", "A&E attendance", 30.0, {"n": 1.0}),
            DemandType("call", "Police call-out", 5.0, {"w": 1.0}),
        ),
    )


def test_pooling_pays_for_the_wrong_pocket():
    """Pooled, every pound goes to A (£3 a pound against B's 50p): 15 x £30 = £450.

    Separately, the police's money buys only for its own benefit: A brings it nothing, so it
    buys B, 10 x £5 = £50; the NHS buys A, 5 x £30 = £150; £200 in all. Pooling adds £250.
    Alone, as if the other did not exist and valuing all demand avoided as the pool does, the
    police could buy 10 of A (£300) and the NHS 5 (£150): each a figure of its own, £450
    together only because both count on A's same eligible children.
    """
    plan = optimise(_wrong_pocket(), simple_rules())

    pooling = plan.pooling
    assert plan.objective == pytest.approx(450)
    assert pooling is not None
    assert pooling.separate_objective == pytest.approx(200)
    assert pooling.value_of_pooling == pytest.approx(250)
    assert pooling.separate_spend == pytest.approx(150)
    assert {c.partner: c.amount for c in pooling.separate_contributions} == pytest.approx(
        {"w": 100, "n": 50}
    )
    assert {a.partner: a.objective for a in pooling.alone} == pytest.approx({"w": 300, "n": 150})
    assert pooling.sentence.startswith("Pooling adds about £250 of demand avoided over the same")


def test_money_that_brings_its_partner_nothing_stays_unspent_separately():
    """Without B the police has nothing that benefits it: separately it spends nothing, and the
    NHS buys 5 of A (£150). Pooled, all £150 buys A: £450. Pooling adds £300."""
    inputs = _wrong_pocket()
    inputs = type(inputs)(
        partners=inputs.partners,
        budget_lines=inputs.budget_lines,
        demand_types=inputs.demand_types,
        interventions=inputs.interventions[:1],
        places=inputs.places,
    )
    pooling = compare_pooling(inputs, simple_rules(), 450.0, alone=False)

    assert pooling is not None
    assert pooling.separate_objective == pytest.approx(150)
    assert pooling.value_of_pooling == pytest.approx(300)
    assert {c.partner: c.amount for c in pooling.separate_contributions} == pytest.approx({"n": 50})
    assert pooling.alone == ()


def test_shared_capacity_is_not_counted_twice():
    """A and the NHS as above, but A can take only 6 participants. Pooled: 6 of A (£180) and
    the rest, £90, on B (9 x £5 = £45): £225. Separately: the NHS buys 5 of A (£150); the
    police buys B with its £100 (£50); £200."""
    inputs = _wrong_pocket()
    capped = tuple(
        type(i)(**{**i.__dict__, "capacity": 6}) if i.key == "a" else i
        for i in inputs.interventions
    )
    inputs = type(inputs)(
        partners=inputs.partners,
        budget_lines=inputs.budget_lines,
        demand_types=inputs.demand_types,
        interventions=capped,
        places=inputs.places,
    )
    plan = optimise(inputs, simple_rules())

    assert plan.objective == pytest.approx(225)
    assert plan.pooling is not None
    assert plan.pooling.separate_objective == pytest.approx(200)
    assert plan.pooling.value_of_pooling == pytest.approx(25)


def test_a_partner_that_cannot_plan_alone_is_named_with_the_reason():
    """At least half of spend on programmes rated 3 or above. The police may fund only youth
    programmes (C, rated 2) and has committed £40. Pooled, the NHS's £100 on A meets the
    share. Alone, the police must spend £40 on C with nothing rated 3 or above: its rules
    cannot all be met, and it is named with that reason, never counted as nothing."""
    inputs = partnership(
        (
            BudgetLine("w", 2026, 40, committed_minimum=40, ring_fence=("youth",)),
            BudgetLine("n", 2026, 100),
        ),
        (intervention("a", 10, 1), intervention("c", 10, 1, rating="2", category="youth")),
        partners=(POLICE, NHS),
    )
    plan = optimise(inputs, simple_rules(min_share_rated_3_plus=0.5))

    assert plan.status is SolveStatus.OPTIMAL and plan.pooling is not None
    police = next(a for a in plan.pooling.alone if a.partner == "w")
    assert police.status is SolveStatus.INFEASIBLE
    assert police.cannot_plan.startswith("Alone, its rules cannot all be met.")
    assert "rated 3 or above" in police.cannot_plan
    assert plan.pooling.value_of_pooling is not None and plan.pooling.value_of_pooling >= 0


def test_a_plan_of_the_partners_commissioning_separately_reads_like_a_pooled_one():
    """The "each partner alone" scenario mode: the separate plan of the wrong-pocket case,
    £200 of demand avoided for £150, each partner paying only for what it buys."""
    plan = optimise(_wrong_pocket(), simple_rules(), separately=True, compare_pooling=False)

    assert plan.status is SolveStatus.OPTIMAL
    assert plan.objective == pytest.approx(200)
    assert plan.total_spend == pytest.approx(150)
    assert {p.partner: p.contribution for p in plan.partners} == pytest.approx({"w": 100, "n": 50})
    assert plan.binding_constraints == ()
    assert plan.messages[0].startswith("Each partner commissions separately")
