"""`build_plan_workbook(view) -> bytes`: a solved plan as a real Excel workbook a finance lead can
trust and edit: live formulas, SUMIFS totals, checks that turn red, charts, and every input used.

Knows nothing of Flask: the route and the CLI send or save the bytes.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.worksheet import Worksheet

from planner.excel.cells import column, fit_row_heights
from planner.excel.plan_answer import ANSWER, write_answer, write_variable_cells
from planner.excel.plan_benefits import BENEFITS, write_benefits
from planner.excel.plan_changes import WHAT_CHANGES, write_changes
from planner.excel.plan_checks import CHECKS, write_checks
from planner.excel.plan_community import COMMUNITY, write_community
from planner.excel.plan_inputs import INPUTS, write_inputs
from planner.excel.plan_outcomes import (
    PARTNERS,
    PLACES,
    SENSITIVITY,
    write_partners,
    write_places,
    write_sensitivity,
)
from planner.excel.plan_pooled_fund import POOLED_FUND, write_pooled_fund
from planner.excel.plan_prices import PRICES, prices_layout, real_ratio, write_prices
from planner.excel.plan_references import InputCells
from planner.excel.plan_sheets import (
    ALLOCATIONS,
    FUNDING,
    FUNDING_BY_INTERVENTION,
    fill_benefits,
    write_allocations,
    write_funding,
    write_funding_by_intervention,
)
from planner.excel.plan_summary import SUMMARY, write_summary
from planner.excel.plan_uncertainty import UNCERTAINTY, write_uncertainty
from planner.excel.plan_unspent import UNSPENT, write_unspent
from planner.excel.plan_view import PlanWorkbookView
from planner.excel.plan_windows import FUNDING_BY_YEAR, write_funding_by_year

SHEET_ORDER = (
    SUMMARY,
    ALLOCATIONS,
    BENEFITS,
    FUNDING,
    FUNDING_BY_INTERVENTION,
    FUNDING_BY_YEAR,
    PARTNERS,
    PLACES,
    COMMUNITY,
    UNSPENT,
    ANSWER,
    SENSITIVITY,
    CHECKS,
    INPUTS,
)


def build_plan_workbook(view: PlanWorkbookView) -> bytes:
    """The plan as an .xlsx file: Summary, Allocations, Benefits, Funding, Funding by
    intervention, Prices (where the plan converted prices to cash with an index), Funding by
    year, Partners, Pooled fund (where the scenario has a pooled-fund agreement), Places, Community,
    Unspent, Answer, Sensitivity, Uncertainty (when a Monte Carlo of the plan has been run),
    Checks and Inputs; a re-plan, evidence check or stop-list re-solve also has What changes
    (after Summary)."""
    workbook = Workbook()
    sheets = {SUMMARY: workbook.active}
    sheets[SUMMARY].title = SUMMARY
    for name in SHEET_ORDER[1:]:
        sheets[name] = workbook.create_sheet(name)
    # The Inputs sheet first: the other sheets' formulas refer to its cells.
    cells = InputCells(view, write_inputs(sheets[INPUTS], view))
    prices = prices_layout(view)
    rows = write_allocations(sheets[ALLOCATIONS], view, cells, prices)
    benefits = write_benefits(sheets[BENEFITS], view, rows.written, cells)
    fill_benefits(sheets[ALLOCATIONS], rows, benefits)
    funding = write_funding(sheets[FUNDING], view, rows)
    if prices is not None:
        sheet = workbook.create_sheet(
            PRICES, index=workbook.sheetnames.index(FUNDING_BY_INTERVENTION) + 1
        )
        write_prices(sheet, view, prices, rows, funding)
    write_funding_by_intervention(sheets[FUNDING_BY_INTERVENTION], view, rows, funding)
    by_year = write_funding_by_year(sheets[FUNDING_BY_YEAR], view, rows, cells)
    partners = write_partners(sheets[PARTNERS], view, funding, benefits, cells, prices)
    if view.pooled_fund is not None:
        position = workbook.sheetnames.index(PARTNERS) + 1
        write_pooled_fund(workbook.create_sheet(POOLED_FUND, position), view, funding)
    places = write_places(sheets[PLACES], view, rows, cells)
    write_community(sheets[COMMUNITY], view)
    write_unspent(sheets[UNSPENT], view)
    write_answer(sheets[ANSWER], view)
    write_sensitivity(sheets[SENSITIVITY], view)
    write_variable_cells(sheets[SENSITIVITY], view, sheets[SENSITIVITY].max_row + 3)
    filter_binding_rules(sheets[SENSITIVITY], view)
    headline = write_summary(
        sheets[SUMMARY], view, rows, funding, partners, sheets[PARTNERS], benefits
    )
    if prices is not None:
        # Benefits are in the benefits' price year: so is the spend the ratio divides by.
        real_ratio(sheets[SUMMARY], headline, prices)
    write_checks(
        sheets[CHECKS], view, rows, funding, by_year, partners, places, headline, cells, prices
    )
    if view.uncertainty:
        sheet = workbook.create_sheet(UNCERTAINTY, index=SHEET_ORDER.index(SENSITIVITY) + 1)
        write_uncertainty(sheet, view.uncertainty)
    if view.changes is not None:
        write_changes(workbook.create_sheet(WHAT_CHANGES, 1), view.changes)
    for sheet in workbook.worksheets:
        fit_row_heights(sheet)
    workbook.properties.title = f"Plan: {view.scenario_name}"[:250]
    workbook.properties.creator = "Pooled commissioning planner"
    # openpyxl stores formulas without results: ask Excel to work them all out on opening.
    workbook.calculation = CalcProperties(fullCalcOnLoad=True)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filter_binding_rules(sheet: Worksheet, view: PlanWorkbookView) -> None:
    """Filter buttons on the Sensitivity sheet's table of binding rules: as many columns as its
    header row has, one row per binding rule (set here, beside the sheet's own writer)."""
    if not view.result.binding_constraints:
        return
    width = 0
    while sheet.cell(1, width + 1).value is not None:
        width += 1
    sheet.auto_filter.ref = f"A1:{column(width)}{1 + len(view.result.binding_constraints)}"


def plan_workbook_filename(view: PlanWorkbookView) -> str:
    """A download name like plan-12-pooled-2026.xlsx, safe on every operating system."""
    stem = "".join(ch if ch.isalnum() else "-" for ch in view.scenario_name.lower()).strip("-")
    stem = "-".join(part for part in stem.split("-") if part)[:60] or "plan"
    number = f"plan-{view.plan_id}-" if view.plan_id is not None else "plan-"
    return f"{number}{stem}.xlsx"
