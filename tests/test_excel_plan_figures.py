"""The plan workbook's figures against the plan they came from: expected demand avoided on every
allocation, each partner's yearly payments equal to the plan's budget lines to the penny, every
row's cost and payments the plan's own, Summary tables in whole pounds that add up to their
totals, Partners' benefit and fairness, Places' need share and floor; and, recalculated by
LibreOffice, every check reading OK to the penny."""

from __future__ import annotations

import dataclasses
import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest

from models.vocabulary import financial_year_label
from planner.excel.cells import to_pounds, whole_pounds
from planner.excel.plan_summary import UNRECONCILED
from planner.excel.plan_view import PlanWorkbookView
from planner.excel.plan_workbook import build_plan_workbook
from tests.excel.plan_fixtures import solved_view
from tests.excel.recalculate import recalculate

PENNY = Decimal("0.01")


@pytest.fixture(scope="module")
def view() -> PlanWorkbookView:
    return solved_view()


@pytest.fixture(scope="module")
def content(view: PlanWorkbookView) -> bytes:
    return build_plan_workbook(view)


@pytest.fixture(scope="module")
def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(PENNY)


def allocation_rows(workbook: openpyxl.Workbook) -> list[tuple]:
    rows = []
    for row in workbook["Allocations"].iter_rows(min_row=2, values_only=True):
        if row[0] is None:
            break
        rows.append(row)
    return rows


def partner_year_totals(workbook: openpyxl.Workbook, view: PlanWorkbookView) -> dict:
    """What Funding's SUMIFS add up: each partner's column of Allocations, year by year."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in allocation_rows(workbook):
        for offset, partner in enumerate(view.partner_keys()):
            totals[(partner, row[3])] += money(row[11 + offset])
    return totals


def summary_table(workbook: openpyxl.Workbook, title: str) -> dict[str, tuple]:
    """A Summary table's rows by label, up to and including its total row."""
    sheet = workbook["Summary"]
    rows = list(sheet.iter_rows(values_only=True))
    start = next(index for index, row in enumerate(rows) if row[0] == title) + 2
    found = {}
    for row in rows[start:]:
        if row[0] is None:
            break
        found[row[0]] = row
    return found


@pytest.mark.libreoffice
def test_expected_demand_avoided_is_the_optimisers_figure(recalculated, workbook, view) -> None:  # type: ignore[no-untyped-def]
    """Each row's benefit is a formula on the Benefits sheet that, recalculated at the plan's
    participants, gives the optimiser's own figure to the penny."""
    assert not view.demand_avoided, "built straight from the optimiser: nothing stored"
    by_key = {
        (
            view.intervention(a.intervention).name,
            view.place(a.place).name,
            financial_year_label(a.year),
        ): a
        for a in view.result.allocations
    }
    assert all(
        str(row[10]).startswith("=ROUND(SUM('Benefits'!") for row in allocation_rows(workbook)
    )
    shown = [
        (money(row[10]), by_key[(row[0], row[1], row[3])]) for row in allocation_rows(recalculated)
    ]
    for value, allocation in shown:
        assert value == to_pounds(allocation.value_of_demand_avoided)
    assert sum(value for value, _ in shown) == to_pounds(view.result.value_of_demand_avoided)


@pytest.mark.libreoffice
def test_plans_stored_before_allocations_carried_it_use_the_stored_figure(view, tmp_path) -> None:  # type: ignore[no-untyped-def]
    allocations = tuple(
        dataclasses.replace(a, value_of_demand_avoided=None) for a in view.result.allocations
    )
    stored = {(a.intervention, a.place, a.year): 100.0 + n for n, a in enumerate(allocations)}
    older = dataclasses.replace(
        view,
        result=dataclasses.replace(view.result, allocations=allocations),
        demand_avoided=stored,
    )
    workbook = recalculate(build_plan_workbook(older), tmp_path)
    values = sorted(money(row[10]) for row in allocation_rows(workbook))
    assert values == sorted(money(value) for value in stored.values())


def test_a_plan_solved_before_its_money_was_reconciled_says_so(workbook, view) -> None:  # type: ignore[no-untyped-def]
    older = dataclasses.replace(
        view, result=dataclasses.replace(view.result, budget_lines=(), spend_by_year=())
    )
    summary = openpyxl.load_workbook(io.BytesIO(build_plan_workbook(older)))["Summary"]
    assert UNRECONCILED in [cell.value for cell in summary["A"]]
    assert UNRECONCILED not in [cell.value for cell in workbook["Summary"]["A"]]


def test_each_partners_yearly_payments_are_the_plans_to_the_penny(workbook, view) -> None:  # type: ignore[no-untyped-def]
    totals = partner_year_totals(workbook, view)
    spend = {
        (line.partner, financial_year_label(line.year)): money(line.spend)
        for line in view.result.budget_lines
    }
    assert {group: total for group, total in totals.items() if total} == {
        group: amount for group, amount in spend.items() if amount
    }
    held = 0
    for line in view.result.budget_lines:
        total = totals[(line.partner, financial_year_label(line.year))]
        assert money(line.committed_minimum) <= total, line
        assert total <= money(line.maximum), line
        if line.held == "maximum":
            assert total == money(line.maximum), line
            held += 1
    assert held >= 7, "the fixture holds most budgets at their maximum"
    # Paid one by one and rounded one by one, this line's payments once added up to £89,999.99.
    assert totals[("council", "2028/29")] == Decimal("90000.00")
    for outcome in view.result.partners:
        paid = sum(
            amount for (partner, _year), amount in totals.items() if partner == outcome.partner
        )
        assert paid == money(outcome.contribution), outcome.name


def test_funding_cells_sum_those_columns_by_year(workbook, view) -> None:  # type: ignore[no-untyped-def]
    funding = workbook["Funding"]
    assert [funding.cell(1, 2 + n).value for n in range(len(view.years))] == view.year_labels
    police_column = workbook["Allocations"].cell(1, 12).value
    assert police_column == "Paid by West Yorkshire Police (£)"
    assert funding["B2"].value == ("=SUMIFS('Allocations'!$L$2:$L$19,'Allocations'!$D$2:$D$19,B$1)")


def test_every_row_is_the_plans_cost_paid_in_full_by_the_plans_payments(workbook, view) -> None:  # type: ignore[no-untyped-def]
    by_key = {
        (
            view.intervention(a.intervention).name,
            view.place(a.place).name,
            financial_year_label(a.year),
        ): a
        for a in view.result.allocations
    }
    partners = view.partner_keys()
    for row in allocation_rows(workbook):
        allocation = by_key[(row[0], row[1], row[3])]
        # The live formula's figure: ROUND(participants x unit cost + set-up, 2), halves up.
        cost = (Decimal(str(row[6])) * Decimal(str(row[7])) + Decimal(str(row[8]))).quantize(
            PENNY, ROUND_HALF_UP
        )
        assert cost == to_pounds(allocation.cost), row[:4]
        # Participants cost the plan's cost: within a penny's worth of the solver's.
        assert abs(row[6] - allocation.participants) <= 0.01 / row[7] + 0.00005, row[:4]
        paid = {f.partner: to_pounds(f.amount) for f in allocation.funding}
        payments = [money(row[11 + offset]) for offset in range(len(partners))]
        assert payments == [paid.get(key, Decimal(0)) for key in partners], row[:4]
        assert sum(payments) == cost
    assert sum(to_pounds(a.cost) for a in view.result.allocations) == to_pounds(
        view.result.total_spend
    )
    assert to_pounds(view.result.total_spend) == sum(
        money(o.contribution) for o in view.result.partners
    )


def test_summary_spend_by_year_and_rating_add_up_in_whole_pounds(workbook, view) -> None:  # type: ignore[no-untyped-def]
    total = whole_pounds(to_pounds(view.result.total_spend))
    by_year = summary_table(workbook, "Spend by financial year")
    exact_by_year = {
        financial_year_label(year.year): to_pounds(year.spend) for year in view.result.spend_by_year
    }
    for label in view.year_labels:
        shown = by_year[label][1]
        assert shown == int(shown) and abs(Decimal(shown) - exact_by_year[label]) < 1
    assert sum(Decimal(by_year[label][1]) for label in view.year_labels) == total
    assert by_year["All years"][1].startswith("=SUM(B")
    by_level = summary_table(workbook, "Spend by evidence rating")
    mix = {share.rating: Decimal(str(share.spend)) for share in view.result.evidence_mix}
    for level, spend in mix.items():
        assert abs(Decimal(by_level[level][1]) - spend) < 1, level
    assert sum(Decimal(by_level[level][1]) for level in mix) == total
    assert by_level["All levels"][1].startswith("=SUM(B")
    assert sum(exact_by_year.values()) == to_pounds(view.result.total_spend)


def test_partners_show_benefit_ratio_and_fairness_against_the_plan(workbook, view) -> None:  # type: ignore[no-untyped-def]
    """Benefit is each demand type's value avoided (Benefits) times the partner's share of its
    cost (Inputs); the fairness factor is the Inputs sheet's cell, not a typed figure."""
    rows = {
        row[0]: row for row in workbook["Partners"].iter_rows(min_row=2, values_only=True) if row[0]
    }
    for number, outcome in enumerate(view.result.partners, start=2):
        row = rows[outcome.name]
        if outcome.benefit > 0:
            assert row[2].startswith("=ROUND('Inputs'!$")
            assert "'Benefits'!$C$" in row[2]
        assert row[3] == f'=IF(B{number}>0,C{number}/B{number},"")'
        alpha = view.fairness[outcome.partner]
        assert row[4].startswith("='Inputs'!$B$")
        assert row[5] == f"=ROUND(E{number}*B{number},2)"
        assert (f"the scenario's factor, {alpha:g}," in row[6]) == (alpha > 0)
    assert view.fairness["evil"] == 0.5


def test_places_show_need_share_and_the_plans_floor(workbook, view) -> None:  # type: ignore[no-untyped-def]
    rows = {
        row[0]: row for row in workbook["Places"].iter_rows(min_row=2, values_only=True) if row[0]
    }
    for outcome in view.result.places:
        row = rows[outcome.name]
        assert row[3] == pytest.approx(outcome.need_share, abs=1e-6)
        assert row[7].startswith("=ROUND('Inputs'!$B$")
        assert row[7].endswith(
            "*'Allocations'!$J$21*D" + str(list(rows).index(outcome.name) + 2) + ",2)"
        )


@pytest.fixture(scope="module")
def recalculated(content: bytes, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    return recalculate(content, tmp_path_factory.mktemp("figures"))


@pytest.mark.libreoffice
def test_recalculated_figures_equal_the_plan_to_the_penny(recalculated, workbook, view) -> None:  # type: ignore[no-untyped-def]
    totals = partner_year_totals(workbook, view)
    funding = recalculated["Funding"]
    for index, partner in enumerate(view.partner_keys(), start=2):
        for offset, label in enumerate(view.year_labels, start=2):
            assert money(funding.cell(index, offset).value) == totals[(partner, label)]
    contributions = {
        row[0]: money(row[1])
        for row in recalculated["Partners"].iter_rows(min_row=2, values_only=True)
        if row[0]
    }
    for outcome in view.result.partners:
        assert contributions[outcome.name] == money(outcome.contribution)
    partners = {
        row[0]: row for row in recalculated["Partners"].iter_rows(min_row=2, values_only=True)
    }
    for outcome in view.result.partners:
        row = partners[outcome.name]
        assert money(row[2]) == pytest.approx(to_pounds(outcome.benefit), abs=Decimal("0.05"))
        if outcome.benefit_ratio is not None:
            assert row[3] == pytest.approx(outcome.benefit_ratio, abs=1e-4), outcome.name
        alpha = view.fairness[outcome.partner]
        required = Decimal(str(alpha * outcome.contribution)).quantize(PENNY, ROUND_HALF_UP)
        assert money(row[5]) == required, "Excel's ROUND takes halves up"
        assert row[7] == ("OK" if alpha > 0 else "No rule"), outcome.name
    places = {
        row[0]: row
        for row in recalculated["Places"].iter_rows(min_row=2, values_only=True)
        if row[0]
    }
    for outcome in view.result.places:
        assert money(places[outcome.name][7]) == to_pounds(outcome.need_floor)
    by_year = summary_table(recalculated, "Spend by financial year")
    assert (
        by_year["All years"][1]
        == recalculated["Summary"][
            "B"
            + str(next(c.row for c in recalculated["Summary"]["A"] if c.value == "Total spend (£)"))
        ].value
    )
    checks = {
        row[0]: row[2] for row in recalculated["Checks"].iter_rows(values_only=True) if row[0]
    }
    assert all(result == "OK" for check, result in checks.items() if check != "Check"), checks
