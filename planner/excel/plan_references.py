"""The inputs a plan workbook's formulas use, as references to the Inputs sheet's cells.

Each method gives a formula fragment: the cell on the Inputs sheet that holds the input (so an
edit there moves every figure and check that uses it), or, where the sheet does not hold it (a
view made without a snapshot, or a default the snapshot leaves out), the figure itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from models.vocabulary import financial_year_label
from optimiser import BudgetLine
from optimiser.evidence import DEFAULT_CONFIDENCE, base_rating
from planner.core.spreadsheet_text import writable_text
from planner.excel.cells import sheet_ref
from planner.excel.inputs_layout import INPUTS, InputsLayout, InputsTable
from planner.excel.plan_contracts import category_label
from planner.excel.plan_view import PlanWorkbookView

ANY_CATEGORY = "Any category"
ALL_DISTRICTS = "All districts"


def text_literal(text: str) -> str:
    """Text as a formula's string constant: it can only ever be text. Written as the sheets
    write names (``writable_text``: a control character no workbook can hold becomes U+FFFD),
    so it still equals the cell it is compared with."""
    return '"' + writable_text(text).replace('"', '""') + '"'


def number_literal(amount: float) -> str:
    return repr(float(amount))


@dataclass(frozen=True)
class LineCells:
    """A budget line's limits as the checks read them."""

    line: BudgetLine
    maximum: str
    minimum: str
    ring_fence: str
    districts: str


class InputCells:
    """Where the Inputs sheet holds each input the workbook's formulas use."""

    def __init__(self, view: PlanWorkbookView, layout: InputsLayout) -> None:
        self.view = view
        self.layout = layout

    def _table(self, *path: str) -> InputsTable:
        return self.layout.table(*path) or InputsTable({})

    def _index(self, path: tuple[str, ...], key: str) -> tuple[Any, ...] | None:
        return self._table(*path).find(lambda record: record.get("key") == key)

    def setting(self, name: str, fallback: float) -> str:
        """A rule of the scenario (discount rate, fairness factor, need floor...)."""
        return self.layout.setting("rules", name) or number_literal(fallback)

    # -- budget lines ---------------------------------------------------------------------

    def budget_lines(self) -> list[LineCells]:
        """Every budget line in the plan's years, with the limits the plan used: a scenario's
        override where it has one, else the line's own."""
        inputs, rules = self.view.planning_inputs, self.view.scenario_rules
        if inputs is None or rules is None:
            return []
        return [self._line(line) for line in inputs.budget_lines if line.year in rules.years]

    def _line(self, line: BudgetLine) -> LineCells:
        lines = self._table("inputs", "budget_lines")
        index = lines.find(lambda record: record.get("key") == line.key) or lines.find(
            lambda record: record.get("partner") == line.partner and record.get("year") == line.year
        )
        overrides = self._table("rules", "budget_overrides")
        override = overrides.find(lambda record: record.get("budget_line") == line.key)
        rules = self.view.scenario_rules
        used = {o.budget_line: o for o in rules.budget_overrides} if rules else {}
        maximum, minimum = line.maximum, line.committed_minimum
        if line.key in used:
            if used[line.key].maximum is not None:
                maximum = used[line.key].maximum  # type: ignore[assignment]
            if used[line.key].committed_minimum is not None:
                minimum = used[line.key].committed_minimum  # type: ignore[assignment]

        def limit(field_name: str, override_field: str, figure: float) -> str:
            if override is not None and overrides.records[override].get(override_field) is not None:
                return overrides.cell(override, override_field) or number_literal(figure)
            found = lines.cell(index, field_name) if index is not None else None
            return found or number_literal(figure)

        def words(field_name: str, shown: str) -> str:
            found = lines.cell(index, field_name) if index is not None else None
            return found or text_literal(shown)

        return LineCells(
            line,
            maximum=limit("maximum", "maximum", maximum),
            minimum=limit("committed_minimum", "committed_minimum", minimum),
            ring_fence=words("ring_fence", self.category_list(line.ring_fence) or ANY_CATEGORY),
            districts=words("districts", ", ".join(line.districts) or ALL_DISTRICTS),
        )

    def category_list(self, categories: tuple[str, ...]) -> str:
        return ", ".join(category_label(category) for category in categories)

    # -- commissioning windows and contracts --------------------------------------------------

    def open_years(self, partner: str) -> str | None:
        """The partner's open years as the Inputs sheet lists them (None: it has no cycle, so
        it may change its funding every year)."""
        inputs = self.view.planning_inputs
        cycle = next((c for c in inputs.cycles if c.partner == partner), None) if inputs else None
        if cycle is None:
            return None
        cycles = self._table("inputs", "cycles")
        index = cycles.find(lambda record: record.get("partner") == partner)
        found = cycles.cell(index, "open_years") if index is not None else None
        shown = ", ".join(financial_year_label(year) for year in cycle.open_years)
        return found or text_literal(shown or "No window open")

    def contracts(self) -> Mapping[str, str] | None:
        """The existing contracts table's columns as ranges (None: no table to read)."""
        table = self._table("inputs", "contracts")
        needed = {"partner", "intervention", "years", "amount_per_year"}
        if not table.rows or not needed <= set(table.columns):
            return None
        first, last = min(table.rows.values()), max(table.rows.values())
        return {
            name: f"{sheet_ref(INPUTS)}${letter}${first}:${letter}${last}"
            for name, letter in table.columns.items()
        }

    # -- benefits ---------------------------------------------------------------------------

    def confidence(self, rating: str) -> str:
        """The confidence weight the plan put on an intervention with this rating."""
        rules = self.view.scenario_rules
        weights = dict(rules.confidence) if rules else {}
        text = str(rating).strip().upper()
        try:
            level = base_rating(text)
        except ValueError:
            level = text
        for key in (text, level):
            if key in weights:
                return self.layout.setting("rules", "confidence", key) or number_literal(
                    weights[key]
                )
        return number_literal(DEFAULT_CONFIDENCE.get(level, 0.0))

    def reduction(self, intervention: str, effect: int, figure: float) -> str:
        index = self._index(("inputs", "interventions"), intervention)
        table = self._table("inputs", "interventions", "effects")
        found = table.cell((index[0], effect), "reduction_per_participant") if index else None
        return found or number_literal(figure)

    def unit_cost(self, demand_type: str, figure: float) -> str:
        index = self._index(("inputs", "demand_types"), demand_type)
        found = self._table("inputs", "demand_types").cell(index, "unit_cost") if index else None
        return found or number_literal(figure)

    def share(self, demand_type: str, partner: str, figure: float) -> str:
        index = self._index(("inputs", "demand_types"), demand_type)
        table = self._table("inputs", "demand_types", "shares")
        found = table.cell((index[0], partner), "value") if index else None
        return found or number_literal(figure)

    # -- reach --------------------------------------------------------------------------------

    def population(self, place: str, group: str, figure: float) -> str:
        index = self._index(("inputs", "places"), place)
        table = self._table("inputs", "places", "population")
        found = table.cell((index[0], group), "value") if index else None
        return found or number_literal(figure)

    def capacity(self, intervention: str, place: str, figure: float | None) -> str:
        """The provider's capacity here: the place's own figure for the intervention, else the
        intervention's (a cell reading "No limit..." where there is none)."""
        place_index = self._index(("inputs", "places"), place)
        table = self._table("inputs", "places", "capacity")
        found = table.cell((place_index[0], intervention), "value") if place_index else None
        if found:
            return found
        index = self._index(("inputs", "interventions"), intervention)
        found = self._table("inputs", "interventions").cell(index, "capacity") if index else None
        if found:
            return found
        return number_literal(figure) if figure is not None else text_literal("No limit")
