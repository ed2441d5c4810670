"""A plan of whole people and programmes as its readers see it (issue 12): whole participants,
"2 cohorts (18 participants)", how close the plan is to the best possible in words, and where
its shadow prices come from, on the plan page, the place page, the place API and the plan
workbook's Allocations.

The optimiser's support for whole cohorts is another branch's work: these plans are solved by
the real optimiser and then stored as it will store them (``Allocation.cohorts``, ``mip_gap``).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from flask import Flask
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import select

from models import Place, Plan, Scenario
from models.vocabulary import Role
from optimiser import Allocation
from planner.db import new_session
from planner.delivery.agreement import agree_plan
from planner.excel.plan_sheets import costing_unit_cost
from planner.excel.plan_workbook import build_plan_workbook
from planner.excel.stored_plan import plan_workbook_view
from planner.inputs import service
from planner.plans.report import within_words
from planner.solving.service import run_plan, start_plan
from tests.excel.recalculate import recalculate
from tests.test_api_tokens import bearer, token_for
from tests.test_plan_page_wording import text_of

GROUP = "Incredible Years Preschool"
HOW_CLOSE = "This plan is within 0.04% of the best possible plan."
SHADOW_PRICES = (
    "its shadow prices come from the continuous problem with the whole-number choices "
    "(whole participants and cohorts, and which programmes run where) fixed as planned"
)


def small_partnership(app: Flask, *, whole: bool = True, cohort_cost: str | None = None) -> int:
    """One partner with £18,000 in 2026/27; a parenting group of 9 at £1,000 a parent (a whole
    group £9,000), capacity 18 a year in Dewsbury, each parent avoiding 5 call-outs at £629.

    Worked by hand: each parent's £1,000 avoids demand worth far more, so the plan spends the
    whole £18,000, which buys 18 parents, exactly the capacity: 2 whole groups of 9. The
    continuous optimum is already whole, so the plan stored as the whole-cohort optimiser
    stores it (2 cohorts, a proven gap of 0.04%) agrees with every figure the solver gave."""
    with app.app_context(), new_session() as session:
        kirklees = service.create_partner(
            session, {"name": "Kirklees Council", "kind": "local_authority", "district": "Kirklees"}
        )
        service.create_budget_line(
            session, {"partner_id": kirklees.id, "year": 2026, "maximum": "18000"}
        )
        call_out = service.create_demand_type(
            session,
            {"name": "Police call-out", "unit": "call-out", "unit_cost": "629"},
            {kirklees.id: "100"},
        )
        group = service.create_intervention(
            session,
            {
                "name": GROUP,
                "category": "parenting",
                "target_group": "families with young children",
                "unit_cost": "1000",
                "capacity": 18,
                "cohort_size": 9,
                "cohort_cost": cohort_cost,
                "evidence_rating": "4",
                "price_year": "2026/27",
            },
        )
        service.save_effect(
            session,
            group.id,
            {"demand_type_id": call_out.id, "reduction_per_participant": 5, "years_after": "1"},
        )
        dewsbury = service.create_place(
            session, {"name": "Dewsbury", "district": "Kirklees", "need_index": 1.0}
        )
        service.save_population(
            session,
            dewsbury.id,
            {"target_group": "families with young children", "population": 500},
        )
        scenario = Scenario(
            name="Whole people", first_year=2026, horizon_years=1, whole_programme=whole
        )
        session.add(scenario)
        session.commit()
        plan_id = start_plan(session, scenario.id, None).id  # type: ignore[arg-type]
    assert run_plan(app, plan_id) is None  # solved inline in tests
    return plan_id  # type: ignore[return-value]


def store_as_whole_cohorts(
    app: Flask, plan_id: int, gap: float = 0.0004, cost: float | None = None
) -> None:
    """Store the plan as the whole-cohort optimiser answers: 2 cohorts, and its proven gap (and
    for a cohort priced below its participants' unit costs, the cohorts' cost, all paid by the
    one partner)."""
    with app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        result = dict(plan.result)
        [allocation] = result["allocations"]
        # The optimiser buys the 2 whole groups itself: at their price, the cost given.
        solved = (18, cost if cost is not None else 18_000)
        assert (allocation["participants"], allocation["cost"]) == pytest.approx(solved)
        if cost is not None:
            [funding] = allocation["funding"]
            allocation = {**allocation, "cost": cost, "funding": [{**funding, "amount": cost}]}
        result["allocations"] = [{**allocation, "cohorts": 2}]
        result["mip_gap"] = gap
        plan.result = result
        flag_modified(plan, "result")
        session.commit()


def agree(app: Flask, plan_id: int) -> int:
    with app.app_context(), new_session() as session:
        agree_plan(session, plan_id, SimpleNamespace(id=None, name="Board secretary"), "Board")
        return session.exec(select(Place.id).where(Place.name == "Dewsbury")).one()


def test_the_plan_page_shows_cohorts_and_how_close_the_plan_is(app: Flask, sign_in_as) -> None:
    plan_id = small_partnership(app)
    store_as_whole_cohorts(app, plan_id)
    page = text_of(sign_in_as(Role.FINANCE_LEAD).get(f"/plans/{plan_id}").get_data(as_text=True))
    assert HOW_CLOSE in page
    # The solver details give the gap itself, finely enough to agree with the sentence.
    assert "Gap to the best possible 0.04%" in page
    assert "2 cohorts (18 participants)" in page
    assert SHADOW_PRICES in page


def test_a_plan_of_whole_people_shows_whole_numbers_without_cohorts(app: Flask, sign_in_as) -> None:
    plan_id = small_partnership(app)
    with app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        # As a plan of the same people bought one by one stores it: no cohorts.
        allocations = [{**a, "cohorts": 0} for a in plan.result["allocations"]]
        plan.result = {**plan.result, "mip_gap": 0.0, "allocations": allocations}
        flag_modified(plan, "result")
        session.commit()
    page = text_of(sign_in_as(Role.FINANCE_LEAD).get(f"/plans/{plan_id}").get_data(as_text=True))
    assert "This plan is the best possible plan: the solver proved no better plan exists." in page
    assert "Dewsbury (Kirklees) 2026/27 18 £18,000" in page  # whole people, not 18.0
    assert "cohorts (" not in page and "cohort (" not in page


def test_a_plan_with_fractions_of_people_makes_no_such_claims(app: Flask, sign_in_as) -> None:
    """Solved without whole people: one decimal place, no gap sentence, no note on shadow
    prices, even with a gap stored."""
    plan_id = small_partnership(app, whole=False)
    with app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        plan.result = {**plan.result, "mip_gap": 0.0004}
        flag_modified(plan, "result")
        session.commit()
    page = text_of(sign_in_as(Role.FINANCE_LEAD).get(f"/plans/{plan_id}").get_data(as_text=True))
    assert "Dewsbury (Kirklees) 2026/27 18.0 £18,000" in page
    assert "best possible plan" not in page and SHADOW_PRICES not in page


@pytest.mark.parametrize(
    ("gap", "words"),
    [
        (0.0004, "within 0.04%"),
        (0.001, "within 0.1%"),
        (0.001234, "within 0.13%"),  # rounded up, so the sentence holds
        (0.0321, "within 3.3%"),
    ],
)
def test_the_gap_in_words_never_claims_closer_than_proven(gap: float, words: str) -> None:
    assert within_words(gap) == f"This plan is {words} of the best possible plan."


def test_the_place_page_and_api_show_the_cohorts(app: Flask, sign_in_as) -> None:
    plan_id = small_partnership(app)
    store_as_whole_cohorts(app, plan_id)
    place_id = agree(app, plan_id)
    page = text_of(
        sign_in_as(Role.COMMISSIONER).get(f"/place-teams/{place_id}").get_data(as_text=True)
    )
    assert f"{GROUP} families with young children" in page
    assert "2 cohorts (18 participants) of 500" in page
    headers = bearer(token_for(app, Role.COMMISSIONER))
    summary = app.test_client().get(f"/api/v1/place-summaries/{place_id}", headers=headers)
    assert summary.status_code == 200, summary.json
    [allocation] = summary.json["allocations"]
    assert (allocation["participants"], allocation["cohorts"]) == (18, 2)
    csv_text = sign_in_as(Role.COMMISSIONER).get(f"/place-teams/{place_id}/summary.csv")
    [row] = list(csv.DictReader(io.StringIO(csv_text.get_data(as_text=True))))
    assert (row["People planned"], row["Cohorts"]) == ("18.0", "2")


def test_the_plan_workbook_writes_whole_people_and_names_the_cohorts(app: Flask) -> None:
    plan_id = small_partnership(app)
    store_as_whole_cohorts(app, plan_id)
    with app.app_context(), new_session() as session:
        content = build_plan_workbook(plan_workbook_view(session, session.get(Plan, plan_id)))
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Allocations"]
    assert sheet["A2"].value == GROUP
    assert (sheet["G2"].value, sheet["G2"].number_format) == (18, "#,##0")
    assert sheet["H2"].value == Decimal(1000)
    assert sheet["J2"].value == "=ROUND(G2*H2+I2,2)"
    assert sheet["G2"].comment.text.startswith("2 cohorts (18 participants) at £9,000.00 a cohort")
    inputs = openpyxl.load_workbook(io.BytesIO(content))["Inputs"]
    labels = {cell.value for row in inputs.iter_rows() for cell in row if cell.value}
    assert {"Cohort size", "Cohort cost (£)", "Minimum contract (£)"} <= labels
    assert (
        "Whole people and programmes (whole participants, whole cohorts, set-up costs, minimum "
        "cohorts and minimum contracts)"
    ) in labels


@pytest.mark.parametrize(
    ("participants", "cost", "expected"),
    [
        # 2 groups of 9 at £8,100 a group, unit cost £1,000: £900 a parent makes the cost.
        (18, 16_200.0, Decimal("900.00")),
        # A group of 7 at £8,100: £1,157.142857... a parent, to as many places as make 7 x it
        # round to £8,100.00.
        (7, 8_100.0, None),
        # Bought person by person at the unit cost: the unit cost itself.
        (5, 5_000.0, Decimal("1000")),
    ],
)
def test_a_cohorts_cost_per_participant_makes_the_live_formula_give_the_cost(
    participants: int, cost: float, expected: Decimal | None
) -> None:
    allocation = Allocation(GROUP, "dewsbury", 2026, float(participants), cost, (), cohorts=2)
    shared = costing_unit_cost(allocation, participants, Decimal(0), Decimal(1000))
    if expected is not None:
        assert shared == expected
    assert round(participants * shared, 2) == Decimal(str(cost)).quantize(Decimal("0.01"))


def test_libreoffice_recalculates_a_cohorts_row_to_the_cohorts_cost(app: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """2 groups of 9 at £8,100 a group, below 18 x £1,000: the row's unit cost is £900 a parent,
    and the live formula, recalculated, gives the £16,200 the partner pays, nothing unpaid."""
    plan_id = small_partnership(app, cohort_cost="8100")
    store_as_whole_cohorts(app, plan_id, cost=16_200.0)
    with app.app_context(), new_session() as session:
        content = build_plan_workbook(plan_workbook_view(session, session.get(Plan, plan_id)))
    written = openpyxl.load_workbook(io.BytesIO(content))["Allocations"]
    assert written["G2"].comment.text.startswith("2 cohorts (18 participants) at £8,100.00")
    sheet = recalculate(content, tmp_path)["Allocations"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, (cell.value for cell in sheet[2]), strict=True))
    assert (row["Participants"], row["Unit cost (£)"], row["Cost (£)"]) == (18, 900, 16_200)
    assert row["Cost not paid (£)"] == 0
