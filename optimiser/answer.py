"""Excel Solver's Answer and Sensitivity reports, as plain data.

``rule_rows``: every rule of the plan (each labelled row that is not a definition), with its
final value (the row's real activity at the plan, read from HiGHS), its limit, the slack between
them, whether it binds, its shadow price and how far its limit can move with the same shadow
price. ``variable_cells``: each slice of each delivery the plan uses (participants of an
intervention in a place and year, in one slice of diminishing returns), with its final value,
reduced cost, objective coefficient (what one more participant adds) and how far that
coefficient can rise and fall before the plan changes.

Where a range is blank its row says why, in words: never a solver code.
"""

from __future__ import annotations

import math

import numpy as np

from optimiser.explain import SHADOW_TOLERANCE, _row_allowance, _sentence_case, describe_rule
from optimiser.families import FAMILIES
from optimiser.highs import Ranging, row_number
from optimiser.model import DEFINITIONS, PROGRAMME_ROWS, Model
from optimiser.plan import NO_LIMIT, RuleRow, VariableCell
from optimiser.solve import shadow_price
from optimiser.wording import financial_year

SLACK_TOLERANCE = 1e-6
VALUE_TOLERANCE = 1e-6
WHOLE_PROGRAMMES = (
    "A whole-programme plan (set-up costs and minimum cohorts) has no ranges: change the figure "
    "and re-solve to see its effect."
)
NO_RANGING = "The solver gave no ranges for this plan: change the figure and re-solve."
SEVERAL_SLICES = (
    "Several slices of this delivery are at their limit at once, so no one range applies: change "
    "the figure and re-solve."
)
SENSES = {-1: "at most", 1: "at least", 0: "equal to"}


HELD_PROGRAMMES = (
    "Whole people and programmes: the ranges hold with each programme's choice to run or not "
    "and its whole cohorts in each place and year kept as planned, participants counted in "
    "fractions."
)


def why_no_range(family: str, whole_programme: bool) -> str:
    """Why a binding rule's ranges are blank, in words, for a report that shows one."""
    if whole_programme:
        return WHOLE_PROGRAMMES
    return SEVERAL_SLICES if family in ("capacity", "reach") else NO_RANGING


def _why_blank(model: Model, found: Ranging | None) -> str:
    """Why the ranges are blank (or, for whole programmes explained as a linear program with
    their choices held, what they assume)."""
    if model.is_mip:
        return WHOLE_PROGRAMMES
    if found is None:
        return NO_RANGING
    return HELD_PROGRAMMES if model.rules.whole_programme else ""


def rule_rows(model: Model) -> tuple[RuleRow, ...]:
    """Every rule of the plan, budgets first (the registry's order), then by name."""
    if model.row_values is None:
        return ()
    found = model.solved_ranging()
    note = _why_blank(model, found)
    order = {key: index for index, key in enumerate(FAMILIES)}
    rows = []
    for row in model.rows.values():
        if row.family in DEFINITIONS or row.family not in order:
            continue
        if row.family in PROGRAMME_ROWS and model.programme_off(row.keys):
            continue
        activity = float(model.row_values[row_number(row.constraint)])
        slack = (
            row.rhs - activity
            if row.sense == -1
            else activity - row.rhs
            if row.sense == 1
            else abs(activity - row.rhs)
        )
        slack = 0.0 if abs(slack) <= SLACK_TOLERANCE * max(1.0, abs(row.rhs)) else slack
        price = shadow_price(row)
        increase, decrease = _row_allowance(row, found)
        rows.append(
            RuleRow(
                row=row.name,
                family=row.family,
                label=_sentence_case(describe_rule(model, row)),
                activity=round(activity, 6),
                sense=SENSES[row.sense],
                limit=row.rhs,
                slack=round(slack, 6),
                binding=slack == 0.0 or abs(price) > SHADOW_TOLERANCE,
                shadow_price=0.0 if abs(price) <= SHADOW_TOLERANCE else price,
                allowable_increase=increase,
                allowable_decrease=decrease,
                range_note=note,
            )
        )
    return tuple(sorted(rows, key=lambda r: (order[r.family], r.row)))


def variable_cells(model: Model) -> tuple[VariableCell, ...]:
    """Each slice of each delivery the plan uses, in column order.

    The objective reaches participants through the demand aggregates, so a column's own cost in
    the model is 0 and its objective coefficient is what one more participant adds
    (``objective_per_participant``); HiGHS's cost ranging of the column says how far that can
    move (the model minimises minus the benefit, so up and down swap).
    """
    block = model.block
    values = block.value_array()
    used = np.flatnonzero(values > VALUE_TOLERANCE)
    if not len(used):
        return ()
    found = model.solved_ranging()
    note = _why_blank(model, found)
    reduced = block.reduced_cost_array()
    cells = []
    for column in used.tolist():
        intervention_key, place_key, year, segment = block.key(column)
        intervention = model.interventions[intervention_key]
        coefficient = model.objective_per_participant(intervention, year, segment)
        increase = decrease = None
        if found is not None and found.cost_up is not None and found.cost_down is not None:
            number = (model.first_block_column or 0) + column
            increase = _finite(-float(found.cost_down[number]))
            decrease = _finite(float(found.cost_up[number]))
        place = model.names["place"].get(place_key, place_key)
        cells.append(
            VariableCell(
                name=(
                    f"{intervention.name} in {place} in {financial_year(year)}, slice {segment + 1}"
                ),
                intervention=intervention_key,
                place=place_key,
                year=year,
                segment=segment + 1,
                final_value=round(float(values[column]), 6),
                reduced_cost=round(-float(reduced[column]), 9),
                objective_coefficient=coefficient,
                allowable_increase=increase,
                allowable_decrease=decrease,
                range_note=note,
            )
        )
    return tuple(cells)


def _finite(change: float) -> float:
    return NO_LIMIT if not math.isfinite(change) or change >= NO_LIMIT else max(change, 0.0)
