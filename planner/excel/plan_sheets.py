"""The plan workbook's money sheets: Allocations (one row per intervention, place and year, with a
live cost formula and what each partner pays), Funding (partner by year) and Funding by
intervention (intervention by partner), both summed from the allocation rows with SUMIFS so
totals move when a finance lead edits a row.

The money reconciles because the plan's does: the optimiser rounds the solver's money to whole
pence that add up (``optimiser.reconcile``), and Allocations writes the plan's own payments, so
each row's payments add up to its cost and Funding's SUMIFS give each partner's spend each year
to the penny, the same figures as the plan page and the API.

The cost cell stays a live formula, ROUND(participants x unit cost + set-up cost, 2). The plan's
cost is the rounded figure and its participants the solver's to four places, so written as they
are the formula could miss the cost by a penny, or by more with a large unit cost (0.00005 of a
participant at £3,100 is 16p). A "rounding" column to make up the difference would be a figure
no one can explain, and would stay put when someone edits the participants. Instead the
participants are written to as many places as make the formula give the plan's cost
(``costing_participants``): the solver's figure to within a penny's worth, shown to one place
like any other, with a note on the header saying so.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.worksheet.worksheet import Worksheet

from models.vocabulary import financial_year_label
from optimiser import Allocation
from planner.excel.cells import (
    BOLD,
    MONEY,
    PEOPLE,
    PROBLEM_FILL,
    PROBLEM_FONT,
    column,
    finish_table,
    money_cell,
    safe_cell_text,
    sheet_ref,
    to_pounds,
    write_header,
)
from planner.excel.plan_contracts import category_label, contract_end
from planner.excel.plan_view import PlanWorkbookView

if TYPE_CHECKING:
    from planner.excel.plan_benefits import BenefitsLayout
    from planner.excel.plan_prices import PricesLayout
    from planner.excel.plan_references import InputCells

ALLOCATIONS = "Allocations"
FUNDING = "Funding"
FUNDING_BY_INTERVENTION = "Funding by intervention"
# SUMIFS reads these as wildcards or comparisons; names containing them are matched exactly.
_CRITERIA_SPECIALS = ("*", "?", "~")
_CRITERIA_PREFIXES = ("<", ">", "=")

FIXED_COLUMNS = (
    "Intervention",
    "Place",
    "District",
    "Financial year",
    "Evidence rating",
    "Evidence level",
    "Participants",
    "Unit cost (£)",
    "Set-up cost (£)",
    "Cost (£)",
    "Expected demand avoided (£)",
)
PARTICIPANTS_COLUMN = 7
PARTICIPANTS_NOTE = (
    "The solver's participants, within a penny's worth: written to as many decimal places as "
    "make participants x unit cost (+ set-up cost) the plan's cost to the penny. The plan "
    "rounds each cost to whole pence so that the partners' payments add up exactly."
)
WITHIN = Decimal("0.001")  # a tenth of a penny
WHOLE_PEOPLE = "#,##0"
# Participants within this of a whole number are whole (the solver's integrality tolerance).
WHOLE = 1e-6
# After the money, what a commissioner needs to let the contract.
CONTRACT_COLUMNS = (
    "Category",
    "Provider",
    "Contract end",
    "Most participants here (capacity or eligible people)",
)
MOST_NOTE = (
    "The most this intervention can take here in a year: the provider's capacity (the place's "
    "own figure, else the intervention's) or the eligible people of its target group, whichever "
    "is smaller, read from the Inputs sheet."
)


@dataclass
class AllocationLayout:
    """Where the allocation rows are, so other sheets can sum them."""

    first_row: int
    last_row: int
    total_row: int
    partner_columns: dict[str, str] = field(default_factory=dict)
    paid_column: str = ""
    unpaid_column: str = ""
    cost_as_written: Decimal = Decimal(0)  # the allocations' total cost before anyone edits it
    category_column: str = ""
    most_column: str = ""
    # Each row as written: (row, allocation, participants written, the plan's value avoided).
    written: list[tuple[int, Allocation, float, Decimal | None]] = field(default_factory=list)

    def range_of(self, letter: str) -> str:
        return f"{sheet_ref(ALLOCATIONS)}${letter}${self.first_row}:${letter}${self.last_row}"

    def total_of(self, letter: str) -> str:
        return f"{sheet_ref(ALLOCATIONS)}${letter}${self.total_row}"

    intervention = property(lambda self: self.range_of("A"))
    place = property(lambda self: self.range_of("B"))
    district = property(lambda self: self.range_of("C"))
    participants = property(lambda self: self.range_of("G"))
    category = property(lambda self: self.range_of(self.category_column))
    most = property(lambda self: self.range_of(self.most_column))
    year = property(lambda self: self.range_of("D"))
    level = property(lambda self: self.range_of("F"))
    cost = property(lambda self: self.range_of("J"))
    cost_total = property(lambda self: self.total_of("J"))
    participants_total = property(lambda self: self.total_of("G"))
    demand_avoided_total = property(lambda self: self.total_of("K"))


@dataclass
class FundingLayout:
    """Where Funding's totals are, for the Summary, Partners and Checks sheets."""

    partner_year: dict[tuple[str, int], str] = field(default_factory=dict)
    partner_total: dict[str, str] = field(default_factory=dict)
    year_total: dict[int, str] = field(default_factory=dict)
    total_by_year: str = ""
    total_by_intervention: str = ""


def sum_matching(
    values: str,
    criteria_range: str,
    criteria_cell: str,
    criteria_text: str,
    twins: Collection[str] = frozenset(),
) -> str:
    """A formula summing `values` where `criteria_range` holds the name in `criteria_cell`.

    SUMIFS is what finance users expect, but it ignores capitals and treats * ? ~ as wildcards
    and a leading < > = as a comparison. A name containing those, or one of `twins` (names in
    the range that differ from another only in capitals), is matched exactly with EXACT instead,
    so "Bradford East" and "bradford EAST" are never counted together.
    """
    if (
        criteria_text in twins
        or any(mark in criteria_text for mark in _CRITERIA_SPECIALS)
        or criteria_text.startswith(_CRITERIA_PREFIXES)
    ):
        return f"=SUMPRODUCT(--EXACT({criteria_range},{criteria_cell}),{values})"
    return f"=SUMIFS({values},{criteria_range},{criteria_cell})"


def case_twins(names: Iterable[str]) -> frozenset[str]:
    """The names that another name in `names` equals but for capitals."""
    spellings: dict[str, set[str]] = {}
    for name in names:
        spellings.setdefault(name.casefold(), set()).add(name)
    return frozenset(name for group in spellings.values() if len(group) > 1 for name in group)


def cohort_price(view: PlanWorkbookView, intervention: str) -> float | None:
    """What one whole cohort of an intervention cost in the inputs the plan was solved with, in
    its own price year (None: bought person by person)."""
    for row in (view.inputs.get("inputs") or {}).get("interventions") or ():
        if row.get("key") == intervention and row.get("cohort_size"):
            return float(row.get("cohort_cost") or row["cohort_size"] * row["unit_cost"])
    return None


def set_up_cost(view: PlanWorkbookView, allocation: Allocation, uplift: float = 1.0) -> Decimal:
    """The programme set-up part of an allocation's cost: the intervention's set-up cost where a
    whole-programme plan runs it here this year (its cost is then at least half of it above
    unit cost x participants, or the whole cohorts' cost), otherwise nothing; in cash, by the
    year's ``uplift`` of its prices (the Prices sheet)."""
    facts = view.intervention(allocation.intervention)
    if not view.whole_programme or facts.fixed_cost <= 0:
        return Decimal(0)
    price = cohort_price(view, allocation.intervention) if allocation.cohorts else None
    bought = allocation.cohorts * price if price else facts.unit_cost * allocation.participants
    above = allocation.cost - bought * uplift
    if above < facts.fixed_cost * uplift / 2:
        return Decimal(0)
    return to_pounds(facts.fixed_cost) if uplift == 1.0 else _cash(facts.fixed_cost, uplift)


def _cash(price: float, uplift: float) -> Decimal:
    # Exactly the double the sheet's formula price x uplift gives, so the participants that
    # cost the plan's cost through it are worked out from the same figure.
    return Decimal(float(to_pounds(price)) * uplift)


def costing_participants(allocation: Allocation, unit_cost: Decimal, set_up: Decimal) -> float:
    """Participants that cost exactly the allocation's cost through the sheet's formula.

    The plan's cost is the solver's unit cost x participants (+ set-up) rounded to the penny
    so that the plan reconciles; its participants are the solver's to four places. Written
    as they are, ROUND(participants x unit cost + set-up, 2) could miss the cost by a penny
    or more. So the sheet gets (cost - set-up) / unit cost to the fewest places, four or more,
    at which the formula is within a tenth of a penny of the cost before ROUND (so Excel's
    floating point cannot tip it): the solver's participants to within a penny's worth.
    """
    cost = to_pounds(allocation.cost)
    if unit_cost <= 0:
        return allocation.participants
    exact = (cost - set_up) / unit_cost
    for places in range(4, 13):
        participants = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if abs(participants * unit_cost + set_up - cost) <= WITHIN:
            return float(participants)
    return float(exact)


def _whole(view: PlanWorkbookView, allocation: Allocation) -> bool:
    """Whether the allocation is whole people (a plan of whole people and programmes)."""
    participants = allocation.participants
    return (
        view.whole_programme
        and participants >= 1
        and abs(participants - round(participants)) < WHOLE
    )


def costing_unit_cost(
    allocation: Allocation, participants: int, set_up: Decimal, unit_cost: Decimal
) -> Decimal:
    """The cost per participant that makes ROUND(participants x it + set-up, 2) the plan's cost,
    for whole participants: the unit cost where it does, else the cost shared among them (whole
    cohorts, whose cost is the cohort's, not the unit cost's), to as few places as need be."""
    cost = to_pounds(allocation.cost)
    if abs(participants * unit_cost + set_up - cost) <= WITHIN:
        return unit_cost
    exact = (cost - set_up) / participants
    for places in range(2, 13):
        shared = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if abs(participants * shared + set_up - cost) <= WITHIN:
            return shared
    return exact


def _cohort_note(view: PlanWorkbookView, allocation: Allocation) -> str:
    people = round(allocation.participants)
    words = f"{allocation.cohorts} cohort{'s' if allocation.cohorts != 1 else ''} ({people:,} participants)"
    price = cohort_price(view, allocation.intervention)
    each = f" at £{price:,.2f} a cohort" if price else ""
    return (
        f"{words}{each}. Bought in whole cohorts: the unit cost on this row is the cohorts' "
        "cost shared among their participants, so participants x unit cost (+ set-up) is the cost."
    )


def demand_avoided_value(view: PlanWorkbookView, allocation: Allocation) -> float | None:
    """The value of demand an allocation avoids: the optimiser's own figure, or for plans stored
    before allocations carried it, the figure stored beside the plan's allocation rows."""
    if allocation.value_of_demand_avoided is not None:
        return allocation.value_of_demand_avoided
    return view.demand_avoided.get((allocation.intervention, allocation.place, allocation.year))


def write_allocations(
    sheet: Worksheet,
    view: PlanWorkbookView,
    cells: InputCells,
    prices: PricesLayout | None = None,
) -> AllocationLayout:
    """One row per intervention, place and year: participants, unit cost, a live cost formula,
    evidence, expected demand avoided (filled in by ``fill_benefits``), what each partner pays,
    and the category, provider, contract end and the most participants the place can take.

    The payments are the plan's own, whole pence that add up to each allocation's cost and to
    each partner's spend each year (``optimiser.reconcile``); the participants are those that
    cost exactly the plan's cost (``costing_participants``), so the live cost formula starts
    equal to the cost the partners pay."""
    partners = view.partner_keys()
    headers = [*FIXED_COLUMNS, *(f"Paid by {view.partner_name(key)} (£)" for key in partners)]
    headers += ["Paid in total (£)", "Cost not paid (£)", *CONTRACT_COLUMNS]
    write_header(sheet, 1, headers)
    sheet.cell(1, PARTICIPANTS_COLUMN).comment = Comment(PARTICIPANTS_NOTE, "Planner")
    partner_columns = {key: column(len(FIXED_COLUMNS) + 1 + n) for n, key in enumerate(partners)}
    paid_column = column(len(FIXED_COLUMNS) + len(partners) + 1)
    unpaid_column = column(len(FIXED_COLUMNS) + len(partners) + 2)
    category_number = len(FIXED_COLUMNS) + len(partners) + 3
    most_number = category_number + 3
    sheet.cell(1, most_number).comment = Comment(MOST_NOTE, "Planner")
    written: list[tuple[int, Allocation, float, Decimal | None]] = []
    allocations = sorted(
        view.result.allocations,
        key=lambda a: (view.intervention(a.intervention).name, view.place(a.place).name, a.year),
    )
    row = 1
    for row, allocation in enumerate(allocations, start=2):
        intervention = view.intervention(allocation.intervention)
        place = view.place(allocation.place)
        # Cash prices: unit and set-up costs are the intervention's prices x the year's uplift
        # on the Prices sheet (plans solved without a price index have none: prices are cash).
        uplift = prices.uplift(allocation.intervention, allocation.year) if prices else 1.0
        set_up = set_up_cost(view, allocation, uplift)
        unit_cost = to_pounds(intervention.unit_cost)
        if prices is not None:
            unit_cost = _cash(intervention.unit_cost, uplift)
        safe_cell_text(sheet.cell(row, 1), intervention.name)
        safe_cell_text(sheet.cell(row, 2), place.name)
        safe_cell_text(sheet.cell(row, 3), place.district)
        safe_cell_text(sheet.cell(row, 4), financial_year_label(allocation.year))
        safe_cell_text(sheet.cell(row, 5), intervention.evidence_rating)
        safe_cell_text(sheet.cell(row, 6), intervention.evidence_level)
        unit_formula = ""
        if prices is not None:
            uplift_cell = prices.uplift_cell(allocation.intervention, allocation.year)
            unit_formula = f"={to_pounds(intervention.unit_cost)}*{uplift_cell}"
        if _whole(view, allocation):
            # Whole people: the cost per participant is what makes the cost (a cohort's cost
            # shared among its participants where bought in whole cohorts).
            people = round(allocation.participants)
            shared = costing_unit_cost(allocation, people, set_up, unit_cost)
            if shared != unit_cost:
                unit_formula = ""
            unit_cost = shared
            participants = float(people)
            sheet.cell(row, PARTICIPANTS_COLUMN, people).number_format = WHOLE_PEOPLE
        else:
            participants = costing_participants(allocation, unit_cost, set_up)
            sheet.cell(row, PARTICIPANTS_COLUMN, participants).number_format = PEOPLE
        if allocation.cohorts:
            sheet.cell(row, PARTICIPANTS_COLUMN).comment = Comment(
                _cohort_note(view, allocation), "Planner"
            )
        money_cell(sheet.cell(row, 8), unit_formula or unit_cost)
        if prices is not None and set_up:
            uplift_cell = prices.uplift_cell(allocation.intervention, allocation.year)
            money_cell(sheet.cell(row, 9), f"={to_pounds(intervention.fixed_cost)}*{uplift_cell}")
        else:
            money_cell(sheet.cell(row, 9), set_up)
        money_cell(sheet.cell(row, 10), f"=ROUND(G{row}*H{row}+I{row},2)")
        avoided = demand_avoided_value(view, allocation)
        plan_value = to_pounds(avoided) if avoided is not None else None
        # The plan's figure until ``fill_benefits`` puts the Benefits sheet's formula here.
        money_cell(sheet.cell(row, 11), plan_value if plan_value is not None else 0)
        written.append((row, allocation, participants, plan_value))
        paid = {funding.partner: to_pounds(funding.amount) for funding in allocation.funding}
        for key in partners:
            money_cell(sheet[f"{partner_columns[key]}{row}"], paid.get(key, Decimal(0)))
        if partners:
            first, last = partner_columns[partners[0]], partner_columns[partners[-1]]
            money_cell(sheet[f"{paid_column}{row}"], f"=SUM({first}{row}:{last}{row})")
        else:
            money_cell(sheet[f"{paid_column}{row}"], 0)
        money_cell(sheet[f"{unpaid_column}{row}"], f"=ROUND(J{row}-{paid_column}{row},2)")
        safe_cell_text(sheet.cell(row, category_number), category_label(intervention.category))
        safe_cell_text(
            sheet.cell(row, category_number + 1),
            view.providers.get(allocation.intervention) or "Not recorded",
        )
        safe_cell_text(sheet.cell(row, category_number + 2), contract_end(view, allocation))
        sheet.cell(
            row, most_number, most_participants(view, cells, allocation)
        ).number_format = PEOPLE
    last_row = max(row, 2)
    total_row = last_row + 2
    safe_cell_text(sheet.cell(total_row, 1), "Total").font = BOLD
    for letter in ["G", "J", "K", *partner_columns.values(), paid_column, unpaid_column]:
        cell = sheet[f"{letter}{total_row}"]
        cell.value = f"=SUM({letter}2:{letter}{last_row})"
        cell.number_format = PEOPLE if letter == "G" else MONEY
        cell.font = BOLD
    sheet.conditional_formatting.add(
        f"{unpaid_column}2:{unpaid_column}{total_row}",
        _not_zero_rule(unpaid_column),
    )
    finish_table(sheet, header_row=1, last_row=last_row, last_column=len(headers))
    cost = sum((to_pounds(a.cost) for a in allocations), Decimal(0))
    return AllocationLayout(
        2,
        last_row,
        total_row,
        partner_columns,
        paid_column,
        unpaid_column,
        cost,
        category_column=column(category_number),
        most_column=column(most_number),
        written=written,
    )


def fill_benefits(sheet: Worksheet, rows: AllocationLayout, benefits: BenefitsLayout) -> None:
    """Each row's expected demand avoided as the sum of its rows on the Benefits sheet, so it
    moves with participants, effects and unit costs (rows without any keep the plan's figure)."""
    for row, _allocation, _participants, _value in rows.written:
        formula = benefits.value_formula(row)
        if formula is not None:
            sheet.cell(row, 11).value = formula


def most_participants(view: PlanWorkbookView, cells: InputCells, allocation: Allocation) -> object:
    """The most participants the place can take in a year, as a formula on the Inputs' figures:
    the provider's capacity or the target group's eligible people, whichever is smaller."""
    inputs = view.planning_inputs
    if inputs is None:
        return None
    intervention = next((i for i in inputs.interventions if i.key == allocation.intervention), None)
    place = next((p for p in inputs.places if p.key == allocation.place), None)
    if intervention is None or place is None:
        return None
    people = cells.population(
        place.key, intervention.target_group, place.population.get(intervention.target_group, 0.0)
    )
    capacity = cells.capacity(
        intervention.key, place.key, place.capacity.get(intervention.key, intervention.capacity)
    )
    return f"=IF(ISNUMBER({capacity}),MIN({capacity},{people}),{people})"


def _not_zero_rule(letter: str) -> FormulaRule:
    return FormulaRule(formula=[f"ABS({letter}2)>=0.01"], fill=PROBLEM_FILL, font=PROBLEM_FONT)


def write_funding(
    sheet: Worksheet, view: PlanWorkbookView, rows: AllocationLayout
) -> FundingLayout:
    """Partner x financial year, each cell a SUMIFS over the allocation rows, with row and
    column totals."""
    layout = FundingLayout()
    partners = view.partner_keys()
    years = view.years
    here = sheet_ref(FUNDING)
    write_header(sheet, 1, ["Partner", *view.year_labels, "Total (£)"])
    total_column = column(len(years) + 2)
    for index, key in enumerate(partners):
        row = 2 + index
        safe_cell_text(sheet.cell(row, 1), view.partner_name(key))
        for offset, year in enumerate(years):
            letter = column(2 + offset)
            values = rows.range_of(rows.partner_columns[key])
            money_cell(sheet[f"{letter}{row}"], f"=SUMIFS({values},{rows.year},{letter}$1)")
            layout.partner_year[(key, year)] = f"{here}${letter}${row}"
        money_cell(sheet[f"{total_column}{row}"], f"=SUM(B{row}:{column(len(years) + 1)}{row})")
        layout.partner_total[key] = f"{here}${total_column}${row}"
    last_partner = 1 + len(partners)
    # A blank row keeps the total out of the filter's range, so sorting never moves it.
    total_row = last_partner + 2
    safe_cell_text(sheet.cell(total_row, 1), "All partners").font = BOLD
    for offset in range(len(years) + 1):
        letter = column(2 + offset)
        cell = money_cell(
            sheet[f"{letter}{total_row}"], f"=SUM({letter}2:{letter}{max(last_partner, 2)})"
        )
        cell.font = BOLD
        if offset < len(years):
            layout.year_total[years[offset]] = f"{here}${letter}${total_row}"
    layout.total_by_year = f"{here}${total_column}${total_row}"
    finish_table(
        sheet, header_row=1, last_row=last_partner, last_column=len(years) + 2, widths={1: 40}
    )
    return layout


def write_funding_by_intervention(
    sheet: Worksheet, view: PlanWorkbookView, rows: AllocationLayout, layout: FundingLayout
) -> None:
    """Intervention x partner, each cell summed from the allocation rows, with totals; its
    grand total goes into `layout` for the Checks sheet."""
    partners = view.partner_keys()
    write_header(
        sheet, 1, ["Intervention", *(view.partner_name(key) for key in partners), "Total (£)"]
    )
    funded = sorted({view.intervention(a.intervention).name for a in view.result.allocations})
    twins = case_twins(funded)
    total_column = column(len(partners) + 2)
    for row, name in enumerate(funded, start=2):
        safe_cell_text(sheet.cell(row, 1), name)
        for offset, key in enumerate(partners):
            letter = column(2 + offset)
            values = rows.range_of(rows.partner_columns[key])
            formula = sum_matching(values, rows.intervention, f"$A{row}", name, twins)
            money_cell(sheet[f"{letter}{row}"], formula)
        money_cell(sheet[f"{total_column}{row}"], f"=SUM(B{row}:{column(len(partners) + 1)}{row})")
    last_row = 1 + max(len(funded), 1)
    sum_row = last_row + 2
    safe_cell_text(sheet.cell(sum_row, 1), "All interventions").font = BOLD
    for offset in range(len(partners) + 1):
        letter = column(2 + offset)
        cell = money_cell(sheet[f"{letter}{sum_row}"], f"=SUM({letter}2:{letter}{last_row})")
        cell.font = BOLD
    layout.total_by_intervention = f"{sheet_ref(FUNDING_BY_INTERVENTION)}${total_column}${sum_row}"
    finish_table(
        sheet, header_row=1, last_row=last_row, last_column=len(partners) + 2, widths={1: 40}
    )
