"""The plan workbook's Unspent sheet: each partner-year with money left unspent and why, the
unspent amount a live formula that LibreOffice recalculates to the plan's figure."""

from __future__ import annotations

import io

import openpyxl
import pytest

from planner.excel.plan_unspent import UNSPENT
from planner.excel.plan_workbook import build_plan_workbook
from tests.excel.plan_fixtures import solved_view
from tests.excel.recalculate import recalculate


@pytest.fixture(scope="module")
def view():  # type: ignore[no-untyped-def]
    return solved_view()


@pytest.fixture(scope="module")
def workbook_bytes(view) -> bytes:  # type: ignore[no-untyped-def]
    return build_plan_workbook(view)


def test_each_unspent_partner_year_has_a_row_with_why(view, workbook_bytes) -> None:  # type: ignore[no-untyped-def]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes))[UNSPENT]
    assert [c.value for c in sheet[4]] == [
        "Partner",
        "Year",
        "Available",
        "Spent",
        "Unspent",
        "Why",
    ]
    entries = view.result.unspent
    assert entries, "the small partnership leaves money unspent"
    first = entries[0]
    row = [c.value for c in sheet[5]]
    # A partner name that looks like a formula stays text (formula injection).
    assert row[0] == first.name and sheet.cell(5, 1).data_type == "s"
    assert row[2] == pytest.approx(first.available) and row[3] == pytest.approx(first.spend)
    assert row[4] == "=C5-D5"
    assert "a rule holds it back" in row[5]
    total = [c.value for c in sheet[5 + len(entries)]]
    assert total[0] == "All partners" and total[4] == f"=SUM(E5:E{4 + len(entries)})"


@pytest.mark.libreoffice
def test_the_unspent_sheet_recalculates_to_the_plan(view, workbook_bytes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    recalculated = recalculate(workbook_bytes, tmp_path)
    sheet = recalculated[UNSPENT]
    entries = view.result.unspent
    for offset, entry in enumerate(entries):
        assert sheet.cell(5 + offset, 5).value == pytest.approx(entry.unspent, abs=0.01)
    total = sheet.cell(5 + len(entries), 5).value
    assert total == pytest.approx(sum(e.unspent for e in entries), abs=0.01)
