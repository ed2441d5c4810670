"""The plan workbook's Uncertainty sheet: the newest Monte Carlo of the plan (chance benefits
exceed costs overall and per partner, 90% intervals of demand avoided, the histogram of its value)
and the tornado table. Written only when the plan has a finished Monte Carlo.

The chances are counts of draws, so the sheet shows them as figures; the histogram's draws are
listed so that a finance lead can check the chance against them with a COUNTIF-style sum: the
share of draws whose bin lies above the cost is written as a live formula beside the stored one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from planner.excel.cells import (
    PEOPLE,
    PERCENT,
    finish_table,
    money_cell,
    safe_cell_text,
    write_header,
    write_title,
)

UNCERTAINTY = "Uncertainty"


def _figure_cell(cell: Any, kind: str, value: float) -> None:
    """One end of a figure's range, in its own terms: a unit cost in pounds, a take-up as a
    share of places, an effect as units avoided per participant."""
    if kind == "unit_cost":
        money_cell(cell, value, whole=True)
    else:
        cell.value = value
        if kind == "take_up":
            cell.number_format = PERCENT


def write_uncertainty(sheet: Worksheet, uncertainty: Mapping[str, Any]) -> None:
    """Every table of the Monte Carlo and tornado, one under another, each with its header."""
    result, bars = uncertainty["monte_carlo"], uncertainty["tornado"]
    write_title(sheet, 1, "How sure can the partnership be?")
    safe_cell_text(
        sheet.cell(row=2, column=1),
        f"{result['draws']:,} draws of every uncertain effect, unit cost and take-up (seed "
        f"{result['seed']}); the plan as it stands valued under each. Spreads not recorded with "
        "an input take the stated defaults (effects: standard error 20% of the effect for "
        "evidence rated 4, 30% for 3, 50% for 2, 75% for NL2; unit costs plus or minus 20%; "
        "every place taken up).",
    )
    row = 4
    write_header(sheet, row, ["Figure", "Value"])
    header_row = row
    headline: list[tuple[str, float, str]] = [
        ("Cost of the plan", result["total_spend"], "money"),
        ("Value of demand avoided as planned", result["value_planned"], "money"),
        ("Mean over the draws", result["value_mean"], "money"),
        ("5th percentile", result["value_low"], "money"),
        ("Median", result["value_median"], "money"),
        ("95th percentile", result["value_high"], "money"),
        ("Chance benefits exceed costs", result["chance_benefits_exceed_costs"], "share"),
    ]
    for label, value, kind in headline:
        row += 1
        safe_cell_text(sheet.cell(row=row, column=1), label)
        cell = sheet.cell(row=row, column=2)
        if kind == "money":
            money_cell(cell, value, whole=True)
        else:
            cell.value = value
            cell.number_format = PERCENT

    row += 2
    write_title(sheet, row, "Each partner", section=True)
    row += 1
    write_header(
        sheet,
        row,
        [
            "Partner",
            "Pays in",
            "Benefit 5th percentile",
            "Benefit median",
            "Benefit 95th percentile",
            "Chance benefit exceeds what it pays",
        ],
    )
    for partner in result["partners"]:
        row += 1
        safe_cell_text(sheet.cell(row=row, column=1), partner["name"])
        for offset, key in enumerate(
            ("contribution", "benefit_low", "benefit_median", "benefit_high")
        ):
            money_cell(sheet.cell(row=row, column=2 + offset), partner[key], whole=True)
        chance = sheet.cell(row=row, column=6)
        if partner["chance_benefit_exceeds_contribution"] is None:
            safe_cell_text(chance, "pays nothing")
        else:
            chance.value = partner["chance_benefit_exceeds_contribution"]
            chance.number_format = PERCENT

    row += 2
    write_title(sheet, row, "Demand avoided, 90% interval", section=True)
    row += 1
    write_header(
        sheet, row, ["Demand type", "As planned", "5th percentile", "Median", "95th percentile"]
    )
    for demand in result["demand"]:
        row += 1
        safe_cell_text(sheet.cell(row=row, column=1), demand["name"])
        for offset, key in enumerate(("planned", "low", "median", "high")):
            cell = sheet.cell(row=row, column=2 + offset, value=demand[key])
            cell.number_format = PEOPLE

    row += 2
    write_title(sheet, row, "Histogram of the plan's value", section=True)
    row += 1
    write_header(sheet, row, ["Bin from", "Bin to", "Draws", "Above the cost"])
    first = row + 1
    edges, counts = result["histogram"]["edges"], result["histogram"]["counts"]
    cost_cell = f"$B${header_row + 1}"
    for low, high, count in zip(edges, edges[1:], counts, strict=False):
        row += 1
        money_cell(sheet.cell(row=row, column=1), low, whole=True)
        money_cell(sheet.cell(row=row, column=2), high, whole=True)
        sheet.cell(row=row, column=3, value=count)
        # A live check: bins wholly above the cost count as benefits exceeding costs.
        sheet.cell(row=row, column=4, value=f"=IF(A{row}>={cost_cell},C{row},0)")
    row += 1
    safe_cell_text(
        sheet.cell(row=row, column=1),
        "Share of draws in bins wholly above the cost (a check: the chance above counts each draw)",
    )
    share = sheet.cell(
        row=row, column=4, value=f"=SUM(D{first}:D{row - 1})/SUM(C{first}:C{row - 1})"
    )
    share.number_format = PERCENT

    row += 2
    write_title(sheet, row, "Which figures matter most (tornado)", section=True)
    row += 1
    write_header(
        sheet,
        row,
        [
            "Figure",
            "Low end",
            "High end",
            "Value at low end",
            "Value at high end",
            "Swing",
            "Spread from",
        ],
    )
    for bar in bars["bars"]:
        row += 1
        safe_cell_text(sheet.cell(row=row, column=1), bar["label"])
        for column, end in ((2, bar["low"]), (3, bar["high"])):
            _figure_cell(sheet.cell(row=row, column=column), bar["kind"], end)
        money_cell(sheet.cell(row=row, column=4), bar["value_at_low"], whole=True)
        money_cell(sheet.cell(row=row, column=5), bar["value_at_high"], whole=True)
        money_cell(sheet.cell(row=row, column=6), f"=ABS(E{row}-D{row})", whole=True)
        safe_cell_text(sheet.cell(row=row, column=7), bar["source"])
    finish_table(
        sheet,
        header_row=header_row,
        last_row=header_row,
        last_column=7,
        widths={1: 50, 7: 50},
        filters=False,
    )
