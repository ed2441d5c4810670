"""The plan workbook's Summary sheet: what was run, by whom, with what result, the headline
figures, the rules used, and native Excel charts of contribution against benefit per partner,
spend by year and spend by evidence rating."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from planner.excel.cells import (
    BOLD,
    PEOPLE,
    RATIO,
    WHOLE_POUNDS,
    WRAP,
    largest_remainder,
    money_cell,
    print_setup,
    safe_cell_text,
    to_pounds,
    whole_pounds,
    write_header,
    write_title,
)
from planner.excel.plan_outcomes import PartnersLayout
from planner.excel.plan_sheets import AllocationLayout, FundingLayout
from planner.excel.plan_view import PlanWorkbookView

if TYPE_CHECKING:
    from planner.excel.plan_benefits import BenefitsLayout

SUMMARY = "Summary"
LEFT = Alignment(horizontal="left", vertical="top")
EVIDENCE_LEVELS = ("4", "3", "2", "NL2")
POUND = Decimal(1)
UNRECONCILED = (
    "This plan was solved before the planner rounded its money to pence that add up: each cost "
    "and payment was rounded on its own, so some totals and checks can be a few pence out. "
    "Run the scenario again for figures that reconcile to the penny."
)


def write_summary(
    sheet: Worksheet,
    view: PlanWorkbookView,
    rows: AllocationLayout,
    funding: FundingLayout,
    partners: PartnersLayout,
    partners_sheet: Worksheet,
    benefits: BenefitsLayout | None = None,
) -> dict[str, str]:
    """Fill the Summary; returns the cells of its headline figures for the Checks sheet."""
    plan = view.result
    write_title(sheet, 1, f"Pooled commissioning plan: {view.scenario_name}")
    facts: list[tuple[str, object]] = [
        ("Scenario", view.scenario_name),
        ("Plan number", view.plan_id if view.plan_id is not None else "Not saved"),
        ("Solved on", view.created_at),
        ("Run by", view.created_by or "Not recorded"),
        ("Solver status", view.status_label),
        (
            "Model size",
            f"{plan.model_size.variables:,} variables, {plan.model_size.constraints:,} rules, "
            f"{plan.model_size.nonzeros:,} non-zeros",
        ),
        ("Time to build and solve", f"{plan.timings.build + plan.timings.solve:.1f} seconds"),
        ("Workbook made", datetime.now().replace(microsecond=0)),
    ]
    row = 3
    write_title(sheet, row, "About this plan", section=True)
    for label, value in facts:
        row += 1
        safe_cell_text(sheet.cell(row, 1), label).font = BOLD
        target = sheet.cell(row, 2)
        if isinstance(value, datetime):
            target.value = value
            target.number_format = "d mmmm yyyy hh:mm"
            target.alignment = LEFT
        elif isinstance(value, int):
            target.value = value
            target.alignment = LEFT
        else:
            safe_cell_text(target, value).alignment = WRAP

    row += 2
    write_title(sheet, row, "Headline figures", section=True)
    headline: dict[str, str] = {}
    value_total = whole_pounds(to_pounds(plan.value_of_demand_avoided))
    lines: list[tuple[str, object, str]] = [
        ("Total spend (£)", f"=ROUND({rows.cost_total},0)", WHOLE_POUNDS),
        ("Value of demand avoided (£)", f"=ROUND({rows.demand_avoided_total},0)", WHOLE_POUNDS),
        ("Benefit-cost ratio", "", RATIO),
        ("Participants", f"={rows.participants_total}", PEOPLE),
    ]
    if plan.pooling is not None and plan.pooling.value_of_pooling is not None:
        lines.append(
            (
                "Value of pooling (" + (plan.objective_unit or "£") + ")",
                round(plan.pooling.value_of_pooling),
                "#,##0",
            )
        )
    for label, value, number_format in lines:
        row += 1
        safe_cell_text(sheet.cell(row, 1), label).font = BOLD
        cell = sheet.cell(row, 2, value)
        cell.number_format = number_format
        headline[label] = f"B{row}"
    spend, value = headline["Total spend (£)"], headline["Value of demand avoided (£)"]
    sheet[headline["Benefit-cost ratio"]] = f'=IF({spend}>0,{value}/{spend},"")'
    row += 1
    safe_cell_text(
        sheet.cell(row, 1),
        "Total spend, value of demand avoided and participants are live: they follow the "
        "Allocations and Benefits sheets (the value is expected, confidence-weighted and "
        "discounted). The tables below are the plan as solved in whole pounds that add up to "
        "their totals (largest-remainder rounding), with the live figure to the penny beside "
        "each.",
    ).alignment = WRAP
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    sheet.row_dimensions[row].height = 60

    spend_total = whole_pounds(rows.cost_as_written)
    row = _demand_table(sheet, view, row + 2, value_total, benefits)
    year_first, year_last, row, year_total = _spend_by_year(
        sheet, view, funding, row + 2, spend_total
    )
    level_first, level_last, row, level_total = _spend_by_level(
        sheet, view, rows, row + 2, spend_total
    )
    headline["Spend by financial year"] = year_total
    headline["Spend by evidence rating"] = level_total
    row = _rules_and_messages(sheet, view, row + 2)

    _charts(sheet, partners, partners_sheet, (year_first, year_last), (level_first, level_last))
    sheet.column_dimensions["A"].width = 52
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 22
    sheet.column_dimensions["D"].width = 22
    print_setup(sheet, header_row=None, landscape=True)
    return {label: f"'{SUMMARY}'!${cell[0]}${cell[1:]}" for label, cell in headline.items()}


def _demand_table(
    sheet: Worksheet,
    view: PlanWorkbookView,
    row: int,
    value_total: Decimal,
    benefits: BenefitsLayout | None,
) -> int:
    """Demand avoided by type, as solved in whole pounds that add up to the plan's value, with
    the live figure from the Benefits sheet beside each."""
    write_title(sheet, row, "Demand avoided by type", section=True)
    live = benefits is not None and bool(benefits.by_demand)
    headers = ["Demand type", "Units avoided", "Value as solved (£)"]
    write_header(sheet, row + 1, [*headers, "Live, to the penny (£)"] if live else headers)
    reductions = view.result.demand_reductions
    rounded = largest_remainder([r.value for r in reductions], value_total, POUND)
    first = row + 2
    row += 1
    for reduction, amount in zip(reductions, rounded, strict=True):
        row += 1
        safe_cell_text(sheet.cell(row, 1), reduction.name)
        sheet.cell(row, 2, round(reduction.units, 2)).number_format = "#,##0.00"
        money_cell(sheet.cell(row, 3), amount, whole=True)
        if benefits is not None and reduction.demand_type in benefits.by_demand:
            money_cell(sheet.cell(row, 4), f"={benefits.by_demand[reduction.demand_type]}")
    row += 1
    safe_cell_text(sheet.cell(row, 1), "All demand types").font = BOLD
    money_cell(sheet.cell(row, 3), f"=SUM(C{first}:C{max(row - 1, first)})", whole=True).font = BOLD
    if live:
        money_cell(sheet.cell(row, 4), f"=SUM(D{first}:D{max(row - 1, first)})").font = BOLD
    return row


def _spend_by_year(
    sheet: Worksheet,
    view: PlanWorkbookView,
    funding: FundingLayout,
    row: int,
    total: Decimal,
) -> tuple[int, int, int, str]:
    """Spend in each year in whole pounds adding up to the total, beside the live Funding
    figure; returns the first and last rows, the row reached and the whole-pound total's cell."""
    spend = dict.fromkeys(view.years, Decimal(0))
    for allocation in view.result.allocations:
        spend[allocation.year] = spend.get(allocation.year, Decimal(0)) + to_pounds(allocation.cost)
    lines = [
        (label, spend.get(year, Decimal(0)), f"={funding.year_total[year]}")
        for year, label in zip(view.years, view.year_labels, strict=True)
    ]
    return _whole_pound_table(
        sheet, row, "Spend by financial year", "Financial year", "All years", lines, total
    )


def _spend_by_level(
    sheet: Worksheet,
    view: PlanWorkbookView,
    rows: AllocationLayout,
    row: int,
    total: Decimal,
) -> tuple[int, int, int, str]:
    """Spend at each evidence level in whole pounds adding up to the total, beside the live
    figure summed from the allocation rows."""
    spend = dict.fromkeys(EVIDENCE_LEVELS, Decimal(0))
    for allocation in view.result.allocations:
        level = view.intervention(allocation.intervention).evidence_level
        spend[level] = spend.get(level, Decimal(0)) + to_pounds(allocation.cost)
    lines = [
        (level, amount, f'=SUMIFS({rows.cost},{rows.level},"{level}")')
        for level, amount in spend.items()
    ]
    return _whole_pound_table(
        sheet,
        row,
        "Spend by evidence rating",
        "Evidence level (a + rating counts at its level)",
        "All levels",
        lines,
        total,
    )


def _whole_pound_table(
    sheet: Worksheet,
    row: int,
    title: str,
    first_header: str,
    total_label: str,
    lines: list[tuple[str, Decimal, str]],
    total: Decimal,
) -> tuple[int, int, int, str]:
    """A table of (label, amount as solved, live formula) rows with a total row: the amounts in
    whole pounds by largest remainder, so the rows shown add up to the total shown. Returns the
    first and last rows, the total row and the live total's cell (for the Checks sheet)."""
    write_title(sheet, row, title, section=True)
    write_header(sheet, row + 1, [first_header, "As solved (£)", "Live, to the penny (£)"])
    rounded = largest_remainder([amount for _label, amount, _live in lines], total, POUND)
    first = row + 2
    row += 1
    for (label, _amount, live), whole in zip(lines, rounded, strict=True):
        row += 1
        safe_cell_text(sheet.cell(row, 1), label)
        money_cell(sheet.cell(row, 2), whole, whole=True)
        money_cell(sheet.cell(row, 3), live)
    last = row
    row += 1
    safe_cell_text(sheet.cell(row, 1), total_label).font = BOLD
    money_cell(sheet.cell(row, 2), f"=SUM(B{first}:B{last})", whole=True).font = BOLD
    money_cell(sheet.cell(row, 3), f"=SUM(C{first}:C{last})").font = BOLD
    return first, last, row, f"C{row}"


def _rules_and_messages(sheet: Worksheet, view: PlanWorkbookView, row: int) -> int:
    write_title(sheet, row, "Rules used", section=True)
    write_header(sheet, row + 1, ["Rule", "Setting"])
    row += 1
    for label, setting in view.rules:
        row += 1
        safe_cell_text(sheet.cell(row, 1), label).alignment = WRAP
        safe_cell_text(sheet.cell(row, 2), setting).alignment = WRAP
    notes = list(view.result.messages)
    if not view.reconciled:
        notes.append(UNRECONCILED)
    if view.result.pooling is not None:
        notes.append(view.result.pooling.sentence)
    if view.result.diagnosis is not None:
        notes.append(view.result.diagnosis.summary)
    if notes:
        row += 2
        write_title(sheet, row, "Notes", section=True)
        for note in notes:
            row += 1
            safe_cell_text(sheet.cell(row, 1), note).alignment = WRAP
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
            sheet.row_dimensions[row].height = 32
    return row


def _charts(
    sheet: Worksheet,
    partners: PartnersLayout,
    partners_sheet: Worksheet,
    years: tuple[int, int],
    levels: tuple[int, int],
) -> None:
    """Native Excel charts, drawn from live cells so they move with the figures."""
    contribution = BarChart()
    contribution.type = "col"
    contribution.title = "Contribution and benefit by partner"
    contribution.y_axis.title = "£"
    contribution.y_axis.numFmt = "£#,##0"
    # From zero, so bar heights compare: an axis from £4.4m made 84% look like a third.
    contribution.y_axis.scaling.min = 0
    data = Reference(partners_sheet, min_col=2, max_col=3, min_row=1, max_row=partners.last_row)
    contribution.add_data(data, titles_from_data=True)
    contribution.set_categories(
        Reference(partners_sheet, min_col=1, min_row=2, max_row=partners.last_row)
    )
    contribution.height, contribution.width = 8, 18
    sheet.add_chart(contribution, "E3")

    by_year = BarChart()
    by_year.type = "col"
    by_year.title = "Spend by financial year"
    by_year.y_axis.numFmt = "£#,##0"
    by_year.y_axis.scaling.min = 0
    by_year.add_data(
        Reference(sheet, min_col=3, min_row=years[0] - 1, max_row=years[1]), titles_from_data=True
    )
    by_year.set_categories(Reference(sheet, min_col=1, min_row=years[0], max_row=years[1]))
    by_year.legend = None
    by_year.height, by_year.width = 8, 18
    sheet.add_chart(by_year, "E20")

    by_level = PieChart()
    by_level.title = "Spend by evidence rating"
    by_level.add_data(
        Reference(sheet, min_col=3, min_row=levels[0] - 1, max_row=levels[1]), titles_from_data=True
    )
    by_level.set_categories(Reference(sheet, min_col=1, min_row=levels[0], max_row=levels[1]))
    by_level.height, by_level.width = 8, 18
    sheet.add_chart(by_level, "E37")
