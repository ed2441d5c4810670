"""The plan workbook's outcome sheets: Partners (what each pays against the benefit that falls to
it, and the fairness rule), Places (spend against need share) and Sensitivity (binding rules with
their shadow prices, and why each unfunded intervention is unfunded)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from openpyxl.worksheet.worksheet import Worksheet

from optimiser import NO_LIMIT
from optimiser.answer import why_no_range
from optimiser.families import FAMILIES, family
from optimiser.plan import PlaceOutcome
from optimiser.unfunded import UNFUNDED_REASONS
from planner.excel.cells import (
    BOLD,
    PERCENT,
    RATIO,
    WRAP,
    finish_table,
    money_cell,
    ok_or_problem_formatting,
    safe_cell_text,
    sheet_ref,
    to_pounds,
    write_header,
    write_title,
)
from planner.excel.plan_sheets import AllocationLayout, FundingLayout, case_twins, sum_matching
from planner.excel.plan_view import PlanWorkbookView

if TYPE_CHECKING:
    from planner.excel.plan_benefits import BenefitsLayout
    from planner.excel.plan_prices import PricesLayout
    from planner.excel.plan_references import InputCells

PARTNERS = "Partners"
PLACES = "Places"
SENSITIVITY = "Sensitivity"


@dataclass
class PartnersLayout:
    """Partners' rows, for the Summary chart and the fairness checks."""

    first_row: int = 2
    last_row: int = 2
    met_cells: dict[str, str] = field(default_factory=dict)


def write_partners(
    sheet: Worksheet,
    view: PlanWorkbookView,
    funding: FundingLayout,
    benefits: BenefitsLayout | None = None,
    cells: InputCells | None = None,
    prices: PricesLayout | None = None,
) -> PartnersLayout:
    """Each partner's contribution (live, from Funding), the benefit that falls to it (live:
    its share of each demand type's cost, from the Inputs sheet, times the value of that demand
    avoided, from the Benefits sheet), the ratio between them, and whether its fairness rule
    (its factor read from the Inputs sheet) is met. With cash prices the ratio and the fairness
    rule compare the benefit with the contribution in the benefits' price year (the Prices
    sheet), as the optimiser's rule does."""
    headers = [
        "Partner",
        "Contribution (£)",
        "Benefit falling to partner (£)",
        "Benefit per £1 paid",
        "Fairness factor",
        "Benefit the fairness rule requires (£)",
        "Fairness rule",
        "Fairness met",
    ]
    write_header(sheet, 1, headers)
    solved = {outcome.partner: outcome.benefit for outcome in view.result.partners}
    layout = PartnersLayout()
    partners = view.partner_keys()
    for row, key in enumerate(partners, start=2):
        alpha = float(view.fairness.get(key, 0.0))
        name = view.partner_name(key)
        safe_cell_text(sheet.cell(row, 1), name)
        money_cell(sheet.cell(row, 2), f"={funding.partner_total[key]}")
        money_cell(sheet.cell(row, 3), _benefit(view, key, benefits, cells, solved))
        paid = f"B{row}" if prices is None else prices.real_contribution_cell(row - 2)
        sheet.cell(row, 4, f'=IF({paid}>0,C{row}/{paid},"")').number_format = RATIO
        factor = _fairness_factor(view, key, cells)
        sheet.cell(row, 5, factor if factor is not None else alpha).number_format = RATIO
        money_cell(sheet.cell(row, 6), f"=ROUND(E{row}*{paid},2)")
        rule = (
            f"Benefit falling to {name} must be at least the fairness factor times what it "
            f"pays (the scenario's factor, {alpha:g}, is on the Inputs sheet)"
            if alpha > 0
            else "No fairness rule for this partner (a factor above 0 on the Inputs sheet sets one)"
        )
        safe_cell_text(sheet.cell(row, 7), rule).alignment = WRAP
        sheet.cell(
            row,
            8,
            f'=IF(E{row}=0,"No rule",IF(C{row}>=F{row}-0.5,"OK",'
            f'"Problem: £"&TEXT(F{row}-C{row},"#,##0")&" short"))',
        )
        layout.met_cells[key] = f"{sheet_ref(PARTNERS)}$H${row}"
    layout.last_row = max(2, 1 + len(partners))
    total_row = layout.last_row + 2
    safe_cell_text(sheet.cell(total_row, 1), "All partners").font = BOLD
    for letter in ("B", "C"):
        cell = money_cell(
            sheet[f"{letter}{total_row}"], f"=SUM({letter}2:{letter}{layout.last_row})"
        )
        cell.font = BOLD
    ok_or_problem_formatting(sheet, f"H2:H{layout.last_row}")
    finish_table(
        sheet, header_row=1, last_row=layout.last_row, last_column=len(headers), widths={7: 50}
    )
    return layout


def _benefit(
    view: PlanWorkbookView,
    partner: str,
    benefits: BenefitsLayout | None,
    cells: InputCells | None,
    solved: dict[str, float],
) -> object:
    """The benefit falling to a partner: its share of each demand type's cost times the value
    of that demand avoided, as a formula; the plan's figure where there are no benefit rows."""
    inputs = view.planning_inputs
    if benefits is None or cells is None or inputs is None or not benefits.by_demand:
        return to_pounds(solved.get(partner, 0.0))
    terms = [
        f"{cells.share(demand.key, partner, demand.shares[partner])}*{benefits.by_demand[demand.key]}"
        for demand in inputs.demand_types
        if partner in demand.shares and demand.key in benefits.by_demand
    ]
    return f"=ROUND({'+'.join(terms)},2)" if terms else 0


def _fairness_factor(view: PlanWorkbookView, partner: str, cells: InputCells | None) -> str | None:
    """The partner's fairness factor on the Inputs sheet: its own, else the scenario's."""
    if cells is None:
        return None
    own = cells.layout.setting("rules", "partner_fairness_overrides", partner)
    if own is not None:
        return f"={own}"
    rules = view.scenario_rules
    if rules is not None and partner in rules.partner_fairness_overrides:
        return None  # an override the sheet does not show: the figure itself
    shared = cells.layout.setting("rules", "partner_fairness")
    return f"={shared}" if shared is not None else None


@dataclass
class PlacesLayout:
    first_row: int = 2
    last_row: int = 2
    met_cells: dict[str, str] = field(default_factory=dict)
    total_cell: str = ""
    spend_cells: dict[str, str] = field(default_factory=dict)


def write_places(
    sheet: Worksheet,
    view: PlanWorkbookView,
    rows: AllocationLayout,
    cells: InputCells | None = None,
) -> PlacesLayout:
    """Spend in each place (live, from the allocation rows) against its share of need, and the
    need floor the scenario sets."""
    headers = [
        "Place",
        "District",
        "Need index",
        "Need share",
        "Spend (£)",
        "Share of spend",
        "Spend share against need share",
        "Need floor (£)",
        "Need floor met",
    ]
    write_header(sheet, 1, headers)
    outcomes = {outcome.place: outcome for outcome in view.result.places}
    keys = list(outcomes) + [key for key in view.places if key not in outcomes]
    total_need = sum(view.place(key).need_index for key in keys) or 1.0
    twins = case_twins(view.place(key).name for key in keys)
    layout = PlacesLayout()
    for row, key in enumerate(keys, start=2):
        place = view.place(key)
        outcome = outcomes.get(key)
        need_share = _need_share(view, outcome, rows) if outcome else place.need_index / total_need
        safe_cell_text(sheet.cell(row, 1), place.name)
        safe_cell_text(sheet.cell(row, 2), place.district)
        sheet.cell(row, 3, place.need_index).number_format = RATIO
        sheet.cell(row, 4, need_share).number_format = PERCENT
        money_cell(
            sheet.cell(row, 5), sum_matching(rows.cost, rows.place, f"$A{row}", place.name, twins)
        )
        sheet.cell(
            row, 6, f"=IF({rows.cost_total}>0,E{row}/{rows.cost_total},0)"
        ).number_format = PERCENT
        sheet.cell(row, 7, f'=IF(D{row}>0,F{row}/D{row},"")').number_format = RATIO
        money_cell(sheet.cell(row, 8), _need_floor(view, rows, row, cells))
        sheet.cell(
            row,
            9,
            f'=IF(H{row}=0,"No floor",IF(E{row}>=H{row}-0.5,"OK","Problem: £"&TEXT(H{row}-E{row},"#,##0")&" below its floor"))',
        )
        layout.met_cells[key] = f"{sheet_ref(PLACES)}$I${row}"
        layout.spend_cells[key] = f"{sheet_ref(PLACES)}$E${row}"
    layout.last_row = max(2, 1 + len(keys))
    total_row = layout.last_row + 2
    safe_cell_text(sheet.cell(total_row, 1), "All places").font = BOLD
    cell = money_cell(sheet[f"E{total_row}"], f"=SUM(E2:E{layout.last_row})")
    cell.font = BOLD
    layout.total_cell = f"{sheet_ref(PLACES)}$E${total_row}"
    ok_or_problem_formatting(sheet, f"I2:I{layout.last_row}")
    finish_table(sheet, header_row=1, last_row=layout.last_row, last_column=len(headers))
    return layout


def _need_share(view: PlanWorkbookView, outcome: PlaceOutcome, rows: AllocationLayout) -> float:
    """The place's share of need among the places the money may reach, in full: worked back
    from the plan's floor where it has one (the outcome's share is rounded to six places,
    pounds out on a large plan)."""
    solved = float(rows.cost_as_written)
    if outcome.need_floor is not None and view.need_floor > 0 and solved > 0:
        return outcome.need_floor / (view.need_floor * solved)
    return outcome.need_share


def _need_floor(
    view: PlanWorkbookView, rows: AllocationLayout, row: int, cells: InputCells | None
) -> str:
    """The least a place may get, live: the need floor on the Inputs sheet x the total spend x
    the place's need share."""
    floor = cells.setting("need_floor", view.need_floor) if cells else repr(view.need_floor)
    return f"=ROUND({floor}*{rows.cost_total}*D{row},2)"


def write_sensitivity(sheet: Worksheet, view: PlanWorkbookView) -> None:
    """Like Excel Solver's sensitivity report: the rules that bind, each with its final value,
    shadow price, right-hand side and allowable increase and decrease, and what it means; then
    each intervention not funded with its reduced cost and why; then, for a plan whose rules
    cannot all be met, the clashes. Rules read by name; their internal ids stay in a narrow
    last column, for audit."""
    plan = view.result
    unit = plan.objective_unit or "£ of demand avoided"
    no_limit = "No limit"

    def rule_label(label: str, rule_id: str) -> str:
        # Plans stored before rules had labels: the named items of the id, in its order.
        return label or ", ".join(rule_id.split("|")[1:]) or rule_id

    def figure(row: int, column: int, amount: float | None) -> None:
        if amount is None:
            return
        if amount >= NO_LIMIT:
            safe_cell_text(sheet.cell(row, column), no_limit)
        else:
            sheet.cell(row, column, round(amount, 4)).number_format = "#,##0.00"

    headers = [
        "Rule",
        "Kind of rule",
        "Final value",
        f"Shadow price ({unit} per unit)",
        "Limit (R.H. side)",
        "Allowable increase",
        "Allowable decrease",
        "What it means",
        "Rule id",
        "Why a range is blank",
    ]
    write_header(sheet, 1, headers)
    row = 1
    order = {key: index for index, key in enumerate(FAMILIES)}
    # Budgets first, then the registry's order of kinds; within a kind, as the optimiser ranked.
    ranked = sorted(plan.binding_constraints, key=lambda binding: order[binding.family])
    for row, binding in enumerate(ranked, start=2):
        safe_cell_text(sheet.cell(row, 1), rule_label(binding.label, binding.row))
        safe_cell_text(
            sheet.cell(row, 2),
            family(binding.family).excel_label,
        )
        figure(row, 3, binding.activity)
        sheet.cell(row, 4, round(binding.shadow_price, 6)).number_format = "#,##0.0000"
        figure(row, 5, binding.limit)
        figure(row, 6, binding.allowable_increase)
        figure(row, 7, binding.allowable_decrease)
        safe_cell_text(sheet.cell(row, 8), binding.sentence).alignment = WRAP
        safe_cell_text(sheet.cell(row, 9), binding.row)
        if binding.allowable_increase is None or binding.allowable_decrease is None:
            blank = why_no_range(binding.family, whole_programme=False)
            safe_cell_text(sheet.cell(row, 10), blank).alignment = WRAP
    if not plan.binding_constraints:
        row = 2
        safe_cell_text(
            sheet.cell(row, 1),
            "No rule limits this plan."
            if plan.status.has_plan
            else "The plan has no allocation, so no rule holds it back.",
        )
    last_binding = row
    row += 2
    note = safe_cell_text(
        sheet.cell(row, 1),
        "Shadow prices are 'about': they hold for small changes, and where several rules bind at "
        "once other values could be equally right. Final value and limit are in the rule's own "
        "units (pounds, or participants for capacity; 0 for rules written as a share of spend). "
        "Allowable increase and decrease: how far the limit can move before the shadow price "
        "changes (blank where the solver gives none, as for whole-programme plans).",
    )
    note.alignment = WRAP
    row += 2
    write_title(sheet, row, "Interventions not funded", section=True)
    row += 1
    write_header(
        sheet,
        row,
        [
            "Intervention",
            "Why not funded",
            "Reduced cost",
            "Would need to be this much more effective",
            "Or this much cheaper per participant (£)",
            "Explanation",
        ],
    )
    for item in plan.not_funded:
        row += 1
        safe_cell_text(sheet.cell(row, 1), item.name)
        safe_cell_text(sheet.cell(row, 2), UNFUNDED_REASONS[item.reason].words)
        if item.reduced_cost is not None:
            sheet.cell(row, 3, round(item.reduced_cost, 6)).number_format = "#,##0.0000"
        if item.effect_increase_needed is not None:
            sheet.cell(row, 4, item.effect_increase_needed).number_format = PERCENT
        if item.cost_reduction_needed is not None:
            money_cell(sheet.cell(row, 5), to_pounds(item.cost_reduction_needed))
        safe_cell_text(sheet.cell(row, 6), item.sentence).alignment = WRAP
    if not plan.not_funded:
        row += 1
        safe_cell_text(sheet.cell(row, 1), "Every intervention is funded.")
    if plan.diagnosis is not None:
        row += 2
        write_title(sheet, row, "Why the rules cannot all be met", section=True)
        row += 1
        safe_cell_text(sheet.cell(row, 1), plan.diagnosis.summary).alignment = WRAP
        row += 1
        write_header(
            sheet,
            row,
            ["Rule", "Kind of rule", "Shortfall", "What it means"] + [""] * 4 + ["Rule id"],
        )
        for clash in plan.diagnosis.clashes:
            row += 1
            safe_cell_text(sheet.cell(row, 1), rule_label(clash.label, clash.row))
            safe_cell_text(sheet.cell(row, 2), family(clash.family).excel_label)
            sheet.cell(row, 3, round(clash.shortfall, 2)).number_format = "#,##0.00"
            safe_cell_text(sheet.cell(row, 4), clash.sentence).alignment = WRAP
            safe_cell_text(sheet.cell(row, 9), clash.row)
    finish_table(
        sheet,
        header_row=1,
        last_row=last_binding,
        last_column=len(headers),
        filters=False,
        widths={1: 40, 2: 30, 3: 14, 4: 40, 5: 14, 6: 60, 7: 14, 8: 70, 9: 16, 10: 50},
    )
