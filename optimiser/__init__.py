"""Plan pooled early-intervention budgets: frozen dataclasses in, a Plan with its reasons out.

Pure Python on PuLP and HiGHS; knows nothing of Flask or the database.

    plan = optimise(inputs, rules, time_limit=60)
    plan_to_dict(plan)  # JSON-ready
"""

from __future__ import annotations

from optimiser.build import build
from optimiser.checks import check_rules
from optimiser.diagnose import diagnose
from optimiser.evidence import DEFAULT_CONFIDENCE, base_rating, evidence_level
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
    PriceIndex,
    VolunteerPool,
)
from optimiser.plan import (
    NO_LIMIT,
    Allocation,
    BindingConstraint,
    BudgetLineSpend,
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
    SentenceChange,
    SolveStatus,
    Timings,
    UnspentMoney,
    VolunteerUse,
    YearSpend,
    part_to_dict,
    plan_from_dict,
    plan_to_dict,
)
from optimiser.planning import optimise, planned_inputs
from optimiser.pooling import compare_pooling
from optimiser.residents import ResidentsChoice, SetAside
from optimiser.scenario import (
    BudgetOverride,
    CostPerUnitRule,
    DemandTarget,
    ObjectiveKind,
    ScenarioRules,
)
from optimiser.whole import Comparisons, compared_beside_plan, solve_comparisons

__all__ = [
    "DEFAULT_CONFIDENCE",
    "NO_LIMIT",
    "Allocation",
    "BindingConstraint",
    "BudgetLine",
    "BudgetLineSpend",
    "BudgetOverride",
    "BudgetStatus",
    "Clash",
    "CommissioningCycle",
    "CostPerUnitRule",
    "DemandAvoided",
    "DemandReduction",
    "DemandTarget",
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
    "ResidentsChoice",
    "SetAside",
    "VolunteerPool",
    "VolunteerUse",
    "PlaceOutcome",
    "Plan",
    "PlanningInputs",
    "PriceIndex",
    "PoolingComparison",
    "ScenarioRules",
    "SentenceChange",
    "SolveStatus",
    "Timings",
    "UnspentMoney",
    "YearSpend",
    "base_rating",
    "build",
    "check_rules",
    "compare_pooling",
    "Comparisons",
    "compared_beside_plan",
    "solve_comparisons",
    "diagnose",
    "evidence_level",
    "optimise",
    "planned_inputs",
    "part_to_dict",
    "plan_from_dict",
    "plan_to_dict",
]
