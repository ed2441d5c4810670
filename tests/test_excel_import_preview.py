"""The import preview says which columns of each changed row change, from what to what, and a
confirmed import never applies a preview that has gone stale: if the inputs changed after it,
the preview is shown again with a notice, and nothing is imported until it is confirmed anew."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from sqlmodel import select

from models import Place
from models.vocabulary import Role
from planner.db import new_session
from planner.excel.import_outcome import FieldChange
from planner.excel.import_service import (
    InputsChanged,
    apply_import,
    inputs_fingerprint,
    preview_import,
)
from planner.excel.inputs_workbook import build_current_inputs_workbook
from planner.inputs import service
from tests.excel.workbook_files import edited


@pytest.fixture
def inputs(app: Flask) -> bytes:
    """A small partnership, exported as an inputs workbook."""
    with app.app_context(), new_session() as session:
        police = service.create_partner(
            session, {"name": "West Yorkshire Police", "kind": "police"}
        )
        council = service.create_partner(
            session, {"name": "Kirklees Council", "kind": "local_authority"}
        )
        service.create_budget_line(
            session, {"partner_id": police.id, "year": 2026, "maximum": "1200000"}
        )
        service.create_place(
            session, {"name": "Dewsbury West", "district": "Kirklees", "need_index": 1.4}
        )
        service.create_demand_type(
            session,
            {"name": "Violence with injury", "unit": "offence", "unit_cost": 1260},
            {police.id: 80, council.id: 20},
        )
        return build_current_inputs_workbook(session)


CHANGES = {
    "Places": {"C2": 2.5, "D2": "Ward in north Kirklees"},
    "Budget lines": {"C2": 123456.78, "E2": "Confirmed"},
    "Cost shares": {"C2": 60},
}


def test_preview_says_what_each_changed_column_goes_from_and_to(app: Flask, inputs: bytes) -> None:
    changed = edited(inputs, {**CHANGES, "Cost shares": {"C2": 40, "C3": 60}})
    with app.app_context(), new_session() as session:
        outcome = preview_import(session, changed)
    assert outcome.ok, [str(p) for p in outcome.problems]
    fields = {(c.sheet, c.label): c.fields for c in outcome.changes if c.action == "update"}
    assert fields[("Places", "Dewsbury West")] == (
        FieldChange("Need index", "1.4", "2.5"),
        FieldChange("Description", "blank", "Ward in north Kirklees"),
    )
    assert fields[("Budget lines", "West Yorkshire Police · 2026/27")] == (
        FieldChange("Maximum (£)", "£1,200,000.00", "£123,456.78"),
        FieldChange("Status", "Indicative", "Confirmed"),
    )
    shares = {label: change for (sheet, label), change in fields.items() if sheet == "Cost shares"}
    assert shares == {
        "Violence with injury · Kirklees Council": (FieldChange("Share (%)", "20", "40"),),
        "Violence with injury · West Yorkshire Police": (FieldChange("Share (%)", "80", "60"),),
    }


def test_upload_page_and_command_line_show_the_changes(
    app: Flask, inputs: bytes, sign_in_as, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    changed = edited(inputs, {"Places": CHANGES["Places"]})
    page = sign_in_as(Role.COMMISSIONER).post(
        "/inputs/import",
        data={"workbook": (io.BytesIO(changed), "places.xlsx")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    html = " ".join(page.data.decode().split())
    assert "<strong>Need index</strong>: <del>1.4</del> → <ins>2.5</ins>" in html
    assert (
        "<strong>Description</strong>: <del>blank</del> → <ins>Ward in north Kirklees</ins>" in html
    )
    path = tmp_path / "places.xlsx"
    path.write_bytes(changed)
    dry = app.test_cli_runner().invoke(args=["import", str(path), "--dry-run"])
    assert (
        "Places, row 2: Dewsbury West (changed): Need index: 1.4 → 2.5; "
        "Description: blank → Ward in north Kirklees" in dry.output
    )


def test_a_stale_preview_is_shown_again_and_nothing_imported(
    app: Flask, inputs: bytes, sign_in_as
) -> None:  # type: ignore[no-untyped-def]
    client = sign_in_as(Role.COMMISSIONER)
    changed = edited(inputs, {"Places": {"C2": 2.5}})
    first = client.post(
        "/inputs/import",
        data={"workbook": (io.BytesIO(changed), "places.xlsx")},
        content_type="multipart/form-data",
    )
    token = first.data.decode().split('name="token" type="hidden" value="')[1].split('"')[0]
    with app.app_context(), new_session() as session:  # meanwhile, someone edits the place
        place = session.exec(select(Place)).one()
        service.update_place(session, place.id, {"district": "Batley"})
    again = client.post("/inputs/import/confirm", data={"token": token, "confirm": "Import"})
    assert again.status_code == 409
    html = " ".join(again.data.decode().split())
    assert (
        "The partnership's inputs changed after you checked this workbook, so nothing was imported."
        in html
    )
    assert "<strong>District</strong>: <del>Batley</del> → <ins>Kirklees</ins>" in html
    with app.app_context(), new_session() as session:
        place = session.exec(select(Place)).one()
        assert (place.need_index, place.district) == (1.4, "Batley")
    fresh = again.data.decode().split('name="token" type="hidden" value="')[1].split('"')[0]
    assert fresh != token
    done = client.post(
        "/inputs/import/confirm", data={"token": fresh, "confirm": "Import"}, follow_redirects=True
    )
    assert b"1 updated" in done.data
    with app.app_context(), new_session() as session:
        place = session.exec(select(Place)).one()
        assert (place.need_index, place.district) == (2.5, "Kirklees")


def test_apply_refuses_a_preview_made_before_a_change(app: Flask, inputs: bytes) -> None:
    with app.app_context(), new_session() as session:
        before = inputs_fingerprint(session)
        service.create_partner(session, {"name": "Leeds City Council", "kind": "local_authority"})
        assert inputs_fingerprint(session) != before
        with pytest.raises(InputsChanged):
            apply_import(session, inputs, previewed_at=before)
        outcome = apply_import(session, inputs, previewed_at=inputs_fingerprint(session))
        assert outcome.ok and outcome.applied
