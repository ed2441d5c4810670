"""The plan workbook's Answer sheet and the Sensitivity sheet's Variable Cells and Constraints,
recalculated in LibreOffice as Excel would."""

from __future__ import annotations

import io
import zipfile

import pytest

from optimiser import NO_LIMIT
from optimiser.families import FAMILIES
from planner.excel.plan_workbook import build_plan_workbook
from tests.excel.plan_fixtures import solved_view
from tests.excel.recalculate import recalculate


@pytest.fixture(scope="module")
def view():  # type: ignore[no-untyped-def]
    return solved_view()


@pytest.fixture(scope="module")
def recalculated(view, tmp_path_factory):  # type: ignore[no-untyped-def]
    return recalculate(build_plan_workbook(view), tmp_path_factory.mktemp("answer"))


def test_the_answer_sheet_lists_every_rule_with_its_real_activity_and_slack(
    view, recalculated
) -> None:  # type: ignore[no-untyped-def]
    rules = view.result.rule_rows
    assert rules, "the small partnership has rules"
    sheet = recalculated["Answer"]
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[7]]
    assert [row[7] for row in rows] == [rule.row for rule in rules]
    order = list(FAMILIES)
    kinds = [order.index(rule.family) for rule in rules]
    assert kinds == sorted(kinds) and rules[0].family == "budget"  # budgets first
    for row, rule in zip(rows, rules, strict=True):
        label, _kind, final, sense, limit, slack, binding, _id = row
        assert label == rule.label
        assert final == pytest.approx(rule.activity, abs=1e-3)
        assert limit == pytest.approx(rule.limit, abs=1e-3)
        # Slack, worked out by LibreOffice from the two cells, is the optimiser's slack.
        assert slack == pytest.approx(rule.slack, abs=0.01)
        assert slack >= -0.01
        assert binding == ("Binding" if rule.binding else "Not binding")
        if not rule.binding:
            assert slack > 0 and rule.shadow_price == 0
    # A rule with a non-zero shadow price has no slack: final value equals the limit.
    for rule in rules:
        if rule.shadow_price:
            assert rule.slack == pytest.approx(0, abs=0.01)


def test_the_sensitivity_sheet_has_variable_cells_and_every_constraint(view, recalculated) -> None:  # type: ignore[no-untyped-def]
    cells = [row for row in recalculated["Sensitivity"].iter_rows(values_only=True)]
    first = [row[0] for row in cells]
    start = first.index("Variable Cells")
    assert cells[start + 1][:3] == ("Cell (participants)", "Final value", "Reduced cost")
    variables = cells[start + 2 : start + 2 + len(view.result.variable_cells)]
    assert len(variables) == len(view.result.variable_cells) > 0
    for row, cell in zip(variables, view.result.variable_cells, strict=True):
        assert row[0] == cell.name
        assert row[1] == pytest.approx(cell.final_value, abs=1e-3)
        assert row[3] == pytest.approx(cell.objective_coefficient, abs=1e-5)
        if cell.allowable_increase is not None and cell.allowable_increase >= NO_LIMIT:
            assert row[4] == "No limit"
    constraints = first.index("Constraints (every rule, budgets first)")
    listed = cells[constraints + 2 : constraints + 2 + len(view.result.rule_rows)]
    assert [row[0] for row in listed] == [rule.label for rule in view.result.rule_rows]
    for row, rule in zip(listed, view.result.rule_rows, strict=True):
        blank = rule.allowable_increase is None or rule.allowable_decrease is None
        assert not blank or row[6], f"{rule.label}: a blank range says why"
    # The binding rules at the top list budgets first too.
    kinds = [row[1] for row in cells[1 : 1 + len(view.result.binding_constraints)]]
    budget = FAMILIES["budget"].excel_label
    if budget in kinds:
        assert kinds[: kinds.count(budget)] == [budget] * kinds.count(budget)


def test_no_solver_code_reaches_the_workbook(view) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(build_plan_workbook(view))) as archive:
        text = " ".join(
            archive.read(name).decode(errors="ignore")
            for name in archive.namelist()
            if name.endswith(".xml")
        )
    assert "kOptimal" not in text and "Solver detail" not in text


def test_the_api_documents_and_returns_the_same_reports(view) -> None:  # type: ignore[no-untyped-def]
    from models import Plan
    from models.plan import PlanStatus
    from optimiser import plan_to_dict
    from planner.api.plans import PlanOut, with_money_as_text
    from planner.solving.reading import plan_json

    schema = PlanOut.model_json_schema()["properties"]
    assert "Answer report" in schema["rule_rows"]["description"]
    assert "Variable Cells" in schema["variable_cells"]["description"]
    stored = Plan(
        id=7, scenario_name="Small", status=PlanStatus.OPTIMAL, result=plan_to_dict(view.result)
    )
    answer = PlanOut.model_validate(with_money_as_text(plan_json(stored))).model_dump(mode="json")
    assert [rule["row"] for rule in answer["rule_rows"]] == [r.row for r in view.result.rule_rows]
    assert len(answer["variable_cells"]) == len(view.result.variable_cells)
    assert all("range_note" in rule for rule in answer["rule_rows"])
