"""Workbook files made by hand for the import tests: a workbook with some cells typed over, an
inputs template with one part of the zip replaced (a truncated sheet, a sheet declaring XML
entities), and zips that unpack too far."""

from __future__ import annotations

import io
import zipfile

import openpyxl

from planner.excel.inputs_workbook import build_inputs_workbook

# openpyxl writes sheets in workbook order: About is sheet1, Partners sheet2.
PARTNERS_XML = "xl/worksheets/sheet2.xml"

# Three levels of "billion laughs": small here, but any entity declaration must be refused.
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<dimension ref="A1:A2"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t>'
    b'</is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def with_part(content: bytes, name: str, replace: bytes) -> bytes:
    """The workbook `content` with the zip entry `name` replaced by `replace`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        assert name in source.namelist(), name
        for info in source.infolist():
            target.writestr(info.filename, replace if info.filename == name else source.read(info))
    return out.getvalue()


def truncated_partners_sheet() -> bytes:
    """A template whose Partners sheet stops half-way through its XML, as a broken download
    would; its first rows still parse, so openpyxl opens the workbook without complaint."""
    content = build_inputs_workbook()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read(PARTNERS_XML)
    return with_part(content, PARTNERS_XML, xml[: len(xml) * 2 // 3])


def billion_laughs_partners_sheet() -> bytes:
    return with_part(build_inputs_workbook(), PARTNERS_XML, BILLION_LAUGHS)


def workbook_zip(extra: dict[str, bytes]) -> bytes:
    """The smallest parts an .xlsx needs, plus `extra`, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        for name, data in extra.items():
            archive.writestr(name, data)
    return out.getvalue()


def add_row(sheet, values: list[object]) -> int:  # type: ignore[no-untyped-def]
    """Fill the first empty row below the header, as someone typing would (openpyxl's append
    goes below the template's 500 formatted rows); returns its number."""
    width = max(sheet.max_column, len(values))
    row = next(
        number
        for number in range(2, sheet.max_row + 2)
        if all(sheet.cell(number, index).value is None for index in range(1, width + 1))
    )
    for index, value in enumerate(values, start=1):
        sheet.cell(row, index, value)
    return row


def edited(content: bytes, changes: dict[str, dict[str, object]]) -> bytes:
    """The workbook `content` with some cells typed over: {sheet: {cell: value}}."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for sheet, cells in changes.items():
        for ref, value in cells.items():
            workbook[sheet][ref] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
