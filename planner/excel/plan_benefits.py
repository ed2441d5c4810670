"""The plan workbook's Benefits sheet: the value of demand each allocation avoids, worked out in
formulas from its participants, the intervention's effects, the confidence weight of its
evidence, the Green Book discounting and the demand types' unit costs, all read from the Inputs
sheet; so raising an allocation's participants raises its benefit, and an edited effect or unit
cost moves every benefit that uses it.

One row per allocation and effect: participants x confidence weight x slice multiplier x
reduction per participant x discounted years of effect = demand avoided; x unit cost = value.

What the formula models, honestly: the plan serves the people at highest risk first, so each
further slice of a place's reachable population counts at a smaller multiplier (the Inputs'
"Effect multiplier of each slice"). The "Slice multiplier" column is the average multiplier of
the slices these participants fill as the plan fills them, a fixed figure: at the plan's
participants the row gives the plan's own value to the penny; for more participants it keeps
that average, so it overstates the benefit of a large increase (those extra people fall in
later slices) and understates the loss from a cut. Re-solve the scenario for exact figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl.comments import Comment
from openpyxl.worksheet.worksheet import Worksheet

from models.vocabulary import financial_year_label
from optimiser import Allocation, ScenarioRules
from optimiser.build import reach_matrix
from optimiser.evidence import confidence
from planner.excel.cells import (
    BOLD,
    MONEY,
    PEOPLE,
    WRAP,
    finish_table,
    money_cell,
    safe_cell_text,
    sheet_ref,
    write_header,
)
from planner.excel.plan_references import InputCells
from planner.excel.plan_sheets import ALLOCATIONS, case_twins, sum_matching
from planner.excel.plan_view import PlanWorkbookView

BENEFITS = "Benefits"
HEADERS = (
    "Intervention",
    "Place",
    "Financial year",
    "Demand type",
    "Participants",
    "Confidence weight",
    "Slice multiplier",
    "Reduction per participant",
    "Discounted years of effect",
    "Demand avoided",
    "Unit cost (£)",
    "Value of demand avoided (£)",
)
MULTIPLIER_NOTE = (
    "The average effect multiplier of the slices of this place's reachable population that "
    "these participants fill, as the plan fills them (highest risk first). Fixed at the plan's "
    "participants: more participants here would fall in later slices with smaller multipliers, "
    "so for a large change re-solve the scenario."
)
DISCOUNT_NOTE = (
    "Each year after taking part in which the effect counts, within the appraisal period, "
    "discounted to the first planning year at the discount rate (both on the Inputs sheet)."
)
NOTE = (
    "Value of demand avoided = participants x confidence weight x slice multiplier x reduction "
    "per participant x discounted years of effect x unit cost. Participants come from the "
    "Allocations sheet; the weights, effects, discount rate, appraisal period and unit costs "
    "from the Inputs sheet. At the plan's participants each allocation's total is the plan's "
    "own figure to the penny."
)


@dataclass
class BenefitsLayout:
    """Each allocation's benefit rows, and the value of each demand type avoided."""

    rows: dict[int, tuple[int, int]] = field(default_factory=dict)  # allocation row: first, last
    by_demand: dict[str, str] = field(default_factory=dict)  # demand type key: value cell
    units_by_demand: dict[str, str] = field(default_factory=dict)

    def value_formula(self, allocation_row: int) -> str | None:
        """Allocations' "Expected demand avoided" for one row, from its benefit rows."""
        span = self.rows.get(allocation_row)
        if span is None:
            return None
        first, last = span
        values = f"{sheet_ref(BENEFITS)}$L${first}:$L${last}"
        return f"=ROUND(SUM({values}),2)"


def write_benefits(
    sheet: Worksheet,
    view: PlanWorkbookView,
    allocations: Sequence[tuple[int, Allocation, float, Decimal | None]],
    cells: InputCells,
) -> BenefitsLayout:
    """One row per allocation and effect, then the value of each demand type avoided.

    ``allocations`` are the Allocations sheet's rows: (row, allocation, participants as
    written, the plan's value of the demand it avoids)."""
    layout = BenefitsLayout()
    inputs, rules = view.planning_inputs, view.scenario_rules
    write_header(sheet, 1, HEADERS)
    sheet.cell(1, 7).comment = Comment(MULTIPLIER_NOTE, "Planner")
    sheet.cell(1, 9).comment = Comment(DISCOUNT_NOTE, "Planner")
    if inputs is None or rules is None:
        return layout
    interventions = {item.key: item for item in inputs.interventions}
    demand = {item.key: item for item in inputs.demand_types}
    reach, _limited = reach_matrix(inputs)
    reach_of = {
        (intervention.key, place.key): float(reach[i, p])
        for i, intervention in enumerate(inputs.interventions)
        for p, place in enumerate(inputs.places)
    }
    rate = cells.setting("discount_rate", rules.discount_rate)
    appraisal = cells.setting("appraisal_years", rules.appraisal_years)
    row = 1
    for allocation_row, allocation, participants, plan_value in allocations:
        intervention = interventions.get(allocation.intervention)
        if intervention is None:
            continue
        effects = [
            (number, effect)
            for number, effect in enumerate(intervention.effects)
            if effect.demand_type in demand
        ]
        if not effects:
            continue
        weight = confidence(intervention.evidence_rating, rules.confidence)
        start = allocation.year - rules.first_year
        full = sum(
            discounted(start, effect.years_after, rules)
            * effect.reduction_per_participant
            * demand[effect.demand_type].unit_cost
            for _number, effect in effects
        )
        multiplier = slice_multiplier(
            participants,
            weight * full,
            plan_value,
            reach_of.get((allocation.intervention, allocation.place), 0.0),
            rules,
        )
        first = row + 1
        for number, effect in effects:
            row += 1
            demand_type = demand[effect.demand_type]
            safe_cell_text(sheet.cell(row, 1), intervention.name)
            safe_cell_text(sheet.cell(row, 2), view.place(allocation.place).name)
            safe_cell_text(sheet.cell(row, 3), financial_year_label(allocation.year))
            safe_cell_text(sheet.cell(row, 4), demand_type.name)
            participants_cell = f"{sheet_ref(ALLOCATIONS)}$G${allocation_row}"
            sheet.cell(row, 5, f"={participants_cell}").number_format = PEOPLE
            sheet.cell(row, 6, f"={cells.confidence(intervention.evidence_rating)}")
            sheet.cell(row, 7, multiplier).number_format = "0.0000"
            reduction = cells.reduction(intervention.key, number, effect.reduction_per_participant)
            sheet.cell(row, 8, f"={reduction}")
            sheet.cell(row, 9, discount_formula(start, effect.years_after, rate, appraisal))
            sheet.cell(row, 9).number_format = "0.0000"
            sheet.cell(row, 10, f"=E{row}*F{row}*G{row}*H{row}*I{row}").number_format = "#,##0.00"
            money_cell(
                sheet.cell(row, 11), f"={cells.unit_cost(demand_type.key, demand_type.unit_cost)}"
            )
            sheet.cell(row, 12, f"=J{row}*K{row}").number_format = MONEY
        layout.rows[allocation_row] = (first, row)
    last = max(row, 2)
    row = last + 2
    safe_cell_text(sheet.cell(row, 1), "Value of demand avoided by demand type").font = BOLD
    row += 1
    write_header(sheet, row, ["Demand type", "Demand avoided", "Value of demand avoided (£)"])
    names = [item.name for item in inputs.demand_types]
    twins = case_twins(names)
    for demand_type in inputs.demand_types:
        row += 1
        safe_cell_text(sheet.cell(row, 1), demand_type.name)
        types = f"$D$2:$D${last}"
        units = sum_matching(f"$J$2:$J${last}", types, f"$A{row}", demand_type.name, twins)
        value = sum_matching(f"$L$2:$L${last}", types, f"$A{row}", demand_type.name, twins)
        sheet.cell(row, 2, units).number_format = "#,##0.00"
        money_cell(sheet.cell(row, 3), value)
        layout.by_demand[demand_type.key] = f"{sheet_ref(BENEFITS)}$C${row}"
        layout.units_by_demand[demand_type.key] = f"{sheet_ref(BENEFITS)}$B${row}"
    row += 2
    safe_cell_text(sheet.cell(row, 1), NOTE).alignment = WRAP
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
    sheet.row_dimensions[row].height = 48
    finish_table(sheet, header_row=1, last_row=last, last_column=len(HEADERS), widths={1: 40})
    return layout


def discounted(start: int, years_after: Sequence[int], rules: ScenarioRules) -> float:
    """The optimiser's discounted years of effect (``Model.effect_per_participant``)."""
    return sum(
        (1 + rules.discount_rate) ** -(start + after)
        for after in years_after
        if start + after < rules.appraisal_years
    )


def discount_formula(start: int, years_after: Sequence[int], rate: str, appraisal: str) -> str:
    """The same sum as a formula reading the discount rate and appraisal period."""
    terms = [
        f"IF({start + after}<{appraisal},1/(1+{rate})^{start + after},0)" for after in years_after
    ]
    return "=" + ("+".join(terms) or "0")


def slice_multiplier(
    participants: float,
    value_per_participant: float,
    plan_value: Decimal | None,
    reach: float,
    rules: ScenarioRules,
) -> float:
    """The average slice multiplier that makes the row's formula give the plan's value.

    From the plan's own value where it has one (so the formula gives it to the penny); for
    plans stored without it, from filling the slices in order, highest risk first."""
    if participants <= 0 or value_per_participant <= 0:
        return rules.segment_multipliers[0] if rules.segment_multipliers else 1.0
    if plan_value is not None:
        return float(plan_value) / (participants * value_per_participant)
    left, total = participants, 0.0
    for share, multiplier in zip(rules.segment_shares, rules.segment_multipliers, strict=False):
        taken = min(left, reach * share)
        total += taken * multiplier
        left -= taken
    return total / participants
