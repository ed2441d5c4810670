"""The foundation's "done when": inputs are validated with exact, plain-English messages, and a
failed save changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from sqlmodel import func, select

from models import AuditEvent, CostShare, DemandType
from models.demand import DemandTypeCreate
from models.fields import field_errors
from models.intervention import InterventionCreate
from models.partner import BudgetLineCreate
from models.rules import RuleBroken, check_contract_years, check_cost_shares
from models.scenario import ScenarioBudgetOverrideBase, ScenarioCreate
from planner.db import new_session
from planner.inputs import service
from planner.inputs.validation import InputError


def errors_of(schema, fields) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError) as raised:
        schema.model_validate(fields)
    return field_errors(raised.value)  # type: ignore[arg-type]


def test_cost_shares_must_total_100_percent() -> None:
    with pytest.raises(RuleBroken) as broken:
        check_cost_shares(
            "Police call-out",
            {"Kirklees Council": Decimal("40"), "West Yorkshire Police": Decimal("50")},
        )
    assert broken.value.field == "cost_shares"
    assert broken.value.message == "Police call-out: cost shares total 90%, but must total 100%"
    check_cost_shares("Police call-out", {"A": Decimal("33.33"), "B": Decimal("66.67")})


def test_money_cannot_be_negative() -> None:
    assert errors_of(
        DemandTypeCreate, {"name": "A&E attendance", "unit": "attendance", "unit_cost": "-1"}
    ) == {"unit_cost": "must be 0 or more"}
    assert errors_of(BudgetLineCreate, {"partner_id": 1, "year": 2026, "maximum": "-500"}) == {
        "maximum": "must be 0 or more"
    }


def test_evidence_rating_must_be_on_the_guidebook_scale() -> None:
    assert errors_of(
        InterventionCreate,
        {
            "name": "X",
            "target_group": "y",
            "unit_cost": 1,
            "evidence_rating": "5",
            "price_year": 2022,
        },
    ) == {
        "evidence_rating": "'5' is not an evidence rating; use one of 4+, 4, 3+, 3, 2+, 2, NL2, NE"
    }


def test_budget_minimum_cannot_exceed_its_maximum() -> None:
    assert errors_of(
        BudgetLineCreate, {"partner_id": 1, "year": 2026, "maximum": "500000", "minimum": "600000"}
    ) == {
        "minimum": "The committed minimum (£600,000.00) is more than the maximum (£500,000.00) "
        "for 2026/27"
    }


def test_scenario_rules_about_the_whole_record_name_their_field() -> None:
    assert errors_of(ScenarioCreate, {"name": "One type", "objective": "single"}) == {
        "objective_demand_type_id": "choose the demand type to optimise when optimising one type only"
    }
    assert errors_of(ScenarioCreate, {"name": "Cap", "max_cost_per_unit_demand_type_id": 3}) == {
        "max_cost_per_unit": "a cost-per-unit cap needs both a demand type and an amount: give "
        "the amount"
    }
    assert errors_of(ScenarioCreate, {"name": "Cap", "max_cost_per_unit": "900"}) == {
        "max_cost_per_unit_demand_type_id": "a cost-per-unit cap needs both a demand type and an "
        "amount: choose the demand type"
    }


def test_a_scenario_budget_override_minimum_cannot_exceed_its_maximum() -> None:
    assert errors_of(
        ScenarioBudgetOverrideBase, {"budget_line_id": 1, "maximum": "100", "minimum": "150.5"}
    ) == {"minimum": "The committed minimum (£150.50) is more than the maximum (£100.00)"}


def test_contract_must_fall_within_the_horizon() -> None:
    with pytest.raises(RuleBroken) as broken:
        check_contract_years("Kirklees Council", [2026, 2030], [2026, 2027, 2028])
    assert broken.value.field == "years"
    assert broken.value.message == (
        "2030/31 is outside the planning horizon: Kirklees Council has no budget line for that year"
    )


def test_services_give_the_same_words_on_the_field_to_fix(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        partner = service.create_partner(session, {"name": "Kirklees Council"})
        service.create_budget_line(
            session, {"partner_id": partner.id, "year": 2026, "maximum": 500000}
        )
        with pytest.raises(InputError) as minimum:
            service.create_budget_line(
                session,
                {"partner_id": partner.id, "year": 2027, "maximum": 500000, "minimum": 600000},
            )
        assert minimum.value.errors == {
            "minimum": "The committed minimum (£600,000.00) is more than the maximum "
            "(£500,000.00) for 2027/28"
        }
        intervention = service.create_intervention(
            session,
            {
                "name": "Mentoring",
                "target_group": "young people",
                "unit_cost": 900,
                "price_year": 2022,
            },
        )
        with pytest.raises(InputError) as horizon:
            service.create_contract(
                session,
                {
                    "partner_id": partner.id,
                    "intervention_id": intervention.id,
                    "years": "2026/27, 2030/31",
                    "annual_amount": 1000,
                },
            )
        assert horizon.value.errors == {
            "years": "2030/31 is outside the planning horizon: Kirklees Council has no budget "
            "line for that year"
        }


def test_a_failed_save_changes_nothing(app: Flask) -> None:
    """A demand type whose shares total 90% leaves no demand type, no shares, no audit row."""
    with app.app_context(), new_session() as session:
        police = service.create_partner(session, {"name": "West Yorkshire Police"})
        council = service.create_partner(session, {"name": "Kirklees Council"})
        audit_rows = session.exec(select(func.count()).select_from(AuditEvent)).one()
        with pytest.raises(InputError) as failed:
            service.create_demand_type(
                session,
                {"name": "Police call-out", "unit": "call-out", "unit_cost": "629"},
                {police.id: "50", council.id: "40"},
            )
        assert failed.value.errors == {
            "cost_shares": "Police call-out: cost shares total 90%, but must total 100%"
        }
    with app.app_context(), new_session() as fresh:
        assert fresh.exec(select(DemandType)).first() is None
        assert fresh.exec(select(CostShare)).first() is None
        assert fresh.exec(select(func.count()).select_from(AuditEvent)).one() == audit_rows


def test_every_problem_with_a_demand_type_is_reported_at_once(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        police = service.create_partner(session, {"name": "West Yorkshire Police"})
        with pytest.raises(InputError) as failed:
            service.create_demand_type(
                session,
                {"name": "Police call-out", "unit": "call-out", "unit_cost": "-629"},
                {police.id: "90"},
            )
        assert failed.value.errors == {
            "unit_cost": "must be 0 or more",
            "cost_shares": "Police call-out: cost shares total 90%, but must total 100%",
        }
