"""Plan pooled early-intervention budgets: frozen dataclasses in, a Plan with its reasons out.

Pure Python on PuLP and HiGHS; knows nothing of Flask or the database.

    plan = optimise(inputs, rules, time_limit=60)
    plan_to_dict(plan)  # JSON-ready
"""

from __future__ import annotations

import time
from typing import Any

from optimiser.build import build
from optimiser.diagnose import diagnose
from optimiser.evidence import DEFAULT_CONFIDENCE, base_rating, evidence_level
from optimiser.explain import binding_constraints
from optimiser.inputs import (
    BudgetLine,
    BudgetStatus,
    CommissioningCycle,
    DemandType,
    Effect,
    ExistingContract,
    InputError,
    Intervention,
    Partner,
    PartnerKind,
    Place,
    PlanningInputs,
)
from optimiser.model import Model
from optimiser.plan import (
    Allocation,
    BindingConstraint,
    Clash,
    DemandAvoided,
    DemandReduction,
    Diagnosis,
    EvidenceShare,
    ModelSize,
    NotFunded,
    PartnerAlone,
    PartnerFunding,
    PartnerOutcome,
    PlaceOutcome,
    Plan,
    PoolingComparison,
    SolveStatus,
    Timings,
    plan_from_dict,
    plan_to_dict,
)
from optimiser.pooling import compare_pooling
from optimiser.report import (
    allocations,
    demand_reductions,
    evidence_mix,
    floor_note,
    partner_outcomes,
    place_outcomes,
)
from optimiser.scenario import BudgetOverride, CostPerUnitRule, ObjectiveKind, ScenarioRules
from optimiser.solve import SolveResult, model_size, solve_model, value
from optimiser.unfunded import not_funded
from optimiser.wording import Gain

__all__ = [
    "DEFAULT_CONFIDENCE",
    "Allocation",
    "BindingConstraint",
    "BudgetLine",
    "BudgetOverride",
    "BudgetStatus",
    "Clash",
    "CommissioningCycle",
    "CostPerUnitRule",
    "DemandAvoided",
    "DemandReduction",
    "DemandType",
    "Diagnosis",
    "Effect",
    "EvidenceShare",
    "ExistingContract",
    "InputError",
    "Intervention",
    "ModelSize",
    "NotFunded",
    "ObjectiveKind",
    "Partner",
    "PartnerAlone",
    "PartnerFunding",
    "PartnerKind",
    "PartnerOutcome",
    "Place",
    "PlaceOutcome",
    "Plan",
    "PlanningInputs",
    "PoolingComparison",
    "ScenarioRules",
    "SolveStatus",
    "Timings",
    "base_rating",
    "build",
    "compare_pooling",
    "diagnose",
    "evidence_level",
    "optimise",
    "plan_from_dict",
    "plan_to_dict",
]


def _whole_programme(
    inputs: PlanningInputs, rules: ScenarioRules, model: Model, time_limit: float, **options: Any
) -> tuple[Model, float | None]:
    """The LP with programme choices fixed (for duals) and the linear relaxation's objective."""
    relaxed = build(inputs, rules, relax_programmes=True)
    relaxation = solve_model(relaxed, time_limit, **options)
    fixed_at = {key: value(var) for key, var in model.runs.items()}
    fixed = build(inputs, rules, fixed_programmes=fixed_at)
    solve_model(fixed, time_limit, **options)
    return fixed, relaxation.objective if relaxation.status.has_plan else None


def optimise(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    *,
    time_limit: float = 60,
    compare_pooling: bool = True,
    **highs_options: Any,
) -> Plan:
    """The allocation that maximises expected demand reduction under the scenario's rules.

    Returns a Plan with allocations, benefits by partner, places and evidence,
    the binding rules with shadow prices in words, why each unfunded
    intervention is not funded, the value of pooling, and (when the rules
    cannot all be met) a diagnosis of which rules clash. ``time_limit`` is
    seconds per solve; ``highs_options`` go to HiGHS (e.g. ``solver="ipm"``).
    """
    started = time.perf_counter()
    model = build(inputs, rules)
    built = time.perf_counter()
    result: SolveResult = solve_model(model, time_limit, **highs_options)
    solved = time.perf_counter()
    gain = Gain(inputs, rules)
    messages: list[str] = []
    relaxation_objective = relaxation_gap = None
    explained_model = model
    if rules.whole_programme and result.status.has_plan and model.runs:
        explained_model, relaxation_objective = _whole_programme(
            inputs, rules, model, time_limit, **highs_options
        )
        if relaxation_objective and result.objective is not None:
            relaxation_gap = max(0.0, (relaxation_objective - result.objective)) / abs(
                relaxation_objective
            )
        messages.append("Shadow prices are from the linear program with programme choices fixed.")
    if rules.need_floor > 0:
        messages.extend(floor_note(model))
    if result.status is SolveStatus.TIME_LIMIT:
        messages.append(
            "The solver stopped at the time limit: this plan is feasible, not proven best."
        )
    diagnosis = None
    if result.status is SolveStatus.INFEASIBLE:
        diagnosis = diagnose(inputs, rules, time_limit=time_limit)
    plan_allocations: tuple[Allocation, ...] = ()
    binding: tuple[BindingConstraint, ...] = ()
    if result.status.has_plan:
        plan_allocations = allocations(model)
        binding = binding_constraints(explained_model, gain)
    unfunded = not_funded(explained_model, plan_allocations, solved=result.status.has_plan)
    explained = time.perf_counter()
    pooling = None
    if compare_pooling and result.status.has_plan and result.objective is not None:
        pooling = _compare(inputs, rules, result.objective, time_limit)
    finished = time.perf_counter()
    total_spend = sum(a.cost for a in plan_allocations)
    reductions = demand_reductions(model) if result.status.has_plan else ()
    return Plan(
        status=result.status,
        solver_detail=result.detail,
        objective=result.objective,
        objective_kind=rules.objective.value,
        objective_unit=gain.unit,
        years=rules.years,
        total_spend=round(total_spend, 2),
        value_of_demand_avoided=round(sum(r.value for r in reductions), 2),
        participants=round(sum(a.participants for a in plan_allocations), 4),
        allocations=plan_allocations,
        demand_reductions=reductions,
        partners=partner_outcomes(model) if result.status.has_plan else (),
        places=place_outcomes(model, plan_allocations) if result.status.has_plan else (),
        evidence_mix=evidence_mix(model, plan_allocations),
        binding_constraints=binding,
        not_funded=unfunded,
        model_size=model_size(model),
        timings=Timings(
            build=built - started,
            solve=solved - built,
            explain=explained - solved,
            pooling=finished - explained,
            total=finished - started,
        ),
        pooling=pooling,
        diagnosis=diagnosis,
        mip_gap=result.mip_gap,
        relaxation_objective=relaxation_objective,
        relaxation_gap=relaxation_gap,
        messages=tuple(messages),
    )


def _compare(
    inputs: PlanningInputs, rules: ScenarioRules, objective: float, time_limit: float
) -> PoolingComparison:
    return compare_pooling(inputs, rules, objective, time_limit=time_limit)
