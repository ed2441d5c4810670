"""The plan workbook's Checks sheet (a pooled-fund style checklist, each row a live formula that
reads OK or names the problem) and Inputs sheet (every input the plan was solved with, so the
workbook stands alone as an audit record)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from models.vocabulary import financial_year_label
from planner.excel.cells import (
    BOLD,
    WRAP,
    finish_table,
    ok_or_problem_formatting,
    print_setup,
    safe_cell_text,
    write_header,
    write_title,
)
from planner.excel.plan_outcomes import PartnersLayout, PlacesLayout
from planner.excel.plan_sheets import AllocationLayout, FundingLayout
from planner.excel.plan_view import PlanWorkbookView

CHECKS = "Checks"
INPUTS = "Inputs"


def _problem(amount: str, words: str) -> str:
    """A formula fragment: 'Problem: £1,234.56 <words>'."""
    return f'"Problem: £"&TEXT({amount},"#,##0.00")&" {words}"'


def write_checks(
    sheet: Worksheet,
    view: PlanWorkbookView,
    rows: AllocationLayout,
    funding: FundingLayout,
    partners: PartnersLayout,
    places: PlacesLayout,
    headline: Mapping[str, str],
) -> None:
    """Budgets not exceeded, committed minimums met, fairness met, evidence rules kept and totals
    reconciled: one row each, green when the live figures pass and red when they do not.

    Each allocation's payments are kept to the penny, so a partner's yearly total can differ
    from the solver's by a few pence: budgets and minimums are checked to the pound."""
    write_header(sheet, 1, ["Check", "About", "Result"])
    checks: list[tuple[str, str, str]] = []
    for limit in view.budget_limits:
        cell = funding.partner_year.get((limit.partner, limit.year))
        if cell is None:
            continue
        about = f"{view.partner_name(limit.partner)}, {financial_year_label(limit.year)}"
        maximum = round(limit.maximum, 2)
        checks.append(
            (
                f"Budget not exceeded (at most £{maximum:,.2f}, to the pound)",
                about,
                f'=IF({cell}<{maximum}+0.5,"OK",{_problem(f"{cell}-{maximum}", "over budget")})',
            )
        )
        if limit.minimum > 0:
            minimum = round(limit.minimum, 2)
            checks.append(
                (
                    f"Committed minimum met (at least £{minimum:,.2f}, to the pound)",
                    about,
                    f'=IF({cell}>{minimum}-0.5,"OK",{_problem(f"{minimum}-{cell}", "below the committed minimum")})',
                )
            )
    for key, cell in partners.met_cells.items():
        if float(view.fairness.get(key, 0.0)) > 0:
            checks.append(("Partner fairness met", view.partner_name(key), f"={cell}"))
    if view.need_floor > 0:
        for key, cell in places.met_cells.items():
            checks.append(("Place need floor met", view.place(key).name, f"={cell}"))
    ne_spend = f'SUMIFS({rows.cost},{rows.level},"NE")'
    checks.append(
        (
            "No intervention rated NE (not effective) is funded",
            "Early Intervention Foundation Guidebook rating",
            f'=IF({ne_spend}<0.005,"OK",{_problem(ne_spend, "spent on NE-rated interventions")})',
        )
    )
    if view.min_share_rated_3 > 0:
        rated = f'(SUMIFS({rows.cost},{rows.level},"4")+SUMIFS({rows.cost},{rows.level},"3"))'
        needed = f"{view.min_share_rated_3}*{rows.cost_total}"
        checks.append(
            (
                f"At least {view.min_share_rated_3:.0%} of spend on interventions rated 3 or above",
                "Evidence rule",
                f'=IF({rated}>={needed}-0.5,"OK",{_problem(f"{needed}-{rated}", "short of the share rated 3 or above")})',
            )
        )
    if view.portfolio_vfm_ratio > 0:
        value = headline["Value of demand avoided (£)"]
        needed = f"{view.portfolio_vfm_ratio}*{rows.cost_total}"
        checks.append(
            (
                f"Benefit of the whole plan at least {view.portfolio_vfm_ratio:g} times its spend",
                "Value-for-money rule",
                f'=IF({value}>={needed}-0.5,"OK",{_problem(f"{needed}-{value}", "short of the benefit needed")})',
            )
        )
    unpaid = rows.range_of(rows.unpaid_column)
    checks += [
        (
            "Partners' payments cover every allocation's cost",
            "Allocations: Cost not paid is zero on every row",
            f'=IF(SUMPRODUCT(--(ABS({unpaid})>=0.01))=0,"OK","Problem: "&SUMPRODUCT(--(ABS({unpaid})>=0.01))&" rows are not fully paid for")',
        ),
        (
            "Funding by year adds up to the allocations' cost",
            "Funding (partner by year) against Allocations",
            f'=IF(ABS({funding.total_by_year}-{rows.cost_total})<0.5,"OK",{_problem(f"{funding.total_by_year}-{rows.cost_total}", "difference")})',
        ),
        (
            "Places' spend adds up to the total spend",
            "Places against Allocations",
            f'=IF(ABS({places.total_cell}-{rows.cost_total})<0.005,"OK",{_problem(f"{places.total_cell}-{rows.cost_total}", "difference")})',
        ),
        (
            "Funding by intervention adds up to funding by year",
            "Funding (intervention by partner) against Funding (partner by year)",
            f'=IF(ABS({funding.total_by_intervention}-{funding.total_by_year})<0.5,"OK",{_problem(f"{funding.total_by_intervention}-{funding.total_by_year}", "difference")})',
        ),
        (
            f"Allocations add up to the plan's total spend as solved (£{view.result.total_spend:,.2f})",
            "Allocations against the optimiser's answer",
            f'=IF(ABS({rows.cost_total}-{round(view.result.total_spend, 2)})<0.5,"OK",{_problem(f"{rows.cost_total}-{round(view.result.total_spend, 2)}", "changed since the plan was solved")})',
        ),
    ]
    for row, (check, about, formula) in enumerate(checks, start=2):
        safe_cell_text(sheet.cell(row, 1), check).alignment = WRAP
        safe_cell_text(sheet.cell(row, 2), about).alignment = WRAP
        sheet.cell(row, 3, formula).alignment = WRAP
    last = 1 + len(checks)
    overall = last + 2
    safe_cell_text(sheet.cell(overall, 1), "All checks").font = BOLD
    sheet.cell(
        overall,
        3,
        f'=IF(COUNTIF(C2:C{last},"Problem*")=0,"OK","Problem: "&COUNTIF(C2:C{last},"Problem*")&" checks need attention")',
    )
    ok_or_problem_formatting(sheet, f"C2:C{overall}")
    finish_table(sheet, header_row=1, last_row=last, last_column=3, widths={1: 60, 2: 48, 3: 44})


def write_inputs(sheet: Worksheet, view: PlanWorkbookView) -> None:
    """Every input and rule the plan was solved with, as stored with the plan."""
    write_title(sheet, 1, "Every input and rule this plan was solved with")
    safe_cell_text(
        sheet.cell(2, 1),
        "Copied from the plan's record when it was solved; later changes to the inputs do not "
        "change this sheet.",
    )
    row = 3
    for key, value in view.inputs.items():
        row = _write_section(sheet, row + 1, _label(key), value)
    sheet.column_dimensions["A"].width = 34
    for letter in "BCDEFGHIJKLMNOP":
        sheet.column_dimensions[letter].width = 20
    print_setup(sheet, header_row=None, landscape=True)


def _write_section(sheet: Worksheet, row: int, title: str, value: Any) -> int:
    """Write one part of the snapshot: a table for a list of records, rows of settings for a
    record, with nested parts as their own sections. Returns the last row written."""
    if isinstance(value, list) and value and all(isinstance(item, Mapping) for item in value):
        write_title(sheet, row, title, section=True)
        headers: list[str] = []
        for item in value:
            headers += [key for key in item if key not in headers]
        write_header(sheet, row + 1, [_label(header) for header in headers])
        row += 1
        for item in value:
            row += 1
            for index, header in enumerate(headers, start=1):
                _write_value(sheet, row, index, item.get(header))
        return row + 1
    if isinstance(value, Mapping):
        simple = {k: v for k, v in value.items() if not _is_nested(v)}
        nested = {k: v for k, v in value.items() if _is_nested(v)}
        if simple:
            write_title(sheet, row, title, section=True)
            for key, item in simple.items():
                row += 1
                safe_cell_text(sheet.cell(row, 1), _label(str(key))).font = BOLD
                _write_value(sheet, row, 2, item)
            row += 1
        for key, item in nested.items():
            row = _write_section(sheet, row + 1, f"{title}: {_label(str(key))}", item)
        return row
    write_title(sheet, row, title, section=True)
    _write_value(sheet, row + 1, 1, value)
    return row + 2


def _is_nested(value: Any) -> bool:
    return isinstance(value, Mapping) or (
        isinstance(value, list) and bool(value) and all(isinstance(item, Mapping) for item in value)
    )


def _write_value(sheet: Worksheet, row: int, column_index: int, value: Any) -> None:
    cell = sheet.cell(row, column_index)
    if value is None:
        return
    if isinstance(value, bool):
        safe_cell_text(cell, "Yes" if value else "No")
    elif isinstance(value, int | float):
        cell.value = value
    elif isinstance(value, list):
        safe_cell_text(cell, ", ".join(_compact(item) for item in value) if value else "None")
    elif isinstance(value, Mapping):
        safe_cell_text(cell, "; ".join(f"{key}: {_compact(item)}" for key, item in value.items()))
    else:
        safe_cell_text(cell, value)


def _compact(value: Any) -> str:
    if isinstance(value, Mapping | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _label(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()
