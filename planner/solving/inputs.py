"""From the partnership's tables to the optimiser's inputs and one scenario's rules.

Keys given to the optimiser are the records' names (unique in each table), so the plan it returns
reads in names a commissioner knows ("Family Nurse Partnership" in "Bradford Moor"). A budget line
is keyed "<partner name>-<year>", the optimiser's default, which its sentences recognise.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlmodel import Session, col, select

import optimiser as opt
from models import (
    BudgetLine,
    CapacityOverride,
    CommissioningCycle,
    CostShare,
    DemandType,
    ExistingContract,
    Intervention,
    InterventionEffect,
    Partner,
    Place,
    PlacePopulation,
    Scenario,
    ScenarioBudgetOverride,
    ScenarioCap,
    VolunteerPool,
)
from models.rules import RuleBroken, check_cost_shares
from models.scenario import CapScope
from optimiser.prices import check_index_covers
from planner.community.providers import voluntary_shares
from planner.community.residents import residents_inputs
from planner.inputs.named import named_by_id
from planner.inputs.prices import optimiser_index
from planner.solving.rule_fields import rule_fields


class PlanningInputError(ValueError):
    """The recorded inputs cannot be planned with; the message says what to fix, in words."""


def budget_line_key(partner_name: str, year: int) -> str:
    """The optimiser's key of a partner's budget line for one year."""
    return f"{partner_name}-{year}"


def planning_inputs(
    session: Session, scenario: Scenario
) -> tuple[opt.PlanningInputs, opt.ScenarioRules]:
    """Every table as the optimiser's frozen inputs, and the scenario as its rules.

    Budget lines, contracts and cycles are limited to the scenario's horizon; capacity overrides
    replace an intervention's default capacity in their place; cost shares become fractions.
    Raises PlanningInputError when the records break a rule the optimiser relies on, or the
    scenario's rules name something the partnership lacks (a cap on a category no intervention
    is in, for example).
    """
    partners = named_by_id(session, Partner)
    names = {partner_id: partner.name for partner_id, partner in partners.items()}
    interventions = named_by_id(session, Intervention)
    places = named_by_id(session, Place)
    demand_types = named_by_id(session, DemandType)
    years = set(scenario.years)
    set_asides, residents_choices = residents_inputs(session, scenario.id, years)  # type: ignore[arg-type]
    try:
        inputs = opt.PlanningInputs(
            partners=tuple(
                opt.Partner(
                    key=p.name,
                    name=p.name,
                    kind=opt.PartnerKind(p.kind.value),
                    district=p.district or None,
                )
                for p in partners.values()
            ),
            budget_lines=_budget_lines(session, names, years),
            demand_types=_demand_types(session, demand_types, names),
            interventions=_interventions(session, interventions, demand_types),
            places=_places(session, places, interventions),
            cycles=_cycles(session, names),
            contracts=_contracts(session, names, interventions, places, years),
            volunteer_pools=_volunteer_pools(session, places, years),
            set_asides=set_asides,
            residents_choices=residents_choices,
            prices=optimiser_index(session, demand_types.values()),
        )
        rules = scenario_rules(session, scenario, names, interventions, places, demand_types)
        opt.check_rules(inputs, rules)
        check_index_covers(inputs.prices, rules.years, inputs.interventions)
    except opt.InputError as error:
        raise PlanningInputError(f"The inputs cannot be planned with: {error}.") from error
    return inputs, rules


def _budget_lines(
    session: Session, names: dict[int | None, str], years: set[int]
) -> tuple[opt.BudgetLine, ...]:
    lines = session.exec(
        select(BudgetLine).order_by(col(BudgetLine.partner_id), col(BudgetLine.year))
    ).all()
    return tuple(
        opt.BudgetLine(
            partner=names[line.partner_id],
            year=line.year,
            maximum=float(line.maximum),
            committed_minimum=float(line.minimum or 0),
            status=opt.BudgetStatus(line.status.value),
            ring_fence=tuple(line.ring_fence),
            districts=tuple(line.districts),
            key=budget_line_key(names[line.partner_id], line.year),
        )
        for line in lines
        if line.year in years
    )


def _demand_types(
    session: Session, demand_types: dict[int | None, DemandType], names: dict[int | None, str]
) -> tuple[opt.DemandType, ...]:
    shares: dict[int | None, dict[str, Decimal]] = defaultdict(dict)
    for share in session.exec(select(CostShare)).all():
        shares[share.demand_type_id][names[share.partner_id]] = share.share_percent
    result = []
    for demand_id, demand in demand_types.items():
        percents = shares.get(demand_id, {})
        try:
            check_cost_shares(demand.name, percents)
        except RuleBroken as error:
            raise PlanningInputError(
                f"The inputs cannot be planned with: {error.message}."
            ) from error
        result.append(
            opt.DemandType(
                key=demand.name,
                name=demand.name,
                unit_cost=float(demand.unit_cost),
                shares={partner: float(percent) / 100 for partner, percent in percents.items()},
                unit=demand.unit,
                unit_cost_low=_pounds(demand.unit_cost_low),
                unit_cost_high=_pounds(demand.unit_cost_high),
            )
        )
    return tuple(result)


def _interventions(
    session: Session,
    interventions: dict[int | None, Intervention],
    demand_types: dict[int | None, DemandType],
) -> tuple[opt.Intervention, ...]:
    effects: dict[int | None, list[opt.Effect]] = defaultdict(list)
    voluntary = voluntary_shares(session)
    for effect in session.exec(
        select(InterventionEffect).order_by(col(InterventionEffect.id))
    ).all():
        effects[effect.intervention_id].append(
            opt.Effect(
                demand_type=demand_types[effect.demand_type_id].name,
                reduction_per_participant=effect.reduction_per_participant,
                years_after=tuple(effect.years_after),
                standard_error=effect.standard_error,
                low=effect.effect_low,
                high=effect.effect_high,
            )
        )
    return tuple(
        opt.Intervention(
            key=i.name,
            name=i.name,
            category=str(i.category.value),
            target_group=i.target_group,
            unit_cost=float(i.unit_cost),
            evidence_rating=i.evidence_rating,
            effects=tuple(effects.get(intervention_id, [])),
            fixed_cost=float(i.fixed_cost or 0),
            min_cohort=i.min_cohort,
            cohort_size=i.cohort_size,
            cohort_cost=float(i.cohort_cost or 0),
            minimum_contract=float(i.minimum_contract),
            # 0 means no provider limit was recorded: only the eligible population limits it.
            capacity=i.capacity or None,
            duration_years=max(1, -(-i.duration_weeks // 52)),
            cost_rating=i.cost_rating,
            volunteer_hours_per_participant=i.volunteer_hours,
            voluntary_sector_share=voluntary.get(intervention_id, 0.0),  # type: ignore[arg-type]
            take_up_low=_share(i.take_up_low_percent),
            take_up_high=_share(i.take_up_high_percent),
            price_year=i.price_year,
        )
        for intervention_id, i in interventions.items()
    )


def _pounds(amount: Decimal | None) -> float | None:
    return None if amount is None else float(amount)


def _share(percent: float | None) -> float | None:
    return None if percent is None else percent / 100


def _places(
    session: Session, places: dict[int | None, Place], interventions: dict[int | None, Intervention]
) -> tuple[opt.Place, ...]:
    populations: dict[int | None, dict[str, int]] = defaultdict(dict)
    for row in session.exec(select(PlacePopulation)).all():
        populations[row.place_id][row.target_group] = row.population
    capacities: dict[int | None, dict[str, int]] = defaultdict(dict)
    for override in session.exec(select(CapacityOverride)).all():
        intervention = interventions.get(override.intervention_id)
        if intervention is not None:
            capacities[override.place_id][intervention.name] = override.capacity
    return tuple(
        opt.Place(
            key=place.name,
            name=place.name,
            district=place.district,
            population=populations.get(place_id, {}),
            need_index=place.need_index,
            capacity=capacities.get(place_id, {}),
        )
        for place_id, place in places.items()
    )


def _volunteer_pools(
    session: Session, places: dict[int | None, Place], years: set[int]
) -> tuple[opt.VolunteerPool, ...]:
    """Shared volunteers in each place and year of the horizon."""
    return tuple(
        opt.VolunteerPool(
            place=places[pool.place_id].name,
            year=pool.year,
            hours=pool.hours,
            hours_per_volunteer=pool.hours_per_volunteer,
            cost_per_volunteer=float(pool.cost_per_volunteer),
        )
        for pool in session.exec(select(VolunteerPool).order_by(col(VolunteerPool.id)))
        if pool.year in years and pool.place_id in places
    )


def _cycles(session: Session, names: dict[int | None, str]) -> tuple[opt.CommissioningCycle, ...]:
    return tuple(
        opt.CommissioningCycle(
            partner=names[cycle.partner_id],
            open_years=tuple(cycle.open_years),
            budget_setting_month=cycle.budget_setting_month,
            contract_length_years=cycle.contract_length_years,
        )
        for cycle in session.exec(select(CommissioningCycle)).all()
    )


def _contracts(
    session: Session,
    names: dict[int | None, str],
    interventions: dict[int | None, Intervention],
    places: dict[int | None, Place],
    years: set[int],
) -> tuple[opt.ExistingContract, ...]:
    result = []
    for contract in session.exec(select(ExistingContract).order_by(col(ExistingContract.id))).all():
        in_horizon = tuple(year for year in contract.years if year in years)
        if not in_horizon:
            continue
        result.append(
            opt.ExistingContract(
                partner=names[contract.partner_id],
                intervention=interventions[contract.intervention_id].name,
                years=in_horizon,
                amount_per_year=float(contract.annual_amount),
                place=places[contract.place_id].name if contract.place_id else None,
            )
        )
    return tuple(result)


def scenario_rules(
    session: Session,
    scenario: Scenario,
    names: dict[int | None, str],
    interventions: dict[int | None, Intervention],
    places: dict[int | None, Place],
    demand_types: dict[int | None, DemandType],
) -> opt.ScenarioRules:
    """The scenario's thresholds, caps, overrides and objective, keyed by names."""
    demand_names = {str(key): demand.name for key, demand in demand_types.items()}
    partner_names = {str(key): name for key, name in names.items()}
    cost_rule = None
    if scenario.max_cost_per_unit is not None and scenario.max_cost_per_unit_demand_type_id:
        cost_rule = opt.CostPerUnitRule(
            demand_type=demand_names[str(scenario.max_cost_per_unit_demand_type_id)],
            max_cost=float(scenario.max_cost_per_unit),
        )
    place_caps, intervention_caps, category_caps = _caps(session, scenario, interventions, places)
    return opt.ScenarioRules(
        **rule_fields(scenario, partner_names, demand_names),
        max_cost_per_unit=cost_rule,
        place_caps=place_caps,
        intervention_caps=intervention_caps,
        category_caps=category_caps,
        budget_overrides=_budget_overrides(session, scenario, names),
        target=_target(scenario, demand_names),
    )


def _target(scenario: Scenario, demand_names: dict[str, str]) -> opt.DemandTarget | None:
    """Target mode's target, in the demand type's units or in pounds of all demand avoided."""
    if scenario.target_amount is None:
        return None
    demand = scenario.target_demand_type_id
    return opt.DemandTarget(
        amount=scenario.target_amount,
        demand_type=demand_names[str(demand)] if demand is not None else None,
    )


def _budget_overrides(
    session: Session, scenario: Scenario, names: dict[int | None, str]
) -> tuple[opt.BudgetOverride, ...]:
    overrides = session.exec(
        select(ScenarioBudgetOverride, BudgetLine)
        .join(BudgetLine, BudgetLine.id == ScenarioBudgetOverride.budget_line_id)  # type: ignore[arg-type]
        .where(ScenarioBudgetOverride.scenario_id == scenario.id)
    ).all()
    return tuple(
        opt.BudgetOverride(
            budget_line=budget_line_key(names[line.partner_id], line.year),
            maximum=float(override.maximum),
            committed_minimum=None if override.minimum is None else float(override.minimum),
        )
        for override, line in overrides
        if line.year in scenario.years
    )


def _caps(
    session: Session,
    scenario: Scenario,
    interventions: dict[int | None, Intervention],
    places: dict[int | None, Place],
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Caps by place, intervention and category; a target is an id, or a name typed in full."""
    intervention_names = {str(key): i.name for key, i in interventions.items()}
    intervention_names.update({i.name: i.name for i in interventions.values()})
    place_names = {str(key): p.name for key, p in places.items()}
    place_names.update({p.name: p.name for p in places.values()})
    by_place: dict[str, float] = {}
    by_intervention: dict[str, float] = {}
    by_category: dict[str, float] = {}
    caps = session.exec(select(ScenarioCap).where(ScenarioCap.scenario_id == scenario.id)).all()
    for cap in caps:
        if cap.scope == CapScope.PLACE:
            if cap.target not in place_names:
                raise PlanningInputError(
                    f"The scenario caps spend in a place that no longer exists ({cap.target})."
                )
            by_place[place_names[cap.target]] = float(cap.maximum)
        elif cap.scope == CapScope.INTERVENTION:
            if cap.target not in intervention_names:
                raise PlanningInputError(
                    f"The scenario caps an intervention that no longer exists ({cap.target})."
                )
            by_intervention[intervention_names[cap.target]] = float(cap.maximum)
        else:
            by_category[cap.target] = float(cap.maximum)
    return by_place, by_intervention, by_category
