"""Names that differ only in capitals or spacing name the same record: the input services refuse
a second one, find the first by either spelling, and the import's repeats agree with them; the
plan workbook never counts two such names together even when an old plan holds both."""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pytest
from flask import Flask
from sqlmodel import select

from models import Partner, Place
from optimiser import Place as PlanPlace
from optimiser import optimise
from planner.db import new_session
from planner.excel.cells import to_pounds
from planner.excel.import_service import preview_import
from planner.excel.inputs_workbook import build_current_inputs_workbook
from planner.excel.plan_view import view_from_optimiser
from planner.excel.plan_workbook import build_plan_workbook
from planner.inputs import service
from planner.inputs.validation import InputError, by_name
from tests.excel.plan_fixtures import small_partnership
from tests.excel.recalculate import recalculate
from tests.excel.workbook_files import add_row

IGNORING = "(names are compared ignoring capitals, extra spaces and look-alike letters)"


def _kinds(session):  # type: ignore[no-untyped-def]
    """(create function, fields for a record called {name}, the words for the kind)."""
    return [
        (lambda f: service.create_partner(session, f), {"kind": "police"}, "a partner"),
        (lambda f: service.create_place(session, f), {"district": "Bradford"}, "a place"),
        (
            lambda f: service.create_intervention(
                session, {"target_group": "young people", "unit_cost": 900, "price_year": 2022, **f}
            ),
            {},
            "an intervention",
        ),
        (
            lambda f: service.create_demand_type(
                session, {"unit": "case", "unit_cost": 10, **f}, {"Anchor": 100}
            ),
            {},
            "a demand type",
        ),
    ]


def test_a_second_name_differing_only_in_capitals_is_refused(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        service.create_partner(session, {"name": "Anchor", "kind": "other"})
        for create, fields, words in _kinds(session):
            create({**fields, "name": "Bradford East"})
            with pytest.raises(InputError) as refused:
                create({**fields, "name": "bradford  EAST "})
            assert refused.value.errors == {
                "name": f"There is already {words} called 'Bradford East' {IGNORING}"
            }
            with pytest.raises(InputError) as same:
                create({**fields, "name": "Bradford East"})
            assert same.value.errors == {"name": f"There is already {words} called 'Bradford East'"}


def test_renaming_to_the_same_name_in_other_capitals_is_allowed(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        place = service.create_place(session, {"name": "Bradford East", "district": "Bradford"})
        other = service.create_place(session, {"name": "Keighley", "district": "Bradford"})
        renamed = service.update_place(session, place.id, {"name": "BRADFORD East"})
        assert renamed.name == "BRADFORD East"
        with pytest.raises(InputError) as refused:
            service.update_place(session, other.id, {"name": "bradford east"})
        assert refused.value.errors == {
            "name": f"There is already a place called 'BRADFORD East' {IGNORING}"
        }


def test_records_are_found_by_either_spelling_exact_first(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        acme = service.create_partner(session, {"name": "Acme Trust", "kind": "other"})
        assert by_name(session, Partner, "  acme   TRUST") == acme
        # A database from before this rule may hold both: the exact spelling wins.
        session.add(Partner(name="acme trust", kind="other"))
        session.commit()
        assert by_name(session, Partner, "acme trust").name == "acme trust"
        assert by_name(session, Partner, "Acme Trust") == acme
        assert by_name(session, Partner, "") is None


def test_import_treats_other_capitals_as_the_same_record(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        service.create_place(session, {"name": "Bradford East", "district": "Bradford"})
        workbook = openpyxl.load_workbook(io.BytesIO(build_current_inputs_workbook(session)))
        places = workbook["Places"]
        places["C2"] = 1.5
        add_row(places, ["bradford EAST", "Bradford", 2])
        buffer = io.BytesIO()
        workbook.save(buffer)
        outcome = preview_import(session, buffer.getvalue())
        assert [str(problem) for problem in outcome.problems] == [
            "Places, row 3: repeats row 2 (bradford EAST); give each once"
        ]
        places.delete_rows(3)
        places["A2"] = "BRADFORD EAST"
        buffer = io.BytesIO()
        workbook.save(buffer)
        outcome = preview_import(session, buffer.getvalue())
        assert outcome.ok, [str(p) for p in outcome.problems]
        assert [(c.sheet, c.action) for c in outcome.changes] == [("Places", "update")]
        assert len(session.exec(select(Place)).all()) == 1


@pytest.fixture(scope="module")
def twin_places_workbook() -> tuple[bytes, object]:
    """A plan solved (say, before this rule) with places "Bradford East" and "bradford EAST"."""
    inputs, rules = small_partnership()
    bradford = next(place for place in inputs.places if place.key == "bradford")
    twin = PlanPlace("twin", "bradford EAST", "Bradford", dict(bradford.population), 1.2)
    inputs = dataclasses.replace(inputs, places=(*inputs.places, twin))
    result = optimise(inputs, rules, time_limit=30)
    assert result.status.has_plan
    view = view_from_optimiser(inputs, rules, result, scenario_name="Twins")
    return build_plan_workbook(view), view


def test_twin_place_names_are_summed_exactly(twin_places_workbook) -> None:  # type: ignore[no-untyped-def]
    content, view = twin_places_workbook
    result = view.result
    places = openpyxl.load_workbook(io.BytesIO(content))["Places"]
    formulas = {row[0].value: row[4].value for row in places.iter_rows(min_row=2) if row[0].value}
    for name in ("Bradford East", "bradford EAST"):
        assert formulas[name].startswith("=SUMPRODUCT(--EXACT('Allocations'!$B$2:$B$"), name
    assert formulas["Halifax North"].startswith("=SUMIFS(")
    spend = {place.name: place.spend for place in result.places}
    assert spend["Bradford East"] > 0 and spend["bradford EAST"] > 0


@pytest.mark.libreoffice
def test_twin_place_names_recalculate_to_the_plan(twin_places_workbook, tmp_path) -> None:  # type: ignore[no-untyped-def]
    content, view = twin_places_workbook
    recalculated = recalculate(content, tmp_path)
    spend = {
        row[0]: row[4] for row in recalculated["Places"].iter_rows(min_row=2, values_only=True)
    }
    for place in view.result.places:
        expected = sum(to_pounds(a.cost) for a in view.result.allocations if a.place == place.place)
        assert to_pounds(spend[place.name]) == expected == to_pounds(place.spend), place.name
    checks = {
        row[0]: row[2] for row in recalculated["Checks"].iter_rows(values_only=True) if row[0]
    }
    assert checks["Places' spend adds up to the total spend"] == "OK"
    assert checks["All checks"] == "OK"
