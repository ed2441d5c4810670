"""The quarterly return's Risk share sheet: the pooled-fund agreement applied to the year's
forecast over- or underspend, as live formulas over the Return sheet, so a forecast typed into
the return moves each partner's share at once.

Each partner's planned contribution and forecast outturn are SUMIFs over the Return sheet's
rows; the reserve is ROUNDDOWN(pool x percentage, 2) as the app computes it; each part is
ROUND(amount x share, 2). The spend page and the API give the last penny to the partners that
lost most in rounding, so their parts add up exactly; here a part can differ by a penny, as the
sheet says. Without an agreement the sheet says so in words and shares nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.comments import Comment
from openpyxl.worksheet.worksheet import Worksheet

from models.pooled_fund import RiskShareBasis
from models.vocabulary import financial_year_label
from planner.excel.cells import (
    BOLD,
    MONEY,
    PERCENT,
    WRAP,
    fit_columns,
    money_cell,
    print_setup,
    safe_cell_text,
    write_header,
    write_title,
)
from planner.pooled_fund.risk_share import HUNDRED
from planner.spend.risk import ForecastRiskShare, PartnerRiskShare

RISK_SHARE = "Risk share"
PENNY_NOTE = (
    "Each part here is ROUND(amount x share, 2). The spend page and the API give the last penny "
    "to the partners that lost most in rounding, so their parts add up exactly; a part here can "
    "differ from theirs by a penny."
)
TERMS_ROW = 5
RESERVE_PERCENT = "$B$8"
SUMMARY_ROW = 11
SUMMARY = (
    ("planned", "Pooled spend planned for the year"),
    ("outturn", "Forecast outturn"),
    ("variance", "Forecast variance (positive is an overspend)"),
    ("reserve", "Contingency reserve held"),
    ("drawn", "Met from the reserve"),
    ("to_share", "Left to share between the partners"),
)


@dataclass(frozen=True)
class RiskColumn:
    header: str
    width: float
    # The cell for the partner on ``row``: a formula, or a value from the app's figures.
    cell: Callable[[RiskLayout, PartnerRiskShare, int], object]
    percent: bool = False


@dataclass(frozen=True)
class RiskLayout:
    """Where the Return sheet's columns and this sheet's totals are, for the formulas."""

    partner_range: str
    planned_range: str
    outturn_range: str
    overspend_basis: RiskShareBasis
    underspend_basis: RiskShareBasis
    total_row: int

    def summary(self, key: str) -> str:
        return f"$B${SUMMARY_ROW + [name for name, _ in SUMMARY].index(key)}"


def _weight(layout: RiskLayout, row: int, basis: RiskShareBasis, stated: Decimal | None) -> object:
    if basis == RiskShareBasis.PERCENTAGES:
        return float((stated or Decimal(0)) / HUNDRED)
    total = f"$B${layout.total_row}"
    return f"=IF({total}>0,B{row}/{total},0)"


def _stated(share: PartnerRiskShare, over: bool) -> Decimal | None:
    weight = share.overspend_weight if over else share.underspend_weight
    return None if weight is None else weight * HUNDRED


COLUMNS: tuple[RiskColumn, ...] = (
    RiskColumn("Partner", 30, lambda layout, share, row: share.partner),
    RiskColumn(
        "Planned contribution (£)",
        16,
        lambda layout, share, row: f"=SUMIF({layout.partner_range},$A{row},{layout.planned_range})",
    ),
    RiskColumn(
        "Forecast outturn (£)",
        16,
        lambda layout, share, row: f"=SUMIF({layout.partner_range},$A{row},{layout.outturn_range})",
    ),
    RiskColumn("Own variance (£)", 14, lambda layout, share, row: f"=C{row}-B{row}"),
    RiskColumn(
        "Share of an overspend",
        13,
        lambda layout, share, row: _weight(
            layout, row, layout.overspend_basis, _stated(share, True)
        ),
        percent=True,
    ),
    RiskColumn(
        "Share of an underspend",
        13,
        lambda layout, share, row: _weight(
            layout, row, layout.underspend_basis, _stated(share, False)
        ),
        percent=True,
    ),
    RiskColumn(
        "From its part of the reserve (£)",
        16,
        lambda layout, share, row: f"=ROUND({layout.summary('drawn')}*E{row},2)",
    ),
    RiskColumn(
        "Beyond the reserve: pays (+) or gets back (−) (£)",
        20,
        lambda layout, share, row: (
            f"=ROUND({layout.summary('to_share')}*IF({layout.summary('variance')}>0,"
            f"E{row},F{row}),2)"
        ),
    ),
    RiskColumn("Bears in all (£)", 14, lambda layout, share, row: f"=G{row}+H{row}"),
)


def write_risk_share(
    sheet: Worksheet,
    risk: ForecastRiskShare,
    *,
    return_sheet: str,
    partner_column: str,
    planned_column: str,
    outturn_column: str,
) -> None:
    """Fill ``sheet`` with the year's risk share; columns are the Return sheet's letters."""
    write_title(sheet, 1, f"Risk share of the forecast variance, {financial_year_label(risk.year)}")
    if not risk.has_agreement or risk.terms is None:
        for offset, sentence in enumerate(risk.sentences()):
            safe_cell_text(sheet.cell(3 + offset, 1), sentence).alignment = WRAP
        sheet.column_dimensions["A"].width = 120
        print_setup(sheet, header_row=None)
        return
    safe_cell_text(
        sheet.cell(2, 1),
        "Live: type forecasts on the Return sheet and these figures follow. "
        "An overspend is met first from the contingency reserve, then shared by the agreement; "
        "an underspend is returned by the agreement.",
    )
    terms = risk.terms
    rows = (
        ("Host partner", risk.host or "None named"),
        ("Overspends beyond the reserve are shared", terms.overspend_basis.label),
        ("Underspends are returned", terms.underspend_basis.label),
        ("Contingency reserve (% of the year's pool)", None),
        ("Recorded in", risk.reference or "Not recorded"),
    )
    for offset, (label, value) in enumerate(rows):
        safe_cell_text(sheet.cell(TERMS_ROW + offset, 1), label).font = BOLD
        if value is not None:
            safe_cell_text(sheet.cell(TERMS_ROW + offset, 2), value)
    percent = sheet.cell(8, 2)
    percent.value = float(terms.contingency_percent / HUNDRED)
    percent.number_format = "0.00%"

    header_row = SUMMARY_ROW + len(SUMMARY) + 1
    first = header_row + 1
    total_row = first + len(risk.partners)
    ref = "'" + return_sheet.replace("'", "''") + "'!"
    layout = RiskLayout(
        partner_range=f"{ref}${partner_column}:${partner_column}",
        planned_range=f"{ref}${planned_column}:${planned_column}",
        outturn_range=f"{ref}${outturn_column}:${outturn_column}",
        overspend_basis=terms.overspend_basis,
        underspend_basis=terms.underspend_basis,
        total_row=total_row,
    )
    _write_summary(sheet, layout)
    write_header(sheet, header_row, [column.header for column in COLUMNS])
    sheet.cell(header_row, 7).comment = Comment(PENNY_NOTE, "Pooled commissioning planner")
    for row, share in enumerate(risk.partners, start=first):
        for index, column in enumerate(COLUMNS, start=1):
            content = column.cell(layout, share, row)
            cell = sheet.cell(row, index)
            if index == 1:
                safe_cell_text(cell, content)
            elif column.percent:
                cell.value = content
                cell.number_format = PERCENT
            else:
                money_cell(cell, content)
    safe_cell_text(sheet.cell(total_row, 1), "All partners").font = BOLD
    for index, column in enumerate(COLUMNS[1:], start=2):
        letter = sheet.cell(total_row, index).column_letter
        cell = sheet.cell(total_row, index)
        cell.value = f"=SUM({letter}{first}:{letter}{total_row - 1})"
        cell.number_format = PERCENT if column.percent else MONEY
        cell.font = BOLD
    words = total_row + 2
    safe_cell_text(sheet.cell(words, 1), "When this return was downloaded").font = BOLD
    for offset, sentence in enumerate(risk.sentences(), start=1):
        safe_cell_text(sheet.cell(words + offset, 1), sentence)
    sheet.freeze_panes = sheet.cell(first, 2)
    fit_columns(sheet, {index: column.width for index, column in enumerate(COLUMNS, start=1)})
    sheet.column_dimensions["A"].width = 44
    print_setup(sheet, header_row=header_row)


def _write_summary(sheet: Worksheet, layout: RiskLayout) -> None:
    total = layout.total_row
    formulas = {
        "planned": f"=B{total}",
        "outturn": f"=C{total}",
        "variance": f"={layout.summary('outturn')}-{layout.summary('planned')}",
        "reserve": f"=ROUNDDOWN({layout.summary('planned')}*{RESERVE_PERCENT},2)",
        "drawn": (
            f"=IF({layout.summary('variance')}>0,"
            f"MIN({layout.summary('reserve')},{layout.summary('variance')}),0)"
        ),
        "to_share": f"={layout.summary('variance')}-{layout.summary('drawn')}",
    }
    for offset, (key, label) in enumerate(SUMMARY):
        safe_cell_text(sheet.cell(SUMMARY_ROW + offset, 1), label).font = BOLD
        money_cell(sheet.cell(SUMMARY_ROW + offset, 2), formulas[key])
