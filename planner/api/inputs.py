"""The partnership's inputs through the API: partners and their commissioning cycles, budget
lines, existing contracts, demand types with cost shares, interventions with expected effects,
places with eligible populations and capacity overrides.

Every change goes through `planner.inputs.service`, the same functions the web pages use.
"""

from decimal import Decimal
from typing import Any

from flask_openapi3 import APIBlueprint
from pydantic import Field, model_validator
from sqlmodel import Session, SQLModel

from models import (
    BudgetLine,
    CapacityOverride,
    CommissioningCycle,
    DemandType,
    ExistingContract,
    Intervention,
    InterventionEffect,
    Partner,
    Place,
    PlacePopulation,
)
from models.demand import DemandTypeCreate, DemandTypePublic
from models.fields import plain_numbers
from models.intervention import InterventionCreate, InterventionEffectBase, InterventionPublic
from models.partner import (
    BudgetLineCreate,
    BudgetLinePublic,
    CommissioningCycleBase,
    CommissioningCyclePublic,
    ExistingContractCreate,
    ExistingContractPublic,
    PartnerCreate,
    PartnerPublic,
)
from models.place import CapacityOverrideBase, PlaceCreate, PlacePopulationBase, PlacePublic
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.errors import fail
from planner.api.resources import Parent, Resource, add_resource
from planner.auth.roles import EDITORS, READERS
from planner.db import get_session
from planner.inputs import service as inputs
from planner.inputs.demand import cost_shares
from planner.inputs.partners import partner_cycle
from planner.inputs.validation import fetch
from planner.inputs.windows import warned_save

RecordId = Field(ge=1, le=2_147_483_647)


class CostShareItem(SQLModel):
    partner_id: int = RecordId
    share_percent: Decimal = Field(ge=0, le=100, max_digits=6, decimal_places=2)

    _plain_numbers = model_validator(mode="before")(plain_numbers)


class DemandTypeBody(DemandTypeCreate):
    cost_shares: list[CostShareItem] = Field(
        default_factory=list,
        max_length=100,
        description="The share of the unit cost each partner bears; shares must total 100%.",
    )


class DemandTypeWithShares(DemandTypePublic):
    cost_shares: list[CostShareItem]


class InterventionEffectBody(InterventionEffectBase):
    demand_type_id: int = RecordId


class InterventionEffectPublic(InterventionEffectBase):
    id: int
    intervention_id: int
    demand_type_id: int


class PlacePopulationPublic(PlacePopulationBase):
    id: int
    place_id: int


class CapacityOverrideBody(CapacityOverrideBase):
    intervention_id: int = RecordId


class CapacityOverridePublic(CapacityOverrideBase):
    id: int
    place_id: int


def _demand_type_shown(session: Session, demand_type: DemandType) -> DemandTypeWithShares:
    shares = [
        CostShareItem(partner_id=partner.id, share_percent=share)  # type: ignore[arg-type]
        for partner, share in cost_shares(session, demand_type.id)  # type: ignore[arg-type]
    ]
    return DemandTypeWithShares(
        **DemandTypePublic.model_validate(demand_type).model_dump(), cost_shares=shares
    )


def _shares(fields: dict[str, Any]) -> dict[int | str, Any] | None:
    items = fields.pop("cost_shares", None)
    if items is None:
        return None
    return {item["partner_id"]: item["share_percent"] for item in items}


def _create_demand_type(session: Session, fields: dict[str, Any], **options: Any) -> DemandType:
    return inputs.create_demand_type(session, fields, _shares(fields) or {}, **options)


def _update_demand_type(
    session: Session, demand_type_id: int, fields: dict[str, Any], **options: Any
) -> DemandType:
    return inputs.update_demand_type(session, demand_type_id, fields, _shares(fields), **options)


class BudgetLineBody(BudgetLineCreate):
    save_despite_closed_window: bool = Field(
        default=False,
        description="Needed (true) to save a line for a year in which the partner's "
        "commissioning window is closed: the plan can then only continue funding at the level "
        "already contracted. Without it such a line is refused with that warning, nothing saved.",
    )


def _create_budget_line(session: Session, fields: dict[str, Any], **options: Any) -> BudgetLine:
    return warned_save(
        session, fields, lambda checked: inputs.create_budget_line(session, checked, **options)
    )


def _update_budget_line(
    session: Session, line_id: int, fields: dict[str, Any], **options: Any
) -> BudgetLine:
    line = fetch(session, BudgetLine, line_id, "budget line")
    current = {"partner_id": line.partner_id, "year": line.year}
    return warned_save(
        session,
        {**current, **fields},
        lambda checked: inputs.update_budget_line(session, line_id, checked, **options),
    )


def _update_capacity_override(
    session: Session, override_id: int, fields: dict[str, Any], **options: Any
) -> CapacityOverride:
    override = fetch(session, CapacityOverride, override_id, "capacity override")
    current = {"intervention_id": override.intervention_id, "capacity": override.capacity}
    return inputs.save_capacity_override(
        session, override.place_id, {**current, **fields}, **options
    )


NO_SUCH_REFERENCE = "an id in the body names no such record (the error names the field)"

PARTNER = Parent("partners", "partner", Partner, "partner_id")
INTERVENTION = Parent("interventions", "intervention", Intervention, "intervention_id")
PLACE = Parent("places", "place", Place, "place_id")

RESOURCES = [
    Resource(
        "partners", "partner", "Partners",
        "Organisations that contribute money: police, councils, NHS bodies, VRUs, funds.",
        Partner, PartnerPublic, PartnerCreate,
        inputs.create_partner, inputs.update_partner, inputs.delete_partner,
        conflicts=True,
    ),
    Resource(
        "budget-lines", "budget line", "Budget lines",
        "Money a partner can put into the pool for one financial year.",
        BudgetLine, BudgetLinePublic, BudgetLineBody,
        _create_budget_line, _update_budget_line, inputs.delete_budget_line,
        conflicts=True,
        rules=(
            NO_SUCH_REFERENCE,
            "the minimum is above the maximum, or below what existing contracts commit",
            "a ring-fence category or district that nothing has",
            "a year in which the partner's commissioning window is closed, without "
            "save_despite_closed_window",
        ),
    ),
    Resource(
        "existing-contracts", "existing contract", "Existing contracts",
        "Funding a partner has already committed to an intervention (and place) for named years.",
        ExistingContract, ExistingContractPublic, ExistingContractCreate,
        inputs.create_contract, inputs.update_contract, inputs.delete_contract,
        rules=(
            NO_SUCH_REFERENCE,
            "a year outside the partner's budget lines, or more than its budget holds",
        ),
    ),
    Resource(
        "demand-types", "demand type", "Demand types",
        "Units of demand on services, their unit cost and the share each partner bears.",
        DemandType, DemandTypeWithShares, DemandTypeBody,
        _create_demand_type, _update_demand_type, inputs.delete_demand_type,
        shown=_demand_type_shown,
        conflicts=True,
        rules=(
            NO_SUCH_REFERENCE,
            "cost shares that do not add up to 100%, or none at all",
            "a low or high unit cost on the wrong side of the unit cost",
        ),
    ),
    Resource(
        "interventions", "intervention", "Interventions",
        "Programmes that can be commissioned: cost, capacity, evidence rating.",
        Intervention, InterventionPublic, InterventionCreate,
        inputs.create_intervention, inputs.update_intervention, inputs.delete_intervention,
        conflicts=True,
        rules=(
            "a range given by one end only, or with its ends the wrong way round",
            "a minimum cohort larger than the capacity",
            "a cohort cost without a cohort size",
        ),
    ),
    Resource(
        "effects", "expected effect", "Expected effects",
        "Demand an intervention is expected to avoid per participant, per demand type.",
        InterventionEffect, InterventionEffectPublic, InterventionEffectBody,
        inputs.save_effect, inputs.update_effect, inputs.delete_effect,
        parent=INTERVENTION,
        conflicts=True,
        rules=(
            NO_SUCH_REFERENCE,
            "both a standard error and a low-high range, or a range the wrong way round",
        ),
    ),
    Resource(
        "places", "place", "Places",
        "Where place-based teams deliver: district and need index.",
        Place, PlacePublic, PlaceCreate,
        inputs.create_place, inputs.update_place, inputs.delete_place,
        conflicts=True,
    ),
    Resource(
        "populations", "eligible population", "Eligible populations",
        "People in each target group in a place who could take part.",
        PlacePopulation, PlacePopulationPublic, PlacePopulationBase,
        inputs.save_population, inputs.update_population, inputs.delete_population,
        parent=PLACE,
        conflicts=True,
    ),
    Resource(
        "capacity-overrides", "capacity override", "Capacity overrides",
        "A provider's capacity for an intervention in one place, replacing its default.",
        CapacityOverride, CapacityOverridePublic, CapacityOverrideBody,
        inputs.save_capacity_override, _update_capacity_override,
        inputs.delete_capacity_override,
        parent=PLACE,
        rules=(NO_SUCH_REFERENCE,),
    ),
]  # fmt: skip

cycles_bp = api_blueprint(
    "cycles", "Commissioning cycles", "When each partner can let or vary contracts."
)


class CycleBody(CommissioningCycleBase):
    pass


@cycles_bp.get("/partners/<int:id>/cycle", responses={200: CommissioningCyclePublic})
def read_cycle(path: IdPath):
    """Read a partner's commissioning cycle."""
    api_user(*READERS)
    session = get_session()
    partner = fetch(session, Partner, path.id, "partner")
    cycle = partner_cycle(session, partner.id)  # type: ignore[arg-type]
    if cycle is None:
        fail(404, f"{partner.name} has no commissioning cycle recorded yet")
    return CommissioningCyclePublic.model_validate(cycle).model_dump(mode="json")


@cycles_bp.put("/partners/<int:id>/cycle", responses={200: CommissioningCyclePublic})
def save_cycle(path: IdPath, body: CycleBody):
    """Record or replace a partner's commissioning cycle: budget-setting month, the financial
    years its window is open, and its usual contract length."""
    user = api_user(*EDITORS)
    session = get_session()
    cycle: CommissioningCycle = inputs.save_cycle(session, path.id, body.model_dump(), actor=user)
    session.refresh(cycle)
    return CommissioningCyclePublic.model_validate(cycle).model_dump(mode="json")


INPUT_BLUEPRINTS: list[APIBlueprint] = [*map(add_resource, RESOURCES), cycles_bp]
