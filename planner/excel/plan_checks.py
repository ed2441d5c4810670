"""The plan workbook's Checks sheet: a pooled-fund style checklist, each row a live formula that
reads OK or names the problem.

Every limit a check applies is read from the Inputs sheet (a budget line's maximum, committed
minimum, ring-fence and districts, a partner's open years and contracts, capacities and eligible
people, the fairness factors, the evidence and value-for-money rules), never typed into the
formula; and every check compares current figures with each other, never with the plan as
solved. So lowering a maximum on the Inputs sheet turns its check red, and an edit that keeps
to the rules (fewer participants with less funding to match) comes back to all OK."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openpyxl.worksheet.worksheet import Worksheet

from models.vocabulary import financial_year_label
from planner.excel.cells import (
    BOLD,
    WRAP,
    finish_table,
    ok_or_problem_formatting,
    safe_cell_text,
    write_header,
)
from planner.excel.plan_contracts import category_label
from planner.excel.plan_outcomes import PartnersLayout, PlacesLayout
from planner.excel.plan_references import (
    ALL_DISTRICTS,
    ANY_CATEGORY,
    InputCells,
    LineCells,
    text_literal,
)
from planner.excel.plan_sheets import AllocationLayout, FundingLayout
from planner.excel.plan_view import PlanWorkbookView
from planner.excel.plan_windows import FundingByYearLayout

if TYPE_CHECKING:
    from planner.excel.plan_prices import PricesLayout

CHECKS = "Checks"
# Figures in pence, compared as floating-point numbers: within half a penny is the same penny.
HALF_PENNY = 0.005
# Payments are whole pence shared out line by line and zone by zone, so a partner's funding of
# an intervention can differ from one year to the next by a few pence where the solver held it
# level: a change of a pound or more is a change.
LEVEL = 1
# Participants are written to a penny's worth of the solver's: a hundredth of a person over is
# rounding, not a breach.
PERSON_TOLERANCE = 0.01

# The kinds of check, as the sheet's first column names them (tests find them by these words).
MAXIMUM = "Budget not exceeded"
MINIMUM = "Committed minimum met"
RING_FENCE = "Ring-fence kept"
DISTRICTS = "Districts kept"
WINDOW = "Commissioning window kept"
CONTRACTS = "Existing contracts honoured"
CAPACITY = "Capacity and eligible people not exceeded"
FAIRNESS = "Partner fairness met"
NEED_FLOOR = "Place need floor met"
CAP = "Cap on spend kept"


@dataclass(frozen=True)
class Check:
    kind: str
    about: str
    formula: str


def _problem(amount: str, words: str) -> str:
    """A formula fragment: 'Problem: £1,234.56 <words>'."""
    return f'"Problem: £"&TEXT({amount},"#,##0.00")&" {words}"'


def _same(check: str, about: str, cell: str, other: str) -> Check:
    """A check that two current totals agree to the penny."""
    difference = f"{cell}-{other}"
    return Check(
        check,
        about,
        f'=IF(ABS({difference})<{HALF_PENNY},"OK",{_problem(difference, "difference")})',
    )


def write_checks(
    sheet: Worksheet,
    view: PlanWorkbookView,
    rows: AllocationLayout,
    funding: FundingLayout,
    by_year: FundingByYearLayout,
    partners: PartnersLayout,
    places: PlacesLayout,
    headline: Mapping[str, str],
    cells: InputCells,
    prices: PricesLayout | None = None,
) -> None:
    """Budgets, minimums, ring-fences, districts, windows, contracts, capacity, fairness,
    evidence and value for money, and totals reconciled: one row each, green when the live
    figures pass and red when they do not.

    The plan's money is whole pence that add up (``optimiser.reconcile``), so budgets,
    minimums, ring-fences, districts and totals are checked to the penny (within half a penny,
    as floating point compares). The rules written as a ratio (fairness, need floor, evidence
    share, value for money) were met by the solver's unrounded figures and compare figures
    rounded separately, so they are checked to the pound."""
    write_header(sheet, 1, ["Check", "About", "Result"])
    checks = _budget_line_checks(view, rows, funding, by_year, cells)
    checks += _contract_checks(view, by_year)
    if view.planning_inputs is not None:
        most = rows.most
        over = f"SUMPRODUCT(ISNUMBER({most})*({rows.participants}>{most}+{PERSON_TOLERANCE}))"
        checks.append(
            Check(
                CAPACITY,
                "Allocations: participants against the most each place can take (Inputs: "
                "capacity and eligible population)",
                f'=IF({over}=0,"OK","Problem: "&{over}&" rows have more participants than '
                f'the place can take")',
            )
        )
    for key, cell in partners.met_cells.items():
        checks.append(Check(FAIRNESS, view.partner_name(key), f'=IF({cell}="No rule","OK",{cell})'))
    if view.need_floor > 0:
        for key, cell in places.met_cells.items():
            checks.append(
                Check(NEED_FLOOR, view.place(key).name, f'=IF({cell}="No floor","OK",{cell})')
            )
    checks += _cap_checks(view, rows, places, cells)
    checks += _evidence_and_value(view, rows, headline, cells, prices)
    checks += _totals(rows, funding, places, headline)
    for row, check in enumerate(checks, start=2):
        safe_cell_text(sheet.cell(row, 1), check.kind).alignment = WRAP
        safe_cell_text(sheet.cell(row, 2), check.about).alignment = WRAP
        sheet.cell(row, 3, check.formula).alignment = WRAP
    last = 1 + len(checks)
    overall = last + 2
    safe_cell_text(sheet.cell(overall, 1), "All checks").font = BOLD
    sheet.cell(
        overall,
        3,
        f'=IF(COUNTIF(C2:C{last},"Problem*")=0,"OK","Problem: "&COUNTIF(C2:C{last},"Problem*")&" checks need attention")',
    )
    ok_or_problem_formatting(sheet, f"C2:C{overall}")
    finish_table(sheet, header_row=1, last_row=last, last_column=3, widths={1: 34, 2: 60, 3: 60})


def _budget_line_checks(
    view: PlanWorkbookView,
    rows: AllocationLayout,
    funding: FundingLayout,
    by_year: FundingByYearLayout,
    cells: InputCells,
) -> list[Check]:
    """Per partner and year: maximum and committed minimum (its lines added up, as the
    partner's spend that year is); per line: its ring-fence and districts; and, for a partner
    with a commissioning cycle, its window."""
    lines = cells.budget_lines()
    if not lines:
        return _typed_budget_checks(view, funding)
    grouped: dict[tuple[str, int], list[LineCells]] = {}
    for line in lines:
        grouped.setdefault((line.line.partner, line.line.year), []).append(line)
    checks: list[Check] = []
    for (partner, year), group in grouped.items():
        spend = funding.partner_year.get((partner, year))
        if spend is None:
            continue
        label = financial_year_label(year)
        about = f"{view.partner_name(partner)}, {label} (limits on the Inputs sheet)"
        maximum = "+".join(line.maximum for line in group)
        minimum = "+".join(line.minimum for line in group)
        checks.append(
            Check(
                MAXIMUM,
                about,
                f'=IF({spend}<=({maximum})+{HALF_PENNY},"OK",'
                f"{_problem(f'{spend}-({maximum})', 'over budget')})",
            )
        )
        checks.append(
            Check(
                MINIMUM,
                about,
                f'=IF({spend}>=({minimum})-{HALF_PENNY},"OK",'
                f"{_problem(f'({minimum})-{spend}', 'below the committed minimum')})",
            )
        )
        paid = rows.range_of(rows.partner_columns[partner])
        year_is = f'({rows.year}="{label}")'
        for line in group:
            outside = (
                f'SUMPRODUCT({year_is}*ISERROR(FIND(", "&{rows.category}&",",'
                f'", "&{line.ring_fence}&","))*{paid})'
            )
            checks.append(
                Check(
                    RING_FENCE,
                    about,
                    f'=IF(OR({line.ring_fence}="{ANY_CATEGORY}",{line.ring_fence}="",{outside}<{HALF_PENNY}),"OK",'
                    f"{_problem(outside, 'paid for categories outside its ring-fence')})",
                )
            )
            elsewhere = (
                f'SUMPRODUCT({year_is}*ISERROR(FIND(", "&{rows.district}&",",'
                f'", "&{line.districts}&","))*{paid})'
            )
            checks.append(
                Check(
                    DISTRICTS,
                    about,
                    f'=IF(OR({line.districts}="{ALL_DISTRICTS}",{line.districts}="",{elsewhere}<{HALF_PENNY}),"OK",'
                    f"{_problem(elsewhere, 'paid for places outside its districts')})",
                )
            )
        window = _window_check(view, partner, year, about, by_year, cells)
        if window is not None:
            checks.append(window)
    return checks


def _window_check(
    view: PlanWorkbookView,
    partner: str,
    year: int,
    about: str,
    by_year: FundingByYearLayout,
    cells: InputCells,
) -> Check | None:
    """Outside its window a partner's funding of each intervention stays at last year's level
    (in the first year, at its existing contracts): the pounds that moved, where they did."""
    open_years = cells.open_years(partner)
    this_year = by_year.paid.get((partner, year))
    if open_years is None or this_year is None:
        return None
    if year == view.years[0]:
        before = by_year.contracted.get((partner, year), "0")
        compared = "its existing contracts"
    else:
        before = by_year.paid.get((partner, year - 1), "0")
        compared = "last year's level"
    change = f"ABS({this_year}-{before})"
    moved = f"SUMPRODUCT(({change}>={LEVEL})*{change})"
    label = text_literal(financial_year_label(year))
    return Check(
        WINDOW,
        about,
        f'=IF(OR(ISNUMBER(FIND({label},{open_years})),{moved}=0),"OK",'
        f"{_problem(moved, f'of funding moved from {compared} while its window was closed')})",
    )


def _contract_checks(view: PlanWorkbookView, by_year: FundingByYearLayout) -> list[Check]:
    """Each partner with existing contracts pays at least their amounts, intervention by
    intervention, in each of their years."""
    checks = []
    for partner in view.partner_keys():
        short = [
            f"SUMPRODUCT(({contracted}-{by_year.paid[(partner, year)]}>={LEVEL})"
            f"*({contracted}-{by_year.paid[(partner, year)]}))"
            for year in view.years
            if (contracted := by_year.contracted.get((partner, year))) is not None
            and (partner, year) in by_year.paid
        ]
        if not short:
            continue
        shortfall = "+".join(short)
        checks.append(
            Check(
                CONTRACTS,
                f"{view.partner_name(partner)} (contracts on the Inputs sheet)",
                f'=IF(({shortfall})=0,"OK",{_problem(shortfall, "short of its contracts")})',
            )
        )
    return checks


def _cap_checks(
    view: PlanWorkbookView, rows: AllocationLayout, places: PlacesLayout, cells: InputCells
) -> list[Check]:
    """The scenario's most spend per place, intervention and category over the whole plan,
    each cap read from the Inputs sheet."""
    rules = view.scenario_rules
    if rules is None:
        return []
    checks = []

    def check(about: str, spend: str, field_name: str, key: str, cap: float) -> Check:
        limit = cells.layout.setting("rules", field_name, key) or repr(float(cap))
        return Check(
            CAP,
            f"{about} (cap on the Inputs sheet)",
            f'=IF({spend}<={limit}+{HALF_PENNY},"OK",'
            f"{_problem(f'{spend}-{limit}', 'over its cap')})",
        )

    for key, cap in rules.place_caps.items():
        if key in places.spend_cells:
            spend = places.spend_cells[key]
            checks.append(check(view.place(key).name, spend, "place_caps", key, cap))
    for key, cap in rules.intervention_caps.items():
        name = view.intervention(key).name
        spend = f"SUMPRODUCT(--EXACT({rows.intervention},{text_literal(name)}),{rows.cost})"
        checks.append(check(name, spend, "intervention_caps", key, cap))
    for key, cap in rules.category_caps.items():
        label = category_label(key)
        spend = f"SUMPRODUCT(--EXACT({rows.category},{text_literal(label)}),{rows.cost})"
        checks.append(check(f"Category: {label}", spend, "category_caps", key, cap))
    return checks


def _typed_budget_checks(view: PlanWorkbookView, funding: FundingLayout) -> list[Check]:
    """Budget checks for a view made without the optimiser's inputs: its limits as figures."""
    checks = []
    for limit in view.budget_limits:
        cell = funding.partner_year.get((limit.partner, limit.year))
        if cell is None:
            continue
        about = f"{view.partner_name(limit.partner)}, {financial_year_label(limit.year)}"
        maximum, minimum = round(limit.maximum, 2), round(limit.minimum, 2)
        checks.append(
            Check(
                MAXIMUM,
                about,
                f'=IF({cell}<={maximum}+{HALF_PENNY},"OK",{_problem(f"{cell}-{maximum}", "over budget")})',
            )
        )
        checks.append(
            Check(
                MINIMUM,
                about,
                f'=IF({cell}>={minimum}-{HALF_PENNY},"OK",{_problem(f"{minimum}-{cell}", "below the committed minimum")})',
            )
        )
    return checks


def _evidence_and_value(
    view: PlanWorkbookView,
    rows: AllocationLayout,
    headline: Mapping[str, str],
    cells: InputCells,
    prices: PricesLayout | None = None,
) -> list[Check]:
    ne_spend = f'SUMIFS({rows.cost},{rows.level},"NE")'
    rated = f'(SUMIFS({rows.cost},{rows.level},"4")+SUMIFS({rows.cost},{rows.level},"3"))'
    share = cells.setting("min_share_rated_3_plus", view.min_share_rated_3_plus)
    needed = f"{share}*{rows.cost_total}"
    ratio = cells.setting("portfolio_vfm_ratio", view.portfolio_vfm_ratio)
    value = rows.demand_avoided_total
    # Benefits are in the benefits' price year, so the spend they are weighed against is too
    # (the Prices sheet's real spend).
    real_spend = rows.cost_total if prices is None else prices.real_total_cell
    wanted = f"{ratio}*{real_spend}"
    return [
        Check(
            "No intervention rated NE (not effective) is funded",
            "Early Intervention Foundation Guidebook rating",
            f'=IF({ne_spend}<0.005,"OK",{_problem(ne_spend, "spent on NE-rated interventions")})',
        ),
        Check(
            "Share of spend on interventions rated 3 or above",
            "At least the share the Inputs sheet's rules set",
            f'=IF({rated}>={needed}-0.5,"OK",{_problem(f"{needed}-{rated}", "short of the share rated 3 or above")})',
        ),
        Check(
            "Benefit of the whole plan against its spend",
            "At least the Inputs sheet's value for money of the whole plan times the spend",
            f'=IF({value}>={wanted}-0.5,"OK",{_problem(f"{wanted}-{value}", "short of the benefit needed")})',
        ),
    ]


def _totals(
    rows: AllocationLayout,
    funding: FundingLayout,
    places: PlacesLayout,
    headline: Mapping[str, str],
) -> list[Check]:
    unpaid = rows.range_of(rows.unpaid_column)
    checks = [
        Check(
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
    ]
    for label in ("Spend by financial year", "Spend by evidence rating"):
        checks.append(
            _same(
                f"Summary: {label[0].lower()}{label[1:]} adds up to the total spend",
                "Summary table's live figures against Allocations",
                headline[label],
                rows.cost_total,
            )
        )
    return checks
