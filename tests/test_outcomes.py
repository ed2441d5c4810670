"""Observed outcomes: recording (place leads only for their places), import with row errors and
one transaction, the plan's expectation by year, and the caveats on the page."""

from __future__ import annotations

import io

import openpyxl
from flask import Flask
from sqlmodel import select

from models import AuditEvent, DemandType, ObservedOutcome, Place, Plan
from models.vocabulary import Role
from planner.db import new_session
from planner.delivery.agreement import agreed_plan
from planner.outcomes.impact import CAVEATS, expected_by_year
from tests.planning_fixtures import demo_client

LEAD_PLACE, OTHER_PLACE = "Bradford Moor", "Armley"


def _ids(app: Flask) -> dict[str, int]:
    with app.app_context(), new_session() as session:
        places = {p.name: p.id for p in session.exec(select(Place)).all()}
        demand = session.exec(select(DemandType).order_by(DemandType.name)).first()
        return {
            "lead": places[LEAD_PLACE],
            "other": places[OTHER_PLACE],
            "demand": demand.id,
            "demand_name": demand.name,
        }  # type: ignore[dict-item,union-attr]


def test_expected_demand_is_the_plans_own_figure_spread_over_its_years():
    """One allocation avoiding 10.35 units (discounted at 3.5% to 2026) of demand D, with an
    effect in the first and second years after 2026: weights 1/1.035 + 1/1.035^2 = 1.8997, so
    10.35 / 1.8997 = 5.448 units a year in 2027 and 2028, undiscounted."""
    plan = Plan(
        scenario_name="s",
        inputs={
            "rules": {"first_year": 2026, "discount_rate": 0.035, "appraisal_years": 10},
            "inputs": {
                "interventions": [
                    {"key": "I", "effects": [{"demand_type": "D", "years_after": [1, 2]}]}
                ]
            },
        },
        result={
            "allocations": [
                {
                    "intervention": "I",
                    "place": "L",
                    "year": 2026,
                    "demand_avoided": [{"demand_type": "D", "units": 10.35}],
                }
            ]
        },
    )
    expected = expected_by_year(plan)
    weights = 1 / 1.035 + 1 / 1.035**2
    assert set(expected) == {("L", "D", 2027), ("L", "D", 2028)}
    assert abs(expected[("L", "D", 2027)] - 10.35 / weights) < 1e-9
    # Discounted again, the years add back up to the plan's figure.
    assert (
        abs(expected[("L", "D", 2027)] / 1.035 + expected[("L", "D", 2028)] / 1.035**2 - 10.35)
        < 1e-9
    )


def test_place_lead_records_for_their_place_only(demo_app: Flask):
    ids = _ids(demo_app)
    lead = demo_client(demo_app, Role.PLACE_LEAD)
    response = lead.post(
        "/outcomes/record",
        data={
            "place_id": ids["lead"],
            "demand_type_id": ids["demand"],
            "year": "2027/28",
            "observed": "41",
            "baseline": "50",
            "source": "Youth justice team",
        },
    )
    assert response.status_code == 302
    response = lead.post(
        "/outcomes/record",
        data={
            "place_id": ids["other"],
            "demand_type_id": ids["demand"],
            "year": "2027/28",
            "observed": "3",
        },
    )
    assert response.status_code == 422  # not a choice for them: the form refuses, nothing saved
    with demo_app.app_context(), new_session() as session:
        saved = session.exec(select(ObservedOutcome).where(ObservedOutcome.year == 2027)).all()
        assert [(o.place_id, o.observed, o.baseline) for o in saved] == [(ids["lead"], 41.0, 50.0)]
        assert session.exec(select(AuditEvent).where(AuditEvent.entity == "outcome")).all()
    assert demo_client(demo_app, Role.FINANCE_LEAD).get("/outcomes/record").status_code == 403


def test_negative_counts_are_refused_naming_the_field(demo_app: Flask):
    ids = _ids(demo_app)
    response = demo_client(demo_app, Role.COMMISSIONER).post(
        "/outcomes/record",
        data={
            "place_id": ids["other"],
            "demand_type_id": ids["demand"],
            "year": "2027/28",
            "observed": "-4",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#observed">must be 0.0 or more' in page


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(row) for row in rows).encode()


def test_import_checks_every_row_then_saves_all_or_nothing(demo_app: Flask):
    ids = _ids(demo_app)
    client = demo_client(demo_app, Role.COMMISSIONER)
    header = ["Place", "Demand type", "Financial year", "Observed", "Baseline"]
    bad = _csv(
        [
            header,
            [OTHER_PLACE, ids["demand_name"], "2028/29", "12", "15"],
            ["Atlantis", ids["demand_name"], "2028/29", "1", ""],
            [OTHER_PLACE, ids["demand_name"], "2028/29", "lots", ""],
        ]
    )  # type: ignore[list-item]
    response = client.post(
        "/outcomes/import",
        data={"upload": (io.BytesIO(bad), "outcomes.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "File, row 3, column Place: there is no place called" in page
    assert "File, row 4, column Observed" in page
    with demo_app.app_context(), new_session() as session:
        assert not session.exec(select(ObservedOutcome).where(ObservedOutcome.year == 2028)).all()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    sheet.append([OTHER_PLACE, ids["demand_name"], "2028/29", 12, 15])
    content = io.BytesIO()
    book.save(content)
    response = client.post(
        "/outcomes/import",
        data={"upload": (io.BytesIO(content.getvalue()), "outcomes.xlsx")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    token = (
        page.split('name="token" type="hidden" value="')[1].split('"')[0]
        if 'name="token" type="hidden" value="' in page
        else page.split('id="token" name="token" type="hidden" value="')[1].split('"')[0]
    )
    assert (
        client.post("/outcomes/import/confirm", data={"token": token, "confirm": "1"}).status_code
        == 302
    )
    with demo_app.app_context(), new_session() as session:
        [saved] = session.exec(select(ObservedOutcome).where(ObservedOutcome.year == 2028)).all()
        assert (saved.observed, saved.baseline) == (12.0, 15.0)


def test_page_shows_the_caveats_and_the_plans_expectation(demo_app: Flask):
    page = demo_client(demo_app, Role.PLACE_LEAD).get("/outcomes/").get_data(as_text=True)
    assert "comparison group" in page and CAVEATS[0].split(",")[0] in page
    assert (
        "<svg" in page
        and LEAD_PLACE in page
        and OTHER_PLACE not in page.split("Per place, demand type")[1]
    )
    with demo_app.app_context(), new_session() as session:
        assert expected_by_year(agreed_plan(session))  # type: ignore[arg-type]


def test_outcomes_workbook_matches_the_page_and_imports_back(demo_app: Flask, tmp_path):  # type: ignore[no-untyped-def]
    """A place lead downloads their places' outcomes: each row is the page's line, the change
    and the expected level work out (LibreOffice) to observed less baseline and baseline less
    expected; the caveats travel with it; and the file imports back with no problem."""
    from planner.outcomes.impact import outcome_lines
    from planner.outcomes.workbook import HEADERS, OUTCOMES, READ_WITH_CARE
    from tests.excel.recalculate import recalculate

    ids = _ids(demo_app)
    elsewhere = {"place_id": ids["other"], "demand_type_id": ids["demand"], "year": "2029/30"}
    recorded = demo_client(demo_app, Role.COMMISSIONER).post(
        "/outcomes/record", data={**elsewhere, "observed": "3"}
    )
    assert recorded.status_code == 302
    lead = demo_client(demo_app, Role.PLACE_LEAD)
    content = lead.get("/outcomes/outcomes.xlsx").data
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == [OUTCOMES, READ_WITH_CARE]
    assert CAVEATS[0] in [c.value for c in book[READ_WITH_CARE]["A"]]
    sheet = recalculate(content, tmp_path)[OUTCOMES]
    with demo_app.app_context(), new_session() as session:
        own = [
            place.id
            for place in session.exec(select(Place)).all()
            if place.name in (LEAD_PLACE, "Little Horton")  # the demo place lead's places
        ]
        lines = outcome_lines(session, agreed_plan(session), own)  # type: ignore[arg-type]
        everyone = outcome_lines(session, agreed_plan(session), None)
    assert lines and len(everyone) > len(lines)
    assert OTHER_PLACE not in [row[0].value for row in book[OUTCOMES].iter_rows(min_row=2)]
    column = {header: index for index, header in enumerate(HEADERS)}
    rows = list(sheet.iter_rows(min_row=2, max_row=len(lines) + 1, values_only=True))
    for line, row in zip(lines, rows, strict=True):
        assert (row[column["Place"]], row[column["Demand type"]]) == (line.place, line.demand_type)
        assert row[column["Observed"]] == line.observed
        if line.baseline is not None:
            assert abs(row[column["Change against baseline"]] - line.change) < 1e-9  # type: ignore[operator]
            assert abs(row[column["Baseline less expected"]] - line.expected_level) < 1e-9  # type: ignore[operator]
    response = lead.post(
        "/outcomes/import",
        data={"upload": (io.BytesIO(content), "outcomes.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
