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
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from io import BytesIO
from itertools import zip_longest
from typing import Any

from defusedxml.common import DefusedXmlException
from openpyxl import load_workbook

from planner.excel.input_columns import InputColumn, InputSheet
from planner.excel.input_tables import ABOUT_SHEET, INPUT_SHEETS

# A 5 MB upload of real inputs unpacks to a few MB; these leave room while refusing zip bombs.
MAX_UNCOMPRESSED_BYTES = 25 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_ROWS_PER_SHEET = 5000
# The sheets the inputs template has: the About sheet, then one per input table.
TEMPLATE_SHEETS = (ABOUT_SHEET, *(table.name for table in INPUT_SHEETS))
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# How the person importing gets the inputs template, as the refusals that point to it say it:
# the upload page has a download link, the command line a command.
TEMPLATE_ON_THE_PAGE = "the template from this page"
TEMPLATE_ON_THE_COMMAND_LINE = "a template made by running `planner export-template template.xlsx`"
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
    # The input sheets the workbook has (by the template's names), whether or not they hold rows.
    sheets: list[str] = field(default_factory=list)


def check_is_xlsx(content: bytes, *, template: str = TEMPLATE_ON_THE_PAGE) -> None:
    """Refuse anything that is not a plain .xlsx workbook, before any parser sees it.

    ``template`` says how to get the inputs template where a refusal points to it."""
    if not content:
        raise ImportRefused("The file is empty. Choose an Excel workbook (.xlsx) to upload.")
    if content.startswith(_OLE_SIGNATURE):
        raise ImportRefused(
            "This is an old-style Excel 97-2003 file (.xls). Open it in Excel, save it as an "
            "Excel Workbook (.xlsx) and upload that."
        )
    if not content.startswith(_ZIP_SIGNATURE):
        raise ImportRefused(
            f"This file is not a spreadsheet. Use an Excel workbook (.xlsx), such as {template}."
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


def read_input_workbook(content: bytes, *, template: str = TEMPLATE_ON_THE_PAGE) -> ParsedWorkbook:
    """The rows of every input sheet found in the workbook, by field name.

    Sheets are found by name (any case); columns by their name in row 1 (a trailing * marking
    a required column is optional). A sheet or column the template does not have is a problem,
    not silently ignored: a misspelt "Place" sheet would otherwise import nothing.

    Cells are read as their saved values. A formula Excel never worked out (a workbook written
    by a program and not yet saved in Excel) has no saved value, so the workbook is read a
    second time for its formulas, to say so rather than call the cell empty. ``template`` says
    how to get the inputs template, for the refusals that point to it.
    """
    check_is_xlsx(content, template=template)
    try:
        values = load_workbook(BytesIO(content), read_only=True, data_only=True)
        formulas = load_workbook(BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001  (any parser failure means the same to the user)
        raise _unreadable(error, None) from None
    parsed = ParsedWorkbook()
    try:
        by_name = {name.strip().lower(): name for name in values.sheetnames}
        found = [table for table in INPUT_SHEETS if table.name.lower() in by_name]
        if not found:
            raise ImportRefused(
                "None of the input sheets (" + ", ".join(t.name for t in INPUT_SHEETS) + ") is "
                f"in this workbook. Start from {template}."
            )
        parsed.sheets = [table.name for table in found]
        known = {name.lower() for name in TEMPLATE_SHEETS}
        for name in values.sheetnames:
            if name.strip().lower() not in known:
                parsed.problems.append(
                    SheetProblem(name, None, "", _unknown("sheet", name, TEMPLATE_SHEETS))
                )
        for table in found:
            name = by_name[table.name.lower()]
            try:
                _read_sheet(values[name], formulas[name], table, parsed)
            except Exception as error:  # noqa: BLE001  (the sheet's XML is parsed as it is read)
                raise _unreadable(error, table.name) from None
    finally:
        values.close()
        formulas.close()
    return parsed


def _unknown(what: str, given: str, expected: Sequence[str]) -> str:
    """'not a sheet this template has; expected one of ...', with a near match if there is one."""
    reason = f"not a {what} this template has; expected one of {', '.join(expected)}"
    near = get_close_matches(given.strip().lower(), [name.lower() for name in expected], n=1)
    if near:
        spelt = next(name for name in expected if name.lower() == near[0])
        reason += f". Did you mean {spelt}?"
    return reason


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


def _read_sheet(sheet: Any, formulas: Any, table: InputSheet, parsed: ParsedWorkbook) -> None:
    rows = zip_longest(
        sheet.iter_rows(values_only=True), formulas.iter_rows(values_only=True), fillvalue=()
    )
    header, _ = next(rows, ((), ()))
    header = header or ()
    positions: dict[str, int] = {}
    wanted = {_plain(col.header): col for col in table.columns}
    for index, title in enumerate(header):
        if title is None or not str(title).strip():
            continue
        col = wanted.get(_plain(str(title)))
        if col is None:
            headers = [col.header for col in table.columns]
            reason = _unknown("column", str(title), headers)
            parsed.problems.append(SheetProblem(table.name, 1, str(title).strip(), reason))
        elif col.field in positions:
            reason = "this column appears twice; keep one"
            parsed.problems.append(SheetProblem(table.name, 1, col.header, reason))
        else:
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
    for number, (values, written) in enumerate(rows, start=2):
        cells = {fld: _cell(values, written, index) for fld, index in positions.items()}
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


def _cell(values: tuple[Any, ...], written: tuple[Any, ...], index: int) -> Any:
    """A cell's saved value; a formula with no saved value is marked as such."""
    value = values[index] if index < len(values) else None
    if value is None and index < len(written):
        formula = written[index]
        if isinstance(formula, str) and formula.startswith("="):
            return _UNCALCULATED
    return value


class _Uncalculated:
    """A formula cell Excel never worked out: there is no value to import."""

    def __repr__(self) -> str:
        return "<formula without a saved value>"


_UNCALCULATED = _Uncalculated()


def is_uncalculated(value: object) -> bool:
    return value is _UNCALCULATED


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
