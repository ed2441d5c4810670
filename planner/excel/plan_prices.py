"""The plan workbook's Prices sheet: the price index the plan converted with, each intervention's
uplift in each year as a live formula, and spend in cash and in the benefits' price year.

Budgets are cash; an intervention's costs are prices of its price year. Allocations' unit cost
is the intervention's price x its uplift here (``uplift_cell``), so editing a deflator moves
every cost that depends on it. The value-for-money and partner-fairness checks weigh benefits
(in the benefits' price year) against the real spend and real contributions worked out here, as
the optimiser's rules do (``optimiser.prices``).

``prices_layout`` places every cell from the plan alone, so Allocations can refer to the uplift
cells before this sheet is written. A plan solved without an index has no Prices sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.worksheet.worksheet import Worksheet

from models.vocabulary import financial_year_label
from optimiser.plan import PricesUsed
from planner.excel.cells import (
    BOLD,
    money_cell,
    safe_cell_text,
    sheet_ref,
    write_header,
    write_title,
)
from planner.excel.plan_sheets import AllocationLayout, FundingLayout
from planner.excel.plan_view import PlanWorkbookView

PRICES = "Prices"
FACTOR = "0.000000"


@dataclass
class PricesLayout:
    """Where the Prices sheet's cells are: the index, the uplifts, and real spend."""

    prices: PricesUsed
    index_last_row: int
    real_year_row: int
    uplift_rows: dict[tuple[str, int], int] = field(default_factory=dict)
    spend_rows: dict[int, int] = field(default_factory=dict)
    spend_total_row: int = 0
    partner_first_row: int = 0

    @property
    def index_range(self) -> str:
        return f"$A$2:$B${self.index_last_row}"

    def uplift_cell(self, intervention: str, year: int) -> str:
        """Cash per pound of the intervention's prices in that year, as other sheets refer to it."""
        return f"{sheet_ref(PRICES)}$D${self.uplift_rows[(intervention, year)]}"

    def uplift(self, intervention: str, year: int) -> float:
        """The same factor in Python, worked out as the sheet works it out (one division)."""
        deflators = {item.year: item.deflator for item in self.prices.deflators}
        found = next(
            u for u in self.prices.uplifts if u.intervention == intervention and u.year == year
        )
        return deflators[year] / deflators[found.price_year]

    @property
    def real_total_cell(self) -> str:
        """Total spend in the benefits' price year."""
        return f"{sheet_ref(PRICES)}$D${self.spend_total_row}"

    def real_contribution_cell(self, row_number: int) -> str:
        """A partner's contribution in the benefits' price year (partners in the view's order)."""
        return f"{sheet_ref(PRICES)}$C${self.partner_first_row + row_number}"


def prices_layout(view: PlanWorkbookView) -> PricesLayout | None:
    """Every cell of the Prices sheet, placed from the plan alone; None without an index."""
    prices = view.result.prices
    if prices is None:
        return None
    index_last_row = 1 + len(prices.deflators)
    real_year_row = index_last_row + 2
    layout = PricesLayout(prices, index_last_row, real_year_row)
    row = real_year_row + 3  # title, header
    for uplift in prices.uplifts:
        layout.uplift_rows[(uplift.intervention, uplift.year)] = row
        row += 1
    row += 3
    for year in prices.spend_by_year:
        layout.spend_rows[year.year] = row
        row += 1
    layout.spend_total_row = row
    layout.partner_first_row = row + 4
    return layout


def write_prices(
    sheet: Worksheet,
    view: PlanWorkbookView,
    layout: PricesLayout,
    rows: AllocationLayout,
    funding: FundingLayout,
) -> None:
    """The index, the uplift of every intervention in every year, and spend in cash and in the
    benefits' price year, all live formulas on the index."""
    prices = layout.prices
    real = financial_year_label(prices.real_year)
    lookup = f"VLOOKUP({{}},{layout.index_range},2,FALSE)"
    write_header(sheet, 1, ["Financial year", "Deflator"])
    for row, item in enumerate(prices.deflators, start=2):
        safe_cell_text(sheet.cell(row, 1), financial_year_label(item.year))
        sheet.cell(row, 2, item.deflator).number_format = "0.0##"
    source = f"Source: {prices.source}" if prices.source else "Source: the partnership's index"
    safe_cell_text(sheet.cell(1, 4), source)
    safe_cell_text(sheet.cell(layout.real_year_row, 1), "Price year of benefits").font = BOLD
    safe_cell_text(sheet.cell(layout.real_year_row, 2), real)
    sheet.cell(layout.real_year_row, 3, "=" + lookup.format(f"B{layout.real_year_row}"))

    first = layout.real_year_row + 2
    write_title(sheet, first, "Cash per £ of each intervention's prices", section=True)
    write_header(sheet, first + 1, ["Intervention", "Price year", "Financial year", "Uplift"])
    for uplift in prices.uplifts:
        row = layout.uplift_rows[(uplift.intervention, uplift.year)]
        safe_cell_text(sheet.cell(row, 1), view.intervention(uplift.intervention).name)
        safe_cell_text(sheet.cell(row, 2), financial_year_label(uplift.price_year))
        safe_cell_text(sheet.cell(row, 3), financial_year_label(uplift.year))
        formula = f"={lookup.format(f'C{row}')}/{lookup.format(f'B{row}')}"
        sheet.cell(row, 4, formula).number_format = FACTOR

    first = min(layout.spend_rows.values(), default=layout.spend_total_row) - 2
    write_title(sheet, first, f"Spend in cash and in {real} prices", section=True)
    write_header(
        sheet,
        first + 1,
        [
            "Financial year",
            "Spend in cash (£)",
            f"Cash per £ of {real} prices",
            f"Spend in {real} prices (£)",
        ],
    )
    for year, row in layout.spend_rows.items():
        safe_cell_text(sheet.cell(row, 1), financial_year_label(year))
        money_cell(sheet.cell(row, 2), f"=SUMIFS({rows.cost},{rows.year},A{row})")
        formula = f"={lookup.format(f'A{row}')}/$C${layout.real_year_row}"
        sheet.cell(row, 3, formula).number_format = FACTOR
        money_cell(sheet.cell(row, 4), f"=B{row}/C{row}")
    total = layout.spend_total_row
    safe_cell_text(sheet.cell(total, 1), "All years").font = BOLD
    spend_rows = list(layout.spend_rows.values()) or [total]
    for letter in ("B", "D"):
        cell = money_cell(
            sheet[f"{letter}{total}"], f"=SUM({letter}{spend_rows[0]}:{letter}{spend_rows[-1]})"
        )
        cell.font = BOLD

    first = layout.partner_first_row - 2
    write_title(sheet, first, f"Contributions in cash and in {real} prices", section=True)
    write_header(
        sheet,
        first + 1,
        ["Partner", "Contribution in cash (£)", f"Contribution in {real} prices (£)"],
    )
    for number, key in enumerate(view.partner_keys()):
        row = layout.partner_first_row + number
        safe_cell_text(sheet.cell(row, 1), view.partner_name(key))
        money_cell(sheet.cell(row, 2), f"={funding.partner_total[key]}")
        parts = [
            f"{funding.partner_year[(key, year)]}/$C${spend_row}"
            for year, spend_row in layout.spend_rows.items()
            if (key, year) in funding.partner_year
        ]
        money_cell(sheet.cell(row, 3), "=" + ("+".join(parts) or "0"))
    for letter, width in (("A", 44), ("B", 20), ("C", 24), ("D", 26)):
        sheet.column_dimensions[letter].width = width


def real_ratio(summary: Worksheet, headline: dict[str, str], layout: PricesLayout) -> None:
    """The Summary's benefit-cost ratio with the spend in the benefits' price year, as the
    value-for-money rule and the plan page have it, and saying so beside it."""
    ratio, value = headline["Benefit-cost ratio"], headline["Value of demand avoided (£)"]
    spend = layout.real_total_cell
    cell = summary[ratio.split("!")[-1].replace("$", "")]
    cell.value = f'=IF({spend}>0,{value}/{spend},"")'
    note = summary.cell(cell.row, cell.column + 1)
    real = financial_year_label(layout.prices.real_year)
    safe_cell_text(note, f"Benefit per £ spent, both in {real} prices (Prices sheet)")
