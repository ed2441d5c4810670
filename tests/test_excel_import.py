"""Importing inputs from Excel: the round trip, one precise message per bad cell with nothing
written, formula-injection text, refusing files that are not workbooks, the upload pages and
the command line."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from flask import Flask
from sqlmodel import func, select

from models import AuditEvent, BudgetLine, Partner
from models.vocabulary import Role
from planner.db import new_session
from planner.excel.import_reader import TEMPLATE_ON_THE_COMMAND_LINE, ImportRefused, check_is_xlsx
from planner.excel.import_service import apply_import, preview_import
from planner.excel.inputs_workbook import build_current_inputs_workbook, build_inputs_workbook
from planner.inputs.service import create_partner
from tests.excel.workbook_files import edited

INJECTION = "=cmd|' /C calc'!A0"


@pytest.fixture
def demo_app(app: Flask) -> Flask:
    from planner.demo.loader import load_demo

    with app.app_context():
        load_demo()
    return app


def workbook_values(content: bytes) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook
    }


def audit_count(session) -> int:  # type: ignore[no-untyped-def]
    return session.exec(select(func.count()).select_from(AuditEvent)).one()


def test_round_trip_changes_nothing(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        exported = build_current_inputs_workbook(session)
        events = audit_count(session)
        outcome = apply_import(session, exported, filename="inputs.xlsx")
        assert outcome.ok and outcome.applied
        assert outcome.total("create") == outcome.total("update") == 0
        assert outcome.total("unchanged") > 200
        # The demo's community records go round too: its indicators, volunteers and providers.
        unchanged = {sheet: same for sheet, _new, _changed, same in outcome.counts()}
        community = ("Risk indicators", "Indicator values", "Volunteers", "Providers")
        assert all(unchanged[sheet] > 0 for sheet in community), unchanged
        assert audit_count(session) == events + 1  # only the import itself is recorded
        last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last.action == "import" and "inputs.xlsx" in last.summary
        assert workbook_values(build_current_inputs_workbook(session)) == workbook_values(exported)


BAD_CELLS = {
    # sheet: (cell, bad value, column named in the message, words in the reason). Sheets that
    # other sheets refer to get a new bad row, so that no other row depends on it.
    "Partners": ("new", ["Leeds Youth Fund", "Wizard", None, ""], "Kind", "not a kind of partner"),
    "Commissioning cycles": ("B2", "Smarch", "Budget-setting month", "not a month"),
    "Budget lines": ("C2", -5, "Maximum (£)", "0 or more"),
    "Existing contracts": ("D2", "2026/2", "Financial years", "2026/27"),
    "Demand types": ("new", ["Truancy", "day", "lots"], "Unit cost (£)", "amount of money"),
    "Cost shares": ("C2", 150, "Share (%)", "100"),
    "Interventions": (
        "new",
        # A new intervention gives its price year (the last column), so only its rating is wrong.
        ["Pilot", "Other", "children", 500, None, 0, 10, 12, "5*", *[None] * 11, "2022/23"],
        "Evidence rating",
        "not an evidence rating",
    ),
    "Effects": ("C2", "some", "Reduction per participant", "must be a number"),
    "Places": ("new", ["Ossett", "Wakefield", -1], "Need index", "more than 0"),
    "Populations": ("C2", 12.5, "Eligible population", "whole number"),
    "Capacity overrides": ("new", None, "Intervention", "no intervention called"),
}


def test_one_bad_cell_in_each_sheet_gives_one_message_each_and_writes_nothing(
    demo_app: Flask,
) -> None:
    with demo_app.app_context(), new_session() as session:
        exported = build_current_inputs_workbook(session)
        workbook = openpyxl.load_workbook(io.BytesIO(exported))
        expected_rows = {}
        for sheet, (cell, value, _column, _words) in BAD_CELLS.items():
            if cell == "new":
                row = value or [workbook["Places"]["A2"].value, "Nowhere programme", 5]
                workbook[sheet].append(row)
                expected_rows[sheet] = workbook[sheet].max_row
            else:
                workbook[sheet][cell] = value
                expected_rows[sheet] = int(cell[1:])
        buffer = io.BytesIO()
        workbook.save(buffer)
        events = audit_count(session)
        outcome = apply_import(session, buffer.getvalue(), filename="bad.xlsx")
        assert not outcome.ok and not outcome.applied
        by_sheet = {problem.sheet: problem for problem in outcome.problems}
        assert len(outcome.problems) == len(BAD_CELLS), [str(p) for p in outcome.problems]
        for sheet, (_cell, _value, column, words) in BAD_CELLS.items():
            problem = by_sheet[sheet]
            assert problem.row == expected_rows[sheet], str(problem)
            assert problem.column == column, str(problem)
            assert words in problem.reason, str(problem)
        assert audit_count(session) == events
        assert workbook_values(build_current_inputs_workbook(session)) == workbook_values(exported)


def test_rows_naming_a_failed_record_add_no_extra_messages(demo_app: Flask) -> None:
    """A partner whose row is wrong is named by budget lines and cost shares: only its own row
    is reported, since fixing it fixes them."""
    with demo_app.app_context(), new_session() as session:
        exported = build_current_inputs_workbook(session)
        bad = edited(exported, {"Partners": {"B2": "Wizard"}})
        outcome = preview_import(session, bad)
        assert [(p.sheet, p.row, p.column) for p in outcome.problems] == [("Partners", 2, "Kind")]


def test_preview_shows_what_changes_and_the_import_applies_it(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        exported = build_current_inputs_workbook(session)
        workbook = openpyxl.load_workbook(io.BytesIO(exported))
        partner = workbook["Budget lines"]["A2"].value
        year = workbook["Budget lines"]["B2"].value
        workbook["Budget lines"]["C2"] = 123456.78
        workbook["Partners"].append(
            ["Kirklees Youth Trust", "Voluntary or community sector", None, ""]
        )
        workbook["Budget lines"].append(
            ["Kirklees Youth Trust", "2026/27", 50000, None, "Confirmed", "", ""]
        )
        buffer = io.BytesIO()
        workbook.save(buffer)
        preview = preview_import(session, buffer.getvalue())
        assert preview.ok, [str(p) for p in preview.problems]
        counts = {sheet: (c, u) for sheet, c, u, _n in preview.counts()}
        assert counts["Partners"] == (1, 0)
        assert counts["Budget lines"] == (1, 1)
        assert (
            session.exec(select(Partner).where(Partner.name == "Kirklees Youth Trust")).first()
            is None
        )
        outcome = apply_import(session, buffer.getvalue(), filename="changes.xlsx")
        assert outcome.ok
        trust = session.exec(select(Partner).where(Partner.name == "Kirklees Youth Trust")).one()
        assert trust.kind == "voluntary_sector"
        owner = session.exec(select(Partner).where(Partner.name == partner)).one()
        line = session.exec(
            select(BudgetLine).where(
                BudgetLine.partner_id == owner.id, BudgetLine.year == int(year[:4])
            )
        ).one()
        assert str(line.maximum) == "123456.78"
        actions = session.exec(
            select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(4)
        ).all()
        assert actions[0] == "import" and "create" in actions and "update" in actions


def test_formula_injection_survives_export_as_text_and_imports_unchanged(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        create_partner(session, {"name": INJECTION, "kind": "other", "notes": "@SUM(A1:A9)"})
        exported = build_current_inputs_workbook(session)
        sheet = openpyxl.load_workbook(io.BytesIO(exported))["Partners"]
        assert sheet["A2"].value == INJECTION and sheet["A2"].data_type == "s"
        assert sheet["A2"].quotePrefix and sheet["D2"].quotePrefix
        outcome = apply_import(session, exported)
        assert outcome.ok and outcome.total("unchanged") == 1
        assert session.exec(select(Partner)).one().name == INJECTION


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"name,kind\nPolice,police\n", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97-2003"),
        (
            _zip({"word/document.xml": b"<x/>", "[Content_Types].xml": b"<x/>"}),
            "not an Excel workbook",
        ),
        (_zip({"mimetype": b"application/vnd.oasis", "content.xml": b"<x/>"}), "OpenDocument"),
        (
            _zip(
                {
                    "[Content_Types].xml": b"<x/>",
                    "xl/workbook.xml": b"<x/>",
                    "xl/vbaProject.bin": b"x",
                }
            ),
            "macros",
        ),
        (b"PK\x03\x04 not really a zip", "damaged"),
    ],
)
def test_files_that_are_not_workbooks_are_refused_in_words(content: bytes, words: str) -> None:
    with pytest.raises(ImportRefused, match=words):
        check_is_xlsx(content)


def test_refusals_point_to_the_template_where_the_import_came_from() -> None:
    with pytest.raises(ImportRefused) as on_the_page:
        check_is_xlsx(b"name,kind\nPolice,police\n")
    assert str(on_the_page.value) == (
        "This file is not a spreadsheet. Use an Excel workbook (.xlsx), such as the template "
        "from this page."
    )
    with pytest.raises(ImportRefused) as on_the_command_line:
        check_is_xlsx(b"name,kind\n", template=TEMPLATE_ON_THE_COMMAND_LINE)
    assert str(on_the_command_line.value) == (
        "This file is not a spreadsheet. Use an Excel workbook (.xlsx), such as a template made "
        "by running `planner export-template template.xlsx`."
    )


def test_the_command_line_says_how_to_make_the_template(app: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    csv = tmp_path / "inputs.csv"
    csv.write_bytes(b"name,kind\nPolice,police\n")
    refused = runner.invoke(args=["import", str(csv)])
    assert refused.exit_code != 0
    assert "such as a template made by running `planner export-template template.xlsx`." in (
        refused.output
    )
    assert "this page" not in refused.output
    unrelated = tmp_path / "unrelated.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Budget 2026"
    workbook.save(unrelated)
    refused = runner.invoke(args=["import", str(unrelated), "--dry-run"])
    assert refused.exit_code != 0
    assert (
        "is in this workbook. Start from a template made by running "
        "`planner export-template template.xlsx`." in refused.output
    )


def test_template_has_a_sheet_per_table_with_notes_and_lists() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(build_inputs_workbook()))
    assert workbook.sheetnames[1:4] == ["Partners", "Commissioning cycles", "Budget lines"]
    interventions = workbook["Interventions"]
    assert interventions["I1"].value == "Evidence rating *"
    assert "Early Intervention Foundation" in interventions["I1"].comment.text
    lists = [v.formula1 for v in interventions.data_validations.dataValidation]
    assert '"4+,4,3+,3,2+,2,NL2,NE"' in lists
    assert "='Partners'!$A$2:$A$5000" in [
        v.formula1 for v in workbook["Budget lines"].data_validations.dataValidation
    ]


def test_upload_preview_confirm(demo_app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    client = sign_in_as(Role.COMMISSIONER)
    page = client.get("/inputs/import")
    assert page.status_code == 200 and b"Download the blank template" in page.data
    exported = client.get("/inputs/current.xlsx")
    assert exported.status_code == 200 and exported.mimetype.endswith("spreadsheetml.sheet")
    changed = edited(exported.data, {"Places": {"C2": 2.5}})
    preview = client.post(
        "/inputs/import",
        data={"workbook": (io.BytesIO(changed), "places.xlsx")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200, preview.data
    assert b"1 to update" in preview.data
    token = preview.data.decode().split('name="token" type="hidden" value="')[1].split('"')[0]
    other = sign_in_as(Role.ADMIN)
    stolen = other.post("/inputs/import/confirm", data={"token": token, "confirm": "Import"})
    assert stolen.status_code == 302  # not their upload: nothing imported
    done = client.post(
        "/inputs/import/confirm", data={"token": token, "confirm": "Import"}, follow_redirects=True
    )
    assert b"1 updated" in done.data
    assert b"run a scenario again to plan with the imported figures" in done.data
    again = client.post(
        "/inputs/import/confirm", data={"token": token, "confirm": "Import"}, follow_redirects=True
    )
    assert b"expired or was already imported" in again.data


def test_upload_rejects_non_spreadsheets_and_large_files(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    client = sign_in_as(Role.ADMIN)
    response = client.post(
        "/inputs/import",
        data={"workbook": (io.BytesIO(b"a,b\n1,2\n"), "inputs.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and b"not a spreadsheet" in response.data
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = client.post(
        "/inputs/import",
        data={"workbook": (io.BytesIO(build_inputs_workbook()), "big.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413 and b"larger than" in response.data


def test_only_commissioners_and_admins_import(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    assert sign_in_as(Role.FINANCE_LEAD).get("/inputs/import").status_code == 403
    assert sign_in_as(Role.PLACE_LEAD).get("/inputs/import").status_code == 403
    assert sign_in_as(Role.PLACE_LEAD).get("/inputs/current.xlsx").status_code == 403
    assert sign_in_as(Role.FINANCE_LEAD).get("/inputs/template.xlsx").status_code == 200


def test_upload_needs_the_csrf_token(csrf_app: Flask) -> None:
    from tests.conftest import add_user, sign_in

    client = csrf_app.test_client()
    page = client.get("/sign-in")
    token = page.data.decode().split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    email = add_user(csrf_app, Role.COMMISSIONER)
    response = client.post(
        "/sign-in", data={"email": email, "password": "correct horse battery", "csrf_token": token}
    )
    assert response.status_code == 302
    refused = client.post(
        "/inputs/import",
        data={"workbook": (io.BytesIO(build_inputs_workbook()), "t.xlsx")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    del sign_in


def test_command_line_dry_run_then_import(demo_app: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = demo_app.test_cli_runner()
    path = tmp_path / "inputs.xlsx"
    assert runner.invoke(args=["export-inputs", str(path)]).exit_code == 0
    path.write_bytes(edited(path.read_bytes(), {"Places": {"C2": 3.25}}))
    dry = runner.invoke(args=["import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "1 to update" in dry.output and "Nothing was saved" in dry.output
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(edited(path.read_bytes(), {"Budget lines": {"C2": "lots"}}))
    refused = runner.invoke(args=["import", str(bad)])
    assert refused.exit_code != 0 and "Budget lines, row 2, column Maximum (£)" in refused.output
    done = runner.invoke(args=["import", str(path)])
    assert done.exit_code == 0 and "1 updated" in done.output
    assert "run a scenario again to plan with the imported figures" in done.output
    template = tmp_path / "template.xlsx"
    assert runner.invoke(args=["export-template", str(template)]).exit_code == 0
    assert openpyxl.load_workbook(template).sheetnames[0] == "About"
