"""The plan workbook's "Funding by year" sheet: what each partner pays for each intervention in
each financial year, summed from the allocation rows, beside what its existing contracts commit
it to. The Checks sheet reads it for the commissioning-window rule (outside its window a
partner's funding of an intervention stays at last year's level, or in the first year at its
contracts) and for contracts honoured."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from openpyxl.worksheet.worksheet import Worksheet

from models.vocabulary import financial_year_label
from planner.excel.cells import (
    column,
    finish_table,
    money_cell,
    safe_cell_text,
    sheet_ref,
    write_header,
)
from planner.excel.plan_references import InputCells, text_literal
from planner.excel.plan_sheets import AllocationLayout, case_twins
from planner.excel.plan_view import PlanWorkbookView

FUNDING_BY_YEAR = "Funding by year"


@dataclass
class FundingByYearLayout:
    """Each partner's block of paid and contracted figures for one year: ranges of equal length
    (one row per intervention, in the same order every year)."""

    paid: dict[tuple[str, int], str] = field(default_factory=dict)
    contracted: dict[tuple[str, int], str] = field(default_factory=dict)


def write_funding_by_year(
    sheet: Worksheet, view: PlanWorkbookView, rows: AllocationLayout, cells: InputCells
) -> FundingByYearLayout:
    layout = FundingByYearLayout()
    partners = view.partner_keys()
    inputs = view.planning_inputs
    under_contract = sorted({c.partner for c in inputs.contracts}) if inputs else []
    under_contract = [key for key in partners if key in under_contract]
    contracts = cells.contracts()
    if contracts is None:
        under_contract = []
    headers = ["Financial year", "Intervention"]
    headers += [f"Paid by {view.partner_name(key)} (£)" for key in partners]
    headers += [f"Contracted by {view.partner_name(key)} (£)" for key in under_contract]
    write_header(sheet, 1, headers)
    names = sorted({view.intervention(a.intervention).name for a in view.result.allocations})
    keys = {view.intervention(a.intervention).name: a.intervention for a in view.result.allocations}
    twins = case_twins(names)
    here = sheet_ref(FUNDING_BY_YEAR)
    row = 1
    for year in view.years:
        label = financial_year_label(year)
        first = row + 1
        for name in names:
            row += 1
            safe_cell_text(sheet.cell(row, 1), label)
            safe_cell_text(sheet.cell(row, 2), name)
            for offset, key in enumerate(partners):
                values = rows.range_of(rows.partner_columns[key])
                money_cell(
                    sheet.cell(row, 3 + offset),
                    _sum_two(
                        values,
                        rows.intervention,
                        f"$B{row}",
                        rows.year,
                        f"$A{row}",
                        exact=name in twins or any(m in name for m in "*?~<>="),
                    ),
                )
            for offset, key in enumerate(under_contract):
                money_cell(
                    sheet.cell(row, 3 + len(partners) + offset),
                    _contracted(contracts or {}, key, keys[name], f"$A{row}"),
                )
        last = max(row, first)
        for offset, key in enumerate(partners):
            letter = column(3 + offset)
            layout.paid[(key, year)] = f"{here}${letter}${first}:${letter}${last}"
        for offset, key in enumerate(under_contract):
            letter = column(3 + len(partners) + offset)
            layout.contracted[(key, year)] = f"{here}${letter}${first}:${letter}${last}"
        if not names:
            row = first
    finish_table(
        sheet, header_row=1, last_row=max(row, 2), last_column=len(headers), widths={2: 40}
    )
    return layout


def _contracted(contracts: Mapping[str, str], partner: str, intervention: str, year: str) -> str:
    """What a partner's existing contracts commit it to for an intervention in the year named in
    `year`: the Inputs' contracts whose financial years list that year, added up."""
    return (
        f"=SUMPRODUCT(({contracts['partner']}={text_literal(partner)})"
        f"*({contracts['intervention']}={text_literal(intervention)})"
        f"*ISNUMBER(FIND({year},{contracts['years']}))*{contracts['amount_per_year']})"
    )


def _sum_two(
    values: str, first_range: str, first: str, second_range: str, second: str, *, exact: bool
) -> str:
    """Sum where two columns hold two names; a name SUMIFS would misread is matched exactly."""
    if exact:
        return f"=SUMPRODUCT(--EXACT({first_range},{first}),--({second_range}={second}),{values})"
    return f"=SUMIFS({values},{first_range},{first},{second_range},{second})"
