"""``optimise``: build, solve, explain and compare with partners alone, into one Plan."""

from __future__ import annotations

import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from optimiser.answer import rule_rows, variable_cells
from optimiser.build import build
from optimiser.checks import check_rules
from optimiser.diagnose import diagnose
from optimiser.explain import binding_constraints
from optimiser.inputs import PlanningInputs
from optimiser.model import Model
from optimiser.plan import (
    Allocation,
    BindingConstraint,
    BudgetLineSpend,
    Plan,
    ResidentsOutcome,
    RuleRow,
    SolveStatus,
    Timings,
    VariableCell,
)
from optimiser.pooling import compare_pooling as pooling_comparison
from optimiser.price_report import plan_prices
from optimiser.programmes import (
    RunningCost,
    choices,
    cohorts,
    explained_lp,
    running_costs,
    switched_off,
)
from optimiser.report import (
    allocations,
    budget_line_spend,
    demand_reductions,
    evidence_mix,
    floor_note,
    partner_outcomes,
    pence_of,
    place_outcomes,
    plan_money,
    spend_by_year,
)
from optimiser.residents import around_residents, check_residents, residents_outcome
from optimiser.rules.volunteers import volunteer_use
from optimiser.scenario import ScenarioRules
from optimiser.separate import build_separate, pooled_value
from optimiser.solve import SolveResult, model_size, solve_model
from optimiser.start import choices_of
from optimiser.uncertainty import expected_inputs
from optimiser.unfunded import not_funded
from optimiser.unspent import unspent_money
from optimiser.whole import (
    EXPLAINED_WHOLE,
    at_least_separate,
    closeness,
    compared_beside_plan,
    in_fractions,
    solve_comparisons,
    whole_unfunded,
)
from optimiser.wording import Gain

SEPARATELY = (
    "Each partner commissions separately: its own money buys only what it chooses for the "
    "benefit that falls to it, from the same eligible people and providers as the others, with "
    "the partnership's rules on the combined plan. Shadow prices are not quoted: they would "
    "measure each partner's own benefit, not the value of demand avoided."
)
NO_SENSITIVITY = (
    "The solver did not prove this plan best, so shadow prices and reduced costs are not "
    "available: no rule is listed as binding, and unfunded programmes are listed only where a "
    "rule excludes them."
)


def planned_inputs(inputs: PlanningInputs, rules: ScenarioRules) -> PlanningInputs:
    """The inputs the plan's model is built from: the pool around residents' set-asides and
    choices and, planning for uncertainty, the draws' expected figures. Every sentence's
    figure is about this model, so whatever re-solves to check one must build from these."""
    planned = around_residents(inputs)
    if rules.expected_over_draws:
        # Planning for uncertainty: the same linear program at the draws' expected figures.
        planned = expected_inputs(planned, rules.expected_over_draws, rules.draw_seed)
    return planned


def optimise(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    *,
    time_limit: float = 60,
    compare_pooling: bool = True,
    separately: bool = False,
    **highs_options: Any,
) -> Plan:
    """The allocation that maximises expected demand reduction under the scenario's rules.

    Returns a Plan with allocations, benefits by partner, places and evidence,
    the binding rules with shadow prices in words, why each unfunded
    intervention is not funded, the value of pooling, and (when the rules
    cannot all be met) a diagnosis of which rules clash. ``time_limit`` is
    seconds per solve; ``highs_options`` go to HiGHS (e.g. ``solver="ipm"``)
    in every solve: the plan, its explanations, the diagnosis and the
    partners alone. Raises InputError when a rule names something the
    inputs lack (``check_rules``).

    ``separately`` plans the same partners commissioning separately (``optimiser.separate``):
    each partner's money buys only what it chooses for the benefit that falls to it. Its
    objective is then the plan valued as the pooled objective values it; shadow prices and
    reduced costs measure the partners' own benefits, not that, so none are quoted.
    """
    check_rules(inputs, rules)
    check_residents(inputs)
    asked, inputs = inputs, planned_inputs(inputs, rules)
    comparing = compare_pooling and compared_beside_plan(rules, separately=separately)
    started = time.perf_counter()
    # Whole people: the partners' separate plan, then each partner alone, are solved in a
    # second thread while the pooled plan is (HiGHS releases the GIL; each is a search of its
    # own), so the pooled plan can be raised to the separate one if it came out below. Waiting
    # for them counts as the comparison's time (``Timings.pooling``), not the plan's.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="separate-plan") as worker:
        separating = (
            worker.submit(solve_comparisons, inputs, rules, time_limit, highs_options)
            if comparing
            else None
        )
        model = build_separate(inputs, rules) if separately else build(inputs, rules)
        built = time.perf_counter()
        result: SolveResult = solve_model(model, time_limit, **highs_options)
        waiting = time.perf_counter()
        separate_first, alone_first = (
            separating.result() if separating is not None else (None, None)
        )
        separate_seconds = time.perf_counter() - waiting
    if separate_first is not None:
        model, result = at_least_separate(
            inputs, rules, model, result, separate_first, time_limit, highs_options
        )
    # How close the whole plan is, against the bound of the objective it was solved for.
    closeness_words = closeness(result, Gain(inputs, rules)) if result.status.has_plan else ""
    if separately and result.status.has_plan:
        result = replace(result, objective=pooled_value(model))
    solved = time.perf_counter()
    gain = Gain(inputs, rules)
    messages: list[str] = [SEPARATELY] if separately else []
    if result.status is not SolveStatus.OPTIMAL and result.note:
        messages.append(result.note)
    relaxation_objective = relaxation_gap = None
    explained_model, explained = model, result
    running: dict[str, RunningCost] = {}
    plan_allocations: tuple[Allocation, ...] = ()
    lines: tuple[BudgetLineSpend, ...] = ()
    if result.status.has_plan:
        money = plan_money(model)
        plan_allocations = allocations(model, money)
        lines = budget_line_spend(model, money)
    if rules.whole_programme and result.status.has_plan:
        messages.append(closeness_words)
    if rules.whole_programme and result.status.has_plan and not separately:
        explained_model, explained, relaxation_objective = explained_lp(
            inputs, rules, model, result, time_limit, **highs_options
        )
        if relaxation_objective and result.objective is not None:
            relaxation_gap = max(0.0, (relaxation_objective - result.objective)) / abs(
                relaxation_objective
            )
        messages.append(EXPLAINED_WHOLE)
        running = _running_costs(
            inputs, rules, model, explained, plan_allocations, time_limit, highs_options
        )
    if rules.need_floor > 0:
        messages.extend(floor_note(model))
    sensitivity = explained.status is SolveStatus.OPTIMAL and not separately
    if result.status.has_plan and not sensitivity and not separately:
        messages.append(NO_SENSITIVITY)
    diagnosis = None
    if result.status is SolveStatus.INFEASIBLE:
        diagnosis = diagnose(inputs, rules, time_limit=time_limit, **highs_options)
    binding: tuple[BindingConstraint, ...] = ()
    answer: tuple[RuleRow, ...] = ()
    cells: tuple[VariableCell, ...] = ()
    if result.status.has_plan and sensitivity:
        binding = binding_constraints(explained_model, gain)
        answer, cells = rule_rows(explained_model), variable_cells(explained_model)
    unfunded = not_funded(
        explained_model, plan_allocations, solved=sensitivity, running=running, gain=gain
    )
    if rules.whole_programme and not separately:
        binding = tuple(replace(b, sentence=in_fractions(b.sentence)) for b in binding)
        unfunded = tuple(whole_unfunded(u) for u in unfunded)
    unspent = (
        unspent_money(explained_model, lines, gain, explained=sensitivity, binding=binding)
        if result.status.has_plan
        else ()
    )
    explained_at = time.perf_counter()
    pooling = None
    # In target mode there is no value of pooling to compare: each partner alone has no target.
    if (
        compare_pooling
        and not separately
        and rules.target is None
        and result.status.has_plan
        and result.objective is not None
    ):
        pooling = pooling_comparison(
            inputs,
            rules,
            result.objective,
            time_limit=time_limit,
            separate_solved=separate_first,
            alone_solved=alone_first,
            **highs_options,
        )
    finished = time.perf_counter()
    total_spend = sum(pence_of(a.cost) for a in plan_allocations) / 100
    reductions = demand_reductions(model) if result.status.has_plan else ()
    return Plan(
        status=result.status,
        solver_detail=result.detail,
        objective=result.objective,
        objective_kind=rules.objective.value,
        objective_unit=gain.unit,
        years=rules.years,
        total_spend=total_spend,
        value_of_demand_avoided=round(sum(r.value for r in reductions), 2),
        participants=round(sum(a.participants for a in plan_allocations), 4),
        allocations=plan_allocations,
        demand_reductions=reductions,
        partners=partner_outcomes(model, lines) if result.status.has_plan else (),
        places=place_outcomes(model, plan_allocations) if result.status.has_plan else (),
        evidence_mix=evidence_mix(model, plan_allocations),
        binding_constraints=binding,
        not_funded=unfunded,
        rule_rows=answer,
        variable_cells=cells,
        model_size=model_size(model),
        timings=Timings(
            build=built - started,
            solve=solved - built - separate_seconds,
            explain=explained_at - solved,
            pooling=finished - explained_at + separate_seconds,
            total=finished - started,
        ),
        pooling=pooling,
        diagnosis=diagnosis,
        mip_gap=result.mip_gap,
        relaxation_objective=relaxation_objective,
        relaxation_gap=relaxation_gap,
        messages=tuple(messages),
        budget_lines=lines,
        spend_by_year=spend_by_year(rules.years, plan_allocations) if plan_allocations else (),
        volunteers=volunteer_use(explained_model, binding, gain) if sensitivity else (),
        residents=_residents(
            asked, rules, model, result, gain, separately, time_limit, highs_options
        ),
        unspent=unspent,
        prices=plan_prices(model, plan_allocations) if result.status.has_plan else None,
    )


def _residents(
    asked: PlanningInputs,
    rules: ScenarioRules,
    model: Model,
    result: SolveResult,
    gain: Gain,
    separately: bool,
    time_limit: float,
    highs_options: dict[str, Any],
) -> ResidentsOutcome | None:
    """Residents' choices and their cost to the optimised value (a second solve of the same
    scenario with nothing set aside), when the scenario sets money aside.

    The second solve is the plan's own with only the set-aside undone: built from
    ``planned_inputs`` (so planning for uncertainty plans at the same expected figures) and,
    for partners commissioning separately, valued as that plan is, so the cost the sentence
    states is what optimising the set-aside money too would add, re-solved."""
    if not asked.set_asides or not result.status.has_plan or result.objective is None:
        return None
    plain = planned_inputs(dataclasses.replace(asked, set_asides=(), residents_choices=()), rules)
    plain_bound: list[float] = []

    def solve_plain() -> tuple[float | None, bool]:
        plain_model = build_separate(plain, rules) if separately else build(plain, rules)
        # Whole people: the plan with the set-aside is a plan the pool could run with that
        # money too, so the comparison starts there and never comes out below it.
        start = choices_of(model) if plain_model.whole_people else None
        found = solve_model(plain_model, time_limit, start=start, **highs_options)
        proven = found.status is SolveStatus.OPTIMAL
        if not found.status.has_plan:
            return None, proven
        if found.bound is not None and found.objective is not None:
            plain_bound.append(abs(found.bound - found.objective))
        return (pooled_value(plain_model) if separately else found.objective), proven

    def accuracy() -> float:
        # How far the two whole plans together may be from their best (the solver's bounds).
        own = 0.0
        if result.bound is not None and result.objective is not None:
            own = abs(result.bound - result.objective)
        return own + sum(plain_bound)

    return residents_outcome(
        asked,
        model,
        result.objective,
        gain,
        solve_plain,
        proven=result.status is SolveStatus.OPTIMAL,
        accuracy=accuracy if rules.whole_programme else None,
    )


def _running_costs(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    model: Model,
    explained: SolveResult,
    plan_allocations: tuple[Allocation, ...],
    time_limit: float,
    highs_options: dict[str, Any],
) -> dict[str, RunningCost]:
    """What running each programme the whole-programme plan switched off would cost it, against
    the explained linear program (``explained``: choices held, participants in fractions)."""
    funded = {a.intervention for a in plan_allocations if a.cost > 0.005}
    off = switched_off(model, funded)
    if not off or explained.objective is None:
        return {}
    return running_costs(
        inputs,
        rules,
        choices(model),
        explained.objective,
        off,
        time_limit,
        planned_cohorts=cohorts(model),
        **highs_options,
    )
