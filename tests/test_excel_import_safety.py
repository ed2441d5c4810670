"""Uploads that are damaged or hostile are refused in words, never with a server error: a sheet
whose XML is cut short, a sheet declaring XML entities ("billion laughs"), and zips that unpack
to far more than they weigh or hold too many parts."""

from __future__ import annotations

import io

import openpyxl
import pytest
from flask import Flask

from models.vocabulary import Role
from planner.excel.import_reader import (
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_ENTRIES,
    ImportRefused,
    check_is_xlsx,
    read_input_workbook,
)
from tests.excel.workbook_files import (
    billion_laughs_partners_sheet,
    truncated_partners_sheet,
    workbook_zip,
)

DAMAGED = (
    "This workbook is damaged: the Partners sheet could not be read. Open it in Excel, save it "
    "as an Excel Workbook (.xlsx) and try again."
)
ENTITIES = (
    "This workbook holds XML that Excel never writes (entity declarations), so it was not read. "
    "Open it in Excel, save it as an Excel Workbook (.xlsx) and try again."
)
HOSTILE = [
    pytest.param(truncated_partners_sheet, DAMAGED, id="truncated-sheet"),
    pytest.param(billion_laughs_partners_sheet, ENTITIES, id="billion-laughs"),
]


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_a_truncated_sheet_still_opens_so_the_rows_are_where_it_fails() -> None:
    """The reason the row loop is guarded: openpyxl opens this file without complaint."""
    workbook = openpyxl.load_workbook(
        io.BytesIO(truncated_partners_sheet()), read_only=True, data_only=True
    )
    with pytest.raises(Exception):  # noqa: B017  (whatever the parser raises)
        list(workbook["Partners"].iter_rows(values_only=True))


@pytest.mark.parametrize(("make", "message"), HOSTILE)
def test_damaged_or_hostile_sheets_are_refused(make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRefused) as refusal:
        read_input_workbook(make())
    assert str(refusal.value) == message


@pytest.mark.parametrize(("make", "message"), HOSTILE)
def test_upload_page_refuses_them_without_a_server_error(  # type: ignore[no-untyped-def]
    app: Flask, sign_in_as, make, message: str
) -> None:
    client = sign_in_as(Role.COMMISSIONER)
    response = client.post(
        "/inputs/import",
        data={"workbook": (io.BytesIO(make()), "inputs.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in response.data.decode()


@pytest.mark.parametrize(("make", "message"), HOSTILE)
def test_command_line_refuses_them(app: Flask, tmp_path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "inputs.xlsx"
    path.write_bytes(make())
    result = app.test_cli_runner().invoke(args=["import", str(path), "--dry-run"])
    assert result.exit_code != 0
    assert message in " ".join(result.output.split())


def test_a_zip_that_unpacks_too_far_is_refused() -> None:
    # Zeros deflate about a thousand to one: a few tens of kilobytes unpack past the limit.
    bomb = workbook_zip({"xl/worksheets/sheet1.xml": b"\0" * (MAX_UNCOMPRESSED_BYTES + 1)})
    assert len(bomb) < 200_000
    with pytest.raises(ImportRefused) as refusal:
        check_is_xlsx(bomb)
    assert str(refusal.value) == (
        "This workbook is too large to import once unpacked (more than 25 MB). Split it into "
        "smaller workbooks."
    )


def test_a_zip_just_under_the_unpacked_limit_is_accepted() -> None:
    check_is_xlsx(workbook_zip({"xl/worksheets/sheet1.xml": b"\0" * (MAX_UNCOMPRESSED_BYTES // 2)}))


def test_a_zip_with_too_many_parts_is_refused() -> None:
    parts = {f"xl/media/image{n}.png": b"x" for n in range(MAX_ZIP_ENTRIES)}
    with pytest.raises(ImportRefused) as refusal:
        check_is_xlsx(workbook_zip(parts))
    assert str(refusal.value) == (
        f"This workbook holds too many parts to import (more than {MAX_ZIP_ENTRIES}). Split it "
        "into smaller workbooks."
    )


def test_a_zip_with_as_many_parts_as_allowed_is_accepted() -> None:
    check_is_xlsx(
        workbook_zip({f"xl/media/image{n}.png": b"x" for n in range(MAX_ZIP_ENTRIES - 2)})
    )
