"""The plan workbook's Pooled fund sheet: the scenario's pooled-fund agreement, each partner's
contribution, risk share, part of the contingency reserve and exposure per year, and the headroom
on each budget line, all live formulas over the Funding sheet, so an edited allocation moves
them.

The page and the API settle the reserve's last penny by the largest-remainder method
(`planner.pooled_fund.risk_share.share_variance`); here each part is ROUND(reserve x share, 2),
so the parts can differ from the page's by a penny, as the header's note says.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl.comments import Comment
from openpyxl.worksheet.worksheet import Worksheet

from models.pooled_fund import RiskShareBasis
from models.vocabulary import financial_year_label
from planner.excel.cells import (
    BOLD,
    PERCENT,
    finish_table,
    money_cell,
    ok_or_problem_formatting,
    safe_cell_text,
    write_header,
    write_title,
)
from planner.excel.plan_sheets import FundingLayout
from planner.excel.plan_view import PlanWorkbookView

POOLED_FUND = "Pooled fund"
EXPOSURE_HEADERS = (
    "Financial year",
    "Partner",
    "Contribution (£)",
    "Share of an overspend",
    "Share of an underspend",
    "Pool that year (£)",
    "Reserve that year (£)",
    "Part of the reserve (£)",
    "Exposure (£)",
    "Each further £1,000 overspent (£)",
)
HEADROOM_HEADERS = (
    "Partner",
    "Financial year",
    "Maximum (£)",
    "Planned (£)",
    "Headroom (£)",
    "Used",
    "Part of the reserve (£)",
    "Reserve fits",
)
PENNY_NOTE = (
    "Each part is ROUND(reserve x share, 2). The plan page and the API give the last penny to "
    "the partners that lost most in rounding, so the parts there add up to the reserve exactly; "
    "here they can differ by a penny."
)


def _share_formula(
    basis: RiskShareBasis, stated: Decimal | None, contribution: str, pool: str
) -> str | float:
    if basis == RiskShareBasis.PERCENTAGES:
        return float((stated or Decimal(0)) / 100)
    return f"=IF({pool}>0,{contribution}/{pool},0)"


def write_pooled_fund(sheet: Worksheet, view: PlanWorkbookView, funding: FundingLayout) -> None:
    """The agreement's terms, exposure per partner and year, and headroom per budget line."""
    agreement = view.pooled_fund
    if agreement is None:
        return
    terms = agreement.terms
    write_title(sheet, 1, "Pooled-fund agreement")
    rows = (
        ("Host partner", agreement.host or "None named"),
        ("Overspends beyond the reserve are shared", terms.overspend_basis.label),
        ("Underspends are returned", terms.underspend_basis.label),
        ("Contingency reserve (% of each year's pool)", None),
        ("Recorded in", agreement.reference or "Not recorded"),
    )
    for offset, (label, value) in enumerate(rows):
        safe_cell_text(sheet.cell(3 + offset, 1), label).font = BOLD
        if value is not None:
            safe_cell_text(sheet.cell(3 + offset, 2), value)
    reserve_cell = sheet.cell(6, 2)
    reserve_cell.value = float(terms.contingency_percent / 100)
    reserve_cell.number_format = "0.00%"
    reserve = "$B$6"

    write_title(sheet, 9, "Each partner's exposure", section=True)
    header = 10
    write_header(sheet, header, EXPOSURE_HEADERS)
    sheet.cell(header, 8).comment = Comment(PENNY_NOTE, "Pooled commissioning planner")
    row = header + 1
    reserve_parts: dict[tuple[str, int], str] = {}
    for year in view.years:
        pool = funding.year_total.get(year)
        for key in view.partner_keys():
            contribution = funding.partner_year.get((key, year))
            if contribution is None or pool is None:
                continue
            name = view.partner_name(key)
            safe_cell_text(sheet.cell(row, 1), financial_year_label(year))
            safe_cell_text(sheet.cell(row, 2), name)
            money_cell(sheet.cell(row, 3), f"={contribution}")
            for column_index, basis, stated in (
                (4, terms.overspend_basis, terms.overspend_percent.get(name)),
                (5, terms.underspend_basis, terms.underspend_percent.get(name)),
            ):
                cell = sheet.cell(row, column_index)
                cell.value = _share_formula(basis, stated, f"C{row}", pool)
                cell.number_format = PERCENT
            money_cell(sheet.cell(row, 6), f"={pool}")
            money_cell(sheet.cell(row, 7), f"=ROUNDDOWN(F{row}*{reserve},2)")
            money_cell(sheet.cell(row, 8), f"=ROUND(G{row}*D{row},2)")
            money_cell(sheet.cell(row, 9), f"=C{row}+H{row}")
            money_cell(sheet.cell(row, 10), f"=ROUND(1000*D{row},2)")
            reserve_parts[(key, year)] = f"$H${row}"
            row += 1
    last_exposure = row - 1

    top = row + 2
    write_title(sheet, top, "Headroom on each budget line", section=True)
    write_header(sheet, top + 1, HEADROOM_HEADERS)
    row = top + 2
    first_headroom = row
    for limit in sorted(view.budget_limits, key=lambda item: (item.partner, item.year)):
        planned = funding.partner_year.get((limit.partner, limit.year))
        if planned is None:
            continue
        safe_cell_text(sheet.cell(row, 1), view.partner_name(limit.partner))
        safe_cell_text(sheet.cell(row, 2), financial_year_label(limit.year))
        money_cell(sheet.cell(row, 3), limit.maximum)
        money_cell(sheet.cell(row, 4), f"={planned}")
        money_cell(sheet.cell(row, 5), f"=C{row}-D{row}")
        used = sheet.cell(row, 6)
        used.value = f'=IF(C{row}>0,D{row}/C{row},"")'
        used.number_format = PERCENT
        part = reserve_parts.get((limit.partner, limit.year))
        money_cell(sheet.cell(row, 7), f"={part}" if part else 0)
        sheet.cell(row, 8).value = (
            f'=IF(G{row}<=E{row}+0.005,"OK","Problem: the reserve needs £"'
            f'&TEXT(G{row}-E{row},"#,##0.00")&" more than the headroom")'
        )
        row += 1
    if row > first_headroom:
        ok_or_problem_formatting(sheet, f"H{first_headroom}:H{row - 1}")
    finish_table(
        sheet,
        header_row=header,
        last_row=last_exposure,
        last_column=len(EXPOSURE_HEADERS),
        widths={1: 44, 2: 44},
        filters=False,
    )
