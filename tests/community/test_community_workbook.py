"""The plan workbook's Community sheet: volunteer hours as the plan page shows them, a live share
used that LibreOffice recalculates, sentences as text (never formulas), and residents' choices."""

from __future__ import annotations

import io

import openpyxl
import pytest
from flask import Flask
from sqlmodel import select

from models import Plan
from planner.db import new_session
from planner.excel.plan_community import COMMUNITY, HEADER_ROW
from planner.excel.plan_workbook import build_plan_workbook
from planner.excel.stored_plan import plan_workbook_view
from tests.excel.recalculate import recalculate


def test_community_sheet_matches_the_plan_and_recalculates(demo_app: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with demo_app.app_context(), new_session() as session:
        plan = session.exec(select(Plan).order_by(Plan.id)).first()
        assert plan is not None
        content = build_plan_workbook(plan_workbook_view(session, plan))
        uses = plan.result["volunteers"]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    names = workbook.sheetnames
    assert names.index(COMMUNITY) == names.index("Places") + 1
    sheet = workbook[COMMUNITY]
    first = HEADER_ROW + 1
    assert sheet.cell(first, 1).value == uses[0]["place"]
    assert sheet.cell(first, 8).value == uses[0]["sentence"]
    assert sheet.cell(first, 5).value == f"=IF(C{first}>0,D{first}/C{first},0)"
    assert sheet.cell(first + len(uses) + 1, 1).value == "What residents chose"
    recalculated = recalculate(content, tmp_path)
    share = recalculated[COMMUNITY].cell(first, 5).value
    assert share == pytest.approx(uses[0]["hours_used"] / uses[0]["hours_available"], abs=1e-6)
