"""Recording and importing observed outcomes.

Place leads record for their own places; commissioners and administrators for any. A file of
outcomes (CSV or Excel) is checked row by row first, with each problem named by sheet (or file),
row and column, and saved in one transaction or not at all. Every change is audited.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from sqlmodel import Session, col, select

from models import DemandType, ObservedOutcome, Place
from models.fields import utc_now
from models.outcome import ObservedOutcomeCreate
from models.vocabulary import financial_year_label
from planner.audit.service import Actor, record_change
from planner.delivery.service import OutsideYourPlaces, PlaceScope, check_scope
from planner.excel.import_reader import ImportRefused, check_is_xlsx
from planner.inputs.validation import InputError, by_name, financial_year, reference, validated

FIELDS = ("place_id", "demand_type_id", "year", "observed", "baseline", "source", "notes")
# Columns of an outcomes file, by header, and the field each fills.
COLUMNS = {
    "Place": "place",
    "Demand type": "demand_type",
    "Financial year": "year",
    "Observed": "observed",
    "Baseline": "baseline",
    "Source": "source",
    "Notes": "notes",
}
REQUIRED = ("Place", "Demand type", "Financial year", "Observed")


def _number(value: object) -> object:
    if isinstance(value, str):
        text = value.replace(",", "").strip()
        return text or None
    return value


def checked_outcome(
    session: Session, fields: Mapping[str, Any], scope: PlaceScope = None
) -> ObservedOutcomeCreate:
    given = {key: fields.get(key) for key in FIELDS if key in fields}
    if "year" in given:
        given["year"] = financial_year(given["year"], "year")
    for key in ("observed", "baseline"):
        if key in given:
            given[key] = _number(given[key])
    for key in ("source", "notes"):
        if given.get(key) is None:
            given.pop(key, None)
    details = validated(ObservedOutcomeCreate, given, record_field="observed")
    place = reference(session, Place, details.place_id, "place_id", "place")
    check_scope(place.id, scope)  # type: ignore[arg-type]
    reference(session, DemandType, details.demand_type_id, "demand_type_id", "demand type")
    return details


def save_outcome(session: Session, details: ObservedOutcomeCreate, actor: Actor) -> ObservedOutcome:
    """Create or replace (flushed, not committed) and audit."""
    record = session.exec(
        select(ObservedOutcome).where(
            ObservedOutcome.place_id == details.place_id,
            ObservedOutcome.demand_type_id == details.demand_type_id,
            ObservedOutcome.year == details.year,
        )
    ).first()
    before = _snapshot(session, record)
    if record is None:
        record = ObservedOutcome(**details.model_dump())
    else:
        for key in ("observed", "baseline", "source", "notes"):
            setattr(record, key, getattr(details, key))
    record.updated_at = utc_now()
    record.updated_by_name = actor.name or ""
    session.add(record)
    session.flush()
    after = _snapshot(session, record)
    record_change(
        session,
        actor,
        "create" if before is None else "update",
        "outcome",
        record.id,
        before,
        after,
        f"Recorded {after['observed']:g} {after['demand_type']} in {after['place']}, "  # type: ignore[index]
        f"{financial_year_label(record.year)}",
    )
    return record


def record_outcome(
    session: Session, fields: Mapping[str, Any], *, actor: Actor, scope: PlaceScope = None
) -> ObservedOutcome:
    details = checked_outcome(session, fields, scope)
    try:
        record = save_outcome(session, details, actor)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return record


def outcomes(session: Session, scope: PlaceScope = None) -> list[ObservedOutcome]:
    statement = select(ObservedOutcome).order_by(col(ObservedOutcome.year), col(ObservedOutcome.id))
    if scope is not None:
        statement = statement.where(col(ObservedOutcome.place_id).in_(list(scope)))
    return list(session.exec(statement).all())


def _snapshot(session: Session, record: ObservedOutcome | None) -> dict[str, Any] | None:
    if record is None:
        return None
    place = session.get(Place, record.place_id)
    demand = session.get(DemandType, record.demand_type_id)
    return {
        "place": place.name if place else record.place_id,
        "demand_type": demand.name if demand else record.demand_type_id,
        "year": record.year,
        "observed": record.observed,
        "baseline": record.baseline,
        "source": record.source,
        "notes": record.notes,
    }


@dataclass
class OutcomeImport:
    rows: list[tuple[int, ObservedOutcomeCreate]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _table(content: bytes, filename: str) -> tuple[str, list[list[Any]]]:
    """The file's rows (header first) and what to call it in problems."""
    if filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused(
                "The CSV file is not UTF-8 text. Save it as CSV UTF-8 and upload that."
            ) from None
        return "File", [row for row in csv.reader(io.StringIO(text))]
    check_is_xlsx(content, template="a CSV or Excel file with the columns listed on this page")
    try:
        book = load_workbook(io.BytesIO(content), data_only=True, read_only=True)
    except Exception as error:  # noqa: BLE001
        raise ImportRefused(f"This workbook cannot be read ({error}).") from None
    sheet = book.worksheets[0]
    return f"Sheet {sheet.title}", [list(row) for row in sheet.iter_rows(values_only=True)]


def read_outcomes(
    session: Session, content: bytes, filename: str, scope: PlaceScope
) -> OutcomeImport:
    """Every row checked; problems by sheet, row and column; nothing saved."""
    where, rows = _table(content, filename)
    if not rows:
        raise ImportRefused("The file is empty.")
    headers = [str(value or "").strip().casefold() for value in rows[0]]
    missing = [name for name in REQUIRED if name.casefold() not in headers]
    if missing:
        raise ImportRefused(f"{where}, row 1 is missing the column(s) {', '.join(missing)}.")
    position = {
        key: headers.index(name.casefold())
        for name, key in COLUMNS.items()
        if name.casefold() in headers
    }
    header_of = {key: name for name, key in COLUMNS.items()}
    result = OutcomeImport()
    for number, values in enumerate(rows[1:], start=2):
        cells = {
            key: (values[index] if index < len(values) else None) for key, index in position.items()
        }
        if all(value in (None, "") for value in cells.values()):
            continue
        place = by_name(session, Place, str(cells.get("place") or ""))
        demand = by_name(session, DemandType, str(cells.get("demand_type") or ""))
        row_problems = []
        if place is None:
            row_problems.append(
                f"{where}, row {number}, column Place: there is no place called '{cells.get('place') or ''}'"
            )
        if demand is None:
            row_problems.append(
                f"{where}, row {number}, column Demand type: there is no demand type called '{cells.get('demand_type') or ''}'"
            )
        if row_problems or place is None or demand is None:
            result.problems += row_problems
            continue
        fields = {
            "place_id": place.id,
            "demand_type_id": demand.id,
            "year": cells.get("year"),
            "observed": cells.get("observed"),
            "baseline": cells.get("baseline"),
            "source": str(cells.get("source") or ""),
            "notes": str(cells.get("notes") or ""),
        }
        try:
            result.rows.append((number, checked_outcome(session, fields, scope)))
        except OutsideYourPlaces:
            result.problems.append(
                f"{where}, row {number}, column Place: you do not lead {place.name}"
            )
        except InputError as error:
            for key, message in error.errors.items():
                column = header_of.get(
                    {"year": "year", "place_id": "place", "demand_type_id": "demand_type"}.get(
                        key, key
                    ),
                    key,
                )
                result.problems.append(f"{where}, row {number}, column {column}: {message}")
    return result


def import_outcomes(
    session: Session, content: bytes, filename: str, *, actor: Actor, scope: PlaceScope = None
) -> int:
    """Save every row or none; InputError listing every problem if any row is wrong."""
    checked = read_outcomes(session, content, filename, scope)
    if checked.problems:
        raise InputError({"file": "; ".join(checked.problems[:50])})
    try:
        for _row, details in checked.rows:
            save_outcome(session, details, actor)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return len(checked.rows)
