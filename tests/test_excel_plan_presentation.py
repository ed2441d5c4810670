"""How the plan workbook reads: no cell says 'None', and charts of money start at zero."""

from __future__ import annotations

import io

import openpyxl

from planner.excel.cells import LINE_HEIGHT, wrapped_lines
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


def test_rows_with_wrapped_text_are_tall_enough_not_to_print_over_their_neighbours() -> None:
    """LibreOffice keeps a row's saved height, so wrapped text in a one-line row printed over
    the rows around it: each such row is now given the height of its longest cell."""
    workbook = openpyxl.load_workbook(io.BytesIO(build_plan_workbook(solved_view())))
    partners = workbook["Partners"]
    rule = partners["G2"]
    assert rule.alignment.wrap_text
    # 50 characters a line, wrapped at spaces: "Benefit falling to West Yorkshire Police must
    # be" (48) / "at least the fairness factor times what it pays" (47) / "(the scenario's
    # factor, 0.5, is on the Inputs" (46) / "sheet)": four lines of 15 points.
    assert partners.column_dimensions["G"].width == 50
    assert wrapped_lines(rule.value, 50) == 4
    assert partners.row_dimensions[2].height == 4 * LINE_HEIGHT
    short = workbook["Checks"]
    assert short.row_dimensions[2].height is None, "a row whose text fits keeps its height"


def test_wrapped_lines_breaks_at_spaces_and_splits_long_words() -> None:
    assert wrapped_lines("", 10) == 1
    assert wrapped_lines("ten chars!", 10) == 1
    assert wrapped_lines("ten chars! more", 10) == 2  # "more" does not fit after a space
    assert wrapped_lines("a" * 25, 10) == 3  # 10 + 10 + 5
    assert wrapped_lines("one\ntwo", 40) == 2
