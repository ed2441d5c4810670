"""Excel Solver's Answer report for a plan (every rule: final value, limit, slack, binding or
not) and the Variable Cells of its Sensitivity report (each delivery slice the plan uses: final
value, reduced cost, objective coefficient, allowable increase and decrease). The data comes
from ``optimiser.answer``; budgets come first, and a blank range says why in its row."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from optimiser import NO_LIMIT
from optimiser.families import family
from planner.excel.cells import (
    WRAP,
    finish_table,
    safe_cell_text,
    write_header,
    write_title,
)
from planner.excel.plan_view import PlanWorkbookView

ANSWER = "Answer"
NUMBER = "#,##0.00"
NO_RANGE = "No limit"


def _figure(sheet: Worksheet, row: int, column: int, amount: float | None) -> None:
    if amount is None:
        return
    if amount >= NO_LIMIT:
        safe_cell_text(sheet.cell(row, column), NO_RANGE)
    else:
        sheet.cell(row, column, round(amount, 4)).number_format = NUMBER


def write_answer(sheet: Worksheet, view: PlanWorkbookView) -> None:
    """Every rule of the plan: its final value (the rule's real activity at the plan), the
    limit, the slack between them and whether it binds. Slack is a live formula."""
    plan = view.result
    headers = [
        "Rule",
        "Kind of rule",
        "Final value",
        "Must be",
        "Limit",
        "Slack",
        "Binding",
        "Rule id",
    ]
    write_header(sheet, 1, headers)
    row = 1
    for row, rule in enumerate(plan.rule_rows, start=2):
        safe_cell_text(sheet.cell(row, 1), rule.label)
        safe_cell_text(sheet.cell(row, 2), family(rule.family).excel_label)
        sheet.cell(row, 3, round(rule.activity, 4)).number_format = NUMBER
        safe_cell_text(sheet.cell(row, 4), rule.sense)
        sheet.cell(row, 5, round(rule.limit, 4)).number_format = NUMBER
        slack = {"at most": f"=E{row}-C{row}", "at least": f"=C{row}-E{row}"}.get(
            rule.sense, f"=ABS(C{row}-E{row})"
        )
        sheet.cell(row, 6, f"=ROUND({slack.lstrip('=')},2)").number_format = NUMBER
        safe_cell_text(sheet.cell(row, 7), "Binding" if rule.binding else "Not binding")
        safe_cell_text(sheet.cell(row, 8), rule.row)
    if not plan.rule_rows:
        row = 2
        safe_cell_text(
            sheet.cell(row, 1),
            "No rule report: the plan has no allocation, or was solved before reports were kept.",
        ).alignment = WRAP
    finish_table(
        sheet,
        header_row=1,
        last_row=max(row, 2),
        last_column=len(headers),
        widths={1: 60, 2: 30, 3: 16, 4: 10, 5: 16, 6: 16, 7: 12, 8: 30},
    )


def write_variable_cells(sheet: Worksheet, view: PlanWorkbookView, first_row: int) -> int:
    """The Sensitivity sheet's Variable Cells and Constraints sections below its binding rules,
    from ``first_row``; returns the last row written."""
    plan = view.result
    row = first_row
    write_title(sheet, row, "Variable Cells", section=True)
    row += 1
    write_header(
        sheet,
        row,
        [
            "Cell (participants)",
            "Final value",
            "Reduced cost",
            f"Objective coefficient ({plan.objective_unit or '£'} per participant)",
            "Allowable increase",
            "Allowable decrease",
            "Why a range is blank",
        ],
    )
    for cell in plan.variable_cells:
        row += 1
        safe_cell_text(sheet.cell(row, 1), cell.name)
        sheet.cell(row, 2, round(cell.final_value, 4)).number_format = NUMBER
        sheet.cell(row, 3, round(cell.reduced_cost, 6)).number_format = "#,##0.0000"
        sheet.cell(row, 4, round(cell.objective_coefficient, 6)).number_format = "#,##0.0000"
        _figure(sheet, row, 5, cell.allowable_increase)
        _figure(sheet, row, 6, cell.allowable_decrease)
        if cell.range_note:
            safe_cell_text(sheet.cell(row, 7), cell.range_note).alignment = WRAP
    row += 2
    write_title(sheet, row, "Constraints (every rule, budgets first)", section=True)
    row += 1
    write_header(
        sheet,
        row,
        [
            "Rule",
            "Final value",
            "Shadow price",
            "Limit (R.H. side)",
            "Allowable increase",
            "Allowable decrease",
            "Why a range is blank",
        ],
    )
    for rule in plan.rule_rows:
        row += 1
        safe_cell_text(sheet.cell(row, 1), rule.label)
        sheet.cell(row, 2, round(rule.activity, 4)).number_format = NUMBER
        sheet.cell(row, 3, round(rule.shadow_price, 6)).number_format = "#,##0.0000"
        sheet.cell(row, 4, round(rule.limit, 4)).number_format = NUMBER
        _figure(sheet, row, 5, rule.allowable_increase)
        _figure(sheet, row, 6, rule.allowable_decrease)
        if rule.range_note:
            safe_cell_text(sheet.cell(row, 7), rule.range_note).alignment = WRAP
    return row
