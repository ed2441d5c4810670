"""Load the demo partnership into the database, in one transaction, and make its sign-ins.

`planner demo` calls `load_demo`; `planner serve --demo` calls `ensure_demo`. Every record is
validated by the same Create schemas and cross-record rules as a form or an import, so the demo
can never hold what a user could not enter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func
from sqlmodel import Session, SQLModel, select
from werkzeug.security import generate_password_hash

from models import (
    BudgetLine,
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
    User,
    UserPlace,
)
from models.demand import CostShareCreate, DemandTypeCreate
from models.fields import field_errors
from models.intervention import InterventionCreate, InterventionEffectCreate
from models.partner import (
    BudgetLineCreate,
    CommissioningCycleCreate,
    ExistingContractCreate,
    PartnerCreate,
)
from models.place import PlaceCreate, PlacePopulationBase
from models.pooled_fund import PooledFundAgreement, RiskShareBasis
from models.price_index import PriceIndexYear, PriceIndexYearCreate
from models.rules import RuleBroken, check_contract_years, check_cost_shares
from models.scenario import ScenarioCreate
from models.user import UserCreate
from models.vocabulary import BudgetStatus, financial_year_label
from planner.audit.service import record_change
from planner.community.indicators import refresh_need
from planner.db import new_session, stored_id
from planner.demo import evidence, partnership, spreads, unit_costs
from planner.demo.agreed import agree_demo_plan
from planner.demo.community import (
    add_ballot,
    add_feedback,
    add_indicators,
    add_providers,
    add_volunteers,
)
from planner.demo.content import DEMO_PASSWORD, DemoSignIn
from planner.demo.prices import DEMO_PRICE_YEAR, conversion_words, in_demo_prices
from planner.inputs.treasury_deflators import treasury_rows


class DemoError(Exception):
    """The demo cannot be loaded; the message says why in one line."""


def load_demo(reset: bool = False) -> list[str]:
    """Load the demo partnership and its sign-ins, then solve and agree its first scenario with
    some delivery recorded against it (see `planner.demo.agreed`); return the lines to print.

    Without `reset`, refuses (changing nothing) when the database already holds a partnership,
    so a second run can never mix the demo into real data. With `reset`, every record is deleted
    first, in the same transaction: if loading fails, nothing is deleted.
    """
    with new_session() as session:
        if reset:
            _delete_everything(session)
        else:
            _refuse_if_not_empty(session)
        counts = _add_partnership(session)
        ballot_line = str(counts.pop("ballot"))
        sign_ins = _add_sign_ins(session)
        record_change(
            session,
            None,
            "import",
            "demo",
            "",
            None,
            counts,
            summary="Loaded the illustrative West Yorkshire demo partnership"
            + (" after deleting every record" if reset else ""),
        )
        session.commit()
    # The partnership is saved first: its agreed plan is solved from what was just committed.
    agreed = agree_demo_plan()
    return [
        "Loaded the demo partnership, modelled on West Yorkshire with illustrative figures: "
        f"{counts['partners']} partners, {counts['places']} places, "
        f"{counts['interventions']} interventions, {counts['demand_types']} demand types, "
        f"{counts['scenarios']} scenarios.",
        f"Unit costs are published fiscal costs in {financial_year_label(DEMO_PRICE_YEAR)} "
        "prices (converted from their sources' price years with HM Treasury GDP deflators); "
        "costs per participant, effects, budgets and places are illustrative.",
        *agreed,
        ballot_line,
        *_sign_in_lines(sign_ins),
        f'Try: planner solve "{partnership.SCENARIOS[2].name}"',
    ]


def ensure_demo() -> list[str]:
    """Load the demo if the database has no partners; always make sure the demo sign-ins exist.

    Never raises: `planner serve --demo` should still serve a database that holds something else.
    """
    with new_session() as session:
        has_partners = session.exec(select(Partner.id).limit(1)).first() is not None
    if not has_partners:
        try:
            return load_demo(reset=False)
        except DemoError as error:
            return [f"The demo partnership was not loaded: {error}"]
    with new_session() as session:
        sign_ins = _add_sign_ins(session)
        session.commit()
    return [
        "The database already holds a partnership, so the demo was not loaded.",
        *_sign_in_lines(sign_ins),
    ]


# --- Guarding what is already there -----------------------------------------------------------

PARTNERSHIP_TABLES: tuple[tuple[type[SQLModel], str], ...] = (
    (Partner, "partners"),
    (Place, "places"),
    (Intervention, "interventions"),
    (DemandType, "demand types"),
    (Scenario, "scenarios"),
)


def _refuse_if_not_empty(session: Session) -> None:
    held = []
    for table, label in PARTNERSHIP_TABLES:
        count = session.exec(select(func.count()).select_from(table)).one()
        if count:
            held.append(f"{count} {label}")
    if held:
        raise DemoError(
            f"the database already holds a partnership ({', '.join(held)}); nothing was changed. "
            "Run `planner demo --reset` to delete every record and load the demo instead"
        )


def _delete_everything(session: Session) -> None:
    """Every row of every table, children first (foreign keys are enforced)."""
    for table in reversed(SQLModel.metadata.sorted_tables):
        session.execute(delete(table))
    session.flush()


# --- Creating the records ---------------------------------------------------------------------


def _validated(schema: type[SQLModel], fields: Mapping[str, Any], what: str) -> dict[str, Any]:
    """The fields as the schema accepts them, or a DemoError naming the record and the problem."""
    try:
        return schema.model_validate(dict(fields)).model_dump()
    except ValidationError as error:
        problems = "; ".join(f"{field} {reason}" for field, reason in field_errors(error).items())
        raise DemoError(f"demo {what}: {problems}") from error


def _add_partnership(session: Session) -> dict[str, int]:
    partners = _add_partners(session)
    places = _add_places(session)
    add_indicators(session, places)
    refresh_need(session, None)
    demand_types = _add_demand_types(session, partners)
    _add_price_index(session)
    interventions = _add_interventions(session, demand_types)
    add_feedback(session, places, interventions)
    add_volunteers(session, places)
    add_providers(session, interventions)
    _add_contracts(session, partners, interventions, places)
    _add_scenarios(session, partners)
    ballot_line = add_ballot(session, places, interventions)
    return {
        "ballot": ballot_line,  # type: ignore[dict-item]
        "partners": len(partners),
        "budget_lines": len(partnership.BUDGETS),
        "contracts": len(partnership.CONTRACTS),
        "places": len(places),
        "demand_types": len(demand_types),
        "interventions": len(interventions),
        "scenarios": len(partnership.SCENARIOS),
    }


def _add_partners(session: Session) -> dict[str, Partner]:
    partners: dict[str, Partner] = {}
    for demo in partnership.PARTNERS:
        fields = {"name": demo.name, "kind": demo.kind, "district": demo.district}
        partner = Partner(
            **_validated(PartnerCreate, {**fields, "notes": demo.notes}, f"partner {demo.name}")
        )
        session.add(partner)
        session.flush()
        cycle = {
            "partner_id": partner.id,
            "budget_setting_month": demo.budget_setting_month,
            "open_years": list(demo.open_years),
            "contract_length_years": demo.contract_length_years,
        }
        what = f"commissioning cycle of {demo.name}"
        session.add(CommissioningCycle(**_validated(CommissioningCycleCreate, cycle, what)))
        partners[demo.name] = partner
    for budget in partnership.BUDGETS:
        budget_fields: dict[str, Any] = {
            "partner_id": partners[budget.partner].id,
            "year": budget.year,
            "maximum": Decimal(budget.maximum),
            "minimum": None if budget.minimum is None else Decimal(budget.minimum),
            "status": BudgetStatus.CONFIRMED if budget.confirmed else BudgetStatus.INDICATIVE,
            "ring_fence": [str(category) for category in budget.ring_fence],
            "districts": list(budget.districts),
            "illustrative": True,
        }
        what = f"budget line of {budget.partner} for {budget.year}"
        session.add(BudgetLine(**_validated(BudgetLineCreate, budget_fields, what)))
    session.flush()
    return partners


def _add_places(session: Session) -> dict[str, Place]:
    places: dict[str, Place] = {}
    for demo in partnership.PLACES:
        fields = {
            "name": demo.name,
            "district": demo.district,
            "need_index": demo.need_index,
            "description": demo.description,
            "illustrative": True,
        }
        place = Place(**_validated(PlaceCreate, fields, f"place {demo.name}"))
        session.add(place)
        session.flush()
        for group, people in demo.populations.items():
            population = {"target_group": group, "population": people}
            what = f"population of {demo.name}"
            row = _validated(PlacePopulationBase, population, what)
            session.add(PlacePopulation(**row, place_id=stored_id(place)))
        places[demo.name] = place
    return places


def _add_demand_types(session: Session, partners: Mapping[str, Partner]) -> dict[str, DemandType]:
    demand_types: dict[str, DemandType] = {}
    for demo in unit_costs.DEMAND_TYPES:
        published = Decimal(demo.published_cost)
        cost = in_demo_prices(published, demo.published_year)
        cost_range, range_words = spreads.unit_cost_range(demo.name, cost)
        fields = {
            "name": demo.name,
            "unit": demo.unit,
            "unit_cost": cost,
            **cost_range,
            "price_year": financial_year_label(DEMO_PRICE_YEAR),
            "cost_source": demo.cost_source,
            "cost_source_url": demo.cost_source_url,
            "cost_published": demo.cost_published,
            "description": " ".join(
                (
                    demo.description,
                    conversion_words(published, demo.published_year, demo.year_assumed),
                    range_words,
                )
            ).strip(),
        }
        demand_type = DemandType(**_validated(DemandTypeCreate, fields, f"demand type {demo.name}"))
        session.add(demand_type)
        session.flush()
        shares = {partner: Decimal(percent) for partner, percent in demo.cost_shares.items()}
        try:
            check_cost_shares(demo.name, shares)
        except RuleBroken as error:
            raise DemoError(f"demo {error.message}") from error
        for partner_name, percent in shares.items():
            share = {"partner_id": partners[partner_name].id, "share_percent": percent}
            row = _validated(CostShareCreate, share, f"cost share of {demo.name}")
            session.add(CostShare(**row, demand_type_id=stored_id(demand_type)))
        demand_types[demo.name] = demand_type
    return demand_types


def _add_price_index(session: Session) -> None:
    """HM Treasury's GDP deflators with the OBR's forecasts: budgets are cash, costs 2022/23."""
    for fields in treasury_rows():
        session.add(
            PriceIndexYear(
                **_validated(PriceIndexYearCreate, fields, f"price index {fields['year']}")
            )
        )
    session.flush()


def _add_interventions(
    session: Session, demand_types: Mapping[str, DemandType]
) -> dict[str, Intervention]:
    interventions: dict[str, Intervention] = {}
    for demo in evidence.INTERVENTIONS:
        fields = {
            "name": demo.name,
            "category": demo.category,
            "target_group": demo.target_group,
            "description": demo.description,
            "unit_cost": Decimal(demo.unit_cost),
            "fixed_cost": None if demo.fixed_cost is None else Decimal(demo.fixed_cost),
            "min_cohort": demo.min_cohort,
            "cohort_size": demo.cohort_size,
            "minimum_contract": Decimal(demo.minimum_contract),
            "capacity": demo.capacity,
            "duration_weeks": demo.duration_weeks,
            "evidence_rating": demo.evidence_rating,
            "cost_rating": demo.cost_rating,
            "rating_source": demo.rating_source,
            "rating_date": demo.rating_date,
            "rating_url": demo.rating_url,
            "volunteer_hours": demo.volunteer_hours,
            "illustrative": True,
            # The demo's unit costs are all in its price year (see planner.demo.prices).
            "price_year": DEMO_PRICE_YEAR,
        }
        if demo.name in spreads.TAKE_UP_PERCENT:
            low, high = spreads.TAKE_UP_PERCENT[demo.name]
            fields["take_up_low_percent"], fields["take_up_high_percent"] = low, high
            fields["description"] = f"{demo.description} {spreads.TAKE_UP_NOTE}"
        intervention = Intervention(
            **_validated(InterventionCreate, fields, f"intervention {demo.name}")
        )
        session.add(intervention)
        session.flush()
        for effect in demo.effects:
            row = {
                "demand_type_id": demand_types[effect.demand_type].id,
                "reduction_per_participant": effect.reduction_per_participant,
                "years_after": list(effect.years_after),
                **spreads.effect_spread(
                    demo.name, effect.demand_type, effect.reduction_per_participant
                ),
            }
            what = f"effect of {demo.name} on {effect.demand_type}"
            session.add(
                InterventionEffect(
                    **_validated(InterventionEffectCreate, row, what),
                    intervention_id=stored_id(intervention),
                )
            )
        interventions[demo.name] = intervention
    return interventions


def _add_contracts(
    session: Session,
    partners: Mapping[str, Partner],
    interventions: Mapping[str, Intervention],
    places: Mapping[str, Place],
) -> None:
    budget_years: dict[str, list[int]] = {}
    for budget in partnership.BUDGETS:
        budget_years.setdefault(budget.partner, []).append(budget.year)
    for demo in partnership.CONTRACTS:
        try:
            check_contract_years(demo.partner, demo.years, budget_years.get(demo.partner, []))
        except RuleBroken as error:
            raise DemoError(f"demo contract of {demo.partner}: {error.message}") from error
        fields = {
            "partner_id": partners[demo.partner].id,
            "intervention_id": interventions[demo.intervention].id,
            "place_id": places[demo.place].id if demo.place else None,
            "years": list(demo.years),
            "annual_amount": Decimal(demo.annual_amount),
            "notes": demo.notes,
        }
        what = f"contract of {demo.partner} for {demo.intervention}"
        session.add(ExistingContract(**_validated(ExistingContractCreate, fields, what)))


def _add_scenarios(session: Session, partners: Mapping[str, Partner]) -> None:
    for demo in partnership.SCENARIOS:
        fields = {
            "name": demo.name,
            "description": demo.description,
            "first_year": partnership.FIRST,
            "horizon_years": len(partnership.ALL_YEARS),
            "funding_mode": demo.funding_mode,
            "min_evidence_rating": demo.min_evidence_rating,
            "min_share_rated_3_plus": demo.min_share_rated_3_plus,
            "bcr_threshold": demo.bcr_threshold,
            "portfolio_vfm_ratio": demo.portfolio_vfm_ratio,
            "partner_fairness": demo.partner_fairness,
            "partner_fairness_overrides": {
                str(partners[name].id): 0.0 for name in demo.fairness_exempt
            },
            "need_floor": demo.need_floor,
            # The agreed plan is whole people: whole participants, whole cohorts, minimum
            # contracts.
            "whole_programme": True,
        }
        session.add(Scenario(**_validated(ScenarioCreate, fields, f"scenario {demo.name}")))
    session.flush()
    _add_pooled_fund_agreement(session, partners)


def _add_pooled_fund_agreement(session: Session, partners: Mapping[str, Partner]) -> None:
    """The first scenario's pooled-fund agreement, so its agreed plan shows exposure and
    headroom (illustrative terms: a council hosts, as in most Better Care Fund agreements)."""
    first = session.exec(
        select(Scenario).where(Scenario.name == partnership.SCENARIOS[0].name)
    ).one()
    session.add(
        PooledFundAgreement(
            scenario_id=first.id,  # type: ignore[arg-type]
            host_partner_id=partners[partnership.AGREEMENT_HOST].id,
            overspend_basis=RiskShareBasis.CONTRIBUTIONS,
            underspend_basis=RiskShareBasis.CONTRIBUTIONS,
            contingency_percent=partnership.AGREEMENT_CONTINGENCY_PERCENT,
            reference="Illustrative: the section 75 agreement the demo partnership might sign",
            updated_by_name="demo",
        )
    )
    session.flush()


# --- Sign-ins -----------------------------------------------------------------------------


def _add_sign_ins(session: Session) -> list[tuple[DemoSignIn, str]]:
    """Create each demo sign-in that does not exist yet; say which were created or kept."""
    outcome: list[tuple[DemoSignIn, str]] = []
    for demo in partnership.SIGN_INS:
        if session.exec(select(User).where(User.email == demo.email)).first() is not None:
            outcome.append((demo, "already there"))
            continue
        place_ids = [
            stored_id(place)
            for place in session.exec(select(Place).where(Place.name.in_(demo.places))).all()  # type: ignore[attr-defined]
        ]
        if demo.places and not place_ids:
            outcome.append((demo, "not created: its places are not in this database"))
            continue
        fields = {
            "email": demo.email,
            "name": demo.name,
            "role": demo.role,
            "password": DEMO_PASSWORD,
        }
        details = _validated(UserCreate, fields, f"sign-in {demo.email}")
        details.pop("password")
        user = User(**details, password_hash=generate_password_hash(DEMO_PASSWORD))
        session.add(user)
        session.flush()
        for place_id in place_ids:
            session.add(UserPlace(user_id=stored_id(user), place_id=place_id))
        record_change(
            session,
            None,
            "create",
            "user",
            user.id,
            None,
            {"email": user.email, "name": user.name, "role": str(user.role), "places": place_ids},
            summary="Demo sign-in",
        )
        outcome.append((demo, "created"))
    return outcome


def _sign_in_lines(sign_ins: Iterable[tuple[DemoSignIn, str]]) -> list[str]:
    lines = [f"Demo sign-ins (password for each: {DEMO_PASSWORD}):"]
    for demo, what in sign_ins:
        places = f", leads {' and '.join(demo.places)}" if demo.places else ""
        lines.append(f"  {demo.email}  {demo.role.label}{places} ({what})")
    return lines
