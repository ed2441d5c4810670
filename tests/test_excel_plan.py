"""The plan workbook: every sheet checked against the plan it came from, formula injection,
layout, and (with LibreOffice) recalculated totals that equal the plan's to the pound."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from models.vocabulary import financial_year_label
from optimiser import SolveStatus
from planner.excel.cells import largest_remainder
from planner.excel.plan_workbook import SHEET_ORDER, build_plan_workbook
from tests.excel.plan_fixtures import (
    INJECTED_INTERVENTION,
    INJECTED_PARTNER,
    WILDCARD_PLACE,
    solved_view,
)
from tests.excel.recalculate import recalculate, soffice


@pytest.fixture(scope="module")
def view():  # type: ignore[no-untyped-def]
    return solved_view()


@pytest.fixture(scope="module")
def workbook_bytes(view) -> bytes:  # type: ignore[no-untyped-def]
    return build_plan_workbook(view)


@pytest.fixture(scope="module")
def workbook(workbook_bytes: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes))


@pytest.fixture(scope="module")
def recalculated(workbook_bytes: bytes, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return recalculate(workbook_bytes, tmp_path_factory.mktemp("recalculated"))


def rows_of(sheet, first: int = 2) -> list[tuple]:  # type: ignore[no-untyped-def]
    found = []
    for row in sheet.iter_rows(min_row=first, values_only=True):
        if row[0] in (None, "Total"):
            break
        found.append(row)
    return found


def test_sheets_come_in_the_order_a_finance_lead_reads_them(workbook) -> None:  # type: ignore[no-untyped-def]
    assert tuple(workbook.sheetnames) == SHEET_ORDER


def test_summary_says_what_was_run_by_whom_with_charts(workbook, view) -> None:  # type: ignore[no-untyped-def]
    summary = workbook["Summary"]
    facts = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert facts["Scenario"] == "=Pooled 2026 @risk"
    assert facts["Run by"] == "+Finance Lead"
    assert facts["Plan number"] == 7
    assert facts["Solver status"].startswith("Optimal")
    assert facts["Value of demand avoided (£)"] == "=ROUND('Allocations'!$K$21,0)"
    assert facts["Partner fairness factor"] == "0.5"
    assert len(summary._charts) == 3


def test_demand_avoided_by_type_adds_up_to_the_headline_to_the_pound(workbook, view) -> None:  # type: ignore[no-untyped-def]
    values = {row[0]: row[2] for row in workbook["Summary"].iter_rows(values_only=True) if row[0]}
    figures = [values[reduction.name] for reduction in view.result.demand_reductions]
    assert all(float(figure) == int(figure) for figure in figures)
    assert sum(figures) == round(Decimal(str(view.result.value_of_demand_avoided)))


def test_allocation_rows_match_the_plan_with_a_live_cost_formula(workbook, view) -> None:  # type: ignore[no-untyped-def]
    sheet = workbook["Allocations"]
    rows = rows_of(sheet)
    assert len(rows) == len(view.result.allocations)
    expected = {
        (
            view.intervention(a.intervention).name,
            view.place(a.place).name,
            financial_year_label(a.year),
        ): a
        for a in view.result.allocations
    }
    partners = view.partner_keys()
    for number, row in enumerate(rows, start=2):
        allocation = expected[(row[0], row[1], row[3])]
        assert row[4] == view.intervention(allocation.intervention).evidence_rating
        assert row[9] == f"=ROUND(G{number}*H{number}+I{number},2)"
        cost = round(Decimal(str(row[6])) * Decimal(str(row[7])) + Decimal(str(row[8])), 2)
        # Exactly the plan's cost, and exactly the plan's payments, which add up to it.
        assert cost == Decimal(str(allocation.cost))
        payments = [Decimal(str(value)) for value in row[11 : 11 + len(partners)]]
        assert sum(payments) == cost, "payments add up to the cost"
        paid = {f.partner: Decimal(str(f.amount)) for f in allocation.funding}
        assert payments == [paid.get(key, Decimal(0)) for key in partners]
    assert sheet["G1"].comment is not None and "penny" in sheet["G1"].comment.text
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet["J2"].number_format.startswith('"£"#,##0.00')
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet["A1"].font.b


def test_funding_is_summed_from_the_allocation_rows(workbook) -> None:  # type: ignore[no-untyped-def]
    funding = workbook["Funding"]
    formulas = [
        cell.value
        for row in funding.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    ]
    assert any(f.startswith("=SUMIFS('Allocations'!") for f in formulas)
    assert [row[0] for row in funding.iter_rows(min_row=1, max_row=1, values_only=True)][
        0
    ] == "Partner"
    assert funding["B1"].value == "2026/27"


def test_names_sumifs_would_misread_are_matched_exactly(workbook) -> None:  # type: ignore[no-untyped-def]
    places = workbook["Places"]
    row = next(r for r in places.iter_rows(min_row=2) if r[0].value == WILDCARD_PLACE)
    assert row[4].value.startswith("=SUMPRODUCT(")


def test_user_text_can_never_run_as_a_formula(workbook_bytes: bytes, workbook) -> None:  # type: ignore[no-untyped-def]
    found = 0
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value in (
                    INJECTED_PARTNER,
                    INJECTED_INTERVENTION,
                    WILDCARD_PLACE,
                    "+Finance Lead",
                ):
                    assert cell.data_type == "s"
                    assert cell.quotePrefix
                    found += 1
    assert found >= 10
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>HYPERLINK" not in xml and "<f>SUM(1+1)" not in xml


def test_sensitivity_lists_every_binding_rule_and_each_unfunded_intervention(
    workbook, view
) -> None:  # type: ignore[no-untyped-def]
    cells = [row for row in workbook["Sensitivity"].iter_rows(values_only=True)]
    assert cells[0][:8] == (
        "Rule",
        "Kind of rule",
        "Final value",
        f"Shadow price ({view.result.objective_unit} per unit)",
        "Limit (R.H. side)",
        "Allowable increase",
        "Allowable decrease",
        "What it means",
    )
    rules = {row[8]: row for row in cells if len(row) > 8 and row[8]}
    for binding in view.result.binding_constraints:
        found = rules[binding.row]
        assert found[0] == binding.label and "|" not in found[0]
        assert found[7] == binding.sentence
        assert found[3] == pytest.approx(binding.shadow_price, abs=1e-6)
        assert found[2] == pytest.approx(binding.activity, abs=1e-4)
        assert found[4] == pytest.approx(binding.limit, abs=1e-4)
    budget = next(b for b in view.result.binding_constraints if b.family == "budget")
    increase = rules[budget.row][5]
    assert increase == "No limit" or increase == pytest.approx(budget.allowable_increase, abs=1e-4)
    unfunded = {row[0]: row for row in cells}
    for item in view.result.not_funded:
        assert unfunded[item.name][5] == item.sentence
    assert "Rated NE" in unfunded["Scared Straight"][1]


def test_inputs_sheet_holds_every_input(workbook, view) -> None:  # type: ignore[no-untyped-def]
    text = {
        cell
        for row in workbook["Inputs"].iter_rows(values_only=True)
        for cell in row
        if cell is not None
    }
    for name in [
        "Family Nurse Partnership",
        INJECTED_PARTNER,
        "Bradford East",
        "Child entering care",
    ]:
        assert name in text
    assert 55000 in text


def test_largest_remainder_rounding_keeps_the_total() -> None:
    amounts = [1.4, 1.4, 1.2]
    rounded = largest_remainder(amounts, Decimal(4), Decimal(1))
    assert rounded == [Decimal(2), Decimal(1), Decimal(1)]  # ties go to the first
    assert sum(largest_remainder([0.333, 0.333, 0.334], Decimal("1.00"), Decimal("0.01"))) == 1


@pytest.mark.libreoffice
def test_recalculated_totals_equal_the_plan_to_the_pound(recalculated, view) -> None:  # type: ignore[no-untyped-def]
    plan = view.result
    allocations = recalculated["Allocations"]
    total_row = next(r for r in allocations.iter_rows(values_only=True) if r[0] == "Total")
    assert abs(total_row[9] - plan.total_spend) < 1
    funding = {row[0]: row for row in recalculated["Funding"].iter_rows(values_only=True) if row[0]}
    assert abs(funding["All partners"][len(view.years) + 1] - plan.total_spend) < 1
    by_intervention = {
        row[0]: row
        for row in recalculated["Funding by intervention"].iter_rows(values_only=True)
        if row[0]
    }
    total = by_intervention["All interventions"][len(view.partner_keys()) + 1]
    assert abs(total - plan.total_spend) < 1
    contributions = {
        row[0]: row[1]
        for row in recalculated["Partners"].iter_rows(min_row=2, values_only=True)
        if row[0]
    }
    for outcome in plan.partners:
        assert abs(contributions[outcome.name] - outcome.contribution) < 1
    spend = {
        row[0]: row[4]
        for row in recalculated["Places"].iter_rows(min_row=2, values_only=True)
        if row[0]
    }
    for place in plan.places:
        assert abs(spend[place.name] - place.spend) < 1
    results = [
        row[2] for row in recalculated["Checks"].iter_rows(min_row=2, values_only=True) if row[2]
    ]
    assert results and all(result == "OK" for result in results), results
    assert len(recalculated["Summary"]._charts) == 3


@pytest.mark.libreoffice
def test_changing_a_number_moves_the_totals_and_the_checks_turn_red(
    workbook_bytes, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    edited = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    allocations = edited["Allocations"]
    allocations["G2"] = allocations["G2"].value + 10  # ten more participants, nobody pays
    allocations["L3"] = allocations["L3"].value + 1000  # the police pay £1,000 more here
    buffer = io.BytesIO()
    edited.save(buffer)
    before = recalculate(workbook_bytes, tmp_path / "before")
    after = recalculate(buffer.getvalue(), tmp_path / "after")
    police_before = before["Funding"]["E2"].value
    assert after["Funding"]["E2"].value == pytest.approx(police_before + 1000)
    checks = {row[0]: row[2] for row in after["Checks"].iter_rows(values_only=True) if row[0]}
    assert checks["Partners' payments cover every allocation's cost"].startswith("Problem")
    assert checks["All checks"].startswith("Problem")


def solved_demo_plan(app) -> tuple[int, float, str]:  # type: ignore[no-untyped-def]
    """The demo partnership's pooled scenario, solved and stored: (plan id, total, scenario)."""
    from sqlmodel import select

    from models import Scenario
    from planner.db import new_session
    from planner.demo.loader import load_demo
    from planner.solving.service import solve_plan, start_plan

    with app.app_context():
        load_demo()
        with new_session() as session:
            scenario = session.exec(
                select(Scenario).where(Scenario.funding_mode == "pooled")
            ).first()
            plan = solve_plan(session, start_plan(session, scenario.id, None).id)
            return plan.id, float(plan.total_spend), scenario.name


def test_finance_lead_downloads_a_solved_demo_plan(app, sign_in_as, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The real thing: the demo partnership, solved and stored, exported through the route and
    the command line."""
    from models.vocabulary import Role

    plan_id, _total, name = solved_demo_plan(app)
    response = sign_in_as(Role.FINANCE_LEAD).get(f"/plans/{plan_id}/workbook.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    exported = openpyxl.load_workbook(io.BytesIO(response.data))
    # The demo's pooled scenario has a pooled-fund agreement, so its sheet follows Partners.
    assert "Pooled fund" in exported.sheetnames
    # The demo's index turns prices into cash: its Prices sheet follows Funding by intervention.
    assert (
        exported.sheetnames.index("Prices")
        == exported.sheetnames.index("Funding by intervention") + 1
    )
    added = ("Pooled fund", "Prices")
    assert tuple(name for name in exported.sheetnames if name not in added) == SHEET_ORDER
    assert exported.sheetnames.index("Pooled fund") == exported.sheetnames.index("Partners") + 1
    demand = [row[10] for row in rows_of(exported["Allocations"])]
    assert all(str(value).startswith("=ROUND(SUM('Benefits'!") for value in demand), (
        "expected demand avoided is a formula for each allocation"
    )
    assert sign_in_as(Role.COMMISSIONER).get(f"/plans/{plan_id}/workbook.xlsx").status_code == 200
    assert sign_in_as(Role.PLACE_LEAD).get(f"/plans/{plan_id}/workbook.xlsx").status_code == 403
    assert sign_in_as(Role.ADMIN).get("/plans/999/workbook.xlsx").status_code == 404
    path = tmp_path / "plan.xlsx"
    result = app.test_cli_runner().invoke(args=["export", name, str(path)])
    assert result.exit_code == 0, result.output
    assert f"plan {plan_id}" in result.output
    missing = app.test_cli_runner().invoke(args=["export", "No such scenario", str(path)])
    assert missing.exit_code != 0 and "no scenario called" in missing.output


@pytest.mark.libreoffice
def test_the_demo_plan_recalculates_with_every_check_ok(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The demo plan's workbook, recalculated by LibreOffice: totals equal the plan's and every
    check reads OK (skipped, naming the package to install, where LibreOffice is missing)."""
    soffice()
    plan_id, total, _name = solved_demo_plan(app)
    path = tmp_path / "plan.xlsx"
    result = app.test_cli_runner().invoke(args=["export", str(plan_id), str(path)])
    assert result.exit_code == 0, result.output
    recalculated = recalculate(path.read_bytes(), tmp_path)
    totals = next(
        r for r in recalculated["Allocations"].iter_rows(values_only=True) if r[0] == "Total"
    )
    assert abs(totals[9] - total) < 1
    checks = [
        row[2] for row in recalculated["Checks"].iter_rows(min_row=2, values_only=True) if row[2]
    ]
    assert len(checks) > 30 and all(check == "OK" for check in checks), checks


def test_without_libreoffice_recalculating_skips_naming_the_package(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("tests.excel.recalculate.shutil.which", lambda _name: None)
    monkeypatch.setattr("tests.conftest.REQUIRE_SYSTEM_PACKAGES", False)
    with pytest.raises(pytest.skip.Exception, match="libreoffice-calc-nogui"):
        soffice()


def test_a_plan_stopped_early_says_what_stopped_it(view) -> None:  # type: ignore[no-untyped-def]
    """The Summary's status names the limit the optimiser gave, not always the time limit."""
    stopped = dataclasses.replace(
        view.result,
        status=SolveStatus.TIME_LIMIT,
        messages=(
            "The solver stopped at its iteration limit: this plan is feasible, not proven best.",
        ),
    )
    summary = openpyxl.load_workbook(
        io.BytesIO(build_plan_workbook(dataclasses.replace(view, result=stopped)))
    )["Summary"]
    facts = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert facts["Solver status"] == (
        "Stopped early: a workable plan, not proven best. The solver stopped at its iteration "
        "limit: this plan is feasible, not proven best."
    )
