"""The plan workbook's checks refer to the Inputs sheet's cells for their limits: no maximum,
minimum or factor is typed into a formula, a scenario's budget override is read from the
override's own cell, and a cap lowered on the Inputs sheet turns its own check red."""

from __future__ import annotations

import dataclasses
import io
import re

import openpyxl
import pytest

from optimiser import BudgetOverride, optimise
from planner.excel.plan_checks import CAP, MAXIMUM, MINIMUM
from planner.excel.plan_view import PlanWorkbookView, view_from_optimiser
from planner.excel.plan_workbook import build_plan_workbook
from tests.excel.plan_fixtures import small_partnership
from tests.excel.recalculate import recalculate_all, soffice

REFERENCE = re.compile(r"'Inputs'!\$([A-Z]+)\$(\d+)")


def workbook_with_override() -> openpyxl.Workbook:
    """The small partnership with the police's 2026/27 maximum overridden to £110,000."""
    inputs, rules = small_partnership()
    rules = dataclasses.replace(
        rules, budget_overrides=(BudgetOverride("police-2026", maximum=110_000),)
    )
    view = view_from_optimiser(inputs, rules, optimise(inputs, rules, time_limit=30))
    return openpyxl.load_workbook(io.BytesIO(build_plan_workbook(view)))


def test_budget_checks_read_the_override_and_the_lines_own_figures_from_inputs() -> None:
    workbook = workbook_with_override()
    inputs = workbook["Inputs"]
    checks = {
        (row[0], row[1]): row[2]
        for row in workbook["Checks"].iter_rows(min_row=2, values_only=True)
        if row[0]
    }
    police = "West Yorkshire Police, 2026/27 (limits on the Inputs sheet)"
    council = "Calderdale Council, 2027/28 (limits on the Inputs sheet)"

    def limits(check: str) -> list[object]:
        """The Inputs cells a check reads (each once, though its problem text reads it again)."""
        return [
            inputs[f"{letter}{row}"].value
            for letter, row in dict.fromkeys(REFERENCE.findall(check))
        ]

    assert limits(checks[(MAXIMUM, police)]) == [110_000]  # the override, not the line's 120,000
    assert limits(checks[(MINIMUM, police)]) == [0]
    assert limits(checks[(MAXIMUM, council)]) == [90_000]
    assert limits(checks[(MINIMUM, council)]) == [20_000]
    override = next(cell for cell in inputs["A"] if cell.value == "Rules: Budget overrides")
    assert REFERENCE.findall(checks[(MAXIMUM, police)])[0][1] == str(override.row + 2)


def test_no_limit_is_typed_into_a_check() -> None:
    """The small partnership's maxima, minimums and factors appear in no check's formula."""
    workbook = workbook_with_override()
    formulas = " ".join(
        str(row[2]) for row in workbook["Checks"].iter_rows(min_row=2, values_only=True) if row[2]
    )
    for typed in ("110000", "120000", "90000", "20000", "40000", "0.5*", "0.3*"):
        assert typed not in formulas, typed


def capped_view() -> PlanWorkbookView:
    """The small partnership with caps on a place, an intervention and a category, each well
    above what the plan spends there (so the plan is the uncapped one)."""
    inputs, rules = small_partnership()
    rules = dataclasses.replace(
        rules,
        place_caps={"halifax": 5_000_000},
        intervention_caps={"fnp": 5_000_000},
        category_caps={"family_support": 5_000_000},
    )
    return view_from_optimiser(inputs, rules, optimise(inputs, rules, time_limit=30))


def cap_cell(sheet, section: str, key: str) -> str:  # type: ignore[no-untyped-def]
    """The cell holding `key`'s cap in the Inputs sheet's `section` of the rules."""
    row = next(cell.row for cell in sheet["A"] if cell.value == section)
    while sheet.cell(row, 1).value != key:
        row += 1
    return f"B{row}"


@pytest.mark.libreoffice
def test_lowering_a_cap_on_inputs_turns_its_check_red(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Each cap lowered below the plan's spend on the Inputs sheet (one per copy): exactly its
    own check turns red."""
    soffice()
    content = build_plan_workbook(capped_view())
    copies = {"as_built": content}
    for name, section, key in (
        ("place", "Rules: Cap on spend per place (£)", "halifax"),
        ("intervention", "Rules: Cap on spend per intervention (£)", "fnp"),
        ("category", "Rules: Cap on spend per category (£)", "family_support"),
    ):
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        workbook["Inputs"][cap_cell(workbook["Inputs"], section, key)] = 1_000
        buffer = io.BytesIO()
        workbook.save(buffer)
        copies[name] = buffer.getvalue()
    books = recalculate_all(copies, tmp_path)

    def red(book: openpyxl.Workbook) -> list[tuple[str, str]]:
        return [
            (row[0], row[1])
            for row in book["Checks"].iter_rows(min_row=2, values_only=True)
            if row[0] and row[0] != "All checks" and row[2] != "OK"
        ]

    assert red(books["as_built"]) == []
    assert red(books["place"]) == [(CAP, "Halifax North (cap on the Inputs sheet)")]
    assert red(books["intervention"]) == [
        (CAP, "Family Nurse Partnership (cap on the Inputs sheet)")
    ]
    assert red(books["category"]) == [(CAP, "Category: Family support (cap on the Inputs sheet)")]
