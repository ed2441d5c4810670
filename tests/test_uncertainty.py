"""How sure a plan is, through the pages, forms and API: uncertain inputs refused by field,
the Monte Carlo and re-solves stored and shown, and the same draws from the same seed."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlmodel import select

from models import (
    DemandType,
    Intervention,
    InterventionEffect,
    Job,
    Plan,
    PlanAnalysis,
    Scenario,
)
from models.analysis import AnalysisKind, AnalysisStatus
from models.vocabulary import Role
from optimiser import plan_from_dict
from optimiser.robust import resolve_draws, summarise
from planner.analysis.runner import run_analysis
from planner.db import new_session
from planner.delivery.agreement import agreed_plan
from planner.inputs import service
from planner.inputs.validation import InputError
from planner.solving.inputs import planning_inputs
from planner.solving.snapshot import inputs_from_snapshot, json_ready
from tests.planning_fixtures import demo_app_for_module, demo_client
from tests.test_place_view import api_token


@pytest.fixture(scope="module")
def demo_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    yield from demo_app_for_module(request, tmp_path_factory, ANALYSIS_WORKERS=1)


def _agreed_plan_id(app: Flask) -> int:
    with app.app_context(), new_session() as session:
        plan = agreed_plan(session)
        assert plan is not None
        return int(plan.id)  # type: ignore[arg-type]


def test_demo_carries_published_ranges_and_marks_illustrative_ones(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        foster = session.exec(
            select(DemandType).where(DemandType.name == "Child in foster care for a year")
        ).one()
        assert foster.unit_cost_low is not None and foster.unit_cost_high is not None
        assert foster.unit_cost_low < foster.unit_cost < foster.unit_cost_high
        assert "National Audit Office" in foster.description
        mentoring = session.exec(
            select(Intervention).where(Intervention.name == "Mentoring for young people at risk")
        ).one()
        assert (mentoring.take_up_low_percent, mentoring.take_up_high_percent) == (60, 95)
        assert "take-up range is illustrative" in mentoring.description
        ranged = session.exec(
            select(InterventionEffect).where(InterventionEffect.effect_low.is_not(None))  # type: ignore[union-attr]
        ).all()
        assert ranged and all("YEF Toolkit" in effect.spread_source for effect in ranged)
        scenario = session.exec(select(Scenario)).first()
        assert scenario is not None
        scenario_inputs, _rules = planning_inputs(session, scenario)
        mapped = scenario_inputs.intervention("Mentoring for young people at risk")
        assert (mapped.take_up_low, mapped.take_up_high) == (0.6, 0.95)


def test_a_range_with_low_above_high_is_refused_naming_the_field(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        foster = session.exec(select(DemandType).where(DemandType.name.startswith("Child"))).one()  # type: ignore[attr-defined]
        before = foster.unit_cost_low
        with pytest.raises(InputError) as refused:
            service.update_demand_type(
                session, foster.id, {"unit_cost_low": "50000", "unit_cost_high": "40000"}
            )
        assert "unit_cost_low" in refused.value.errors
        assert "is above the highest" in refused.value.errors["unit_cost_low"]
        session.refresh(foster)
        assert foster.unit_cost_low == before  # nothing saved


def test_effect_form_refuses_negative_standard_error_and_range_without_the_effect(
    demo_app: Flask,
) -> None:
    client = demo_client(demo_app, Role.COMMISSIONER)
    with demo_app.app_context(), new_session() as session:
        effect = session.exec(select(InterventionEffect)).first()
        assert effect is not None
        effect_id, reduction = effect.id, effect.reduction_per_participant
    url = f"/inputs/effects/{effect_id}/edit"
    page = client.get(url)
    assert page.status_code == 200 and "Standard error of the effect" in page.get_data(as_text=True)
    negative = client.post(
        url,
        data={
            "demand_type_id": str(effect.demand_type_id),
            "reduction_per_participant": str(reduction),
            "years_after": "1",
            "standard_error": "-0.1",
        },
    )
    assert negative.status_code == 422
    assert "Standard error" in negative.get_data(as_text=True)
    outside = client.post(
        url,
        data={
            "demand_type_id": str(effect.demand_type_id),
            "reduction_per_participant": str(reduction),
            "years_after": "1",
            "effect_low": str(reduction * 2),
            "effect_high": str(reduction * 3),
        },
    )
    assert outside.status_code == 422
    assert "so that the range includes it" in outside.get_data(as_text=True)


def test_monte_carlo_from_the_plan_page_is_stored_shown_and_reproducible(demo_app: Flask) -> None:
    client = demo_client(demo_app, Role.COMMISSIONER)
    plan_id = _agreed_plan_id(demo_app)
    posted = client.post(
        f"/plans/{plan_id}/analyses", data={"kind": "monte_carlo", "draws": "2000", "seed": "7"}
    )
    assert posted.status_code == 302
    with demo_app.app_context(), new_session() as session:
        first = session.exec(select(PlanAnalysis).order_by(PlanAnalysis.id.desc())).first()  # type: ignore[union-attr]
        assert first is not None and first.status is AnalysisStatus.FINISHED
        result = first.result["monte_carlo"]
        plan = session.get(Plan, plan_id)
        assert result["draws"] == 2000 and result["seed"] == 7
        assert result["value_planned"] == pytest.approx(float(plan.total_benefit), abs=1)  # type: ignore[arg-type, union-attr]
        assert 0 <= result["chance_benefits_exceed_costs"] <= 1
        assert first.result["tornado"]["bars"]
    client.post(
        f"/plans/{plan_id}/analyses", data={"kind": "monte_carlo", "draws": "2000", "seed": "7"}
    )
    with demo_app.app_context(), new_session() as session:
        again = session.exec(select(PlanAnalysis).order_by(PlanAnalysis.id.desc())).first()  # type: ignore[union-attr]
        assert again is not None and again.id != first.id
        repeat = {**again.result["monte_carlo"], "seconds": 0}
        assert repeat == {**result, "seconds": 0}
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "How sure can the partnership be?" in page
    assert "Chance that benefits exceed costs" in page
    assert "Which figures matter most" in page
    assert 'id="chart-value-draws"' in page and 'id="chart-tornado"' in page
    # Each figure's range in its own terms: a unit cost in pounds, not a bare number.
    foster = next(
        bar
        for bar in first.result["tornado"]["bars"]
        if bar["label"] == "Unit cost of Child in foster care for a year"
    )
    low = f"£{foster['low']:,.0f}"
    assert f'<td class="num">{low}</td>' in page
    workbook = load_workbook(io.BytesIO(client.get(f"/plans/{plan_id}/workbook.xlsx").data))
    sheet = workbook["Uncertainty"]
    cells = {
        cell.value: row
        for row in sheet.iter_rows()
        for cell in row[:1]
        if cell.value == "Unit cost of Child in foster care for a year"
    }
    (row,) = cells.values()
    assert row[1].value == pytest.approx(foster["low"]) and "£" in row[1].number_format


def test_bad_analysis_requests_are_refused_naming_the_field(demo_app: Flask) -> None:
    headers = api_token(demo_app, "commissioner@demo.example")
    client = demo_app.test_client()
    plan_id = _agreed_plan_id(demo_app)
    for body, field in (
        ({"kind": "monte_carlo", "draws": 0}, "draws"),
        ({"kind": "robustness", "draws": 100_000}, "draws"),
        ({"kind": "monte_carlo", "seed": -1}, "seed"),
    ):
        answer = client.post(f"/api/v1/plans/{plan_id}/uncertainty", json=body, headers=headers)
        assert answer.status_code == 422, body
        assert answer.get_json()["errors"][0]["field"] == field


def test_resolves_through_the_api_give_funded_shares_and_regret(demo_app: Flask) -> None:
    headers = api_token(demo_app, "commissioner@demo.example")
    client = demo_app.test_client()
    plan_id = _agreed_plan_id(demo_app)
    started = client.post(
        f"/api/v1/plans/{plan_id}/uncertainty",
        json={"kind": "robustness", "draws": 12, "seed": 3},
        headers=headers,
    )
    assert started.status_code == 202
    assert started.get_json()["status"] == "finished" and started.get_json()["done"] == 12
    read = client.get(f"/api/v1/plans/{plan_id}/uncertainty", headers=headers).get_json()
    robust = read["robustness"]["result"]["robustness"]
    assert robust["draws"] == 12 and robust["solved"] + robust["no_plan"] == 12
    assert robust["solved"] > 0  # the benefit-cost screen on recorded figures keeps contracts
    assert robust["regret_mean"] >= 0 and robust["regret_max"] >= robust["regret_mean"]
    shares = {row["key"]: row["share"] for row in robust["interventions"]}
    assert shares["Prison awareness programmes (e.g. Scared Straight)"] == 0
    assert all(0 <= share <= 1 for share in shares.values())


def test_resolves_fan_out_in_parts_and_repeat_exactly(demo_app: Flask) -> None:
    """The re-solves run as a job whose parts (a few draws each) are jobs of their own; the same
    seed gives the same answer, whichever worker solves which draw."""
    plan_id = _agreed_plan_id(demo_app)
    results = []
    with demo_app.app_context():
        for _ in range(2):
            with new_session() as session:
                analysis = PlanAnalysis(
                    plan_id=plan_id, kind=AnalysisKind.ROBUSTNESS, draws=6, seed=11
                )
                session.add(analysis)
                session.commit()
                analysis_id = analysis.id
            run_analysis(demo_app, analysis_id)  # type: ignore[arg-type]
            with new_session() as session:
                stored = session.get(PlanAnalysis, analysis_id)
                assert stored is not None and stored.status is AnalysisStatus.FINISHED
                parts = session.exec(select(Job).where(Job.parent_id == stored.job_id)).all()
                assert {p.kind for p in parts} == {"resolve_draws"} and len(parts) == 2
                assert sorted((p.parameters["start"], p.parameters["stop"]) for p in parts) == [
                    (0, 3),
                    (3, 6),
                ]
                results.append(stored.result["robustness"])
    assert results[0] == results[1]


def _robustness_with(app: Flask, plan_id: int, workers: int) -> tuple[dict, list[Job], Job]:  # type: ignore[type-arg]
    app.config["ANALYSIS_WORKERS"] = workers
    try:
        with app.app_context():
            with new_session() as session:
                analysis = PlanAnalysis(
                    plan_id=plan_id, kind=AnalysisKind.ROBUSTNESS, draws=20, seed=23
                )
                session.add(analysis)
                session.commit()
                analysis_id = analysis.id
            run_analysis(app, analysis_id)  # type: ignore[arg-type]
            with new_session() as session:
                stored = session.get(PlanAnalysis, analysis_id)
                assert stored is not None and stored.status is AnalysisStatus.FINISHED
                parts = list(session.exec(select(Job).where(Job.parent_id == stored.job_id)).all())
                parent = session.get(Job, stored.job_id)
                assert parent is not None
                return stored.result["robustness"], parts, parent
    finally:
        app.config["ANALYSIS_WORKERS"] = 1


def test_one_part_and_many_parts_give_the_same_robustness(demo_app: Flask) -> None:
    """Shared among 1 worker (3 parts) or 3 (4 parts), the re-solves give the result of one
    part solving every draw: same funded shares, same regret, to the penny."""
    plan_id = _agreed_plan_id(demo_app)
    one, one_parts, parent = _robustness_with(demo_app, plan_id, 1)
    many, many_parts, _parent = _robustness_with(demo_app, plan_id, 3)
    assert (len(one_parts), len(many_parts)) == (3, 4)
    assert parent.state.value == "finished"
    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        inputs, rules = inputs_from_snapshot(plan.inputs)
        outcomes = resolve_draws(inputs, rules, count=20, seed=23)
        whole = json_ready(
            summarise(plan_from_dict(plan.result), inputs, rules, outcomes, count=20, seed=23)
        )
    assert one == many == whole
    assert one["solved"] + one["no_plan"] == 20 and one["regret_max"] >= one["regret_mean"] >= 0


def test_finance_lead_reads_but_cannot_start_an_analysis(demo_app: Flask) -> None:
    client = demo_client(demo_app, Role.FINANCE_LEAD)
    plan_id = _agreed_plan_id(demo_app)
    refused = client.post(f"/plans/{plan_id}/analyses", data={"kind": "monte_carlo"})
    assert refused.status_code == 403
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "How sure can the partnership be?" in page and "Run the Monte Carlo" not in page


def test_scenario_form_refuses_a_target_of_zero_or_beyond_the_population(demo_app: Flask) -> None:
    client = demo_client(demo_app, Role.COMMISSIONER)
    page = client.get("/scenarios/new").get_data(as_text=True)
    assert 'name="target_amount"' in page and 'name="expected_over_draws"' in page
    with demo_app.app_context(), new_session() as session:
        entrants = session.exec(
            select(DemandType).where(DemandType.name.startswith("First-time"))  # type: ignore[attr-defined]
        ).one()
        from planner.scenarios.forms import form_values

        values = form_values(session.exec(select(Scenario)).first())
    for amount, words in (
        ("0", "The target must be a number above 0, such as 100"),
        ("1000000", "is more than the whole eligible population could avoid"),
    ):
        posted = client.post(
            "/scenarios/new",
            data={
                **values,
                "name": f"Target {amount}",
                "target_amount": amount,
                "target_demand_type_id": str(entrants.id),
            },
        )
        assert posted.status_code == 422, amount
        assert words in posted.get_data(as_text=True)
    with demo_app.app_context(), new_session() as session:
        assert not session.exec(select(Scenario).where(Scenario.name.startswith("Target"))).all()  # type: ignore[attr-defined]
