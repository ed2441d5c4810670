"""The import preview page reads well with many changes: sheet by sheet under headings with their
counts, a long sheet folded behind its count, and long text set out as "Was" and "Will be"
rather than struck through, while short values stay on one line."""

from __future__ import annotations

import io
import re

from flask import Flask

from models.vocabulary import Role
from tests.excel.workbook_files import edited
from tests.test_excel_import_preview import inputs  # noqa: F401 (the fixture)

NEW_DESCRIPTION = (
    "Ward in north Kirklees with the district's highest rate of first-time entrants to youth "
    "justice; the locality team has run family support here since 2024."
)


def preview_page(app: Flask, sign_in_as, workbook: bytes) -> str:  # type: ignore[no-untyped-def]
    page = sign_in_as(Role.COMMISSIONER).post(
        "/inputs/import",
        data={"workbook": (io.BytesIO(workbook), "places.xlsx")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    return " ".join(page.data.decode().split())


def test_long_text_is_set_out_as_was_and_will_be(
    app: Flask,
    inputs: bytes,  # noqa: F811
    sign_in_as,
) -> None:  # type: ignore[no-untyped-def]
    workbook = edited(inputs, {"Places": {"C2": 2.5, "D2": NEW_DESCRIPTION}})
    html = preview_page(app, sign_in_as, workbook)
    # A short value on one line, from and to.
    assert "<strong>Need index</strong>: <del>1.4</del> → <ins>2.5</ins>" in html
    # Long text as two readable lines, neither struck through.
    assert (
        '<li class="long-change"><strong>Description</strong>'
        '<span class="was"><span class="change-label">Was:</span> blank</span>'
        f'<span class="now"><span class="change-label">Will be:</span> {NEW_DESCRIPTION}</span></li>'
    ) in html.replace("&#39;", "'")
    assert f"<del>{NEW_DESCRIPTION}" not in html and f"<ins>{NEW_DESCRIPTION}" not in html


def test_changes_are_grouped_by_sheet_and_a_long_sheet_folds(
    app: Flask,
    inputs: bytes,  # noqa: F811
    sign_in_as,
) -> None:  # type: ignore[no-untyped-def]
    new_places = {
        f"{column}{row}": value
        for row in range(3, 15)
        for column, value in (("A", f"Place {row}"), ("B", "Kirklees"), ("C", 1.1))
    }
    workbook = edited(
        inputs,
        {"Places": {"C2": 2.5, **new_places}, "Budget lines": {"C2": 1300000}},
    )
    html = preview_page(app, sign_in_as, workbook)
    # Each sheet with changes has its heading and counts, in workbook order, linked from the table.
    assert '<a href="#changes-budget-lines">Budget lines</a>' in html
    assert (
        '<h3 id="changes-budget-lines">Budget lines <span class="count">(1 changed)</span></h3>'
        in html
    )
    assert (
        '<h3 id="changes-places">Places <span class="count">(12 new, 1 changed)</span></h3>' in html
    )
    assert html.index('id="changes-budget-lines"') < html.index('id="changes-places"')
    assert "Partners</th>" in html and 'href="#changes-partners"' not in html  # nothing changes
    # Thirteen rows of Places fold behind their count; the one budget line is shown open.
    places = html[html.index('id="changes-places"') :]
    assert re.search(r"<details[^>]*><summary>Show the 13 rows of Places</summary>", places)
    budget = html[html.index('id="changes-budget-lines"') : html.index('id="changes-places"')]
    assert "<details" not in budget
    assert (
        "<strong>Maximum (£)</strong>: <del>£1,200,000.00</del> → <ins>£1,300,000.00</ins>"
        in budget
    )
