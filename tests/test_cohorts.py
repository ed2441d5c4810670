"""Whole cohorts and minimum contracts on an intervention (issue 12): the form, the page, the API,
the inputs workbook, the migration, and the optimiser's inputs and the plan's record of them."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from alembic import command
from flask import Flask
from sqlalchemy import inspect, text
from sqlmodel import select

from models import Intervention, Scenario
from models.vocabulary import Role
from planner.db import alembic_config, new_session
from planner.excel.import_service import apply_import
from planner.excel.inputs_workbook import build_current_inputs_workbook
from planner.inputs import service
from planner.solving.inputs import planning_inputs
from planner.solving.snapshot import inputs_from_snapshot, take_snapshot
from tests.test_api_tokens import bearer, token_for
from tests.test_inputs import page, seed
from tests.test_inputs_catalogue import INTERVENTION

COHORT_FIELDS = ("cohort_size", "cohort_cost", "minimum_contract")


def therapy(app: Flask, therapy_id: int) -> Intervention:
    with app.app_context(), new_session() as session:
        return session.get(Intervention, therapy_id)  # type: ignore[return-value]


# --- The form and the page ---------------------------------------------------------------


def test_the_form_refuses_bad_cohorts_naming_the_field_and_saves_nothing(
    app: Flask, sign_in_as
) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    url = f"/inputs/interventions/{ids['therapy']}/edit"
    form = page(client.get(url))
    assert 'name="cohort_size"' in form and 'name="minimum_contract"' in form
    assert "Blank or 0: places are bought person by person." in form
    before = therapy(app, ids["therapy"])
    fields = {**INTERVENTION, "name": "Functional Family Therapy", "version": before.version}

    no_size = client.post(url, data={**fields, "cohort_cost": "9000"})
    assert no_size.status_code == 422
    assert "Cost of one whole cohort needs a cohort size: give the participants in one cohort" in (
        page(no_size)
    )

    negative = client.post(url, data={**fields, "cohort_size": "-3", "minimum_contract": "-1"})
    shown = page(negative)
    assert "Participants in one cohort or caseload must be 0 or more" in shown
    assert "Smallest contract a provider will take in a place and year must be 0 or more" in shown

    pennies = client.post(url, data={**fields, "cohort_size": "10", "cohort_cost": "9000.505"})
    assert "must be in pounds and pence (at most 2 decimal places)" in page(pennies)

    half = client.post(url, data={**fields, "cohort_size": "2.5"})
    assert "must be a whole number" in page(half)

    after = therapy(app, ids["therapy"])
    assert [getattr(after, name) for name in COHORT_FIELDS] == [0, None, Decimal(0)]
    assert after.version == before.version


def test_the_form_saves_a_cohort_and_the_page_says_what_a_cohort_costs(
    app: Flask, sign_in_as
) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    url = f"/inputs/interventions/{ids['therapy']}/edit"
    version = therapy(app, ids["therapy"]).version
    fields = {**INTERVENTION, "name": "Functional Family Therapy", "version": version}
    saved = client.post(
        url,
        data={**fields, "cohort_size": "10", "cohort_cost": "£11,500", "minimum_contract": ""},
    )
    assert saved.status_code == 302, page(saved)
    stored = therapy(app, ids["therapy"])
    assert (stored.cohort_size, stored.cohort_cost, stored.minimum_contract) == (
        10,
        Decimal("11500"),
        Decimal(0),
    )
    detail = page(client.get(f"/inputs/interventions/{ids['therapy']}"))
    assert "10 participants, £11,500.00 a cohort" in detail
    assert "Smallest contract per place and year</dt><dd>None" in detail

    # A blank cohort cost is the cohort size times the cost per participant (10 x £1,200).
    again = client.post(
        url,
        data={
            **fields,
            "version": stored.version,
            "cohort_size": "10",
            "cohort_cost": "",  # as a browser sends the emptied box
            "minimum_contract": "50000",
        },
    )
    assert again.status_code == 302, page(again)
    detail = page(client.get(f"/inputs/interventions/{ids['therapy']}"))
    assert "10 participants, £12,000.00 a cohort (the cost per participant times 10)" in detail
    assert "£50,000.00" in detail


# --- The API -------------------------------------------------------------------------------


@pytest.fixture
def editor(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client(), bearer(token_for(app, Role.COMMISSIONER))


API_INTERVENTION = {
    "name": "Incredible Years Preschool",
    "category": "parenting",
    "target_group": "families with young children",
    "unit_cost": "560",
    "evidence_rating": "4+",
    "price_year": 2022,
}


def test_the_api_creates_reads_and_changes_cohorts(editor) -> None:  # type: ignore[no-untyped-def]
    client, headers = editor
    created = client.post(
        "/api/v1/interventions",
        json={**API_INTERVENTION, "cohort_size": 12, "cohort_cost": "6500.50"},
        headers=headers,
    )
    assert created.status_code == 201, created.json
    assert created.json["cohort_size"] == 12
    assert Decimal(created.json["cohort_cost"]) == Decimal("6500.50")
    assert Decimal(created.json["minimum_contract"]) == 0
    url = f"/api/v1/interventions/{created.json['id']}"
    read = client.get(url, headers=headers)
    changed = client.patch(
        url,
        json={"minimum_contract": "20000"},
        headers={**headers, "If-Match": read.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.json
    assert Decimal(changed.json["minimum_contract"]) == Decimal(20000)
    assert changed.json["cohort_size"] == 12  # not sent: kept

    # Taking the cohort size away while a cohort cost stands is refused, naming the cost.
    read = client.get(url, headers=headers)
    refused = client.patch(
        url, json={"cohort_size": 0}, headers={**headers, "If-Match": read.headers["ETag"]}
    )
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "cohort_cost"
    assert "needs a cohort size" in refused.json["errors"][0]["message"]
    assert client.get(url, headers=headers).json["cohort_size"] == 12


@pytest.mark.parametrize(
    ("sent", "field", "words"),
    [
        ({"cohort_cost": "9000"}, "cohort_cost", "needs a cohort size"),
        ({"cohort_size": -1}, "cohort_size", "must be 0 or more"),
        ({"cohort_size": 2.5}, "cohort_size", "whole number"),
        ({"minimum_contract": "-5"}, "minimum_contract", "must be 0 or more"),
        ({"minimum_contract": "10.001"}, "minimum_contract", "pounds and pence"),
        ({"cohort_size": 4, "cohort_cost": "-1"}, "cohort_cost", "must be 0 or more"),
    ],
)
def test_the_api_refuses_bad_cohorts_with_a_422_naming_the_field(  # type: ignore[no-untyped-def]
    editor, sent, field, words
) -> None:
    client, headers = editor
    refused = client.post(
        "/api/v1/interventions", json={**API_INTERVENTION, **sent}, headers=headers
    )
    assert refused.status_code == 422, refused.json
    assert any(
        error["field"] == field and words in error["message"] for error in refused.json["errors"]
    ), refused.json
    assert client.get("/api/v1/interventions", headers=headers).json["total"] == 0


def test_the_api_document_describes_the_cohort_fields(app: Flask) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    public = next(schema for name, schema in schemas.items() if name == "InterventionPublic")
    properties = public["properties"]
    assert set(COHORT_FIELDS) <= set(properties)
    assert "0: person by person" in properties["cohort_size"]["description"]
    assert "0: none" in properties["minimum_contract"]["description"]


# --- The inputs workbook -------------------------------------------------------------------


def _sheet_rows(content: bytes, sheet: str) -> list[dict[str, object]]:
    rows = list(openpyxl.load_workbook(io.BytesIO(content))[sheet].iter_rows(values_only=True))
    header = [str(title).removesuffix(" *") for title in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(row)]


def _with_cells(content: bytes, sheet: str, row: int, cells: dict[str, object]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    worksheet = workbook[sheet]
    header = [str(cell.value).removesuffix(" *") for cell in worksheet[1]]
    for title, value in cells.items():
        worksheet.cell(row, header.index(title) + 1).value = value  # None empties the cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_inputs_workbook_exports_and_imports_cohorts(app: Flask) -> None:
    ids = seed(app)
    with app.app_context(), new_session() as session:
        service.update_intervention(
            session, ids["therapy"], {"cohort_size": 10, "minimum_contract": "30000"}
        )
        exported = build_current_inputs_workbook(session)
    row = _sheet_rows(exported, "Interventions")[0]
    assert (row["Cohort size"], row["Cohort cost (£)"], row["Minimum contract (£)"]) == (
        10,
        None,
        30000,
    )
    with app.app_context(), new_session() as session:
        # The round trip changes nothing.
        outcome = apply_import(session, exported, filename="inputs.xlsx")
        assert outcome.ok and outcome.total("update") == 0
        # A changed workbook changes the record.
        changed = _with_cells(
            exported,
            "Interventions",
            2,
            {"Cohort size": 8, "Cohort cost (£)": 9600.5, "Minimum contract (£)": None},
        )
        outcome = apply_import(session, changed, filename="inputs.xlsx")
        assert outcome.ok and outcome.total("update") == 1, [str(p) for p in outcome.problems]
    stored = therapy(app, ids["therapy"])
    assert (stored.cohort_size, stored.cohort_cost, stored.minimum_contract) == (
        8,
        Decimal("9600.50"),
        Decimal(0),
    )


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        ({"Cohort size": 0, "Cohort cost (£)": 5000}, "Cohort cost (£)", "needs a cohort size"),
        ({"Cohort size": "a dozen"}, "Cohort size", "must be a number"),
        ({"Cohort size": 7.5}, "Cohort size", "whole number"),
        ({"Minimum contract (£)": -10}, "Minimum contract (£)", "0 or more"),
        ({"Minimum contract (£)": "lots"}, "Minimum contract (£)", "amount of money"),
    ],
)
def test_a_bad_cohort_cell_is_named_by_sheet_row_and_column_and_nothing_changes(
    app: Flask, cells: dict[str, object], column: str, words: str
) -> None:
    ids = seed(app)
    with app.app_context(), new_session() as session:
        exported = build_current_inputs_workbook(session)
        outcome = apply_import(session, _with_cells(exported, "Interventions", 2, cells))
        assert not outcome.ok and not outcome.applied
        assert [(p.sheet, p.row, p.column) for p in outcome.problems] == [
            ("Interventions", 2, column)
        ], [str(p) for p in outcome.problems]
        assert words in outcome.problems[0].reason
    stored = therapy(app, ids["therapy"])
    assert [getattr(stored, name) for name in COHORT_FIELDS] == [0, None, Decimal(0)]


def test_a_workbook_without_the_cohort_columns_still_imports_and_keeps_them(app: Flask) -> None:
    """A workbook exported before the columns existed keeps each intervention's cohorts."""
    ids = seed(app)
    with app.app_context(), new_session() as session:
        service.update_intervention(session, ids["therapy"], {"cohort_size": 10})
        workbook = openpyxl.load_workbook(io.BytesIO(build_current_inputs_workbook(session)))
        sheet = workbook["Interventions"]
        header = [cell.value for cell in sheet[1]]
        for title in ("Minimum contract (£)", "Cohort cost (£)", "Cohort size"):
            sheet.delete_cols(header.index(title) + 1)
        buffer = io.BytesIO()
        workbook.save(buffer)
        outcome = apply_import(session, buffer.getvalue(), filename="old.xlsx")
        assert outcome.ok, [str(p) for p in outcome.problems]
    assert therapy(app, ids["therapy"]).cohort_size == 10


# --- Into the optimiser, and the plan's record of its inputs -------------------------------


def test_the_optimiser_gets_the_cohorts_and_the_plan_keeps_them(app: Flask) -> None:
    ids = seed(app)
    with app.app_context(), new_session() as session:
        service.update_intervention(
            session,
            ids["therapy"],
            {"cohort_size": 10, "cohort_cost": "9000", "minimum_contract": "27000"},
        )
        session.add(Scenario(name="Whole", first_year=2026, horizon_years=1, whole_programme=True))
        session.commit()
        scenario = session.exec(select(Scenario)).one()
        inputs, rules = planning_inputs(session, scenario)
    intervention = next(i for i in inputs.interventions if i.name == "Functional Family Therapy")
    assert (intervention.cohort_size, intervention.cohort_cost, intervention.minimum_contract) == (
        10,
        9000.0,
        27000.0,
    )
    assert rules.whole_programme
    # The snapshot a plan stores reads back with the same figures.
    with app.app_context(), new_session() as session:
        snapshot = take_snapshot(session, scenario, inputs, rules, time_limit=60)
    assert snapshot["inputs"]["interventions"][0]["minimum_contract"] == 27000.0
    kept, _rules = inputs_from_snapshot(snapshot)
    assert kept.interventions == inputs.interventions


# --- The migration -------------------------------------------------------------------------


def test_migration_0106_adds_and_removes_the_columns_keeping_the_interventions(
    app: Flask,
) -> None:
    seed(app)
    engine = app.extensions["engine"]

    def migrate(step, revision: str) -> None:  # type: ignore[no-untyped-def]
        # As `planner db upgrade` runs them: on the app's own connection.
        with engine.begin() as connection:
            config = alembic_config(app.config["DATABASE_URL"])
            config.attributes["connection"] = connection
            step(config, revision)

    def columns() -> set[str]:
        return {column["name"] for column in inspect(engine).get_columns("intervention")}

    assert set(COHORT_FIELDS) <= columns()
    migrate(command.downgrade, "0105")
    assert not set(COHORT_FIELDS) & columns()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM intervention")).scalars().all() == [
            "Functional Family Therapy"
        ]
    migrate(command.upgrade, "0106")
    assert set(COHORT_FIELDS) <= columns()
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT cohort_size, cohort_cost, minimum_contract FROM intervention")
        ).one()
    # Interventions recorded before are person by person, with no minimum contract.
    assert (stored[0], stored[1], Decimal(str(stored[2]))) == (0, None, Decimal(0))
