"""The plan workbook's Checks sheet: a pooled-fund style checklist, each row a live formula that
reads OK or names the problem."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from openpyxl.worksheet.worksheet import Worksheet

from models.vocabulary import financial_year_label
from planner.excel.cells import (
    BOLD,
    WRAP,
    finish_table,
    ok_or_problem_formatting,
    safe_cell_text,
    to_pounds,
    write_header,
)
from planner.excel.plan_outcomes import PartnersLayout, PlacesLayout
from planner.excel.plan_sheets import AllocationLayout, FundingLayout
from planner.excel.plan_view import PlanWorkbookView

if TYPE_CHECKING:
    from planner.excel.plan_prices import PricesLayout

CHECKS = "Checks"
# Figures in pence, compared as floating-point numbers: within half a penny is the same penny.
HALF_PENNY = 0.005


def _problem(amount: str, words: str) -> str:
    """A formula fragment: 'Problem: £1,234.56 <words>'."""
    return f'"Problem: £"&TEXT({amount},"#,##0.00")&" {words}"'


def _same(
    check: str, about: str, cell: str, other: str, *, words: str = "difference"
) -> tuple[str, str, str]:
    """A check that two totals agree to the penny."""
    difference = f"{cell}-{other}"
    return (
        check,
        about,
        f'=IF(ABS({difference})<{HALF_PENNY},"OK",{_problem(difference, words)})',
    )


def write_checks(
    sheet: Worksheet,
    view: PlanWorkbookView,
    rows: AllocationLayout,
    funding: FundingLayout,
    partners: PartnersLayout,
    places: PlacesLayout,
    headline: Mapping[str, str],
    prices: PricesLayout | None = None,
) -> None:
    """Budgets not exceeded, committed minimums met, fairness met, evidence rules kept and totals
    reconciled: one row each, green when the live figures pass and red when they do not.

    The plan's money is whole pence that add up (``optimiser.reconcile``): each partner's yearly
    total is its budget lines' spend to the penny, exactly its maximum where the solver held it
    there. So budgets, minimums, totals and the Summary's whole-pound tables are checked to the
    penny (within half a penny, as figures in floating point are compared). The rules written
    as a ratio (fairness, need floor, evidence share, value for money) were met by the solver's
    unrounded figures and compare figures rounded separately, such as a partner's benefit
    against what it pays, so they are checked to the pound."""
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
                f"Budget not exceeded (at most £{maximum:,.2f})",
                about,
                f'=IF({cell}<={maximum}+{HALF_PENNY},"OK",{_problem(f"{cell}-{maximum}", "over budget")})',
            )
        )
        if limit.minimum > 0:
            minimum = round(limit.minimum, 2)
            checks.append(
                (
                    f"Committed minimum met (at least £{minimum:,.2f})",
                    about,
                    f'=IF({cell}>={minimum}-{HALF_PENNY},"OK",{_problem(f"{minimum}-{cell}", "below the committed minimum")})',
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
    if view.min_share_rated_3_plus > 0:
        rated = f'(SUMIFS({rows.cost},{rows.level},"4")+SUMIFS({rows.cost},{rows.level},"3"))'
        needed = f"{view.min_share_rated_3_plus}*{rows.cost_total}"
        checks.append(
            (
                f"At least {view.min_share_rated_3_plus:.0%} of spend on interventions rated 3 or above",
                "Evidence rule",
                f'=IF({rated}>={needed}-0.5,"OK",{_problem(f"{needed}-{rated}", "short of the share rated 3 or above")})',
            )
        )
    if view.portfolio_vfm_ratio > 0:
        value = headline["Value of demand avoided (£)"]
        # Benefits are in the benefits' price year, so the spend is too (the Prices sheet).
        spend = rows.cost_total if prices is None else prices.real_total_cell
        needed = f"{view.portfolio_vfm_ratio}*{spend}"
        checks.append(
            (
                f"Benefit of the whole plan at least {view.portfolio_vfm_ratio:g} times its spend",
                "Value-for-money rule",
                f'=IF({value}>={needed}-0.5,"OK",{_problem(f"{needed}-{value}", "short of the benefit needed")})',
            )
        )
    unpaid = rows.range_of(rows.unpaid_column)
    solved = to_pounds(view.result.total_spend)
    checks += [
        (
            "Partners' payments cover every allocation's cost",
            "Allocations: Cost not paid is zero on every row",
            f'=IF(SUMPRODUCT(--(ABS({unpaid})>={HALF_PENNY}))=0,"OK","Problem: "&SUMPRODUCT(--(ABS({unpaid})>={HALF_PENNY}))&" rows are not fully paid for")',
        ),
        _same(
            "Funding by year adds up to the allocations' cost",
            "Funding (partner by year) against Allocations",
            funding.total_by_year,
            rows.cost_total,
        ),
        _same(
            "Funding by intervention adds up to funding by year",
            "Funding by intervention (intervention by partner) against Funding (partner by year)",
            funding.total_by_intervention,
            funding.total_by_year,
        ),
        _same(
            "Places' spend adds up to the total spend",
            "Places against Allocations",
            places.total_cell,
            rows.cost_total,
        ),
        _same(
            f"Allocations add up to the plan's spend as solved (£{solved:,.2f})",
            "Allocations against the optimiser's answer",
            rows.cost_total,
            str(solved),
            words="changed since the plan was solved",
        ),
    ]
    spend = headline["Total spend (£)"]
    for label in (
        "Spend by financial year, in whole pounds",
        "Spend by evidence rating, in whole pounds",
    ):
        table = headline[label]
        checks.append(
            (
                f"Summary: {label[0].lower()}{label[1:]} adds up to the total spend",
                "Summary tables (as solved) against the live total spend",
                f'=IF(ABS({table}-{spend})<{HALF_PENNY},"OK",{_problem(f"{table}-{spend}", "difference")})',
            )
        )
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
