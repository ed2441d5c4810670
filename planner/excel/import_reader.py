"""Reading an uploaded inputs workbook safely: make sure it really is an .xlsx workbook (not an
old .xls, a CSV, a macro workbook or a zip bomb) before openpyxl parses it, then read each input
sheet's rows by column name, values only (formulas are never evaluated, only their saved
results read).

openpyxl parses XML with defusedxml when it is installed (a dependency of this project), so
entity declarations ("billion laughs") are refused rather than expanded. In read-only mode a
sheet's XML is parsed row by row as it is read, so a damaged sheet fails while its rows are
read, not when the workbook is opened: both places turn any parser failure into ImportRefused.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from defusedxml.common import DefusedXmlException
from openpyxl import load_workbook

from planner.excel.input_columns import InputColumn, InputSheet
from planner.excel.input_tables import INPUT_SHEETS

# A 5 MB upload of real inputs unpacks to a few MB; these leave room while refusing zip bombs.
MAX_UNCOMPRESSED_BYTES = 25 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_ROWS_PER_SHEET = 5000
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURE = b"PK\x03\x04"


class ImportRefused(ValueError):
    """The file cannot be imported at all; the message says why and what to do."""


@dataclass(frozen=True)
class SheetProblem:
    """A problem with one cell (or row, or column) of the workbook, in words."""

    sheet: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = [self.sheet]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}"


@dataclass
class SheetRow:
    """One filled-in row of an input sheet, as raw cell values by field name."""

    sheet: InputSheet
    number: int
    cells: dict[str, Any]


@dataclass
class ParsedWorkbook:
    rows: dict[str, list[SheetRow]] = field(default_factory=dict)
    problems: list[SheetProblem] = field(default_factory=list)


def check_is_xlsx(content: bytes) -> None:
    """Refuse anything that is not a plain .xlsx workbook, before any parser sees it."""
    if not content:
        raise ImportRefused("The file is empty. Choose an Excel workbook (.xlsx) to upload.")
    if content.startswith(_OLE_SIGNATURE):
        raise ImportRefused(
            "This is an old-style Excel 97-2003 file (.xls). Open it in Excel, save it as an "
            "Excel Workbook (.xlsx) and upload that."
        )
    if not content.startswith(_ZIP_SIGNATURE):
        raise ImportRefused(
            "This file is not a spreadsheet. Upload an Excel workbook (.xlsx), such as the "
            "template from this page."
        )
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if len(entries) > MAX_ZIP_ENTRIES:
                raise ImportRefused(
                    f"This workbook holds too many parts to import (more than {MAX_ZIP_ENTRIES})."
                    " Split it into smaller workbooks."
                )
            # The sizes the zip declares bound what reading it can unpack (zipfile stops there).
            if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
                raise ImportRefused(
                    "This workbook is too large to import once unpacked (more than "
                    f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB). Split it into smaller "
                    "workbooks."
                )
            if "mimetype" in names and "content.xml" in names:
                raise ImportRefused(
                    "This is an OpenDocument spreadsheet (.ods). Save it as an Excel Workbook "
                    "(.xlsx) and upload that."
                )
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise ImportRefused(
                    "This file is not an Excel workbook. Upload an Excel workbook (.xlsx)."
                )
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except zipfile.BadZipFile:
        raise ImportRefused(
            "This file is damaged or not a spreadsheet. Upload an Excel workbook (.xlsx)."
        ) from None
    if "xl/vbaProject.bin" in names or "macroEnabled" in content_types:
        raise ImportRefused(
            "This workbook contains macros (.xlsm). Save it as an Excel Workbook (.xlsx), "
            "without macros, and upload that."
        )


def read_input_workbook(content: bytes) -> ParsedWorkbook:
    """The rows of every input sheet found in the workbook, by field name.

    Sheets are found by name (any case); columns by their name in row 1 (a trailing * marking
    a required column is optional). Other sheets and columns are ignored.
    """
    check_is_xlsx(content)
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001  (any parser failure means the same to the user)
        raise _unreadable(error, None) from None
    parsed = ParsedWorkbook()
    try:
        by_name = {name.strip().lower(): name for name in workbook.sheetnames}
        found = [table for table in INPUT_SHEETS if table.name.lower() in by_name]
        if not found:
            raise ImportRefused(
                "None of the input sheets (" + ", ".join(t.name for t in INPUT_SHEETS) + ") is "
                "in this workbook. Start from the template on this page."
            )
        for table in found:
            try:
                _read_sheet(workbook[by_name[table.name.lower()]], table, parsed)
            except Exception as error:  # noqa: BLE001  (the sheet's XML is parsed as it is read)
                raise _unreadable(error, table.name) from None
    finally:
        workbook.close()
    return parsed


def _unreadable(error: BaseException, sheet: str | None) -> ImportRefused:
    """The refusal for a workbook openpyxl cannot parse: unsafe XML, or a damaged file."""
    again = "Open it in Excel, save it as an Excel Workbook (.xlsx) and try again."
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return ImportRefused(
                "This workbook holds XML that Excel never writes (entity declarations), so it "
                f"was not read. {again}"
            )
        cause = cause.__cause__ or cause.__context__
    where = f"the {sheet} sheet" if sheet else "it"
    return ImportRefused(f"This workbook is damaged: {where} could not be read. {again}")


def _read_sheet(sheet: Any, table: InputSheet, parsed: ParsedWorkbook) -> None:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions: dict[str, int] = {}
    wanted = {_plain(col.header): col for col in table.columns}
    for index, title in enumerate(header):
        col = wanted.get(_plain(str(title))) if title is not None else None
        if col is not None and col.field not in positions:
            positions[col.field] = index
    missing = [col for col in table.columns if col.required and col.field not in positions]
    for col in missing:
        parsed.problems.append(
            SheetProblem(
                table.name, 1, col.header, "this column is missing; keep row 1 as in the template"
            )
        )
    if missing:
        return
    found: list[SheetRow] = []
    for number, values in enumerate(rows, start=2):
        cells = {
            fld: values[index] if index < len(values) else None for fld, index in positions.items()
        }
        if all(
            value is None or (isinstance(value, str) and not value.strip())
            for value in cells.values()
        ):
            continue
        if len(found) >= MAX_ROWS_PER_SHEET:
            parsed.problems.append(
                SheetProblem(
                    table.name,
                    number,
                    "",
                    f"more than {MAX_ROWS_PER_SHEET:,} rows; split the sheet",
                )
            )
            break
        for col in table.columns:
            cells.setdefault(col.field, _ABSENT)
        found.append(SheetRow(table, number, cells))
    parsed.rows[table.name] = found


class _Absent:
    """A column left out of the sheet: its field keeps its current value."""

    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()


def is_absent(value: object) -> bool:
    return value is _ABSENT


def _plain(header: str) -> str:
    return " ".join(header.replace("*", " ").split()).lower()


def column_header(col: InputColumn | None, field_name: str) -> str:
    return col.header if col is not None else field_name.replace("_", " ").capitalize()
