"""The plan workbook's Prices sheet, recalculated by LibreOffice: the uplifts are the plan's, the
Allocations' cost is price x uplift x participants, real spend is cash / the year's factor, and
an edited deflator moves the costs that depend on it (skipped, naming libreoffice-calc-nogui,
where LibreOffice is missing)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from flask import Flask
from sqlmodel import select

from models import Plan
from planner.db import new_session
from planner.excel.plan_workbook import build_plan_workbook
from planner.excel.stored_plan import plan_workbook_view
from planner.solving.reading import stored_plan
from tests.excel.recalculate import recalculate, soffice
from tests.test_excel_plan import solved_demo_plan

pytestmark = pytest.mark.libreoffice


def _rows(sheet) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_prices_sheet_recalculates_and_an_edited_deflator_moves_the_costs(
    app: Flask, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    soffice()
    plan_id, _total, _name = solved_demo_plan(app)
    with app.app_context(), new_session() as session:
        plan = session.exec(select(Plan).where(Plan.id == plan_id)).one()
        answer = stored_plan(plan)
        content = build_plan_workbook(plan_workbook_view(session, plan))
    assert answer is not None and answer.prices is not None
    prices = answer.prices
    recalculated = recalculate(content, tmp_path / "first")
    sheet = recalculated["Prices"]
    rows = _rows(sheet)

    # Every uplift is deflator(year) / deflator(price year): 2022/23 = 100 in HM Treasury's
    # series, so a demo intervention (priced 2022/23) costs 1.163 times its price in 2026/27.
    uplifts = {(r[0], r[2]): r[3] for r in rows if r[0] and isinstance(r[3], float)}
    assert uplifts[("Family Nurse Partnership", "2026/27")] == pytest.approx(116.3 / 100.0)
    for uplift in prices.uplifts:
        name = dict(stored_plan_inputs_names(plan))[uplift.intervention]
        assert uplifts[(name, f"{uplift.year}/{(uplift.year + 1) % 100:02d}")] == pytest.approx(
            uplift.factor, abs=1e-6
        )

    # Spend in cash and in 2022/23 prices, year by year, as the plan states them.
    labels = {f"{y.year}/{(y.year + 1) % 100:02d}" for y in prices.spend_by_year}
    # Rows of the spend table: year, cash, factor, real (the index's rows have no factor).
    spend = {r[0]: r for r in rows if r[0] in labels and isinstance(r[2], float)}
    for year in prices.spend_by_year:
        label = f"{year.year}/{(year.year + 1) % 100:02d}"
        assert spend[label][1] == pytest.approx(year.cash, abs=0.01)
        assert spend[label][3] == pytest.approx(year.real, abs=0.01)

    # Allocations: unit cost = price x uplift, cost = participants x unit cost, the plan's cost.
    allocations = [r for r in _rows(recalculated["Allocations"])[1:] if r[0] and r[0] != "Total"]
    costs = sorted(round(r[9], 2) for r in allocations)
    assert costs == sorted(round(a.cost, 2) for a in answer.allocations)

    # Raise 2027/28's deflator by a tenth: its costs (and only its) rise by a tenth.
    edited = openpyxl.load_workbook(io.BytesIO(content))
    index = edited["Prices"]
    row = next(r for r in range(2, index.max_row + 1) if index.cell(r, 1).value == "2027/28")
    index.cell(row, 2).value = index.cell(row, 2).value * 1.1
    buffer = io.BytesIO()
    edited.save(buffer)
    after = recalculate(buffer.getvalue(), tmp_path / "second")
    before_rows = {(r[0], r[1], r[3]): r for r in allocations}
    changed = 0
    for r in _rows(after["Allocations"])[1:]:
        if not r[0] or r[0] == "Total":
            continue
        old = before_rows[(r[0], r[1], r[3])]
        factor = 1.1 if r[3] == "2027/28" else 1.0
        assert r[7] == pytest.approx(old[7] * factor, rel=1e-9)
        assert r[9] == pytest.approx(round(r[6] * r[7] + r[8], 2), abs=0.006)
        changed += r[3] == "2027/28"
    assert changed > 0
    checks = {r[0]: r[2] for r in _rows(after["Checks"])[1:] if r[0]}
    assert checks["Partners' payments cover every allocation's cost"].startswith("Problem")


def stored_plan_inputs_names(plan: Plan) -> list[tuple[str, str]]:
    """(key, name) of the plan's interventions, as its snapshot records them."""
    return [(row["key"], row["name"]) for row in (plan.inputs or {})["inputs"]["interventions"]]
