"""The plan workbook's checks catch every breach, each with its own check: the demo's plan is
exported, copies are edited as a finance lead would (one breach per copy: ring-fenced money moved
onto a parenting programme, a council's money moved onto another district's place, funding
changed in a closed commissioning window, a committed minimum raised, a maximum lowered or an
existing contract raised on the Inputs sheet, a capacity lowered, a fairness factor raised), LibreOffice recalculates them all
in one run, and exactly the matching check turns red while every other reads OK. An edit that
keeps to the rules (fewer participants, paid for with less money) comes back to all OK, with
its benefit moved in step with its participants."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from planner.excel.plan_checks import (
    CAPACITY,
    CONTRACTS,
    DISTRICTS,
    FAIRNESS,
    MAXIMUM,
    MINIMUM,
    RING_FENCE,
    WINDOW,
)
from planner.excel.plan_view import PlanWorkbookView
from planner.excel.plan_workbook import build_plan_workbook
from tests.excel.recalculate import recalculate_all, soffice

pytestmark = pytest.mark.libreoffice

VRU = "West Yorkshire Violence Reduction Unit"
BRADFORD = "Bradford Council"
POLICE = "West Yorkshire Police"
NHS = "NHS West Yorkshire Integrated Care Board"
MOVED = 500.0  # pounds moved in each edit: small, so no other limit is near


@dataclass(frozen=True)
class Row:
    """One allocation row as exported, with what each partner pays on it."""

    number: int
    intervention: str
    place: str
    district: str
    year: str
    category: str
    participants: float
    unit_cost: float
    paid: dict[str, float]


@pytest.fixture(scope="module")
def demo_view(demo_app) -> PlanWorkbookView:  # type: ignore[no-untyped-def]
    """The demo's pooled scenario solved and stored, as the workbook sees it."""
    from sqlmodel import select

    from models import Scenario
    from planner.db import new_session
    from planner.excel.stored_plan import plan_workbook_view
    from planner.solving.service import solve_plan, start_plan

    soffice()
    with demo_app.app_context(), new_session() as session:
        scenario = session.exec(select(Scenario).where(Scenario.funding_mode == "pooled")).first()
        plan = solve_plan(session, start_plan(session, scenario.id, None).id)
        return plan_workbook_view(session, plan)


@pytest.fixture(scope="module")
def exported(demo_view: PlanWorkbookView) -> bytes:
    return build_plan_workbook(demo_view)


def allocation_rows(sheet: Worksheet) -> list[Row]:
    header = [cell.value for cell in sheet[1]]
    payers = {
        str(name)[len("Paid by ") : -len(" (£)")]: index
        for index, name in enumerate(header)
        if str(name).startswith("Paid by ")
    }
    category = header.index("Category")
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if values[0] is None:
            break
        rows.append(
            Row(
                number,
                values[0],
                values[1],
                values[2],
                values[3],
                values[category],
                float(values[6]),
                _unit_cost(values, payers),
                {name: float(values[index] or 0) for name, index in payers.items()},
            )
        )
    return rows


def _unit_cost(values: tuple, payers: dict[str, int]) -> float:  # type: ignore[type-arg]
    """Column H: a figure, or at cash prices a formula (price x the Prices sheet's uplift),
    whose value is then what the partners pay per participant (the demo has no set-up costs)."""
    try:
        return float(values[7])
    except ValueError:
        return sum(float(values[index] or 0) for index in payers.values()) / float(values[6])


def paid_column(sheet: Worksheet, partner: str) -> int:
    header = [cell.value for cell in sheet[1]]
    return header.index(f"Paid by {partner} (£)") + 1


def move(sheet: Worksheet, onto: Row, off: Row, partner: str, other: str) -> None:
    """`partner`'s money moved from row `off` onto row `onto`, and the same amount of `other`'s
    the other way: every row's cost still paid in full, each partner's yearly spend unchanged."""
    mine, theirs = paid_column(sheet, partner), paid_column(sheet, other)
    for row, sign in ((onto, 1), (off, -1)):
        sheet.cell(row.number, mine).value = row.paid[partner] + sign * MOVED
        sheet.cell(row.number, theirs).value = row.paid[other] - sign * MOVED


def inputs_cell(sheet: Worksheet, title: str, match: dict[str, str], header: str) -> str:
    """The coordinate of `header`'s cell in the Inputs table titled `title`, on the row whose
    columns read as `match`."""
    start = next(cell.row for cell in sheet["A"] if cell.value == title)
    names = [cell.value for cell in sheet[start + 1]]
    for row in sheet.iter_rows(min_row=start + 2):
        if row[0].value is None:
            break
        if all(row[names.index(key)].value == value for key, value in match.items()):
            return row[names.index(header)].coordinate
    raise AssertionError(f"no row {match} in {title}")


def setting_cell(sheet: Worksheet, label: str) -> str:
    return next(f"B{cell.row}" for cell in sheet["A"] if cell.value == label)


def first(rows: Iterator[Row] | list[Row], what: str) -> Row:
    found = next(iter(rows), None)
    assert found is not None, f"the demo plan has no {what}"
    return found


def ring_fence_breach(sheet: Worksheet, rows: list[Row]) -> str:
    """The Violence Reduction Unit's ring-fenced money (diversion and mentoring) moved onto a
    parenting programme, the police's the other way, in the plan's last year: both may change
    their funding then (in 2026/27 the police's change would also break its closed 2027/28
    window, which must hold 2026/27's level: a second, real, breach)."""
    parenting = first(
        (
            r
            for r in rows
            if r.category == "Parenting" and r.year == "2028/29" and r.paid[POLICE] >= MOVED
        ),
        "parenting paid by the police in 2028/29",
    )
    fenced = first(
        (r for r in rows if r.year == "2028/29" and r.paid[VRU] >= MOVED),
        "Violence Reduction Unit spend in 2028/29",
    )
    move(sheet, parenting, fenced, VRU, POLICE)
    return f"{VRU}, 2028/29"


def district_breach(sheet: Worksheet, rows: list[Row]) -> str:
    """Bradford Council's money moved onto a Leeds place, a partnership-wide partner's the other
    way, on the same intervention and year (so no window or ring-fence is touched)."""
    for leeds in (r for r in rows if r.district == "Leeds"):
        for partner in (POLICE, NHS):
            if leeds.paid[partner] < MOVED:
                continue
            bradford = next(
                (
                    r
                    for r in rows
                    if r.district == "Bradford"
                    and r.intervention == leeds.intervention
                    and r.year == leeds.year
                    and r.paid[BRADFORD] >= MOVED
                ),
                None,
            )
            if bradford is not None:
                move(sheet, leeds, bradford, BRADFORD, partner)
                return f"{BRADFORD}, {leeds.year}"
    raise AssertionError("the demo plan has no Leeds row to move Bradford's money onto")


def window_breach(sheet: Worksheet, rows: list[Row]) -> str:
    """The police (window closed in 2027/28) pay £500 more for one intervention and £500 less
    for another that year, Leeds City Council (window open) the other way round, in Leeds."""
    leeds = [
        r
        for r in rows
        if r.year == "2027/28"
        and r.district == "Leeds"
        and r.intervention != "Focused deterrence"  # the police's contract keeps that one
    ]
    for off in (r for r in leeds if r.paid[POLICE] >= MOVED):
        onto = next(
            (
                r
                for r in leeds
                if r.intervention != off.intervention and r.paid["Leeds City Council"] >= MOVED
            ),
            None,
        )
        if onto is not None:
            move(sheet, onto, off, POLICE, "Leeds City Council")
            return f"{POLICE}, 2027/28"
    raise AssertionError("the demo plan has no Leeds rows paid by the police in 2027/28")


def spend_of(rows: list[Row], partner: str, year: str) -> float:
    return sum(r.paid[partner] for r in rows if r.year == year)


def minimum_breach(sheet: Worksheet, rows: list[Row]) -> str:
    """Bradford Council's 2026/27 committed minimum raised on the Inputs sheet to £1,000 above
    what the plan spends (still within its maximum)."""
    inputs = sheet.parent["Inputs"]
    cell = inputs_cell(
        inputs,
        "Inputs: Budget lines",
        {"Partner": BRADFORD, "Financial year": "2026/27"},
        "Committed minimum (£)",
    )
    inputs[cell] = round(spend_of(rows, BRADFORD, "2026/27") + 1000, 2)
    return f"{BRADFORD}, 2026/27"


def maximum_breach(sheet: Worksheet, rows: list[Row]) -> str:
    """Bradford Council's 2026/27 maximum lowered on the Inputs sheet to £1,000 below what the
    plan spends."""
    inputs = sheet.parent["Inputs"]
    cell = inputs_cell(
        inputs,
        "Inputs: Budget lines",
        {"Partner": BRADFORD, "Financial year": "2026/27"},
        "Maximum (£)",
    )
    inputs[cell] = round(spend_of(rows, BRADFORD, "2026/27") - 1000, 2)
    return f"{BRADFORD}, 2026/27"


def capacity_breach(sheet: Worksheet, rows: list[Row]) -> str:
    """A provider's capacity lowered on the Inputs sheet below the participants the plan gives
    one of its places."""
    busiest = max(rows, key=lambda r: r.participants)
    inputs = sheet.parent["Inputs"]
    cell = inputs_cell(inputs, "Inputs: Interventions", {"Name": busiest.intervention}, "Capacity")
    inputs[cell] = int(busiest.participants / 2)
    return ""


def fairness_breach(sheet: Worksheet, rows: list[Row]) -> str:
    """The scenario's fairness factor raised on the Inputs sheet from 0.3 to 0.31: the NHS,
    held at exactly 0.3 by the plan, now falls short."""
    inputs = sheet.parent["Inputs"]
    cell = setting_cell(inputs, "Partner fairness factor")
    assert inputs[cell].value == pytest.approx(0.3)
    inputs[cell] = 0.31
    return NHS


def contract_breach(sheet: Worksheet, rows: list[Row]) -> str:
    """The police's existing contract for focused deterrence raised on the Inputs sheet to
    £1,000 a year more than the plan pays for it."""
    paid = sum(
        r.paid[POLICE]
        for r in rows
        if r.intervention == "Focused deterrence" and r.year == "2026/27"
    )
    inputs = sheet.parent["Inputs"]
    cell = inputs_cell(
        inputs,
        "Inputs: Existing contracts",
        {"Partner": POLICE, "Intervention": "Focused deterrence"},
        "Annual amount (£)",
    )
    assert paid >= inputs[cell].value
    inputs[cell] = round(paid + 1000, 2)
    return POLICE


BREACHES: dict[str, tuple[Callable[[Worksheet, list[Row]], str], str]] = {
    "ring_fence": (ring_fence_breach, RING_FENCE),
    "district": (district_breach, DISTRICTS),
    "window": (window_breach, WINDOW),
    "minimum": (minimum_breach, MINIMUM),
    "maximum": (maximum_breach, MAXIMUM),
    "contract": (contract_breach, CONTRACTS),
    "capacity": (capacity_breach, CAPACITY),
    "fairness": (fairness_breach, FAIRNESS),
}


def fewer_participants(sheet: Worksheet, rows: list[Row], view: PlanWorkbookView) -> Row:
    """A consistent edit: half the participants on one row, its only payer paying half as much.

    The row is one the rules leave room to cut: paid by one partner whose window is open that
    year, above its committed minimum, with no contract for the intervention; an intervention
    rated 3 or above whose benefits fall to no partner the fairness rule holds tight (the NHS)."""
    inputs = view.planning_inputs
    assert inputs is not None
    nhs_demand = {d.name for d in inputs.demand_types if d.shares.get(NHS, 0) > 0}
    affects = {
        i.name: {d.name for d in inputs.demand_types for e in i.effects if e.demand_type == d.key}
        for i in inputs.interventions
    }
    rating = {i.name: i.evidence_rating for i in inputs.interventions}
    open_years = {c.partner: c.open_years for c in inputs.cycles}
    contracted = {(c.partner, c.intervention) for c in inputs.contracts}
    for row in sorted(rows, key=lambda r: -r.participants):
        payers = [p for p, amount in row.paid.items() if amount > 0]
        if len(payers) != 1 or payers[0] in (NHS, VRU) or row.participants < 4:
            continue
        payer = payers[0]
        year = int(row.year[:4])
        if (
            year in open_years.get(payer, (year,))
            and (payer, row.intervention) not in contracted
            and rating[row.intervention][0] in "34"
            and not affects[row.intervention] & nhs_demand
        ):
            half = row.participants / 2
            sheet.cell(row.number, 7).value = half
            cost = round(half * row.unit_cost, 2)
            sheet.cell(row.number, paid_column(sheet, payer)).value = cost
            return row
    raise AssertionError("the demo plan has no row the rules leave room to cut")


@pytest.fixture(scope="module")
def recalculated(exported: bytes, demo_view, tmp_path_factory) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The exported workbook and each edited copy, recalculated in one LibreOffice run; with,
    for each breach, the check's "About" it should turn red, and the row cut by the
    consistent edit."""
    contents = {"as_exported": exported}
    about: dict[str, str] = {}
    cut: Row | None = None
    for name in [*BREACHES, "consistent"]:
        workbook = openpyxl.load_workbook(io.BytesIO(exported))
        sheet = workbook["Allocations"]
        rows = allocation_rows(sheet)
        if name == "consistent":
            cut = fewer_participants(sheet, rows, demo_view)
        else:
            about[name] = BREACHES[name][0](sheet, rows)
        buffer = io.BytesIO()
        workbook.save(buffer)
        contents[name] = buffer.getvalue()
    books = recalculate_all(contents, tmp_path_factory.mktemp("checks"))
    return {"books": books, "about": about, "cut": cut}


def checks_of(workbook: openpyxl.Workbook) -> list[tuple[str, str, str]]:
    found = []
    for kind, about, result in workbook["Checks"].iter_rows(min_row=2, values_only=True):
        if kind is None:
            break
        found.append((kind, about or "", result))
    return found


def overall(workbook: openpyxl.Workbook) -> str:
    return next(
        row[2] for row in workbook["Checks"].iter_rows(values_only=True) if row[0] == "All checks"
    )


def test_the_exported_plan_passes_every_check(recalculated) -> None:  # type: ignore[no-untyped-def]
    checks = checks_of(recalculated["books"]["as_exported"])
    kinds = {kind for kind, _about, _result in checks}
    assert {RING_FENCE, DISTRICTS, WINDOW, CONTRACTS, MINIMUM, MAXIMUM, CAPACITY, FAIRNESS} <= kinds
    assert [check for check in checks if check[2] != "OK"] == []
    assert not any("as solved" in kind for kind, _about, _result in checks)
    assert overall(recalculated["books"]["as_exported"]) == "OK"


@pytest.mark.parametrize("breach", list(BREACHES))
def test_each_breach_turns_exactly_its_own_check_red(recalculated, breach: str) -> None:  # type: ignore[no-untyped-def]
    checks = checks_of(recalculated["books"][breach])
    red = [(kind, about) for kind, about, result in checks if result != "OK"]
    kind = BREACHES[breach][1]
    assert len(red) == 1, red
    assert red[0][0] == kind
    assert red[0][1].startswith(recalculated["about"][breach])
    assert all(result.startswith("Problem") for _kind, _about, result in checks if result != "OK")
    assert overall(recalculated["books"][breach]) == "Problem: 1 checks need attention"


def test_a_consistent_edit_returns_to_all_ok_with_its_benefit_moved(recalculated) -> None:  # type: ignore[no-untyped-def]
    """Half the participants, paid for with half the money: every check OK again, the row's
    benefit halved, and the Summary's value of demand avoided down by as much."""
    before, after = recalculated["books"]["as_exported"], recalculated["books"]["consistent"]
    cut: Row = recalculated["cut"]
    assert [check for check in checks_of(after) if check[2] != "OK"] == []
    value_before = before["Allocations"].cell(cut.number, 11).value
    value_after = after["Allocations"].cell(cut.number, 11).value
    assert value_before > 0
    assert value_after == pytest.approx(value_before / 2, abs=0.01)
    headline = {row[0]: row[1] for row in before["Summary"].iter_rows(values_only=True) if row[0]}
    moved = {row[0]: row[1] for row in after["Summary"].iter_rows(values_only=True) if row[0]}
    assert moved["Value of demand avoided (£)"] == pytest.approx(
        headline["Value of demand avoided (£)"] - value_before / 2, abs=1
    )
    assert moved["Total spend (£)"] < headline["Total spend (£)"]


def test_no_cell_of_the_demo_plan_says_none(exported: bytes) -> None:
    """The demo's effects once read "Standard error: None" in 22 cells of the Inputs sheet."""
    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    nones = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
        and "None" in cell.value.split()
        or isinstance(cell.value, str)
        and ": None" in cell.value
    ]
    assert nones == []
