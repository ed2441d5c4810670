"""The community sheets of the inputs workbook (Risk indicators, Indicator values, Volunteers,
Providers): exported and imported round-trip, changes previewed column by column and applied in
one transaction through the community services (need index recalculated, audited), every bad
cell named by sheet, row and column with nothing saved, and records a sheet leaves out listed,
deleted only when asked, left alone when their sheet is missing."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from flask import Flask
from sqlmodel import Session, select

from models import AuditEvent, Place
from models.indicator import IndicatorValue, RiskIndicator
from models.provider import Provider, Sector
from models.volunteer import VolunteerPool
from planner.community.indicators import create_indicator, save_value
from planner.community.providers import create_provider
from planner.community.volunteers import save_pool
from planner.db import new_session
from planner.excel.import_service import apply_import, preview_import
from planner.excel.inputs_workbook import build_current_inputs_workbook, build_inputs_workbook
from planner.inputs import service

COMMUNITY = ("Risk indicators", "Indicator values", "Volunteers", "Providers")


def seed(session: Session) -> None:
    """Two places, one intervention; two indicators with values in both places (need: North
    has the higher values on both, so its need index is above South's), volunteers in North in
    2026/27, and two providers of the intervention."""
    north = service.create_place(session, {"name": "North", "district": "Calderdale"})
    south = service.create_place(session, {"name": "South", "district": "Calderdale"})
    mentoring = service.create_intervention(
        session,
        {"name": "Mentoring", "target_group": "young people", "unit_cost": 900, "price_year": 2022},
    )
    poverty = create_indicator(
        session,
        {"name": "Child poverty", "unit": "share of children", "source": "DWP",
         "source_url": "https://www.gov.uk/", "as_at": "2023/24", "weight": 2},
    )  # fmt: skip
    exclusions = create_indicator(
        session,
        {"name": "Exclusions", "unit": "per 100 pupils", "source": "DfE", "as_at": "2022/23"},
    )
    for place, values in ((north, (0.4, 6.0)), (south, (0.2, 2.0))):
        for measure, value in zip((poverty, exclusions), values, strict=True):
            save_value(session, place.id, {"indicator_id": measure.id, "value": value})  # type: ignore[arg-type]
    save_pool(
        session,
        {"place_id": north.id, "year": 2026, "hours": 3000, "hours_per_volunteer": 100,
         "cost_per_volunteer": "450", "notes": "Mosque and church volunteers"},
    )  # fmt: skip
    for name, sector, share in (
        ("Family Action", "voluntary_community", 60),
        ("Council", "public", 40),
    ):
        create_provider(
            session,
            {"intervention_id": mentoring.id, "name": name, "sector": sector, "share_percent": share},
        )  # fmt: skip


def edited(content: bytes, changes: dict[str, list[tuple[int, str, Any]]]) -> bytes:
    """The workbook with cells changed: {sheet: [(row, header, value)]}; a row past the end
    adds a row."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for name, cells in changes.items():
        sheet = workbook[name]
        headers = [str(cell.value).removesuffix(" *") for cell in sheet[1]]
        for row, header, value in cells:
            sheet.cell(row, headers.index(header) + 1).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def without_row(content: bytes, sheet_name: str, row: int | None) -> bytes:
    """The workbook less one row of a sheet, or (row None) less the whole sheet."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    if row is None:
        del workbook[sheet_name]
    else:
        workbook[sheet_name].delete_rows(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_of(content: bytes, sheet_name: str) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))[sheet_name]
    return [list(row) for row in sheet.iter_rows(min_row=1, values_only=True) if row[0]]


def test_the_template_has_the_community_sheets_with_their_columns() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(build_inputs_workbook()))
    # The community sheets come last but for the price index.
    assert workbook.sheetnames[-5:] == [*COMMUNITY, "Price index"]
    assert [cell.value for cell in workbook["Volunteers"][1]] == [
        "Place *", "Financial year *", "Hours available *", "Hours per volunteer *",
        "Cost per volunteer (£)", "Illustrative figures", "Notes",
    ]  # fmt: skip
    assert [cell.value for cell in workbook["Providers"][1]][:4] == [
        "Provider *", "Intervention *", "Sector *", "Share of delivery (%) *",
    ]  # fmt: skip
    # The sector is a drop-down of the three sectors; the About sheet lists every sheet.
    sectors = [v.formula1 for v in workbook["Providers"].data_validations.dataValidation]
    assert '"Voluntary and community sector,Public sector,Private sector"' in sectors
    about = [row[0] for row in workbook["About"].iter_rows(values_only=True)]
    assert all(name in about for name in COMMUNITY)
    # The About sheet says when an import deletes (it used to say it never did).
    assert any("deleted only if you tick the box" in str(line) for line in about)


def test_export_then_import_changes_nothing(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        seed(session)
        content = build_current_inputs_workbook(session)
        assert rows_of(content, "Indicator values")[1:] == [
            ["North", "Child poverty", 0.4], ["North", "Exclusions", 6],
            ["South", "Child poverty", 0.2], ["South", "Exclusions", 2],
        ]  # fmt: skip
        assert rows_of(content, "Volunteers")[1] == [
            "North", "2026/27", 3000, 100, 450, "No", "Mosque and church volunteers",
        ]  # fmt: skip
        assert rows_of(content, "Providers")[1] == [
            "Council", "Mentoring", "Public sector", 40, "No",
        ]  # fmt: skip
        assert rows_of(content, "Risk indicators")[1][:6] == [
            "Child poverty", "share of children", 2, "DWP", "https://www.gov.uk/", "2023/24",
        ]  # fmt: skip
        events = len(session.exec(select(AuditEvent)).all())
        outcome = apply_import(session, content)
        assert outcome.ok, [str(problem) for problem in outcome.problems]
        counts = {sheet: (c, u, n) for sheet, c, u, n in outcome.counts()}
        assert counts["Risk indicators"] == (0, 0, 2)
        assert counts["Indicator values"] == (0, 0, 4)
        assert counts["Volunteers"] == (0, 0, 1)
        assert counts["Providers"] == (0, 0, 2)
        assert outcome.missing == [] and outcome.missing_sheets == []
        # Only the import's own event is added: no record was touched.
        assert len(session.exec(select(AuditEvent)).all()) == events + 1


def test_changes_are_previewed_by_column_and_applied_through_the_services(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        seed(session)
        north = session.exec(select(Place).where(Place.name == "North")).one()
        need_before = north.need_index
        content = edited(
            build_current_inputs_workbook(session),
            {
                "Volunteers": [(2, "Hours available", 4500), (3, "Place", "South"),
                               (3, "Financial year", "2027/28"), (3, "Hours available", 800),
                               (3, "Hours per volunteer", 80)],
                "Providers": [(3, "Sector", "Private sector")],
                "Indicator values": [(3, "Value", 12)],
            },
        )  # fmt: skip
        preview = preview_import(session, content)
        assert preview.ok, [str(problem) for problem in preview.problems]
        changed = {(c.sheet, c.label): c for c in preview.changes if c.action != "unchanged"}
        assert changed[("Volunteers", "North · 2026/27")].fields[0].column == "Hours available"
        assert changed[("Volunteers", "South · 2027/28")].action == "create"
        sector = changed[("Providers", "Mentoring · Family Action")].fields[0]
        assert (sector.column, sector.before, sector.after) == (
            "Sector", "Voluntary and community sector", "Private sector",
        )  # fmt: skip
        # The preview was rolled back: nothing changed yet.
        pool = session.exec(select(VolunteerPool)).one()
        assert pool.hours == 3000
        outcome = apply_import(session, content)
        assert outcome.ok
        pools = {(p.place_id, p.year): p.hours for p in session.exec(select(VolunteerPool))}
        assert sorted(pools.values()) == [800, 4500]
        family = session.exec(select(Provider).where(Provider.name == "Family Action")).one()
        assert family.sector is Sector.PRIVATE
        # North's exclusions went from 6 to 12: its need index is worked out again.
        session.refresh(north)
        assert north.need_index > need_before
        audited = {e.entity for e in session.exec(select(AuditEvent))}
        assert {"volunteer_pool", "provider", "indicator_value", "inputs"} <= audited


@pytest.mark.parametrize(
    ("sheet", "row", "header", "value", "problem"),
    [
        ("Providers", 2, "Sector", "Charity", "is not a sector"),
        ("Providers", 3, "Share of delivery (%)", 70, "at most 100%"),
        ("Volunteers", 2, "Place", "Nowhere", "There is no place called 'Nowhere'"),
        ("Volunteers", 2, "Hours per volunteer", 0, "must be more than 0"),
        ("Indicator values", 2, "Risk indicator", "Crime", "no risk indicator called 'Crime'"),
        ("Risk indicators", 2, "Source link", "javascript:alert(1)", "web address"),
        ("Risk indicators", 3, "Weight", "heavy", "must be a number"),
    ],
)
def test_a_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_saved(
    app: Flask, sheet: str, row: int, header: str, value: Any, problem: str
) -> None:
    with app.app_context(), new_session() as session:
        seed(session)
        content = edited(
            build_current_inputs_workbook(session),
            {sheet: [(row, header, value)], "Volunteers": [(2, "Notes", "changed")]}
            if sheet != "Volunteers"
            else {sheet: [(row, header, value)]},
        )
        events = len(session.exec(select(AuditEvent)).all())
        outcome = apply_import(session, content)
        assert not outcome.ok and not outcome.applied
        found = [p for p in outcome.problems if p.sheet == sheet and p.row == row]
        assert found, [str(p) for p in outcome.problems]
        assert found[0].column == header and problem in found[0].reason, str(found[0])
        assert len(session.exec(select(AuditEvent)).all()) == events
        assert session.exec(select(VolunteerPool)).one().notes == "Mosque and church volunteers"


def test_left_out_rows_are_deleted_only_when_asked_and_a_missing_sheet_keeps_its_records(
    app: Flask,
) -> None:
    with app.app_context(), new_session() as session:
        seed(session)
        content = build_current_inputs_workbook(session)
        # Row 3 of Providers is Family Action; row 2 of Risk indicators is Child poverty.
        fewer = without_row(without_row(content, "Providers", 3), "Risk indicators", 2)
        # Child poverty's values are still on their sheet: an indicator cannot go without them.
        fewer = without_row(without_row(fewer, "Indicator values", 4), "Indicator values", 2)
        kept = apply_import(session, fewer)
        assert kept.ok
        listed = {(m.sheet, m.label): m for m in kept.missing}
        assert set(listed) == {
            ("Providers", "Mentoring · Family Action"),
            ("Risk indicators", "Child poverty"),
            ("Indicator values", "North · Child poverty"),
            ("Indicator values", "South · Child poverty"),
        }
        assert len(session.exec(select(Provider)).all()) == 2
        deleted = apply_import(session, fewer, delete_missing=True)
        assert deleted.ok and {(m.sheet, m.label) for m in deleted.deleted} == set(listed)
        assert [p.name for p in session.exec(select(Provider))] == ["Council"]
        assert [i.name for i in session.exec(select(RiskIndicator))] == ["Exclusions"]
        assert len(session.exec(select(IndicatorValue)).all()) == 2
        # A workbook without the Volunteers sheet says so and leaves the volunteers alone.
        no_sheet = without_row(build_current_inputs_workbook(session), "Volunteers", None)
        outcome = apply_import(session, no_sheet, delete_missing=True)
        assert outcome.ok and outcome.missing_sheets == ["Volunteers"]
        assert len(session.exec(select(VolunteerPool)).all()) == 1


def test_an_indicator_whose_values_are_still_on_their_sheet_is_not_deleted(app: Flask) -> None:
    """Leaving out Child poverty's row but not its values: deleting it would delete the values
    the same workbook gives, so the import refuses to, in words, and saves nothing."""
    with app.app_context(), new_session() as session:
        seed(session)
        content = without_row(build_current_inputs_workbook(session), "Risk indicators", 2)
        listed = preview_import(session, content)
        (missing,) = listed.missing
        assert (missing.sheet, missing.label) == ("Risk indicators", "Child poverty")
        assert missing.refused == "the Indicator values sheet still gives its value in 2 places"
        outcome = apply_import(session, content, delete_missing=True)
        assert not outcome.ok and not outcome.applied
        assert any(
            p.sheet == "Risk indicators" and "still gives its value in 2 places" in p.reason
            for p in outcome.problems
        )
        assert len(session.exec(select(RiskIndicator)).all()) == 2


def test_a_place_or_intervention_its_community_rows_still_name_is_not_deleted(
    app: Flask,
) -> None:
    """North left off the Places sheet while the Volunteers and Indicator values sheets still
    name it; Mentoring left off Interventions while Providers names it: neither is deleted
    (that would delete the rows the same workbook gives), and the reason is in words."""
    with app.app_context(), new_session() as session:
        seed(session)
        content = build_current_inputs_workbook(session)
        places = rows_of(content, "Places")
        north = next(n for n, row in enumerate(places, start=1) if row[0] == "North")
        fewer = without_row(without_row(content, "Places", north), "Interventions", 2)
        listed = {(m.sheet, m.label): m.refused for m in preview_import(session, fewer).missing}
        assert listed[("Places", "North")] == (
            "the Volunteers and Indicator values sheets still name it"
        )
        assert listed[("Interventions", "Mentoring")] == "the Providers sheet still names it"
        outcome = apply_import(session, fewer, delete_missing=True)
        assert not outcome.ok
        assert len(session.exec(select(Place)).all()) == 2
