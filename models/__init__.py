"""The partnership's data: SQLModel tables and the Create/Update/Public schemas forms and the API use.

Nothing here knows about Flask or PuLP. Validation that belongs to one record lives on its Base
schema; rules that span records (cost shares summing to 100%, contracts inside a horizon) live in
`models.rules` so that forms, imports and the API all apply the same words.
"""

from models.agreement import PlanAgreement
from models.audit import AuditEvent
from models.delivery import DeliveryRecord
from models.demand import CostShare, DemandType
from models.evidence_change import EvidenceChange
from models.intervention import Intervention, InterventionEffect
from models.outcome import ObservedOutcome
from models.partner import BudgetLine, CommissioningCycle, ExistingContract, Partner
from models.place import CapacityOverride, Place, PlacePopulation
from models.plan import Plan, PlanAllocation, PlanExplanation, PlanFunding
from models.scenario import Scenario, ScenarioBudgetOverride, ScenarioCap
from models.spend import SpendRecord
from models.token import ApiToken
from models.user import User, UserPlace

__all__ = [
    "ApiToken",
    "AuditEvent",
    "BudgetLine",
    "CapacityOverride",
    "CommissioningCycle",
    "CostShare",
    "DeliveryRecord",
    "DemandType",
    "EvidenceChange",
    "ExistingContract",
    "Intervention",
    "ObservedOutcome",
    "InterventionEffect",
    "Partner",
    "Place",
    "PlacePopulation",
    "Plan",
    "PlanAgreement",
    "PlanAllocation",
    "PlanExplanation",
    "PlanFunding",
    "Scenario",
    "ScenarioBudgetOverride",
    "ScenarioCap",
    "SpendRecord",
    "User",
    "UserPlace",
]
