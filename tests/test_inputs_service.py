"""The input services as the spreadsheet import and the API call them: by name, partial
updates, one transaction per change (or one for many with commit=False), and refusals in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from sqlmodel import func, select

from models import AuditEvent, BudgetLine, Partner, Scenario, ScenarioCap
from models.scenario import CapScope
from planner.db import new_session
from planner.inputs import service
from planner.inputs.validation import InputError, InputNotFound, named
from tests.test_inputs import seed


def count(session, table) -> int:  # type: ignore[no-untyped-def]
    return session.exec(select(func.count()).select_from(table)).one()


def test_upserts_find_records_by_name(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        first = service.upsert_partner(
            session, {"name": "Bradford Council", "kind": "local_authority"}
        )
        again = service.upsert_partner(
            session, {"name": " Bradford Council ", "district": "Bradford"}
        )
        assert again.id == first.id and again.district == "Bradford"
        assert again.kind == "local_authority"  # fields not given keep their value
        line = service.save_budget_line(
            session, {"partner_id": first.id, "year": "2026/27", "maximum": "1000"}
        )
        same = service.save_budget_line(
            session, {"partner_id": first.id, "year": 2026, "maximum": "2000"}
        )
        assert same.id == line.id and same.maximum == Decimal("2000")
        demand = service.upsert_demand_type(
            session,
            {"name": "Child entering care", "unit": "child", "unit_cost": "50000"},
            {"Bradford Council": 100},
        )
        renamed = service.upsert_demand_type(
            session, {"name": "Child entering care", "unit_cost": 60000}
        )
        assert renamed.id == demand.id and renamed.unit_cost == 60000
        assert named(session, Partner, "Bradford Council", "partner", "partner").id == first.id
        with pytest.raises(InputError) as missing:
            named(session, Partner, "Nowhere Council", "partner", "partner")
        assert missing.value.errors == {"partner": "There is no partner called 'Nowhere Council'"}
        place = service.upsert_place(session, {"name": "Manningham", "district": "Bradford"})
        intervention = service.upsert_intervention(
            session,
            {
                "name": "Mentoring",
                "target_group": "young people",
                "unit_cost": 900,
                "price_year": 2022,
            },
        )
        service.save_capacity_override(
            session, place.id, {"intervention": "Mentoring", "capacity": 12}
        )
        service.save_effect(
            session,
            intervention.id,
            {
                "demand_type": "Child entering care",
                "reduction_per_participant": 0.01,
                "years_after": [1],
            },
        )
        assert count(session, AuditEvent) == 10


def test_a_refused_change_leaves_the_session_untouched(app: Flask) -> None:
    """The import applies many rows with commit=False: a refused row must add nothing."""
    ids = seed(app)
    with app.app_context(), new_session() as session:
        before = count(session, BudgetLine)
        service.create_budget_line(
            session, {"partner_id": ids["police"], "year": 2027, "maximum": 10}, commit=False
        )
        with pytest.raises(InputError):
            service.create_budget_line(
                session,
                {"partner_id": ids["police"], "year": 2028, "maximum": 10, "minimum": 20},
                commit=False,
            )
        assert not session.new and not session.dirty
        session.rollback()  # the import's own decision: nothing of the batch is kept
        assert count(session, BudgetLine) == before


def test_a_failure_while_saving_rolls_everything_back(app: Flask, monkeypatch) -> None:
    """If the audit row cannot be written the change is not saved either."""
    import planner.inputs.named as named_records

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(named_records, "record_change", broken)
    with app.app_context(), new_session() as session:
        with pytest.raises(RuntimeError):
            service.create_partner(session, {"name": "Leeds City Council"})
        assert count(session, Partner) == 0 and count(session, AuditEvent) == 0


def test_references_and_missing_records_are_reported(app: Flask) -> None:
    ids = seed(app)
    with app.app_context(), new_session() as session:
        with pytest.raises(InputError) as unknown:
            service.create_contract(
                session,
                {
                    "partner_id": ids["kirklees"],
                    "intervention_id": 999,
                    "years": [2026],
                    "annual_amount": 1,
                },
            )
        assert unknown.value.errors == {"intervention_id": "There is no intervention with id 999"}
        with pytest.raises(InputNotFound):
            service.update_place(session, 999, {"name": "x"})
        with pytest.raises(InputError) as ring:
            service.update_budget_line(
                session,
                session.exec(select(BudgetLine.id)).first(),
                {"ring_fence": ["sport"]},
            )
        assert ring.value.errors["ring_fence"].startswith("'sport' is not an intervention category")


def test_scenarios_that_use_a_record_block_its_deletion(app: Flask) -> None:
    ids = seed(app)
    with app.app_context(), new_session() as session:
        scenario = Scenario(
            name="Pooled 2026-29",
            objective_demand_type_id=ids["call_out"],
            objective="single",
            partner_fairness_overrides={str(ids["police"]): 0.5},
        )
        session.add(scenario)
        session.flush()
        session.add(
            ScenarioCap(
                scenario_id=scenario.id,
                scope=CapScope.INTERVENTION,
                target=str(ids["therapy"]),
                maximum=Decimal(1000),
            )
        )
        session.add(
            ScenarioCap(
                scenario_id=scenario.id,
                scope=CapScope.PLACE,
                target=str(ids["dewsbury"]),
                maximum=Decimal(1000),
            )
        )
        session.commit()
        police = session.get(Partner, ids["police"])
        assert service.partner_uses(session, police)[-1] == (
            "the fairness rules of scenario Pooled 2026-29 name it"
        )
        with pytest.raises(InputError) as therapy:
            service.delete_intervention(session, ids["therapy"])
        assert "scenario Pooled 2026-29 caps spending on it" in therapy.value.errors["__all__"]
        with pytest.raises(InputError) as demand:
            service.delete_demand_type(session, ids["call_out"])
        assert "scenario Pooled 2026-29 uses it" in demand.value.errors["__all__"]
        with pytest.raises(InputError) as place:
            service.delete_place(session, ids["dewsbury"])
        assert "scenario Pooled 2026-29 caps spending there" in place.value.errors["__all__"]


def test_deleting_a_place_takes_its_populations_and_capacities(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        place = service.create_place(session, {"name": "Ossett", "district": "Wakefield"})
        intervention = service.create_intervention(
            session,
            {
                "name": "Mentoring",
                "target_group": "young people",
                "unit_cost": 900,
                "price_year": 2022,
            },
        )
        service.save_population(
            session, place.id, {"target_group": "young people", "population": 40}
        )
        service.save_capacity_override(
            session, place.id, {"intervention_id": intervention.id, "capacity": 5}
        )
        assert service.place_uses(session, place) == []
        service.delete_place(session, place.id)
        from models import CapacityOverride, PlacePopulation

        assert count(session, PlacePopulation) == 0 and count(session, CapacityOverride) == 0
