"""What an import does, row by row: the changes it makes (or would make), column by column, and
the problems that stop it, and how two audit snapshots are compared to tell a change from a
re-statement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from models.intervention import InterventionCategory
from models.provider import Sector
from models.vocabulary import MONTH_NAMES, PARTNER_KIND_LABELS, financial_year_label
from planner.excel import input_tables as tables
from planner.excel.import_deletions import MissingRecord
from planner.excel.import_reader import SheetProblem
from planner.excel.input_columns import InputColumn, InputSheet
from planner.inputs.validation import name_key

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
_VOLATILE = {"id", "updated_at", "created_at"}
_CATEGORIES = {category.value: category.label for category in InterventionCategory}
_WORDS = {
    "kind": {kind.value: label for kind, label in PARTNER_KIND_LABELS.items()},
    "category": _CATEGORIES,
    "categories": _CATEGORIES,
    "status": {"indicative": "Indicative", "confirmed": "Confirmed"},
    "sector": {sector.value: sector.label for sector in Sector},
}


@dataclass(frozen=True)
class FieldChange:
    """One column of a row whose value the import changes, as the sheet shows it."""

    column: str
    before: str
    after: str


@dataclass(frozen=True)
class RowChange:
    """What importing one row does; for a changed record, which columns change."""

    sheet: str
    row: int
    label: str
    action: str
    fields: tuple[FieldChange, ...] = ()

    def describe(self) -> str:
        """'Need index: 1.4 → 2.5; Notes: blank → Leads the panel'."""
        return "; ".join(f"{f.column}: {f.before} → {f.after}" for f in self.fields)


@dataclass
class ImportPreview:
    """The outcome of an import (or of its rehearsal): changes per row, or the problems."""

    problems: list[SheetProblem] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    applied: bool = False
    # Input sheets the workbook lacks: their records are left as they are.
    missing_sheets: list[str] = field(default_factory=list)
    # Records the workbook's sheets leave out: deleted when the import deletes, else listed.
    missing: list[MissingRecord] = field(default_factory=list)
    deleting: bool = False

    @property
    def deleted(self) -> list[MissingRecord]:
        return [record for record in self.missing if record.deleted]

    @property
    def deletable(self) -> list[MissingRecord]:
        return [record for record in self.missing if not record.refused]

    @property
    def refused_deletions(self) -> list[MissingRecord]:
        return [record for record in self.missing if record.refused]

    def missing_sheets_sentence(self) -> str:
        """'The workbook has no Budget lines sheet: budget lines are left as they are.'"""
        if not self.missing_sheets:
            return ""
        names = self.missing_sheets
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        if len(names) == 1:
            return f"The workbook has no {listed} sheet: what that sheet holds is left as it is."
        return f"The workbook has no {listed} sheets: what those sheets hold is left as it is."

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> list[tuple[str, int, int, int]]:
        """(sheet, created, updated, unchanged) for each sheet with rows, in workbook order."""
        found = []
        for table in tables.INPUT_SHEETS:
            actions = [change.action for change in self.changes if change.sheet == table.name]
            if actions:
                found.append(
                    (
                        table.name,
                        actions.count(CREATE),
                        actions.count(UPDATE),
                        actions.count(UNCHANGED),
                    )
                )
        return found

    def total(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    def summary(self) -> str:
        if self.problems:
            return f"{len(self.problems)} problem(s) found; nothing was saved"
        if self.applied:
            deleted = f", {len(self.deleted)} deleted" if self.deleted else ""
            return (
                f"{self.total(CREATE)} created, {self.total(UPDATE)} updated, "
                f"{self.total(UNCHANGED)} unchanged{deleted}"
            )
        return (
            f"{self.total(CREATE)} to create, {self.total(UPDATE)} to update, "
            f"{self.total(UNCHANGED)} unchanged"
        )

    def next_step(self) -> str:
        """What an applied import that changed something means for plans already made."""
        changed = self.total(CREATE) or self.total(UPDATE) or self.deleted
        if not self.applied or self.problems or not changed:
            return ""
        return (
            "Plans already made keep the inputs they were solved with: run a scenario again to "
            "plan with the imported figures."
        )


def field_changes(
    sheet: InputSheet, events: Iterable[Any], ignore: frozenset[str] = frozenset()
) -> tuple[FieldChange, ...]:
    """The columns whose values the audit events' before and after snapshots differ in, in the
    sheet's column order."""
    found: list[FieldChange] = []
    for item in events:
        before, after = item.before, item.after
        if not isinstance(before, dict) or not isinstance(after, dict):
            continue
        for key in after:
            if key in _VOLATILE or key in ignore or key.endswith("_id"):
                continue
            if same_record(before.get(key), after.get(key), frozenset()):
                continue
            col = sheet.column_for(key)
            if col is None:
                continue  # words the audit log keeps beside the columns, such as a description
            found.append(
                FieldChange(col.header, shown(col, before.get(key)), shown(col, after.get(key)))
            )
    order = {col.header: index for index, col in enumerate(sheet.columns)}
    return tuple(sorted(found, key=lambda change: order[change.column]))


def shown(col: InputColumn | None, value: Any) -> str:
    """A stored value as the sheet's column shows it: £1,234.50, 2026/27, Local authority."""
    if value is None or value == "" or value == []:
        return "blank"
    kind = col.kind if col is not None else "text"
    if isinstance(value, list):
        return ", ".join(shown(col, item) for item in value)
    if kind == "money":
        amount = as_number(value)
        return f"£{amount:,.2f}" if isinstance(amount, Decimal) else str(value)
    if kind in ("year", "years") and str(value).isdigit():
        return financial_year_label(int(value))
    if kind == "month" and str(value).isdigit() and 1 <= int(value) <= 12:
        return MONTH_NAMES[int(value) - 1]
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if kind == "number":
        return number_text(value)
    return _WORDS.get(kind, {}).get(str(value), str(value))


def number_text(value: object) -> str:
    """A number without trailing zeros: Decimal('80.00') -> '80', 12.5 -> '12.5'."""
    amount = as_number(value)
    if isinstance(amount, Decimal) and amount.is_finite():
        return f"{amount.normalize():f}"
    return str(value)


def key_text(value: object) -> str:
    """A row's identifying cell as the input services compare names (ignoring capitals and
    extra spaces), so two rows are repeats exactly when they would name the same record."""
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return name_key(value)


def display(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def same_record(before: Any, after: Any, ignore: frozenset[str]) -> bool:
    """Whether two audit snapshots describe the same record (money compared as amounts)."""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = (set(before) | set(after)) - _VOLATILE - ignore
        return all(same_record(before.get(key), after.get(key), frozenset()) for key in keys)
    if isinstance(before, list) and isinstance(after, list):
        return len(before) == len(after) and all(
            same_record(b, a, frozenset()) for b, a in zip(before, after, strict=True)
        )
    return as_number(before) == as_number(after)


def as_number(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
