"""Uncertain inputs, Monte Carlo of a plan, the tornado chart and re-solves on draws: hand-solved."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import (
    BudgetLine,
    DemandType,
    Effect,
    InputError,
    Intervention,
    Partner,
    optimise,
)
from optimiser.montecarlo import simulate_plan
from optimiser.robust import (
    DRAWS_IN_FRACTIONS,
    best_for_draw,
    draw_parts,
    drawn_inputs,
    resolve_draws,
    screened_rules,
    summarise,
)
from optimiser.tornado import tornado
from optimiser.uncertainty import DEFAULT_EFFECT_SPREAD, Kind, draw, uncertain_inputs


def _certain(key: str, unit_cost: float, units: float, **extra: object) -> Intervention:
    """An intervention whose effect is known exactly (standard error 0)."""
    base = intervention(key, unit_cost, units, **extra)  # type: ignore[arg-type]
    effect = Effect("d", units, (0,), standard_error=0.0)
    return Intervention(**{**base.__dict__, "effects": (effect,)})


def test_a_range_with_low_above_high_is_refused_naming_the_field():
    with pytest.raises(InputError, match="low 0.5 is above high 0.2"):
        Effect("d", 0.3, (1,), low=0.5, high=0.2)
    with pytest.raises(InputError, match="unit_cost_low 900 is above unit_cost_high 800"):
        DemandType("d", "Demand", 850, {"p": 1.0}, unit_cost_low=900, unit_cost_high=800)
    with pytest.raises(InputError, match="take_up_low 0.9 is above take_up_high 0.6"):
        intervention("a", 10, 1, take_up_low=0.9, take_up_high=0.6)


def test_negative_standard_error_and_half_ranges_are_refused():
    with pytest.raises(InputError, match="standard_error must be at least 0"):
        Effect("d", 0.3, (1,), standard_error=-0.1)
    with pytest.raises(InputError, match="high is missing"):
        Effect("d", 0.3, (1,), low=0.1)
    with pytest.raises(InputError, match="must include reduction_per_participant 0.3"):
        Effect("d", 0.3, (1,), low=0.4, high=0.6)
    with pytest.raises(InputError, match="take_up_high is a share of places, at most 1"):
        intervention("a", 10, 1, take_up_low=0.5, take_up_high=1.5)


def test_default_effect_spread_widens_as_the_evidence_rating_falls():
    """No spread given: standard error 20% of the effect for a 4, 30% for 3, 50% for 2, 75% NL2."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        tuple(intervention(r.lower(), 10, 2.0, rating=r) for r in ("4", "3+", "2", "NL2")),
    )
    effects = [u for u in uncertain_inputs(inputs) if u.kind is Kind.EFFECT]
    errors = [u.standard_error for u in effects]
    assert errors == pytest.approx([0.4, 0.6, 1.0, 1.5])
    assert errors == sorted(errors)
    assert DEFAULT_EFFECT_SPREAD["3"] == 0.3
    assert "default for evidence rated 3" in effects[1].source


def test_draws_are_reproducible_from_the_seed():
    inputs = partnership((BudgetLine("p", 2026, 100),), (intervention("a", 10, 2.0),))
    first, again, other = draw(inputs, 500, 7), draw(inputs, 500, 7), draw(inputs, 500, 8)
    assert np.array_equal(first.effect, again.effect)
    assert np.array_equal(first.unit_cost, again.unit_cost)
    assert not np.array_equal(first.effect, other.effect)
    # Effect drawn around the recorded figure: standard error 20% of it (rating 4).
    assert first.effect[:, 0, 0].std() == pytest.approx(0.2, abs=0.02)


def test_chance_benefits_exceed_costs_matches_the_triangular_arithmetic():
    """£80,000 buys 100 participants (£800 each) avoiding 1 unit each, known exactly.
    Unit cost triangular £500 to £1,500, most likely £1,000: value = 100 x cost.
    Benefits exceed costs when cost > £800: 1 - (800-500)^2 / ((1500-500)(1000-500)) = 0.82.
    The partner bears all the cost, so its chance is the same."""
    demand = DemandType("d", "Demand", 1000, {"p": 1.0}, unit_cost_low=500, unit_cost_high=1500)
    inputs = _one_partner(demand, 80_000, _certain("a", 800, 1.0, capacity=100))
    plan = optimise(inputs, simple_rules(), compare_pooling=False)
    assert plan.value_of_demand_avoided == pytest.approx(100_000)

    result = simulate_plan(plan, inputs, draws=10_000, seed=3)

    assert result.chance_benefits_exceed_costs == pytest.approx(0.82, abs=0.015)
    assert result.partners[0].chance_benefit_exceeds_contribution == pytest.approx(0.82, abs=0.015)
    assert result.value_planned == pytest.approx(100_000)
    assert result.value_mean == pytest.approx(100_000, rel=0.01)  # the triangle is symmetric
    assert result.demand[0].low == pytest.approx(100) == result.demand[0].high
    assert sum(result.histogram.counts) == 10_000
    assert simulate_plan(plan, inputs, draws=10_000, seed=3) == _same_but_time(result)


def _same_but_time(result):  # type: ignore[no-untyped-def]
    class Equal:
        def __eq__(self, other: object) -> bool:
            return {**other.__dict__, "seconds": 0} == {**result.__dict__, "seconds": 0}

    return Equal()


def _one_partner(demand: DemandType, budget: float, *interventions: Intervention):  # type: ignore[no-untyped-def]
    from optimiser import Partner

    return partnership(
        (BudgetLine("p", 2026, budget),),
        interventions,
        partners=(Partner("p", "Partner P"),),
        demand_types=(demand,),
    )


def test_take_up_below_one_lowers_value_but_not_cost():
    """100 participants avoid 1 unit each at £1,000 (both known). Take-up uniform 60%-100%:
    value 60,000 to 100,000, mean 80,000; spend stays £80,000, so benefits exceed costs when
    take-up > 80%: chance 0.5."""
    demand = DemandType("d", "Demand", 1000, {"p": 1.0}, unit_cost_low=1000, unit_cost_high=1000)
    inputs = _one_partner(
        demand, 80_000, _certain("a", 800, 1.0, capacity=100, take_up_low=0.6, take_up_high=1.0)
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)
    result = simulate_plan(plan, inputs, draws=20_000, seed=5)
    assert result.value_mean == pytest.approx(80_000, rel=0.01)
    assert result.total_spend == pytest.approx(80_000)
    assert result.chance_benefits_exceed_costs == pytest.approx(0.5, abs=0.02)


def test_tornado_moves_one_figure_at_a_time():
    """100 participants x 1 unit x £1,000 = £100,000. Unit cost default plus or minus 20%:
    £80,000 to £120,000. Effect given as 0.5 to 1.5 units: £50,000 to £150,000, the longer
    bar, so it comes first."""
    base = intervention("a", 800, 1.0, capacity=100)
    ranged = Intervention(
        **{**base.__dict__, "effects": (Effect("d", 1.0, (0,), low=0.5, high=1.5),)}
    )
    inputs = _one_partner(DemandType("d", "Demand", 1000, {"p": 1.0}), 80_000, ranged)
    plan = optimise(inputs, simple_rules(), compare_pooling=False)
    chart = tornado(plan, inputs)
    assert chart.value == pytest.approx(100_000)
    assert [(b.kind, b.value_at_low, b.value_at_high) for b in chart.bars] == [
        ("effect", pytest.approx(50_000), pytest.approx(150_000)),
        ("unit_cost", pytest.approx(80_000), pytest.approx(120_000)),
    ]


def test_resolves_with_nothing_uncertain_have_no_regret():
    """Effects known and unit costs fixed: every draw is the recorded partnership, so every
    re-solve funds what the plan funds (A, the better value) and regret is 0."""
    demand = DemandType("d", "Demand", 1.0, {"p": 1.0}, unit_cost_low=1.0, unit_cost_high=1.0)
    inputs = _one_partner(demand, 100, _certain("a", 10, 3, capacity=6), _certain("b", 20, 5))
    rules = simple_rules()
    plan = optimise(inputs, rules, compare_pooling=False)
    outcomes = resolve_draws(inputs, rules, count=5, seed=1)
    result = summarise(plan, inputs, rules, outcomes, count=5, seed=1)
    assert result.solved == 5 and result.regret_max == 0
    assert result.best_mean == pytest.approx(28) == result.chosen_mean
    assert {f.key: f.share for f in result.interventions} == {"a": 1.0, "b": 1.0}


def test_regret_is_what_the_best_plan_for_a_draw_gains_over_the_chosen_one():
    """£60. A: £10, 3 units (0.3/£), capacity 6; B: £10, 2.5 units, known. A's effect is a range
    1 to 5 (most likely 3). The plan funds A (6 x 3 = 18). In a draw where A avoids e < 2.5,
    the best is all B: 6 x 2.5 = 15 and the chosen plan gives 6e, regret 15 - 6e; otherwise 0."""
    a = intervention("a", 10, 3, capacity=6)
    a = Intervention(**{**a.__dict__, "effects": (Effect("d", 3, (0,), low=1, high=5),)})
    demand = DemandType("d", "Demand", 1.0, {"p": 1.0}, unit_cost_low=1.0, unit_cost_high=1.0)
    inputs = _one_partner(demand, 60, a, _certain("b", 10, 2.5, capacity=6))
    rules = simple_rules()
    plan = optimise(inputs, rules, compare_pooling=False)
    assert {x.intervention for x in plan.allocations} == {"a"}
    outcomes = resolve_draws(inputs, rules, count=40, seed=2)
    result = summarise(plan, inputs, rules, outcomes, count=40, seed=2)
    effect = draw(inputs, 40, 2).effect[:, 0, 0] * 3
    expected = np.maximum(0.0, 15 - 6 * effect)
    assert result.regret_mean == pytest.approx(expected.mean(), abs=0.01)
    assert result.regret_max == pytest.approx(expected.max(), abs=0.01)
    share_a = next(f.share for f in result.interventions if f.key == "a")
    assert share_a == pytest.approx(np.mean(effect > 2.5))


@settings(max_examples=25, deadline=None)
@given(
    low=st.floats(0.0, 1.0),
    width=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**31),
)
def test_monte_carlo_interval_contains_the_median(low: float, width: float, seed: int):
    """Whatever the take-up range, the 90% interval holds the median and the chance is a share."""
    demand = DemandType("d", "Demand", 10, {"p": 1.0})
    high = min(1.0, low + width)
    inputs = _one_partner(
        demand, 100, intervention("a", 10, 1, capacity=10, take_up_low=low, take_up_high=high)
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)
    result = simulate_plan(plan, inputs, draws=200, seed=seed)
    assert result.value_low <= result.value_median <= result.value_high
    assert 0.0 <= result.chance_benefits_exceed_costs <= 1.0


def test_monte_carlo_of_values_too_close_to_split_into_bars():
    """A take-up range from 0 to the smallest number a float holds: every draw is worth almost
    nothing and they differ by less than floating point can divide into 30 bars (hypothesis
    found this); the histogram is one bar holding every draw, not an error."""
    demand = DemandType("d", "Demand", 10, {"p": 1.0})
    inputs = _one_partner(
        demand,
        100,
        intervention("a", 10, 1, capacity=10, take_up_low=0.0, take_up_high=5e-324),
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)
    result = simulate_plan(plan, inputs, draws=200, seed=7)
    assert sum(result.histogram.counts) == 200
    assert result.value_low <= result.value_median <= result.value_high


def test_planning_for_uncertainty_maximises_the_expected_value_over_the_draws():
    """£60 buys 6 places. A: £10, 3 units a place, but take-up 50% to 100% (uniform, mean 75%):
    2.25 units a place paid for on average. B: £10, 2.5 units, certain. With the recorded
    figures A wins (6 x 3 = 18 counted); planning for uncertainty counts A at about 2.25 and
    funds B: 6 x 2.5 = 15, which the draws then confirm (B is certain)."""
    demand = DemandType("d", "Demand", 1.0, {"p": 1.0}, unit_cost_low=1.0, unit_cost_high=1.0)
    inputs = _one_partner(
        demand,
        60,
        _certain("a", 10, 3, capacity=6, take_up_low=0.5, take_up_high=1.0),
        _certain("b", 10, 2.5, capacity=6),
    )
    recorded = optimise(inputs, simple_rules(), compare_pooling=False)
    assert {x.intervention for x in recorded.allocations} == {"a"}
    rules = simple_rules(expected_over_draws=4000)
    planned = optimise(inputs, rules, compare_pooling=False)
    assert {x.intervention for x in planned.allocations} == {"b"}
    assert planned.objective == pytest.approx(15)
    # The Monte Carlo of each plan: B's certain 15 beats A's average 6 x 3 x 0.75 = 13.5.
    for plan, own_rules, mean in ((recorded, simple_rules(), 13.5), (planned, rules, 15.0)):
        result = simulate_plan(plan, inputs, draws=4000, seed=9, rules=own_rules)
        assert result.value_mean == pytest.approx(mean, rel=0.02)


def _two_pockets() -> tuple:  # type: ignore[type-arg]
    """Two partners, two demand types (one recorded at no cost, with a range above it), a
    fairness rule and a portfolio value-for-money rule: every coefficient a draw changes."""
    demand_types = (
        DemandType(
            "d",
            "Police demand",
            40.0,
            {"p": 0.7, "q": 0.3},
            unit_cost_low=30.0,
            unit_cost_high=60.0,
        ),
        DemandType("e", "School demand", 0.0, {"q": 1.0}, unit_cost_low=0.0, unit_cost_high=25.0),
    )
    a = intervention("a", 100, 3, capacity=40)
    a = Intervention(**{**a.__dict__, "effects": (Effect("d", 3, (0,), low=1, high=5),)})
    b = intervention("b", 80, 2, rating="3", capacity=50, take_up_low=0.5, take_up_high=1.0)
    b = Intervention(**{**b.__dict__, "effects": (Effect("d", 2, (0,)), Effect("e", 4, (0,)))})
    c = intervention("c", 20, 3, rating="2", demand="e", capacity=30)
    inputs = partnership(
        (BudgetLine("p", 2026, 4_000), BudgetLine("q", 2026, 3_000)),
        (a, b, c),
        partners=(Partner("p", "Partner P"), Partner("q", "Partner Q")),
        demand_types=demand_types,
    )
    return inputs, simple_rules(partner_fairness=0.5, portfolio_vfm_ratio=0.8)


def test_re_solving_one_model_per_part_matches_building_a_model_per_draw():
    """Each part builds its model once and changes only the draw's coefficients (effects times
    take-up, unit costs in the fairness and value-for-money rows and the objective, including a
    unit cost recorded as nothing): the same best objective and funded interventions as
    building the drawn partnership's model from scratch."""
    inputs, rules = _two_pockets()
    count, seed = 30, 5
    draws = draw(inputs, count, seed)
    screened = screened_rules(inputs, rules)
    rebuilt = [best_for_draw(drawn_inputs(inputs, draws, n), screened, n) for n in range(count)]
    resolved = resolve_draws(inputs, rules, count=count, seed=seed)
    assert [o.number for o in resolved] == list(range(count))
    assert sum(o.objective is not None for o in resolved) > count // 2
    for mine, theirs in zip(resolved, rebuilt, strict=True):
        if theirs.objective is None:
            assert mine.objective is None, mine.number
            continue
        assert mine.objective == pytest.approx(theirs.objective, rel=1e-7), mine.number
        assert mine.interventions == theirs.interventions, mine.number
    funded = {key for o in resolved for key in o.interventions}
    assert funded == {"a", "b", "c"}  # the draws move the choice among all three


def test_one_part_and_many_parts_give_the_same_robustness():
    """Draws cut into parts, solved in any order, give exactly the outcomes of one part holding
    them all, so the regret and funded shares do not depend on how many workers shared them."""
    inputs, rules = _two_pockets()
    count, seed = 24, 9
    plan = optimise(inputs, rules, compare_pooling=False)
    whole = resolve_draws(inputs, rules, count=count, seed=seed)
    parts = draw_parts(count, 3)
    assert len(parts) == 5 and parts[0] == (0, 5) and parts[-1][1] == count
    shared = [
        outcome
        for low, high in reversed(parts)
        for outcome in resolve_draws(inputs, rules, count=count, seed=seed, start=low, stop=high)
    ]
    assert sorted(shared, key=lambda o: o.number) == list(whole)
    one = summarise(plan, inputs, rules, whole, count=count, seed=seed)
    many = summarise(plan, inputs, rules, shared, count=count, seed=seed)
    assert one == many and one.solved + one.no_plan == count


def test_draw_parts_cover_every_draw_once_in_a_few_parts_per_worker():
    assert draw_parts(200, 2) == [(round(200 * k / 6), round(200 * (k + 1) / 6)) for k in range(6)]
    assert draw_parts(200, 1) == [(0, 67), (67, 133), (133, 200)]
    assert draw_parts(3, 4) == [(0, 3)]
    for count, workers in ((1, 1), (7, 2), (2_000, 5), (11, 8)):
        parts = draw_parts(count, workers)
        assert [n for low, high in parts for n in range(low, high)] == list(range(count))


def test_re_solves_with_whole_programmes_match_building_a_model_per_draw():
    """Whole programmes (a set-up cost makes each a yes/no choice): each draw is re-solved as
    the relaxation, from its arrays, giving the rebuilt model's answers; the summary says so."""
    inputs, rules = _two_pockets()
    a, b, c = inputs.interventions
    inputs = replace(inputs, interventions=(replace(a, fixed_cost=900.0), b, c))
    rules = replace(rules, whole_programme=True)
    count, seed = 12, 3
    draws = draw(inputs, count, seed)
    screened = screened_rules(inputs, rules)
    rebuilt = [best_for_draw(drawn_inputs(inputs, draws, n), screened, n) for n in range(count)]
    resolved = resolve_draws(inputs, rules, count=count, seed=seed)
    assert any(o.objective is not None for o in resolved)
    for mine, theirs in zip(resolved, rebuilt, strict=True):
        assert (mine.objective is None) == (theirs.objective is None), mine.number
        if theirs.objective is not None:
            assert mine.objective == pytest.approx(theirs.objective, rel=1e-6), mine.number
    plan = optimise(inputs, rules, compare_pooling=False)
    summary = summarise(plan, inputs, rules, resolved, count=count, seed=seed)
    assert summary.basis == DRAWS_IN_FRACTIONS
    assert "in fractions" in summary.basis and "not in whole people" in summary.basis
