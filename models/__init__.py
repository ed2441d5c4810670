"""The partnership's data: SQLModel tables and the Create/Update/Public schemas forms and the API use.

Nothing here knows about Flask or PuLP. Validation that belongs to one record lives on its Base
schema; rules that span records (cost shares summing to 100%, contracts inside a horizon) live in
`models.rules` so that forms, imports and the API all apply the same words.
"""

from models.agreement import PlanAgreement
from models.analysis import PlanAnalysis
from models.audit import AuditEvent
from models.ballot import Ballot, BallotOption, Vote, VotingCode
from models.consultation import Consultation
from models.delivery import DeliveryRecord
from models.demand import CostShare, DemandType
from models.evidence_change import EvidenceChange
from models.generation import DataGeneration
from models.indicator import IndicatorValue, RiskIndicator
from models.intervention import Intervention, InterventionEffect
from models.job import Job, JobState
from models.outcome import ObservedOutcome
from models.partner import BudgetLine, CommissioningCycle, ExistingContract, Partner
from models.place import CapacityOverride, Place, PlacePopulation
from models.plan import Plan, PlanAllocation, PlanExplanation, PlanFunding
from models.pooled_fund import PooledFundAgreement, PooledFundShare
from models.price_index import PriceIndexYear
from models.provider import Provider
from models.scenario import Scenario, ScenarioBudgetOverride, ScenarioCap
from models.spend import SpendRecord
from models.token import ApiToken
from models.user import User, UserPlace
from models.volunteer import VolunteerPool

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Ballot",
    "BallotOption",
    "BudgetLine",
    "CapacityOverride",
    "CommissioningCycle",
    "Consultation",
    "CostShare",
    "DataGeneration",
    "DeliveryRecord",
    "DemandType",
    "EvidenceChange",
    "ExistingContract",
    "IndicatorValue",
    "Intervention",
    "ObservedOutcome",
    "InterventionEffect",
    "Job",
    "JobState",
    "Partner",
    "Place",
    "PlacePopulation",
    "Plan",
    "PlanAgreement",
    "PlanAnalysis",
    "PlanAllocation",
    "PlanExplanation",
    "PlanFunding",
    "Provider",
    "RiskIndicator",
    "PooledFundAgreement",
    "PooledFundShare",
    "PriceIndexYear",
    "Scenario",
    "ScenarioBudgetOverride",
    "ScenarioCap",
    "SpendRecord",
    "User",
    "UserPlace",
    "Vote",
    "VolunteerPool",
    "VotingCode",
]
