"""Bringing indicator values in from a CSV file or an Excel workbook.

The layout is the one published tables come in: one row per place, a first column naming the
place, then one column per indicator headed with the indicator's name as the partnership
recorded it (with its source and date). A blank cell leaves that value as it is. Every row is
checked first; problems are reported by row and column, and nothing is written unless every
cell is right.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import load_workbook
from sqlmodel import Session, select

from models import Place
from models.indicator import RiskIndicator
from planner.audit.service import Actor, record_change
from planner.community.indicators import refresh_need, save_value
from planner.excel.import_reader import ImportRefused, check_is_xlsx
from planner.inputs.validation import InputError, by_name, saving

MAX_ROWS = 5000


@dataclass(frozen=True)
class ImportResult:
    values: int
    places: int
    need_changed: list[str]


def read_table(filename: str, content: bytes) -> list[list[str]]:
    """The cells of a .csv file or of the first sheet of an .xlsx workbook, as text."""
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(
                {"file": "The CSV file is not UTF-8 text; save it as CSV UTF-8"}
            ) from None
        return [row for row in csv.reader(io.StringIO(text))]
    if name.endswith(".xlsx"):
        try:
            # The inputs import's checks first: an old .xls, macros, or a workbook that would
            # unpack past the size limit is refused in words before openpyxl reads any of it.
            check_is_xlsx(content, template="the indicator layout described on this page")
        except ImportRefused as refused:
            raise InputError({"file": str(refused)}) from None
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise InputError(
                {"file": "The file is not an Excel workbook (.xlsx) that can be read"}
            ) from None
        sheet = workbook.worksheets[0]
        rows = [
            ["" if cell is None else str(cell) for cell in row]
            for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)
        ]
        workbook.close()
        return rows
    raise InputError({"file": "Choose a .csv file or an .xlsx workbook"})


def import_values(
    session: Session, filename: str, content: bytes, *, actor: Actor | None = None
) -> ImportResult:
    """Check every cell, then record every value in one transaction (or nothing)."""
    rows = [row for row in read_table(filename, content) if any(cell.strip() for cell in row)]
    if not rows:
        raise InputError({"file": "The file is empty"})
    if len(rows) > MAX_ROWS + 1:
        raise InputError({"file": f"The file has more than {MAX_ROWS:,} rows"})
    header, body = rows[0], rows[1:]
    errors: dict[str, str] = {}
    indicators: dict[int, RiskIndicator] = {}
    for column, title in enumerate(header[1:], start=2):
        if not title.strip():
            continue
        indicator = by_name(session, RiskIndicator, title)
        if indicator is None:
            errors[f"column {column}"] = (
                f"Row 1, column {column}: there is no risk indicator called '{title.strip()}'; "
                "add it (with its source and date) before importing its values"
            )
        else:
            indicators[column] = indicator
    if not indicators and not errors:
        errors["file"] = (
            "Row 1 should name the place column first, then one column per risk indicator"
        )
    planned: list[tuple[Place, RiskIndicator, float]] = []
    for number, row in enumerate(body, start=2):
        place_name = row[0].strip() if row else ""
        place = by_name(session, Place, place_name) if place_name else None
        if place is None:
            errors[f"row {number}"] = f"Row {number}, column 1: " + (
                f"there is no place called '{place_name}'" if place_name else "the place is blank"
            )
            continue
        for column, indicator in indicators.items():
            cell = row[column - 1].strip().replace(",", "") if len(row) >= column else ""
            if not cell:
                continue
            try:
                value = float(cell)
            except ValueError:
                errors[f"row {number} column {column}"] = (
                    f"Row {number}, column {column} ({indicator.name}): '{cell}' is not a number"
                )
                continue
            if not 0 <= value <= 1_000_000_000 or value != value:
                errors[f"row {number} column {column}"] = (
                    f"Row {number}, column {column} ({indicator.name}): {cell} must be 0 or more"
                )
                continue
            planned.append((place, indicator, value))
    if errors:
        raise InputError(errors)
    need_before = {place.id: place.need_index for place in session.exec(select(Place))}
    with saving(session):
        for place, indicator, value in planned:
            save_value(
                session,
                place.id,  # type: ignore[arg-type]
                {"indicator_id": indicator.id, "value": value},
                actor=actor,
                commit=False,
            )
        refresh_need(session, actor)
        changed = sorted(
            place.name
            for place in session.exec(select(Place))
            if need_before.get(place.id) != place.need_index
        )
        record_change(
            session, actor, "import", "indicator_value", "", None,
            {"file": filename, "values": len(planned)},
            f"Imported {len(planned)} risk indicator values from {filename}",
        )  # fmt: skip
    return ImportResult(len(planned), len({p.id for p, _i, _v in planned}), changed)
