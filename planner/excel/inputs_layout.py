"""Where the plan workbook's Inputs sheet put each input, so that other sheets' formulas refer to
the cell a finance lead would edit (a budget line's maximum, an effect, a unit cost) rather than
to a copy of its value."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.excel.cells import column, sheet_ref

INPUTS = "Inputs"


def cell_ref(column_number: int, row: int) -> str:
    """An absolute reference to one cell of the Inputs sheet: 'Inputs'!$B$12."""
    return f"{sheet_ref(INPUTS)}${column(column_number)}${row}"


@dataclass
class InputsTable:
    """One table of records: each record's row (by its index: (n,) for a record, (n, item) for
    an item of record n's list or mapping) and each field's column letter."""

    columns: dict[str, str]
    rows: dict[tuple[Any, ...], int] = field(default_factory=dict)
    records: dict[tuple[Any, ...], Mapping[str, Any]] = field(default_factory=dict)

    def cell(self, index: tuple[Any, ...], field_name: str) -> str | None:
        row = self.rows.get(index)
        letter = self.columns.get(field_name)
        if row is None or letter is None:
            return None
        return f"{sheet_ref(INPUTS)}${letter}${row}"

    def find(self, matches: Callable[[Mapping[str, Any]], bool]) -> tuple[Any, ...] | None:
        """The index of the first record that `matches`."""
        return next((index for index, record in self.records.items() if matches(record)), None)


@dataclass
class InputsLayout:
    """The Inputs sheet's tables by their place in the snapshot (("inputs", "budget_lines"),
    ("inputs", "interventions", "effects")), and its settings' cells by theirs (("rules",
    "discount_rate"), ("rules", "confidence", "3"))."""

    tables: dict[tuple[str, ...], InputsTable] = field(default_factory=dict)
    settings: dict[tuple[str, ...], str] = field(default_factory=dict)

    def table(self, *path: str) -> InputsTable | None:
        return self.tables.get(path)

    def setting(self, *path: str) -> str | None:
        return self.settings.get(path)
