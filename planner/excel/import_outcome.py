"""What an import does, row by row: the changes it makes (or would make) and the problems that
stop it, and how two audit snapshots are compared to tell a change from a re-statement."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from planner.excel import input_tables as tables
from planner.excel.import_reader import SheetProblem
from planner.inputs.validation import name_key

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
_VOLATILE = {"id", "updated_at", "created_at"}


@dataclass(frozen=True)
class RowChange:
    """What importing one row does."""

    sheet: str
    row: int
    label: str
    action: str


@dataclass
class ImportPreview:
    """The outcome of an import (or of its rehearsal): changes per row, or the problems."""

    problems: list[SheetProblem] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    applied: bool = False

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
            return (
                f"{self.total(CREATE)} created, {self.total(UPDATE)} updated, "
                f"{self.total(UNCHANGED)} unchanged"
            )
        return (
            f"{self.total(CREATE)} to create, {self.total(UPDATE)} to update, "
            f"{self.total(UNCHANGED)} unchanged"
        )


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
