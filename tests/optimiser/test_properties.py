"""Properties that hold for every valid partnership, checked on random small instances.

The random partnerships use every rule: commissioning cycles, existing
contracts, committed minimums, caps, the cost-per-unit rule, fairness and
budget overrides, the three objectives and whole-programme mode. They are
feasible by construction, so every example tests the properties (none is
skipped as infeasible):

- a "safe" programme (S: rated 4, £500 a participant, 2.5 units of a £1,000
  demand shared equally by the partners, a million eligible people in every
  place, no set-up cost or cohort) can absorb any money that must be spent.
  Its benefit is at least £4.83 a pound (a 2027/28 start, discounted), so it
  meets every fairness rule (at most 0.5 per pound for at most three partners:
  1.5), the portfolio ratio (at most 0.5), the benefit-cost threshold (at most
  1) and the cost-per-unit rule (at least £400 a shared unit avoided, against
  S's £207 at worst), and it is rated 3 or above for the evidence share;
- the money that must be spent (committed minimums, contracts) is at most half
  a budget line and only on lines that may pay anywhere, so S can take it
  wherever the need floor asks; contracts are for S only and start in the
  first year, and commitments are made only by partners without a
  commissioning cycle;
- a partner with a cycle has a line in both years (a window holds next year's
  funding at this year's) and its contracts fit every one of its lines;
- caps never touch S (intervention caps on the others, category caps on
  school programmes), place caps come only without a need floor and never on
  the first place (in the North, where every district-limited line may pay),
  and budget overrides keep a line's maximum at 70% or more of it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from optimiser import (
    BudgetLine,
    BudgetOverride,
    CommissioningCycle,
    CostPerUnitRule,
    DemandType,
    Effect,
    ExistingContract,
    Intervention,
    ObjectiveKind,
    Partner,
    Place,
    Plan,
    PlanningInputs,
    ScenarioRules,
    SolveStatus,
    optimise,
)
from optimiser.pooling import solve_alone
from optimiser.solve import DEFAULT_GAP

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YEARS = (2026, 2027)
SAFE = "s"
SHARED = "shared"
LP_TOLERANCE = 1e-6  # relative, for objectives of linear programs
# Relative: HiGHS stops a whole-people solve within 0.5% of its bound (``solve.DEFAULT_GAP``),
# and a comparison is of two such solves.
MIP_TOLERANCE = 2 * DEFAULT_GAP


def _money_tolerance(amount: float, entries: int = 0) -> float:
    """Solver tolerance (1e-6 relative, plus a penny), plus half a penny per rounded entry."""
    return 1e-6 * abs(amount) + 0.01 + 0.005 * entries


def _safe_programme() -> Intervention:
    return Intervention(
        key=SAFE,
        name="Safe programme",
        category="family",
        target_group="everyone",
        unit_cost=500,
        evidence_rating="4",
        effects=(Effect(SHARED, 2.5, (0,)),),
    )


def _other_programmes(draw: Any, demand_types: list[DemandType], roomy: bool) -> list[Intervention]:
    programmes = []
    for n in range(draw(st.integers(1, 3))):
        effects = tuple(
            Effect(d.key, draw(st.floats(0.01, 1.0)), (draw(st.integers(0, 2)),))
            for d in demand_types
            if draw(st.booleans())
        ) or (Effect(demand_types[-1].key, 0.5, (1,)),)
        programmes.append(
            Intervention(
                key=f"i{n}",
                name=f"Intervention {n}",
                category=draw(st.sampled_from(["family", "school"])),
                target_group="children",
                unit_cost=draw(st.integers(100, 3000)),
                evidence_rating=draw(st.sampled_from(["4", "3+", "3", "2", "NL2", "NE"])),
                effects=effects,
                capacity=None if roomy else draw(st.one_of(st.none(), st.integers(1, 200))),
                fixed_cost=draw(st.sampled_from([0, 0, 2000, 20_000])),
                min_cohort=draw(st.sampled_from([0, 0, 5, 30])),
            )
        )
    return programmes


def _demand_types(draw: Any, partners: tuple[Partner, ...]) -> list[DemandType]:
    equal = {p.key: 1 / len(partners) for p in partners}
    demand_types = [DemandType(SHARED, "Shared demand", 1000, equal)]
    for n in range(draw(st.integers(1, 2))):
        weights = [draw(st.integers(0, 4)) for _ in partners]
        if not any(weights):
            weights[0] = 1
        shares = {p.key: w / sum(weights) for p, w in zip(partners, weights, strict=True)}
        unit_cost = draw(st.integers(50, 5000))
        demand_types.append(DemandType(f"d{n}", f"Demand {n}", unit_cost, shares))
    return demand_types


def _places(draw: Any, roomy: bool) -> tuple[Place, ...]:
    return tuple(
        Place(
            f"l{n}",
            f"Place {n}",
            "North" if n == 0 else draw(st.sampled_from(["North", "South"])),
            {
                "children": 10**9 if roomy else draw(st.integers(0, 400)),
                "everyone": 1_000_000,
            },
            need_index=draw(st.floats(0.1, 3.0)),
        )
        for n in range(draw(st.integers(1, 3)))
    )


def _money(
    draw: Any, partners: tuple[Partner, ...], roomy: bool, whole: bool = False
) -> tuple[tuple[CommissioningCycle, ...], tuple[BudgetLine, ...], tuple[ExistingContract, ...]]:
    """Cycles, budget lines (with commitments) and contracts that can always be honoured.

    With ``whole`` people every maximum is a multiple of £10,000, so every amount that must
    be spent (a tenth, 30% or half of it, within 70% of it after an override) is a whole
    number of S's £500 participants and fits under the line."""
    cycles = []
    lines = []
    contracts = []
    for partner in partners:
        cycle = None
        if draw(st.booleans()):
            open_years = tuple(year for year in YEARS if draw(st.booleans()))
            cycle = CommissioningCycle(partner.key, open_years=open_years)
            cycles.append(cycle)
        own = []
        for year in YEARS:
            if year != YEARS[0] and cycle is None and not draw(st.booleans()):
                continue
            maximum = draw(st.integers(0, 20)) * 10_000 if whole else draw(st.integers(0, 200_000))
            districts = () if roomy else draw(st.sampled_from([(), ("North",)]))
            committed = 0.0
            if cycle is None and not districts:
                committed = maximum * draw(st.sampled_from([0.0, 0.1, 0.5]))
            own.append(
                BudgetLine(
                    partner.key,
                    year,
                    maximum,
                    committed_minimum=committed,
                    ring_fence=draw(st.sampled_from([(), ("family",)])),
                    districts=districts,
                )
            )
        lines.extend(own)
        if all(not line.districts for line in own) and draw(st.booleans()):
            years = YEARS[: draw(st.integers(1, len(own)))]
            amount = min(line.maximum for line in own) * draw(st.sampled_from([0.1, 0.3, 0.5]))
            if amount > 0:
                contracts.append(ExistingContract(partner.key, SAFE, years, amount))
    return tuple(cycles), tuple(lines), tuple(contracts)


def _objective(draw: Any, demand_types: list[DemandType]) -> dict[str, Any]:
    kind = draw(st.sampled_from(list(ObjectiveKind)))
    if kind is ObjectiveKind.PRIORITY:
        weights = {d.key: draw(st.sampled_from([0, 1, 2, 5])) for d in demand_types}
        return {"objective": kind, "priority_weights": weights}
    if kind is ObjectiveKind.SINGLE:
        chosen = draw(st.sampled_from([d.key for d in demand_types]))
        return {"objective": kind, "objective_demand_type": chosen}
    return {"objective": kind}


@st.composite
def partnerships(draw: Any, *, roomy: bool = False) -> tuple[PlanningInputs, ScenarioRules]:
    """Random partnerships, feasible by construction (see the module docstring).

    ``roomy`` ones have no provider capacity, eligible populations that never
    bind, no district limits, no need floor and no caps.
    """
    whole = draw(st.integers(0, 2)) == 0
    partners = tuple(Partner(f"p{n}", f"Partner {n}") for n in range(draw(st.integers(1, 3))))
    demand_types = _demand_types(draw, partners)
    others = _other_programmes(draw, demand_types, roomy)
    places = _places(draw, roomy)
    cycles, lines, contracts = _money(draw, partners, roomy, whole)
    inputs = PlanningInputs(
        partners=partners,
        budget_lines=lines,
        demand_types=tuple(demand_types),
        interventions=(_safe_programme(), *others),
        places=places,
        cycles=cycles,
        contracts=contracts,
    )
    # A need floor is a share of spend, which whole people move in steps: kept to the LP.
    need_floor = 0.0 if roomy or whole else draw(st.sampled_from([0.0, 0.2, 0.5]))
    caps: dict[str, Any] = {}
    if not roomy:
        caps["intervention_caps"] = {
            i.key: draw(st.integers(0, 50_000)) for i in others if draw(st.booleans())
        }
        if any(i.category == "school" for i in others) and draw(st.booleans()):
            caps["category_caps"] = {"school": draw(st.integers(0, 50_000))}
        if need_floor == 0 and len(places) > 1 and draw(st.booleans()):
            caps["place_caps"] = {places[-1].key: draw(st.integers(0, 50_000))}
    overrides = ()
    if draw(st.booleans()):
        line = draw(st.sampled_from(lines))
        factor = draw(st.sampled_from([0.7, 1.0, 1.5]))
        overrides = (BudgetOverride(line.key, maximum=line.maximum * factor),)
    cost_rule = None
    if draw(st.booleans()):
        cost_rule = CostPerUnitRule(SHARED, draw(st.integers(400, 2000)))
    rules = ScenarioRules(
        first_year=YEARS[0],
        horizon_years=2,
        appraisal_years=4,
        min_evidence_rating=draw(st.sampled_from(["NL2", "2", "3"])),
        min_share_rated_3_plus=draw(st.sampled_from([0.0, 0.3, 0.7])),
        bcr_threshold=draw(st.sampled_from([0.0, 0.5, 1.0])),
        partner_fairness=draw(st.sampled_from([0.0, 0.1, 0.5])),
        partner_fairness_overrides={
            p.key: draw(st.sampled_from([0.0, 0.3, 0.5])) for p in partners if draw(st.booleans())
        },
        need_floor=need_floor,
        portfolio_vfm_ratio=draw(st.sampled_from([0.0, 0.5])),
        max_cost_per_unit=cost_rule,
        budget_overrides=overrides,
        whole_programme=whole,
        **caps,
        **_objective(draw, demand_types),
    )
    return inputs, rules


def _relative(rules: ScenarioRules) -> float:
    return MIP_TOLERANCE if rules.whole_programme else LP_TOLERANCE


def _effective_lines(
    inputs: PlanningInputs, rules: ScenarioRules
) -> dict[tuple[str, int], tuple[float, float]]:
    """(maximum, committed minimum) of each partner's line each year, overrides applied."""
    overrides = {o.budget_line: o for o in rules.budget_overrides}
    limits = {}
    for line in inputs.budget_lines:
        override = overrides.get(line.key)
        maximum = line.maximum if override is None or override.maximum is None else override.maximum
        limits[(line.partner, line.year)] = (maximum, min(line.committed_minimum, maximum))
    return limits


def _paid(plan: Plan) -> tuple[dict[Any, float], dict[Any, int]]:
    """Money by (partner, intervention, year), and how many rounded entries each adds up."""
    paid: dict[tuple[str, str, int], float] = defaultdict(float)
    entries: dict[tuple[str, str, int], int] = defaultdict(int)
    for allocation in plan.allocations:
        for funding in allocation.funding:
            key = (funding.partner, allocation.intervention, allocation.year)
            paid[key] += funding.amount
            entries[key] += 1
    return paid, entries


def _check_money_rules(inputs: PlanningInputs, rules: ScenarioRules, plan: Plan) -> None:
    paid, entries = _paid(plan)
    by_line: dict[tuple[str, int], int] = defaultdict(int)
    for allocation in plan.allocations:
        for funding in allocation.funding:
            by_line[(funding.partner, allocation.year)] += round(funding.amount * 100)
    # Budgets are never exceeded, and committed minimums are spent, to the penny: the
    # payments are whole pence that add up to each line's spend (optimiser.reconcile).
    for key, (maximum, committed) in _effective_lines(inputs, rules).items():
        assert by_line[key] <= round(maximum * 100)
        assert by_line[key] >= round(committed * 100)
    assert all(key in _effective_lines(inputs, rules) for key in by_line)  # no line, no money
    # Existing contracts are met.
    for contract in inputs.contracts:
        for year in contract.years:
            key = (contract.partner, contract.intervention, year)
            tolerance = _money_tolerance(contract.amount_per_year, entries[key])
            assert paid[key] >= contract.amount_per_year - tolerance
    # Closed windows hold funding at the contracts (first year) or last year's level.
    for cycle in inputs.cycles:
        for intervention in inputs.interventions:
            for number, year in enumerate(YEARS):
                if year in cycle.open_years:
                    continue
                key = (cycle.partner, intervention.key, year)
                if number == 0:
                    held = sum(
                        c.amount_per_year
                        for c in inputs.contracts
                        if (c.partner, c.intervention) == key[:2] and year in c.years
                    )
                    count = entries[key]
                else:
                    before = (cycle.partner, intervention.key, YEARS[number - 1])
                    held, count = paid[before], entries[key] + entries[before]
                assert paid[key] == pytest.approx(held, abs=_money_tolerance(held, count))


def _check_caps(inputs: PlanningInputs, rules: ScenarioRules, plan: Plan) -> None:
    spend: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for allocation in plan.allocations:
        category = inputs.intervention(allocation.intervention).category
        for key in (allocation.intervention, f"category {category}", f"place {allocation.place}"):
            spend[key] += allocation.cost
            count[key] += 1
    caps = [
        *rules.intervention_caps.items(),
        *((f"category {key}", cap) for key, cap in rules.category_caps.items()),
        *((f"place {key}", cap) for key, cap in rules.place_caps.items()),
    ]
    for key, cap in caps:
        assert spend[key] <= cap + _money_tolerance(cap, count[key])


def _check_value_rules(inputs: PlanningInputs, rules: ScenarioRules, plan: Plan) -> None:
    spend = plan.total_spend
    # Fairness between partners and need floors hold.
    for outcome in plan.partners:
        alpha = rules.fairness_for(outcome.partner)
        assert outcome.benefit >= alpha * outcome.contribution - _money_tolerance(spend, 2)
    for place in plan.places:
        if place.need_floor is not None:
            assert place.spend >= place.need_floor - _money_tolerance(spend, 2)
    strong = sum(e.spend for e in plan.evidence_mix if e.rating in ("4", "3"))
    tolerance = _money_tolerance(spend, len(plan.evidence_mix) + 1)
    assert strong >= rules.min_share_rated_3_plus * spend - tolerance
    assert plan.value_of_demand_avoided >= rules.portfolio_vfm_ratio * spend - tolerance
    rule = rules.max_cost_per_unit
    if rule is not None:
        units = next(r.units for r in plan.demand_reductions if r.demand_type == rule.demand_type)
        assert spend <= rule.max_cost * (units + 1e-6) + tolerance


def _check_delivery(inputs: PlanningInputs, rules: ScenarioRules, plan: Plan) -> None:
    unfunded = {n.intervention for n in plan.not_funded}
    for allocation in plan.allocations:
        intervention = inputs.intervention(allocation.intervention)
        # Funding equals delivery cost, to the penny.
        assert sum(round(f.amount * 100) for f in allocation.funding) == round(
            allocation.cost * 100
        )
        # Nothing excluded or listed as unfunded is funded; NE never is.
        assert allocation.intervention not in unfunded
        assert intervention.evidence_rating != "NE"
        # Whole programmes pay their set-up cost and take at least their cohort. Participants
        # are rounded to 4 decimals, so their cost is known to a unit cost x 0.00005.
        participants_cost = intervention.unit_cost * allocation.participants
        rounding = intervention.unit_cost * 0.00005
        if rules.whole_programme:
            # Whole people: every allocation is a whole number of participants.
            assert allocation.participants == round(allocation.participants)
        if rules.whole_programme and allocation.participants > 1e-4:
            assert allocation.participants >= intervention.min_cohort - 1e-4
            expected = participants_cost + intervention.fixed_cost
        else:
            expected = participants_cost
        tolerance = _money_tolerance(expected, 1) + rounding
        assert allocation.cost == pytest.approx(expected, abs=tolerance)


@SETTINGS
@given(partnerships())
def test_every_plan_keeps_the_rules(case: tuple[PlanningInputs, ScenarioRules]) -> None:
    inputs, rules = case
    plan = optimise(inputs, rules, compare_pooling=False, time_limit=20)
    event(f"objective: {rules.objective.value}, whole programmes: {rules.whole_programme}")
    assert plan.status is SolveStatus.OPTIMAL  # feasible by construction
    _check_delivery(inputs, rules, plan)
    _check_money_rules(inputs, rules, plan)
    _check_caps(inputs, rules, plan)
    _check_value_rules(inputs, rules, plan)


@SETTINGS
@given(partnerships(), st.data())
def test_pooling_is_never_worse_than_any_partner_alone(
    case: tuple[PlanningInputs, ScenarioRules], data: Any
) -> None:
    """Every plan of a partner alone, with the other partners' money that must be spent put
    into the safe programme, is a pooled plan too, with one exception: a need floor.

    Alone, a partner meets the floor only in the places its own money may reach (the floor
    spreads over those, see ``rules.value.need_shares``: a floor where its money may not go
    could only be met by spending nothing). Pooled, the floor covers every place any
    partner's money may reach, and meeting it there may cost more than the pool gains
    (hand-solved in test_alone_need_floor). So the comparison is skipped only when the floor
    is on and the partner's money reaches fewer places than the pool's.
    """
    inputs, rules = case
    plan = optimise(inputs, rules, compare_pooling=False, time_limit=20)
    partner = data.draw(st.sampled_from([p.key for p in inputs.partners]))
    alone, covered = solve_alone(inputs, rules, partner, time_limit=20)
    assert plan.objective is not None and alone.status is SolveStatus.OPTIMAL
    pooled_covers = {place.place for place in plan.places if place.need_share > 0}
    if rules.need_floor > 0 and covered < pooled_covers:
        event("skipped: the partner alone meets the need floor in fewer places")
        return
    event("compared")
    tolerance = _relative(rules) * max(1.0, abs(alone.objective))
    if rules.whole_programme:
        # Alone counts participants in fractions (the most it could do): against the pool's
        # own relaxation, like with like.
        assert plan.relaxation_objective is not None
        assert plan.relaxation_objective >= alone.objective - LP_TOLERANCE * max(
            1.0, abs(alone.objective)
        )
        assert plan.objective <= plan.relaxation_objective * (1 + LP_TOLERANCE) + 1e-6
        return
    assert plan.objective >= alone.objective - tolerance


@SETTINGS
@given(partnerships())
def test_pooling_is_never_worse_than_commissioning_separately(
    case: tuple[PlanningInputs, ScenarioRules],
) -> None:
    """The separate plan (each partner's money buying for its own benefit, people, providers
    and the partnership's rules shared) is a plan the pool could run, so the value of pooling
    is never below nothing, on every random partnership: capacity, districts, caps, floors,
    windows and whole programmes included."""
    inputs, rules = case
    plan = optimise(inputs, rules, time_limit=20)
    pooling = plan.pooling
    assert pooling is not None and plan.objective is not None
    assert pooling.separate_status is SolveStatus.OPTIMAL  # the same rules, feasible too
    assert pooling.separate_objective is not None and pooling.value_of_pooling is not None
    tolerance = _relative(rules) * max(1.0, abs(plan.objective))
    # Whole people or not, the pooled plan is at least the separate one (``optimiser.whole``).
    assert plan.objective >= pooling.separate_objective - LP_TOLERANCE * max(
        1.0, abs(plan.objective)
    )
    assert pooling.value_of_pooling >= 0
    assert pooling.value_of_pooling == pytest.approx(
        plan.objective - pooling.separate_objective, abs=tolerance
    )
    # What each partner could do alone is labelled, each with its own status or reason.
    for alone in pooling.alone:
        assert alone.status.has_plan or alone.cannot_plan


@SETTINGS
@given(partnerships(), st.data())
def test_raising_a_budget_never_lowers_the_objective(
    case: tuple[PlanningInputs, ScenarioRules], data: Any
) -> None:
    """More money never lowers the objective, with one exception: a need floor. The floor
    spreads over the places some budget may reach (``rules.value.need_shares``), so a line
    raised from nothing can bring new places under it, each owed its share of all spend
    (found by hypothesis: p0's £11 may pay only in the North, p1's line of £0 everywhere, a
    20% floor; p1 at £1 puts the South under the floor, where only that £1 may pay, so total
    spend falls from £11 to £10)."""
    inputs, rules = case
    index = data.draw(st.integers(0, len(inputs.budget_lines) - 1))
    extra = data.draw(st.integers(1, 100_000))
    if rules.need_floor > 0 and inputs.budget_lines[index].maximum == 0:
        event("skipped: a line raised from nothing may bring new places under the need floor")
        return
    lines = list(inputs.budget_lines)
    lines[index] = replace(lines[index], maximum=lines[index].maximum + extra)
    before = optimise(inputs, rules, compare_pooling=False, time_limit=20).objective
    after = optimise(
        replace(inputs, budget_lines=tuple(lines)), rules, compare_pooling=False, time_limit=20
    ).objective
    assert before is not None and after is not None
    assert after >= before - _relative(rules) * max(1.0, abs(before))
