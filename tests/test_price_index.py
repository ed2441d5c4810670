"""The partnership's price index: its migration, its page, API and workbook sheet, and the
errors a commissioner reads when it cannot price a plan."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask
from sqlalchemy import create_engine, inspect, text
from sqlmodel import select

from models import AuditEvent, DemandType, PriceIndexYear, Scenario
from models.vocabulary import Role
from planner.db import new_session
from planner.excel.import_service import apply_import
from planner.excel.inputs_workbook import build_current_inputs_workbook
from planner.inputs import service
from planner.inputs.prices import (
    benefits_price_year,
    load_treasury_series,
    optimiser_index,
    save_index_year,
)
from planner.inputs.treasury_deflators import SERIES, treasury_rows
from planner.inputs.validation import InputError
from planner.solving.inputs import PlanningInputError, planning_inputs
from tests.test_api_tokens import bearer, token_for

REPO = Path(__file__).resolve().parents[1]


def test_the_migration_backfills_price_years_and_adds_the_index(tmp_path: Path) -> None:
    """An intervention recorded before price years existed is priced in 2022/23 after 0107, the
    index table is there and empty, and the downgrade takes both away again."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    config = AlembicConfig(str(REPO / "alembic.ini"))
    config.set_main_option("script_location", str(REPO / "planner" / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["database_url"] = url
    engine = create_engine(url)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DATABASE_URL", url)
            patch.setenv("PLANNER_DATABASE_URL", url)
            command.upgrade(config, "0105")
            with engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO intervention (name, category, target_group, description, "
                        "unit_cost, min_cohort, capacity, duration_weeks, volunteer_hours, "
                        "evidence_rating, rating_source, rating_date, rating_url, illustrative, "
                        "version) VALUES ('Old programme', 'OTHER', 'children', '', 500, 0, 0, "
                        "12, 0, 'NL2', '', '', '', 1, 1)"
                    )
                )
            command.upgrade(config, "0107")
            with engine.connect() as connection:
                years = connection.execute(text("SELECT price_year FROM intervention")).all()
            assert years == [(2022,)]
            assert "price_index_year" in inspect(engine).get_table_names()
            command.downgrade(config, "0105")
            engine.dispose()
            columns = {c["name"] for c in inspect(engine).get_columns("intervention")}
            assert "price_year" not in columns
            assert "price_index_year" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_hm_treasury_series_is_loaded_with_its_source_and_forecasts(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        rows = load_treasury_series(session)
        assert [row.year for row in rows] == [item.year for item in SERIES]
        by_year = {row.year: row for row in rows}
        assert by_year[2022].deflator == 100.0 and not by_year[2022].forecast
        assert by_year[2027].forecast and "OBR" in by_year[2027].released
        assert by_year[2031].note.startswith("Illustrative")
        # A partnership's own figure for a year replaces the Treasury's, and says so.
        own = save_index_year(session, {"year": "2027/28", "deflator": 119, "source": "Local"})
        assert own.id == by_year[2027].id and own.deflator == 119
        assert session.exec(select(AuditEvent).where(AuditEvent.entity == "price_index_year")).all()


def test_bad_index_figures_are_refused_in_words_and_change_nothing(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        with pytest.raises(InputError) as refused:
            save_index_year(session, {"year": "2027/28", "deflator": -5})
        assert set(refused.value.errors) == {"deflator"}
        with pytest.raises(InputError) as refused:
            save_index_year(session, {"year": "27/28", "deflator": 110})
        assert "2026/27" in refused.value.errors["year"]
        assert session.exec(select(PriceIndexYear)).all() == []


def test_the_page_records_a_year_and_loads_the_treasury_series(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    client = sign_in_as(Role.COMMISSIONER)
    empty = client.get("/inputs/price-index").data.decode()
    assert "No price index is recorded" in empty
    refused = client.post("/inputs/price-index/new", data={"year": "2027/28", "deflator": "x"})
    assert refused.status_code == 422
    assert "Deflator must be a number, like 0.5" in refused.data.decode()
    saved = client.post(
        "/inputs/price-index/new",
        data={"year": "2027/28", "deflator": "118.6", "forecast": "y", "source": "<b>OBR</b>"},
    )
    assert saved.status_code == 302
    page = client.get("/inputs/price-index").data.decode()
    assert "2027/28" in page and "118.6" in page and "Forecast" in page
    assert "&lt;b&gt;OBR&lt;/b&gt;" in page  # the source is shown as text, never as markup
    assert client.post("/inputs/price-index/treasury").status_code == 302
    with app.app_context(), new_session() as session:
        assert len(session.exec(select(PriceIndexYear)).all()) == len(SERIES)
    assert sign_in_as(Role.FINANCE_LEAD).post("/inputs/price-index/treasury").status_code == 403
    # Without the CSRF token every one of these posts is refused: tests/test_csrf_everywhere.py
    # walks every POST route, these included.


def test_the_api_records_reads_and_refuses_index_years(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    editor = bearer(token_for(app, Role.COMMISSIONER))
    made = client.post(
        "/api/v1/price-index",
        json={"year": 2026, "deflator": 116.3, "forecast": True, "source": "HM Treasury"},
        headers=editor,
    )
    assert made.status_code == 201, made.json
    listed = client.get("/api/v1/price-index", headers=editor).json
    assert [(row["year"], row["deflator"]) for row in listed["items"]] == [(2026, 116.3)]
    bad = client.post("/api/v1/price-index", json={"year": 2027, "deflator": 0}, headers=editor)
    assert bad.status_code == 422
    assert [problem["field"] for problem in bad.json["errors"]] == ["deflator"]


def test_a_new_intervention_needs_its_price_year(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    editor = bearer(token_for(app, Role.COMMISSIONER))
    body = {"name": "Triple P", "target_group": "Families", "unit_cost": "900"}
    missing = client.post("/api/v1/interventions", json=body, headers=editor)
    assert missing.status_code == 422
    assert [problem["field"] for problem in missing.json["errors"]] == ["price_year"]
    with app.app_context(), new_session() as session:
        made = service.create_intervention(session, {**body, "price_year": "2023/24"})
        assert made.price_year == 2023
        with pytest.raises(InputError) as refused:
            service.update_intervention(session, made.id, {"price_year": "soon"})
        assert set(refused.value.errors) == {"price_year"}


def test_the_workbook_sheet_round_trips_and_a_bad_cell_is_named(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        exported = build_current_inputs_workbook(session)
        sheet = openpyxl.load_workbook(io.BytesIO(exported))["Price index"]
        header = [cell.value for cell in sheet[1]]
        assert header[:3] == ["Financial year *", "Deflator *", "Forecast"]
        assert sheet["A2"].value == "2011/12"
        workbook = openpyxl.load_workbook(io.BytesIO(exported))
        row = next(
            r for r in workbook["Price index"].iter_rows(min_row=2) if r[0].value == "2027/28"
        )
        row[1].value = "lots"
        buffer = io.BytesIO()
        workbook.save(buffer)
        outcome = apply_import(session, buffer.getvalue(), filename="bad.xlsx")
        assert not outcome.applied
        [problem] = outcome.problems
        assert (problem.sheet, problem.row, problem.column) == (
            "Price index",
            row[0].row,
            "Deflator",
        )
        stored = session.exec(select(PriceIndexYear).where(PriceIndexYear.year == 2027)).one()
        assert stored.deflator == pytest.approx(118.6)


def test_the_benefits_price_year_is_the_demand_types_and_must_be_one(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        demand = session.exec(select(DemandType)).all()
        assert benefits_price_year(demand) == 2022
        index = optimiser_index(session, demand)
        assert index is not None and index.real_year == 2022 and "HM Treasury" in index.source
        demand[0].price_year = "2019/20"
        with pytest.raises(Exception, match=r"different price years \(2019/20: "):
            benefits_price_year(demand)
        session.rollback()


def test_a_plan_year_missing_from_the_index_is_named_before_solving(demo_app: Flask) -> None:
    """Deleting 2027/28 from the demo's index: its scenarios covering that year cannot be
    priced, and the message names the year rather than failing inside the solver."""
    with demo_app.app_context(), new_session() as session:
        row = session.exec(select(PriceIndexYear).where(PriceIndexYear.year == 2027)).one()
        session.delete(row)
        session.flush()
        scenario = next(s for s in session.exec(select(Scenario)) if 2027 in s.years)
        with pytest.raises(PlanningInputError, match=r"no deflator for 2027/28"):
            planning_inputs(session, scenario)
        # Run from the page or the API, the plan stops with that message: nothing crashes.
        session.commit()
        from planner.solving.service import start_plan

        plan = start_plan(session, scenario.id, None)
        assert plan.status.value == "error"
        assert "the price index has no deflator for 2027/28" in plan.message
        session.rollback()
    with demo_app.app_context(), new_session() as session:
        # Asking for a plan records the request (and so the deletion): put the year back.
        if session.exec(select(PriceIndexYear).where(PriceIndexYear.year == 2027)).first() is None:
            save_index_year(session, next(r for r in treasury_rows() if r["year"] == 2027))
        assert session.exec(select(PriceIndexYear).where(PriceIndexYear.year == 2027)).one()


def test_the_plan_page_and_api_show_cash_and_real_figures(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    """The demo's pooled plan, solved with HM Treasury's index: the page and the API state the
    index, each year's spend in cash and in 2022/23 prices (cash = real x the year's factor),
    and the benefit-cost ratio against real spend."""
    from tests.test_excel_plan import solved_demo_plan

    plan_id, total, _name = solved_demo_plan(app)
    page = sign_in_as(Role.FINANCE_LEAD).get(f"/plans/{plan_id}").data.decode()
    assert "Cash and real prices" in page and "Spend in 2022/23 prices" in page
    assert "HM Treasury GDP deflators" in page
    client = app.test_client()
    answer = client.get(f"/api/v1/plans/{plan_id}", headers=bearer(token_for(app))).json
    prices = answer["prices"]
    assert prices["real_year"] == 2022
    assert sum(year["cash"] for year in prices["spend_by_year"]) == pytest.approx(total, abs=0.01)
    for year in prices["spend_by_year"]:
        assert year["real_factor"] > 1  # every plan year is priced above 2022/23
        assert year["cash"] == pytest.approx(year["real"] * year["real_factor"], abs=0.02)
    real_ratio = float(answer["total_benefit"]) / prices["real_total_spend"]
    assert answer["benefit_cost_ratio"] == pytest.approx(real_ratio, abs=1e-4)
