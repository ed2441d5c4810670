"""The columns of the inputs workbook: what a column is (`InputColumn`), what a sheet is
(`InputSheet`), and the columns several sheets share, such as the one naming a partner on the
Partners sheet. `input_tables` lays the sheets out from these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.intervention import InterventionCategory
from models.vocabulary import PARTNER_KIND_LABELS, BudgetStatus

YES_NO = ("Yes", "No")
KIND_LABELS = tuple(PARTNER_KIND_LABELS.values())
CATEGORY_LABELS = tuple(category.label for category in InterventionCategory)
STATUS_LABELS = tuple(status.value.capitalize() for status in BudgetStatus)


@dataclass(frozen=True)
class InputColumn:
    """One column of an input sheet.

    `field` is the input service's field name; `kind` says how to read the cell; `blank` is
    what an empty cell means; `choices` a fixed list and `choices_from` the sheet whose names
    the cell must be one of (both become drop-down lists in Excel).
    """

    header: str
    field: str
    note: str
    kind: str = "text"
    required: bool = False
    blank: Any = ""
    choices: tuple[str, ...] = ()
    choices_from: str = ""
    width: float = 18


@dataclass(frozen=True)
class InputSheet:
    """One input table as a worksheet; `key` names the columns that identify a row."""

    name: str
    about: str
    columns: tuple[InputColumn, ...]
    key: tuple[str, ...]

    def column_for(self, field: str) -> InputColumn | None:
        return next((column for column in self.columns if column.field == field), None)


def named_on(sheet: str, header: str, field: str, a_record: str, width: float) -> InputColumn:
    """A required column naming a record on another sheet, e.g. a partner on the Partners
    sheet (a drop-down of that sheet's names in Excel)."""
    return InputColumn(
        header,
        field,
        f"{a_record} named on the {sheet} sheet.",
        required=True,
        choices_from=sheet,
        width=width,
    )


PARTNER_NAMED = named_on("Partners", "Partner", "partner", "A partner", 36)
INTERVENTION_NAMED = named_on(
    "Interventions", "Intervention", "intervention", "An intervention", 36
)
DEMAND_TYPE_NAMED = named_on("Demand types", "Demand type", "demand_type", "A demand type", 36)
PLACE_NAMED = named_on("Places", "Place", "place", "A place", 30)
