"""The plan workbook's Inputs sheet: every input and rule the plan was solved with, as stored with
the plan, so the workbook stands alone as an audit record.

Field names become words ("committed_minimum" -> "Committed minimum (£)"); names the partnership
typed (a partner, a target group, an evidence level) are shown exactly as typed. Money has a
currency format, years read like 2026/27, and fixed values are in words. Each list of records is
an Excel table with its own filter buttons (a sheet can freeze only one set of rows, so it is
the sheet's title that stays in view).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from models.intervention import InterventionCategory
from models.vocabulary import (
    MONTH_NAMES,
    PARTNER_KIND_LABELS,
    WHOLE_PEOPLE_LABEL,
    financial_year_label,
)
from optimiser.families import SETTINGS
from planner.excel.cells import (
    BOLD,
    PERCENT,
    column,
    money_cell,
    print_setup,
    safe_cell_text,
    write_header,
    write_title,
)
from planner.excel.inputs_layout import INPUTS, InputsLayout, InputsTable, cell_ref
from planner.excel.plan_view import PlanWorkbookView

__all__ = ["INPUTS", "InputsLayout", "write_inputs"]

FIELD_LABELS = {
    "version": "Snapshot version",
    "taken_at": "Inputs taken at",
    "scenario": "Scenario",
    "inputs": "Inputs",
    "rules": "Rules",
    "sources": "Sources",
    "id": "Number",
    "description": "Description",
    "funding_mode": "Funding",
    "time_limit_seconds": "Time limit (seconds)",
    "partners": "Partners",
    "budget_lines": "Budget lines",
    "demand_types": "Demand types",
    "interventions": "Interventions",
    "places": "Places",
    "cycles": "Commissioning cycles",
    "contracts": "Existing contracts",
    "key": "Key",
    "name": "Name",
    "kind": "Kind",
    "district": "District",
    "partner": "Partner",
    "year": "Financial year",
    "maximum": "Maximum (£)",
    "committed_minimum": "Committed minimum (£)",
    "status": "Status",
    "ring_fence": "Ring-fenced to categories",
    "districts": "Districts",
    "unit_cost": "Unit cost (£)",
    "shares": "Share of the cost each partner bears",
    "unit": "Unit",
    "category": "Category",
    "target_group": "Target group",
    "evidence_rating": "Evidence rating",
    "effects": "Effects",
    "fixed_cost": "Set-up cost (£)",
    "min_cohort": "Minimum cohort",
    "cohort_size": "Cohort size",
    "cohort_cost": "Cohort cost (£)",
    "minimum_contract": "Minimum contract (£)",
    "capacity": "Capacity",
    "duration_years": "Duration (years)",
    "cost_rating": "Cost rating",
    "population": "Eligible population",
    "need_index": "Need index",
    "open_years": "Open years",
    "budget_setting_month": "Budget-setting month",
    "contract_length_years": "Contract length (years)",
    "intervention": "Intervention",
    "years": "Financial years",
    "amount_per_year": "Annual amount (£)",
    "place": "Place",
    "demand_type": "Demand type",
    "reduction_per_participant": "Reduction per participant",
    "years_after": "Years after taking part",
    "standard_error": "Standard error",
    "low": "Lowest plausible",
    "high": "Highest plausible",
    "unit_cost_low": "Unit cost low (£)",
    "unit_cost_high": "Unit cost high (£)",
    "take_up_low": "Take-up low (share)",
    "take_up_high": "Take-up high (share)",
    "first_year": "First financial year",
    "min_evidence_rating": "Weakest evidence rating that may be funded",
    "max_cost_per_unit": "Most spend per unit of demand avoided",
    "max_cost": "Most spend (£)",
    "partner_fairness_overrides": "Partner fairness factor, partner by partner",
    "place_caps": "Cap on spend per place (£)",
    "intervention_caps": "Cap on spend per intervention (£)",
    "category_caps": "Cap on spend per category (£)",
    "confidence": "Confidence in expected effect by evidence level",
    "objective": "Objective",
    "priority_weights": "Priority weight by demand type",
    "objective_demand_type": "Demand type the objective counts",
    "segment_shares": "Share of the reachable population in each slice",
    "segment_multipliers": "Effect multiplier of each slice",
    "whole_programme": WHOLE_PEOPLE_LABEL,
    "budget_overrides": "Budget overrides",
    "budget_line": "Budget line",
    "rating_source": "Rating source",
    "rating_date": "Rating date",
    "rating_url": "Rating link",
    "illustrative": "Illustrative figures",
    "price_year": "Price year",
    "cost_source": "Cost source",
    "cost_source_url": "Source link",
    "cost_published": "Published",
}
# The scenario's numeric settings read as the scenario form names them.
FIELD_LABELS |= {name: setting.label for name, setting in SETTINGS.items()}
MONEY_FIELDS = {"maximum", "committed_minimum", "unit_cost", "fixed_cost", "amount_per_year"}
MONEY_FIELDS |= {"annual_amount", "max_cost"}
MONEY_FIELDS |= {"cohort_cost", "minimum_contract"}
PERCENT_FIELDS = {name for name, setting in SETTINGS.items() if setting.percent}
# Mappings keyed by the partnership's own names (partners, target groups, evidence levels).
NAMED_KEYS = {"population", "capacity", "shares", "partner_fairness_overrides", "confidence"}
NAMED_KEYS |= {"place_caps", "intervention_caps", "category_caps", "priority_weights"}
MONEY_MAPPINGS = {"place_caps", "intervention_caps", "category_caps"}
BLANK_MEANS = {
    "ring_fence": "Any category",
    "districts": "All districts",
    "place": "All places",
    "open_years": "No window open",
    "district": "Partnership-wide",
    "max_cost_per_unit": "Not set",
    "objective_demand_type": "Not set",
    # Empty lists and mappings said in words, never the word 'None'.
    "effects": "No effect recorded",
    "capacity": "No limit beyond the eligible population",
    "place_caps": "No caps",
    "intervention_caps": "No caps",
    "category_caps": "No caps",
    "priority_weights": "Not used",
    "budget_overrides": "Budgets as recorded",
    "partner_fairness_overrides": "The scenario's factor for every partner",
    "shares": "Borne by no partner",
    "population": "No eligible population recorded",
    "confidence": "The default weights",
}
# Anything else empty: a dash, never the word 'None' (which reads like a name).
EMPTY = "–"
CATEGORY_LABELS = {category.value: category.label for category in InterventionCategory}
WORDS = {
    "kind": {kind.value: label for kind, label in PARTNER_KIND_LABELS.items()},
    "category": CATEGORY_LABELS,
    "status": {"indicative": "Indicative", "confirmed": "Confirmed"},
    "funding_mode": {"pooled": "Pooled", "separate": "Each partner alone"},
    "objective": {
        "value": "Most value of demand avoided (£)",
        "priority": "Most priority-weighted demand avoided",
        "single": "Most of one demand type avoided",
    },
}
# A table of a record's items (population by target group, effects) names its owner in the
# singular, then each item.
SINGULAR = {
    "places": "Place",
    "interventions": "Intervention",
    "demand_types": "Demand type",
    "partners": "Partner",
}
CHILD_COLUMNS = {
    "population": ("Target group", "Eligible people a year"),
    "capacity": ("Intervention", "Capacity (participants a year)"),
    "shares": ("Partner", "Share of the cost"),
}
_TABLE_NAME = re.compile(r"[^A-Za-z0-9_]")


def write_inputs(sheet: Worksheet, view: PlanWorkbookView) -> InputsLayout:
    """Every input and rule the plan was solved with, as stored with the plan; returns where
    each input landed, so the checks and the benefit formulas can refer to it."""
    write_title(sheet, 1, "Every input and rule this plan was solved with")
    safe_cell_text(
        sheet.cell(2, 1),
        "Copied from the plan's record when it was solved; later changes to the inputs do not "
        "change this sheet. The workbook's checks and benefits read their limits, effects and "
        "unit costs from here: change one and they follow. Each table has its own filter buttons.",
    )
    writer = _InputsWriter(sheet)
    row = 3
    for key, value in view.inputs.items():
        row = writer.section(row + 1, label(key), key, value, (str(key),))
    sheet.freeze_panes = "A3"
    sheet.column_dimensions["A"].width = 40
    for letter in "BCDEFGHIJKLMNOP":
        sheet.column_dimensions[letter].width = 22
    print_setup(sheet, header_row=None, landscape=True)
    return writer.layout


def label(field_name: object) -> str:
    """A field's name in words: known fields by their label, others spelt out."""
    text = str(field_name)
    return FIELD_LABELS.get(text) or text.replace("_", " ").strip().capitalize()


class _InputsWriter:
    """Writes the snapshot section by section, naming each table uniquely and noting where each
    input went (``layout``)."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.tables = 0
        self.layout = InputsLayout()

    def section(
        self, row: int, title: str, field_name: str, value: Any, path: tuple[str, ...]
    ) -> int:
        """One part of the snapshot: a table for a list of records, rows of settings for a
        record (nested parts as their own sections). Returns the last row written."""
        if _is_records(value):
            return self._table(row, title, value, path)
        if value == [] or value == {}:
            write_title(self.sheet, row, title, section=True)
            safe_cell_text(self.sheet.cell(row + 1, 1), BLANK_MEANS.get(field_name, EMPTY))
            return row + 2
        if isinstance(value, Mapping):
            named_keys = field_name in NAMED_KEYS
            simple = {k: v for k, v in value.items() if named_keys or not _is_nested(v)}
            nested = {k: v for k, v in value.items() if k not in simple}
            if simple or not nested:
                write_title(self.sheet, row, title, section=True)
                for key, item in simple.items():
                    row += 1
                    name = str(key) if named_keys else label(key)
                    safe_cell_text(self.sheet.cell(row, 1), name).font = BOLD
                    # A mapping keyed by names takes its values' meaning from its own field.
                    shown_as = field_name if named_keys else str(key)
                    write_value(self.sheet.cell(row, 2), shown_as, item, in_mapping=named_keys)
                    self.layout.settings[(*path, str(key))] = cell_ref(2, row)
                if not simple:
                    row += 1
                    safe_cell_text(self.sheet.cell(row, 1), BLANK_MEANS.get(field_name, EMPTY))
                row += 1
            for key, item in nested.items():
                row = self.section(
                    row + 1, f"{title}: {label(key)}", str(key), item, (*path, str(key))
                )
            return row
        write_title(self.sheet, row, title, section=True)
        write_value(self.sheet.cell(row + 1, 1), field_name, value)
        self.layout.settings[path] = cell_ref(1, row + 1)
        return row + 2

    def _table(
        self, row: int, title: str, records: list[Mapping[str, Any]], path: tuple[str, ...]
    ) -> int:
        fields: list[str] = []
        for record in records:
            fields += [key for key in record if key not in fields]
        if "key" in fields and all(r.get("key") == r.get("name", r.get("key")) for r in records):
            fields.remove("key")  # the key is the name: say it once
        # Effects, populations, capacities and cost shares get tables of their own below, one
        # row each, so that a formula can refer to each figure.
        children = [name for name in fields if any(_is_child(r.get(name)) for r in records)]
        fields = [name for name in fields if name not in children]
        rows = [{"index": (n,), **record} for n, record in enumerate(records)]
        last = self._write_records(row, title, fields, rows, path)
        for child in children:
            parent = "name" if "name" in fields else fields[0]
            last = self._child_table(last + 1, title, path, child, parent, records)
        return last

    def _child_table(
        self,
        row: int,
        title: str,
        path: tuple[str, ...],
        child: str,
        parent: str,
        records: list[Mapping[str, Any]],
    ) -> int:
        """One row per item of a record's list or mapping: the record's name first."""
        owner = label(parent) if parent != "name" else SINGULAR.get(path[-1], label(parent))
        item_label, value_label = CHILD_COLUMNS.get(child, ("Name", label(child)))
        rows: list[dict[str, Any]] = []
        fields = [f"{parent}"]
        for n, record in enumerate(records):
            items = record.get(child)
            if isinstance(items, Mapping):
                for key, amount in items.items():
                    rows.append(
                        {
                            "index": (n, str(key)),
                            parent: record.get(parent),
                            "item": str(key),
                            "value": amount,
                            "_field": child,
                        }
                    )
            elif isinstance(items, list):
                for k, item in enumerate(items):
                    if isinstance(item, Mapping):
                        rows.append({"index": (n, k), parent: record.get(parent), **item})
        if not rows:
            return row - 1
        if any("item" in r for r in rows):
            fields += ["item", "value"]
            headers = {parent: owner, "item": item_label, "value": value_label}
        else:
            for r in rows:
                fields += [key for key in r if key not in fields and key != "index"]
            headers = {parent: owner}
        return self._write_records(
            row, f"{title}: {label(child)}", fields, rows, (*path, child), headers
        )

    def _write_records(
        self,
        row: int,
        title: str,
        fields: list[str],
        records: list[dict[str, Any]],
        path: tuple[str, ...],
        headers: Mapping[str, str] | None = None,
    ) -> int:
        write_title(self.sheet, row, title, section=True)
        header_row = row + 1
        names = [(headers or {}).get(name) or label(name) for name in fields]
        write_header(self.sheet, header_row, names)
        table = InputsTable({name: column(n) for n, name in enumerate(fields, start=1)})
        for row, record in enumerate(records, start=header_row + 1):
            for index, field_name in enumerate(fields, start=1):
                shown_as = record.get("_field", field_name) if field_name == "value" else field_name
                write_value(
                    self.sheet.cell(row, index),
                    shown_as,
                    record.get(field_name),
                    in_mapping=field_name == "value",
                )
            table.rows[record["index"]] = row
            table.records[record["index"]] = record
        last = header_row + len(records)
        self.tables += 1
        name = _TABLE_NAME.sub("_", f"Inputs_{self.tables}_{title}")[:250]
        excel_table = Table(displayName=name, ref=f"A{header_row}:{column(len(fields))}{last}")
        excel_table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
        self.sheet.add_table(excel_table)
        self.layout.tables[path] = table
        return last + 1


def write_value(cell: Any, field_name: str, value: Any, *, in_mapping: bool = False) -> None:
    """One input's value, formatted by what its field holds."""
    if value is None or value == [] or value == {}:
        blank = BLANK_MEANS.get(field_name, "" if value is None else EMPTY)
        if blank:
            safe_cell_text(cell, blank)
        return
    if isinstance(value, bool):
        safe_cell_text(cell, "Yes" if value else "No")
    elif field_name in ("year", "first_year") and isinstance(value, int):
        safe_cell_text(cell, financial_year_label(value))
    elif field_name in ("years", "open_years") and isinstance(value, list):
        safe_cell_text(cell, ", ".join(_year(item) for item in value))
    elif field_name == "budget_setting_month" and isinstance(value, int) and 1 <= value <= 12:
        safe_cell_text(cell, MONTH_NAMES[value - 1])
    elif field_name in WORDS and isinstance(value, str):
        safe_cell_text(cell, WORDS[field_name].get(value, value))
    elif field_name == "ring_fence" and isinstance(value, list):
        safe_cell_text(cell, ", ".join(CATEGORY_LABELS.get(str(c), str(c)) for c in value))
    elif isinstance(value, int | float):
        if field_name == "shares" and in_mapping:
            cell.value = value
            cell.number_format = PERCENT
        elif field_name in MONEY_FIELDS or (in_mapping and field_name in MONEY_MAPPINGS):
            money_cell(cell, value)
        else:
            cell.value = value
            if field_name in PERCENT_FIELDS:
                cell.number_format = PERCENT
    elif field_name == "taken_at" and isinstance(value, str):
        try:
            cell.value = datetime.fromisoformat(value)
            cell.number_format = "d mmmm yyyy hh:mm"
        except ValueError:
            safe_cell_text(cell, value)
    elif isinstance(value, list | Mapping):
        safe_cell_text(cell, compact(field_name, value))
    else:
        safe_cell_text(cell, value)


def compact(field_name: str, value: Any) -> str:
    """A list or mapping in one cell: names as typed, records as 'Field: value' pairs."""
    if isinstance(value, Mapping):
        if field_name in NAMED_KEYS:
            return "; ".join(f"{key}: {_plain(field_name, item)}" for key, item in value.items())
        # An empty part of a record is left out: never the word 'None'.
        return ", ".join(
            f"{label(key)}: {_plain(str(key), item)}"
            for key, item in value.items()
            if item is not None and item != [] and item != {}
        )
    parts = [_plain(field_name, item) for item in value]
    return ("; " if any(isinstance(item, Mapping) for item in value) else ", ").join(parts)


def _plain(field_name: str, value: Any) -> str:
    if field_name == "shares" and isinstance(value, int | float):
        return f"{value:.0%}"
    if isinstance(value, list | Mapping):
        return compact(field_name, value)
    if field_name in MONEY_FIELDS | MONEY_MAPPINGS and isinstance(value, int | float):
        return f"£{value:,.2f}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _year(value: Any) -> str:
    return financial_year_label(value) if isinstance(value, int) else str(value)


def _is_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _is_child(value: Any) -> bool:
    """A part of a record with a table of its own: a mapping, or a list of records."""
    return (isinstance(value, Mapping) and bool(value)) or _is_records(value)


def _is_nested(value: Any) -> bool:
    """A part with its own section: a record or a list of records (an empty one is a setting)."""
    return (isinstance(value, Mapping) and bool(value)) or _is_records(value)
