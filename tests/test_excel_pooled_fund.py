"""The plan workbook's Pooled fund sheet, recalculated by LibreOffice: the same exposure and
headroom as the plan page (to the penny), and a check that turns red when a budget's headroom no
longer holds its part of the reserve."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from models.pooled_fund import RiskShareBasis
from optimiser import plan_to_dict
from planner.excel.plan_pooled_fund import POOLED_FUND
from planner.excel.plan_view import PlanWorkbookView, PooledFundTerms
from planner.excel.plan_workbook import build_plan_workbook
from planner.pooled_fund.position import pooled_fund_position
from planner.pooled_fund.risk_share import RiskShareTerms
from tests.excel.plan_fixtures import solved_view
from tests.excel.recalculate import recalculate
from tests.excel.workbook_files import edited

TERMS = RiskShareTerms(contingency_percent=Decimal(3))


@pytest.fixture(scope="module")
def view() -> PlanWorkbookView:
    return dataclasses.replace(
        solved_view(), pooled_fund=PooledFundTerms(host="=Host", terms=TERMS, reference="s75")
    )


def _rows(sheet, header_text: str):  # type: ignore[no-untyped-def]
    header = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == header_text)
    row = header + 1
    while sheet.cell(row, 1).value not in (None, ""):
        yield row
        row += 1


def test_a_plan_without_an_agreement_has_no_pooled_fund_sheet(view: PlanWorkbookView) -> None:
    import io

    import openpyxl

    plain = openpyxl.load_workbook(io.BytesIO(build_plan_workbook(solved_view())))
    assert POOLED_FUND not in plain.sheetnames
    with_agreement = openpyxl.load_workbook(io.BytesIO(build_plan_workbook(view)))
    assert with_agreement.sheetnames.index(POOLED_FUND) == (
        with_agreement.sheetnames.index("Partners") + 1
    )
    host = with_agreement[POOLED_FUND]["B3"]
    assert host.value == "=Host" and host.data_type == "s"  # text, never a formula


def test_exposure_and_headroom_match_the_page_and_a_breach_turns_red(
    view: PlanWorkbookView, tmp_path: Path
) -> None:
    content = build_plan_workbook(view)
    sheet = recalculate(content, tmp_path / "as-built")[POOLED_FUND]
    position = pooled_fund_position(
        plan_to_dict(view.result), TERMS, host="=Host", partners=list(view.partners)
    )
    # The optimiser's answer is keyed by partner key; the sheet names partners.
    expected = {(view.partner_name(row.partner), row.year): row for row in position.exposures}
    seen = 0
    for row in _rows(sheet, "Financial year"):
        year = int(str(sheet.cell(row, 1).value)[:4])
        page = expected[(sheet.cell(row, 2).value, year)]
        assert Decimal(str(sheet.cell(row, 3).value)).quantize(Decimal("0.01")) == page.contribution
        assert abs(Decimal(str(sheet.cell(row, 8).value)) - page.reserve_share) <= Decimal("0.01")
        assert abs(Decimal(str(sheet.cell(row, 9).value)) - page.exposure) <= Decimal("0.01")
        seen += 1
    assert seen == len(expected)
    headroom_rows = list(_rows(sheet, "Partner"))
    assert headroom_rows, "a headroom row per budget line"
    lines = {(view.partner_name(line.partner), line.year_label): line for line in position.headroom}
    for row in headroom_rows:
        line = lines[(sheet.cell(row, 1).value, sheet.cell(row, 2).value)]
        assert abs(Decimal(str(sheet.cell(row, 5).value)) - line.headroom) <= Decimal("0.01")
        assert (sheet.cell(row, 8).value == "OK") == line.reserve_fits

    # Lower one budget's maximum to its planned spend: its headroom is gone, so that line's
    # check (and only that one) turns red.
    target = next(
        row
        for row in headroom_rows
        if sheet.cell(row, 8).value == "OK" and (sheet.cell(row, 7).value or 0) > 0
    )
    planned = sheet.cell(target, 4).value
    changed = recalculate(
        edited(content, {POOLED_FUND: {f"C{target}": planned}}), tmp_path / "edited"
    )[POOLED_FUND]
    red = [row for row in headroom_rows if changed.cell(row, 8).value != "OK"]
    was_red = [row for row in headroom_rows if sheet.cell(row, 8).value != "OK"]
    assert red == sorted([*was_red, target])
    assert str(changed.cell(target, 8).value).startswith("Problem: the reserve needs £")


def test_stated_percentages_are_written_as_the_shares(view: PlanWorkbookView) -> None:
    import io

    import openpyxl

    names = list(view.partners.values())
    terms = RiskShareTerms(
        overspend_basis=RiskShareBasis.PERCENTAGES,
        overspend_percent={names[0]: Decimal(75), names[1]: Decimal(25)},
    )
    stated = dataclasses.replace(view, pooled_fund=PooledFundTerms(None, terms))
    sheet = openpyxl.load_workbook(io.BytesIO(build_plan_workbook(stated)))[POOLED_FUND]
    shares = {
        sheet.cell(row, 2).value: sheet.cell(row, 4).value for row in _rows(sheet, "Financial year")
    }
    assert shares[names[0]] == 0.75 and shares[names[1]] == 0.25
