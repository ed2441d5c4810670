"""What every input change shares: one error type, schema validation in plain words, lookups
by id or name, and the save step that makes a change all-or-nothing.

Every service function validates *before* it touches the session, so when it raises
`InputError` nothing has been added, changed or deleted, even inside a caller's larger
transaction (the spreadsheet import applies many rows and commits once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, SQLModel, select

from models.fields import field_errors
from models.rules import RuleBroken
from models.vocabulary import parse_financial_year
from planner.inputs.name_index import indexed_names, name_key

Schema = TypeVar("Schema", bound=BaseModel)
Record = TypeVar("Record", bound=SQLModel)


class InputError(ValueError):
    """An input cannot be saved. `errors` maps each field to fix to a plain-English reason."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class InputConflict(InputError):
    """An input clashes with a record already saved: a name or a year another record has, or a
    record still in use by others (the API answers 409; the pages show it as any input error)."""


class InputNotFound(LookupError):
    """The record asked for does not exist (the web layer answers 404)."""


def validated(
    schema: type[Schema], fields: Mapping[str, Any], *, record_field: str = "__all__"
) -> Schema:
    """Validate `fields` with a Create schema; whole-record problems are reported on
    `record_field` (e.g. a budget minimum above its maximum belongs to `minimum`)."""
    try:
        return schema.model_validate(dict(fields))
    except ValidationError as error:
        errors = field_errors(error)
        if "__all__" in errors and record_field != "__all__":
            errors.setdefault(record_field, errors.pop("__all__"))
        raise InputError(errors) from error


def check_rule(rule: Callable[..., None], *args: Any) -> None:
    """Apply a cross-record rule from `models.rules`, turning its complaint into an InputError."""
    try:
        rule(*args)
    except RuleBroken as broken:
        raise InputError({broken.field: broken.message}) from broken


def fetch(session: Session, table: type[Record], record_id: object, label: str) -> Record:
    """The record with this id, or InputNotFound saying which kind of record is missing."""
    try:
        key = int(record_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise InputNotFound(f"There is no {label} with id {record_id!r}") from None
    record = session.get(table, key)
    if record is None:
        raise InputNotFound(f"There is no {label} with id {key}")
    return record


def reference(
    session: Session, table: type[Record], record_id: object, field: str, label: str
) -> Record:
    """A record another one points to; a missing one is an input mistake on `field`."""
    if record_id in (None, ""):
        raise InputError({field: f"Choose the {label}"})
    try:
        return fetch(session, table, record_id, label)
    except InputNotFound as missing:
        raise InputError({field: str(missing)}) from None


def _same_named(session: Session, table: type[Record], name: str) -> list[Record]:
    """Every record whose name is `name` ignoring capitals and extra spaces (inside an import,
    also one added and not yet written).

    Compared in Python, not SQL: SQLite lower-cases only ASCII letters. The named tables hold
    tens or hundreds of rows, so reading their names is cheap.
    """
    wanted = name_key(name)
    index = indexed_names(session, table)
    if index is not None:
        return list(index.get(wanted, []))
    column = table.name  # type: ignore[attr-defined]
    rows = session.exec(select(table.id, column)).all()  # type: ignore[attr-defined]
    matching = [record_id for record_id, recorded in rows if name_key(recorded) == wanted]
    return [record for record_id in matching if (record := session.get(table, record_id))]


def by_name(session: Session, table: type[Record], name: str) -> Record | None:
    """The record called `name`, ignoring capitals and extra spaces (names are unique for
    partners, places and the like); a name spelt exactly as given wins over a near one."""
    text = str(name).strip()
    if not text:
        return None
    if indexed_names(session, table) is None:
        column = table.name  # type: ignore[attr-defined]
        spelt_exactly = session.exec(select(table).where(column == text)).first()
        if spelt_exactly is not None:
            return spelt_exactly
    near = _same_named(session, table, text)
    spelt_alike = [record for record in near if record.name == text]  # type: ignore[attr-defined]
    found = spelt_alike[0] if spelt_alike else (near[0] if near else None)
    if found is not None and found.id is None:  # type: ignore[attr-defined]
        # Added by an import and not yet written: written now, so its id can be referred to.
        session.flush()
    return found


def named(session: Session, table: type[Record], name: str, field: str, label: str) -> Record:
    """The record called `name`, or an InputError on `field` (for imports that refer by name)."""
    record = by_name(session, table, name)
    if record is None:
        raise InputError({field: f"There is no {label} called '{str(name).strip()}'"})
    return record


def ensure_unique_name(
    session: Session, table: type[Record], name: str, label: str, current_id: int | None = None
) -> None:
    """Names identify partners, interventions, places and demand types, so they must differ, and
    by more than capitals or spacing."""
    # A record added and not yet written (inside an import) has no id, and is another one.
    others = [
        record.name  # type: ignore[attr-defined]
        for record in _same_named(session, table, name)
        if record.id is None or record.id != current_id  # type: ignore[attr-defined]
    ]
    if not others:
        return
    reason = f"There is already {label} called '{others[0]}'"
    if others[0] != str(name).strip():
        reason += " (names are compared ignoring capitals, extra spaces and look-alike letters)"
    raise InputConflict({"name": reason})


def merged(record: SQLModel | None, fields: Mapping[str, Any], editable: set[str]) -> dict:
    """A record's current values overlaid with the fields given, so callers may send only
    what changes (the import and the API) or everything (the web forms)."""
    current = record.model_dump(include=editable) if record is not None else {}
    return {**current, **{key: value for key, value in fields.items() if key in editable}}


def editable_fields(schema: type[BaseModel], *excluded: str) -> set[str]:
    return set(schema.model_fields) - set(excluded)


def apply(record: SQLModel, details: BaseModel, fields: set[str] | None = None) -> None:
    """Copy validated values onto a table row."""
    for key, value in details.model_dump(include=fields).items():
        setattr(record, key, value)


def refuse_deletion(what: str, uses: list[str]) -> None:
    """Refuse to delete something still in use, saying what uses it."""
    if uses:
        raise InputConflict({"__all__": deletion_refusal(what, uses)})


def deletion_refusal(what: str, uses: list[str]) -> str:
    """'Kirklees Council cannot be deleted: it has 3 budget lines and 1 existing contract'."""
    return f"{what} cannot be deleted: {'; '.join(uses)}"


def join_words(parts: list[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """3, 'budget line' -> '3 budget lines'."""
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


@contextmanager
def saving(session: Session, *, commit: bool = True, flush: bool = True) -> Iterator[None]:
    """Save the change in one transaction: commit it, or roll all of it back on any failure.

    With commit=False (a caller applying many changes together) the work is only flushed and
    the caller commits or rolls back; with flush=False too, it waits for the caller's next
    flush (an import writes a sheet's new records together).
    """
    try:
        yield
        if commit:
            session.commit()
        elif flush:
            session.flush()
    except BaseException:
        if commit:
            session.rollback()
        raise


def financial_year(value: object, field: str) -> int | None:
    """A financial year given as 2026, '2026' or '2026/27' -> 2026 (blank left for the schema
    to call missing)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_financial_year(value if isinstance(value, int) else str(value))
    except ValueError as error:
        raise InputError({field: str(error)}) from None


def financial_years(value: object, field: str) -> list[int]:
    """Several financial years, as a list or as text like '2026/27, 2027/28'."""
    if value is None:
        return []
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    years = [financial_year(item, field) for item in items]
    return sorted({year for year in years if year is not None})
