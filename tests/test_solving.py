"""The solve service on the demo partnership: inputs mapped, plans stored, errors kept in words."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from models import (
    BudgetLine,
    CostShare,
    Intervention,
    Job,
    JobState,
    Partner,
    Place,
    Plan,
    PlanAllocation,
    PlanExplanation,
    PlanFunding,
    Scenario,
    ScenarioBudgetOverride,
)
from models.intervention import InterventionCategory
from models.plan import ExplanationKind, PlanStatus
from planner.db import new_session
from planner.demo.evidence import PRISON_AWARENESS
from planner.demo.partnership import SCENARIOS, VRU
from planner.jobs.backends import stop_job_pool
from planner.solving.inputs import planning_inputs
from planner.solving.reading import plan_json, stored_plan
from planner.solving.service import run_plan, start_plan
from planner.solving.snapshot import inputs_from_snapshot


def scenario_id(app: Flask, name: str) -> int:
    with app.app_context(), new_session() as session:
        return session.exec(select(Scenario.id).where(Scenario.name == name)).one()


def solve(app: Flask, name: str) -> int:
    """Start and solve a plan of the named scenario inline; its id."""
    with app.app_context(), new_session() as session:
        plan = start_plan(session, scenario_id(app, name), None)
        plan_id = plan.id
    assert run_plan(app, plan_id) is None  # SOLVE_IN_BACKGROUND is off in tests
    return plan_id


@pytest.fixture(scope="module")
def solved(demo_app: Flask) -> dict[str, int]:
    """Every demo scenario solved once for the module: scenario name -> plan id."""
    return {scenario.name: solve(demo_app, scenario.name) for scenario in SCENARIOS}


@pytest.mark.parametrize("name", [scenario.name for scenario in SCENARIOS])
def test_each_demo_scenario_solves_to_a_sensible_optimal_plan(
    demo_app: Flask, solved: dict[str, int], name: str
) -> None:
    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, solved[name])
        assert plan is not None
        funded = set(
            session.exec(
                select(PlanAllocation.intervention_name).where(PlanAllocation.plan_id == plan.id)
            ).all()
        )
        payers = set(
            session.exec(
                select(PlanFunding.partner_name).where(PlanFunding.plan_id == plan.id)
            ).all()
        )
        unfunded = session.exec(
            select(PlanExplanation).where(
                PlanExplanation.plan_id == plan.id,
                PlanExplanation.kind == ExplanationKind.UNFUNDED,
            )
        ).all()
        assert plan.status == PlanStatus.OPTIMAL, plan.message
        assert plan.total_spend and plan.total_spend > Decimal(1_000_000)
        # Value for money 1: benefits (in the demand costs' prices) at least the spend in the
        # same prices, the real spend behind the cash the budgets pay.
        assert plan.benefit_cost_ratio is not None and plan.benefit_cost_ratio >= 1
        assert plan.variables and plan.constraints and plan.finished_at is not None
        assert plan.result["status"] == "optimal" and plan.inputs["scenario"]["name"] == name
    assert len(funded) >= 8 and len(payers) >= 5
    assert PRISON_AWARENESS not in funded
    ne = [row for row in unfunded if row.subject == PRISON_AWARENESS]
    assert len(ne) == 1 and "NE" in ne[0].sentence


def test_pooled_plan_keeps_ring_fences_and_districts(
    demo_app: Flask, solved: dict[str, int]
) -> None:
    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, solved["Pooled 2026-29"])
        assert plan is not None
        categories = {i.name: i.category for i in session.exec(select(Intervention)).all()}
        districts = {p.name: p.district for p in session.exec(select(Place)).all()}
        council_district = {
            p.name: p.district for p in session.exec(select(Partner)).all() if p.district
        }
        vru_paid_for = set(
            session.exec(
                select(PlanFunding.intervention_name).where(
                    PlanFunding.plan_id == plan.id, PlanFunding.partner_name == VRU
                )
            ).all()
        )
        answer = stored_plan(plan)
    assert answer is not None and answer.pooling is not None
    assert answer.pooling.value_of_pooling > 0 and plan.pooling_gain and plan.pooling_gain > 0
    assert vru_paid_for and {categories[name] for name in vru_paid_for} <= {
        InterventionCategory.DIVERSION,
        InterventionCategory.MENTORING,
    }
    for allocation in answer.allocations:
        for payment in allocation.funding:
            if payment.partner in council_district:
                assert districts[allocation.place] == council_district[payment.partner]
    values = sum(
        float(row.demand_avoided_value)
        for row in plan_rows(demo_app, PlanAllocation, solved["Pooled 2026-29"])
    )
    assert values == pytest.approx(answer.value_of_demand_avoided, rel=1e-3)


def plan_rows(app: Flask, table: type, plan_id: int) -> list[Any]:
    with app.app_context(), new_session() as session:
        return list(session.exec(select(table).where(table.plan_id == plan_id)).all())


def test_each_partner_alone_is_the_partners_commissioning_separately(
    demo_app: Flask, solved: dict[str, int]
) -> None:
    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, solved["Each partner alone"])
        pooled = session.get(Plan, solved["Pooled 2026-29"])
        budgets: dict[str, Decimal] = {}
        for line in session.exec(select(BudgetLine)).all():
            name = session.get(Partner, line.partner_id).name  # type: ignore[union-attr]
            budgets[name] = budgets.get(name, Decimal(0)) + line.maximum
        answer, pooled_answer = stored_plan(plan), stored_plan(pooled)  # type: ignore[arg-type]
    assert answer is not None and pooled_answer is not None and answer.pooling is not None
    assert answer.objective == pytest.approx(answer.pooling.separate_objective)
    assert answer.pooling.pooled_objective == pytest.approx(pooled_answer.objective)
    assert answer.objective < pooled_answer.objective  # the wrong-pocket problem, in figures
    for outcome in answer.partners:
        assert outcome.contribution <= float(budgets[outcome.name]) + 1
    assert answer.messages[0].startswith("Each partner commissions separately")


def test_the_snapshot_is_what_was_solved(demo_app: Flask, solved: dict[str, int]) -> None:
    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, solved["Strong evidence only"])
        scenario = session.get(Scenario, scenario_id(demo_app, "Strong evidence only"))
        assert plan is not None and scenario is not None
        assert inputs_from_snapshot(plan.inputs) == planning_inputs(session, scenario)
        sources = {row["name"]: row for row in plan.inputs["sources"]["interventions"]}
    assert sources[PRISON_AWARENESS]["evidence_rating"] == "NE"
    assert all(row["rating_url"] for row in sources.values())


def test_plan_json_has_the_documented_keys(demo_app: Flask, solved: dict[str, int]) -> None:
    with demo_app.app_context(), new_session() as session:
        document = plan_json(session.get(Plan, solved["Pooled 2026-29"]))  # type: ignore[arg-type]
    for key in ("status", "objective", "allocations", "partners", "binding_constraints"):
        assert document[key], key
    assert {"shadow_price", "sentence"} <= set(document["binding_constraints"][0])
    assert {"reason", "sentence"} <= set(document["not_funded"][0])
    assert {"contribution", "benefit"} <= set(document["partners"][0])
    assert document["diagnosis"] is None and document["timings"]["total"] > 0


def test_rules_that_cannot_be_met_store_a_diagnosis(demo_app: Flask) -> None:
    """The VRU must spend £50m in 2026/27, but its ring-fence allows only diversion and
    mentoring, which cannot absorb that much: the plan is infeasible, and says why."""
    with demo_app.app_context(), new_session() as session:
        pooled = session.exec(select(Scenario).where(Scenario.name == "Pooled 2026-29")).one()
        fields = pooled.model_dump(exclude={"id", "name", "created_at", "updated_at"})
        clash = Scenario(**fields, name="VRU must spend £50m")
        session.add(clash)
        session.flush()
        vru = session.exec(select(Partner).where(Partner.name == VRU)).one()
        line = session.exec(
            select(BudgetLine).where(BudgetLine.partner_id == vru.id, BudgetLine.year == 2026)
        ).one()
        session.add(
            ScenarioBudgetOverride(
                scenario_id=clash.id,  # type: ignore[arg-type]
                budget_line_id=line.id,  # type: ignore[arg-type]
                maximum=Decimal(50_000_000),
                minimum=Decimal(50_000_000),
            )
        )
        session.commit()
    plan_id = solve(demo_app, "VRU must spend £50m")
    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        assert plan.status == PlanStatus.INFEASIBLE
        assert "cannot all be met" in plan.message
        diagnosis = [
            row.sentence
            for row in plan_rows(demo_app, PlanExplanation, plan_id)
            if row.kind == ExplanationKind.DIAGNOSIS
        ]
    assert len(diagnosis) >= 2 and any(VRU in sentence for sentence in diagnosis)
    assert not plan_rows(demo_app, PlanAllocation, plan_id)


def test_a_background_solve_frees_the_worker_and_stores_the_plan(demo_app: Flask) -> None:
    """With no broker, the embedded pool of the web process solves the plan's job: run_plan
    returns at once, and the plan and its job finish a moment later."""
    demo_app.config["SOLVE_IN_BACKGROUND"] = True
    inline = demo_app.extensions.pop("job_backend", None)
    try:
        with demo_app.app_context(), new_session() as session:
            plan = start_plan(session, scenario_id(demo_app, "Strong evidence only"), None)
            assert plan.status == PlanStatus.QUEUED
        run_plan(demo_app, plan.id)  # type: ignore[arg-type]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with demo_app.app_context(), new_session() as session:
                stored = session.get(Plan, plan.id)
                if stored is not None and stored.status.finished:
                    break
            time.sleep(0.2)
    finally:
        stop_job_pool(demo_app)  # or it would go on polling a database the module drops
        demo_app.config["SOLVE_IN_BACKGROUND"] = False
        demo_app.extensions["job_backend"] = inline
    with demo_app.app_context(), new_session() as session:
        stored = session.get(Plan, plan.id)
        assert stored is not None and stored.status == PlanStatus.OPTIMAL
        job = session.get(Job, stored.job_id)
        assert job is not None and job.state == JobState.FINISHED and job.kind == "solve_plan"
        assert job.worker.startswith("web (process") and job.progress == 100


def test_a_failed_solve_is_stored_in_words(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        plan = Plan(scenario_name="Broken", inputs={"scenario": {"name": "Broken"}})
        session.add(plan)
        session.commit()
        plan_id = plan.id
    run_plan(demo_app, plan_id)  # type: ignore[arg-type]
    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None and plan.status == PlanStatus.ERROR
        assert plan.message.startswith("The plan could not be solved")


def test_inputs_that_break_a_rule_finish_the_plan_with_the_reason(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        share = session.exec(select(CostShare)).first()
        assert share is not None
        share.share_percent -= Decimal(10)
        session.commit()
        try:
            plan = start_plan(session, scenario_id(demo_app, "Pooled 2026-29"), None)
            assert plan.status == PlanStatus.ERROR and plan.finished_at is not None
            assert "must total 100%" in plan.message
        finally:
            share.share_percent += Decimal(10)
            session.commit()
