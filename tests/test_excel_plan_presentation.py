"""How the plan workbook reads: no cell says 'None', and charts of money start at zero."""

from __future__ import annotations

import io

import openpyxl

from planner.excel.plan_workbook import build_plan_workbook
from tests.excel.plan_fixtures import solved_view


def test_no_cell_reads_none_and_money_charts_start_at_zero() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(build_plan_workbook(solved_view())))
    nones = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.strip() == "None"
    ]
    assert nones == []
    charts = workbook["Summary"]._charts
    bars = [chart for chart in charts if chart.tagname == "barChart"]
    assert len(bars) == 2
    assert all(chart.y_axis.scaling.min == 0 for chart in bars)
