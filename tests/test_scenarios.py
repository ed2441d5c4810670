"""Scenario pages: every rule can be set and read back, mistakes are explained next to the field,
each change is audited, and only commissioners and admins may change or run a scenario."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from models import AuditEvent, BudgetLine, DemandType, Partner, Place, Plan, Scenario
from models.scenario import CapScope
from models.vocabulary import Role
from planner.db import new_session
from planner.scenarios.forms import form_values
from tests.conftest import add_user, sign_in
from tests.planning_fixtures import demo_client


@pytest.fixture(scope="module")
def commissioner(demo_app: Flask):  # type: ignore[no-untyped-def]
    return demo_client(demo_app, Role.COMMISSIONER)


@pytest.fixture(scope="module")
def finance(demo_app: Flask):  # type: ignore[no-untyped-def]
    return demo_client(demo_app, Role.FINANCE_LEAD)


@pytest.fixture(scope="module")
def place_lead(demo_app: Flask):  # type: ignore[no-untyped-def]
    return demo_client(demo_app, Role.PLACE_LEAD)


def errors_in(page: bytes) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", message).replace("Error:", "").strip()
        for message in re.findall(r'class="error-message"[^>]*>(.*?)</p>', page.decode(), re.S)
    ]


def scenario_named(app: Flask, name: str) -> Scenario | None:
    with app.app_context(), new_session() as session:
        scenario = session.exec(select(Scenario).where(Scenario.name == name)).first()
        if scenario is not None:
            scenario.budget_overrides, scenario.caps  # noqa: B018  (load before the session closes)
        return scenario


def partnership_ids(app: Flask) -> dict[str, Any]:
    with app.app_context(), new_session() as session:
        partners = session.exec(select(Partner).order_by(Partner.name)).all()
        return {
            "partners": [p.id for p in partners],
            "demand_types": [
                d.id for d in session.exec(select(DemandType).order_by(DemandType.name))
            ],
            "places": [p.id for p in session.exec(select(Place).order_by(Place.name))],
            "budget_line": session.exec(select(BudgetLine).order_by(BudgetLine.id)).first(),
        }


def full_form(app: Flask, name: str) -> dict[str, str]:
    """A new scenario's form with every rule changed from its default."""
    ids = partnership_ids(app)
    line = ids["budget_line"]
    values = form_values(None)
    values.update(
        {
            "name": name,
            "description": "Every rule set",
            "first_year": "2026",
            "horizon_years": "2",
            "funding_mode": "separate",
            "min_evidence_rating": "3",
            "min_share_rated_3_plus": "60",
            "bcr_threshold": "1.5",
            "portfolio_vfm_ratio": "2",
            "max_cost_per_unit_demand_type_id": str(ids["demand_types"][0]),
            "max_cost_per_unit": "25000",
            "partner_fairness": "0.4",
            f"fairness-{ids['partners'][0]}": "0",
            "need_floor": "50",
            "confidence-3": "0.7",
            "discount_rate": "3",
            "appraisal_years": "15",
            "objective": "priority",
            f"priority-{ids['demand_types'][0]}": "2",
            f"priority-{ids['demand_types'][1]}": "1",
            "segment_multipliers": "1, 0.75",
            "whole_programme": "y",
            "time_limit_seconds": "30",
            f"budget-max-{line.id}": "123456.78",
            f"budget-min-{line.id}": "1000",
            "cap-0-target": f"place:{ids['places'][0]}",
            "cap-0-maximum": "50000",
            "cap-1-target": "category:parenting",
            "cap-1-maximum": "80,000",
        }
    )
    return values


def test_readers_see_the_list_and_only_editors_see_actions(commissioner, finance) -> None:
    page = commissioner.get("/scenarios/")
    assert page.status_code == 200
    assert b"Pooled 2026-29" in page.data
    assert b"Create a scenario" in page.data
    read_only = finance.get("/scenarios/")
    assert read_only.status_code == 200
    assert b"Create a scenario" not in read_only.data
    summary = finance.get("/scenarios/1")
    assert summary.status_code == 200
    assert b"Run this scenario" not in summary.data
    assert b"Weakest evidence funded" in summary.data


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/scenarios/"),
        ("get", "/scenarios/1"),
        ("get", "/scenarios/new"),
        ("post", "/scenarios/new"),
        ("get", "/scenarios/1/edit"),
        ("post", "/scenarios/1/edit"),
        ("post", "/scenarios/1/copy"),
        ("get", "/scenarios/1/delete"),
        ("post", "/scenarios/1/delete"),
        ("post", "/scenarios/1/run"),
    ],
)
def test_place_leads_may_not_use_scenarios(place_lead, method: str, path: str) -> None:
    assert getattr(place_lead, method)(path).status_code == 403


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/scenarios/new"),
        ("post", "/scenarios/new"),
        ("get", "/scenarios/1/edit"),
        ("post", "/scenarios/1/edit"),
        ("post", "/scenarios/1/copy"),
        ("post", "/scenarios/1/delete"),
        ("post", "/scenarios/1/run"),
    ],
)
def test_finance_leads_read_but_do_not_change(finance, method: str, path: str) -> None:
    assert getattr(finance, method)(path).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(demo_app: Flask) -> None:
    response = demo_app.test_client().get("/scenarios/")
    assert response.status_code == 302
    assert "/sign-in" in response.location


def test_new_form_shows_every_rule_with_its_default(commissioner) -> None:
    page = commissioner.get("/scenarios/new").data.decode()
    for label in (
        "Years planned",
        "Funding",
        "Weakest evidence rating that may be funded",
        "Least share of spend on interventions rated 3 or above",
        "Confidence in expected effect",
        "Benefit-cost ratio threshold",
        "Value for money of the whole plan",
        "Most to spend per unit of demand avoided",
        "Partner fairness factor",
        "Set a different fairness factor for some partners",
        "Place need floor",
        "Caps on spend",
        "Budgets",
        "Priority weights",
        "Demand type to reduce",
        "Discount rate",
        "Appraisal period",
        "Diminishing returns",
        "Whole people and programmes",
        "Time limit",
    ):
        assert label in page, label
    assert "Default: 3.5%." in page
    # A new scenario plans whole people and programmes unless its maker turns it off.
    assert 'id="whole_programme" name="whole_programme" value="y" checked' in page
    assert "Default for a new scenario: on." in page
    assert 'name="discount_rate" value="3.5"' in page
    assert "West Yorkshire Police" in page  # budget lines and partners to override


def test_create_a_scenario_with_every_rule(demo_app: Flask, commissioner) -> None:
    response = commissioner.post("/scenarios/new", data=full_form(demo_app, "Every rule"))
    assert response.status_code == 302, errors_in(response.data)
    scenario = scenario_named(demo_app, "Every rule")
    assert scenario is not None
    ids = partnership_ids(demo_app)
    assert response.location == f"/scenarios/{scenario.id}"
    assert scenario.horizon_years == 2
    assert scenario.funding_mode == "separate"
    assert scenario.min_evidence_rating == "3"
    assert scenario.min_share_rated_3_plus == pytest.approx(0.6)
    assert scenario.need_floor == pytest.approx(0.5)
    assert scenario.discount_rate == pytest.approx(0.03)
    assert scenario.bcr_threshold == 1.5 and scenario.portfolio_vfm_ratio == 2
    assert scenario.max_cost_per_unit == Decimal("25000")
    assert scenario.partner_fairness_overrides == {str(ids["partners"][0]): 0.0}
    assert scenario.confidence_levels()["3"] == pytest.approx(0.7)
    assert scenario.objective == "priority"
    assert scenario.priority_weights == {
        str(ids["demand_types"][0]): 2.0,
        str(ids["demand_types"][1]): 1.0,
    }
    assert scenario.segment_multipliers == [1.0, 0.75]
    assert scenario.whole_programme and scenario.time_limit_seconds == 30
    [override] = scenario.budget_overrides
    assert (override.maximum, override.minimum) == (Decimal("123456.78"), Decimal("1000"))
    caps = {(cap.scope, cap.target): cap.maximum for cap in scenario.caps}
    assert caps == {
        (CapScope.PLACE, str(ids["places"][0])): Decimal("50000"),
        (CapScope.CATEGORY, "parenting"): Decimal("80000"),
    }
    summary = commissioner.get(f"/scenarios/{scenario.id}").data.decode()
    assert "£25,000.00 per" in summary
    assert "Parenting (category)" in summary
    assert "£123,457" in summary
    with demo_app.app_context(), new_session() as session:
        event = session.exec(
            select(AuditEvent).where(
                AuditEvent.entity == "scenario", AuditEvent.entity_id == str(scenario.id)
            )
        ).one()
    assert event.action == "create" and event.user_name == "Chris Commissioner (demo)"
    assert event.after["caps"][0]["maximum"] in ("50000", "80000")


def test_mistakes_are_explained_next_to_the_field_and_nothing_is_saved(
    demo_app: Flask, commissioner
) -> None:
    form = full_form(demo_app, "Mistakes")
    line = partnership_ids(demo_app)["budget_line"]
    form.update(
        {
            "horizon_years": "three",
            "min_share_rated_3_plus": "150",
            "bcr_threshold": "",
            "confidence-4": "2",
            "max_cost_per_unit": "",
            "objective": "single",
            "objective_demand_type_id": "",
            "segment_multipliers": "1, lots",
            f"budget-max-{line.id}": "100",
            f"budget-min-{line.id}": "200",
            "cap-1-maximum": "",
            "cap-2-target": "",
            "cap-2-maximum": "5000",
        }
    )
    response = commissioner.post("/scenarios/new", data=form)
    assert response.status_code == 422
    errors = errors_in(response.data)
    assert "Years planned must be a whole number of years from 1 to 10" in errors
    assert (
        "Least share of spend on interventions rated 3 or above must be a percentage from 0 to 100 "
        "with at most 2 decimal places, such as 33.33 (through the API, a fraction: 0.3333)"
    ) in errors
    assert "Benefit-cost ratio threshold is required: type a number from 0 to 100, such as 1" in (
        errors
    )
    assert "The confidence for each evidence rating must be a number from 0 to 1, such as 0.8" in (
        errors
    )
    assert (
        "The most to spend per unit avoided is required with its demand type: type an amount "
        "such as 12500 or 12500.50, or choose no demand type"
    ) in errors
    assert "Choose the demand type to reduce when optimising one type only" in errors
    assert "Segment multipliers must be 1 to 10 numbers from 0 to 1, such as 1, 0.8, 0.6" in errors
    assert any("is more than the maximum (£100.00)" in error for error in errors)
    assert "The cap is required: type an amount such as 12500 or 12500.50" in errors
    assert (
        "Choose what this cap limits (a place, an intervention or a category), or clear its amount"
        in errors
    )
    page = response.data.decode()
    # Each problem is shown against the input it is about.
    for field in ("confidence-4", f"budget-min-{line.id}", "cap-1-maximum", "cap-2-target"):
        assert f'href="#{field}"' in page, field
    assert 'value="three"' in page  # what was typed is kept
    assert 'href="#horizon_years"' in page  # the summary links to the field
    assert scenario_named(demo_app, "Mistakes") is None


def test_names_must_be_unique(demo_app: Flask, commissioner) -> None:
    blank = {**form_values(None), "first_year": "2026"}
    assert (
        commissioner.post("/scenarios/new", data={**blank, "name": "Unique one"}).status_code == 302
    )
    scenario = scenario_named(demo_app, "Unique one")
    assert scenario is not None
    # Keeping its own name (even re-typed with other capitals) is fine.
    same = commissioner.post(
        f"/scenarios/{scenario.id}/edit", data={**blank, "name": "unique ONE "}
    )
    assert same.status_code == 302
    clash = commissioner.post("/scenarios/new", data={**blank, "name": "Unique One"})
    assert clash.status_code == 422
    assert "There is already a scenario called ‘unique ONE’; choose another name" in errors_in(
        clash.data
    )


def test_editing_keeps_what_is_unchanged_and_audits_the_change(
    demo_app: Flask, commissioner
) -> None:
    commissioner.post("/scenarios/new", data=full_form(demo_app, "To edit"))
    scenario = scenario_named(demo_app, "To edit")
    assert scenario is not None
    with demo_app.app_context(), new_session() as session:
        values = form_values(session.get(Scenario, scenario.id))
    unchanged = commissioner.post(f"/scenarios/{scenario.id}/edit", data=values)
    assert unchanged.status_code == 302, errors_in(unchanged.data)
    again = scenario_named(demo_app, "To edit")
    assert again is not None
    # Saving re-stamps updated_at, which raises the version; nothing else changes.
    same = {"updated_at", "version"}
    assert again.model_dump(exclude=same) == scenario.model_dump(exclude=same)
    assert len(again.caps) == 2 and len(again.budget_overrides) == 1

    values.update({"bcr_threshold": "2.5", "cap-0-target": "", "cap-0-maximum": ""})
    changed = commissioner.post(f"/scenarios/{scenario.id}/edit", data=values)
    assert changed.status_code == 302
    after = scenario_named(demo_app, "To edit")
    assert after is not None and after.bcr_threshold == 2.5 and len(after.caps) == 1
    with demo_app.app_context(), new_session() as session:
        event = session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity_id == str(scenario.id), AuditEvent.action == "update")
            .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
        ).first()
    assert event is not None
    assert event.before["bcr_threshold"] == 1.5 and event.after["bcr_threshold"] == 2.5


def test_copy_takes_every_rule_override_and_cap(demo_app: Flask, commissioner) -> None:
    commissioner.post("/scenarios/new", data=full_form(demo_app, "Original"))
    original = scenario_named(demo_app, "Original")
    assert original is not None
    response = commissioner.post(f"/scenarios/{original.id}/copy")
    copy = scenario_named(demo_app, "Copy of Original")
    assert copy is not None
    assert response.location == f"/scenarios/{copy.id}/edit"
    assert copy.model_dump(
        exclude={"id", "name", "created_at", "updated_at"}
    ) == original.model_dump(exclude={"id", "name", "created_at", "updated_at"})
    assert len(copy.caps) == 2 and len(copy.budget_overrides) == 1
    commissioner.post(f"/scenarios/{original.id}/copy")
    assert scenario_named(demo_app, "Copy 2 of Original") is not None


def test_delete_asks_first_and_keeps_the_plans(demo_app: Flask, commissioner) -> None:
    commissioner.post("/scenarios/new", data=full_form(demo_app, "Doomed"))
    doomed = scenario_named(demo_app, "Doomed")
    assert doomed is not None
    with demo_app.app_context(), new_session() as session:
        plan = Plan(scenario_id=doomed.id, scenario_name=doomed.name, status="error", message="x")
        session.add(plan)
        session.commit()
        plan_id = plan.id
    confirm = commissioner.get(f"/scenarios/{doomed.id}/delete")
    assert b"Are you sure you want to delete" in confirm.data
    assert b"Its 1 plan will be kept" in confirm.data
    assert scenario_named(demo_app, "Doomed") is not None
    response = commissioner.post(f"/scenarios/{doomed.id}/delete")
    assert response.status_code == 302
    assert scenario_named(demo_app, "Doomed") is None
    with demo_app.app_context(), new_session() as session:
        kept = session.get(Plan, plan_id)
        assert kept is not None and kept.scenario_id is None and kept.scenario_name == "Doomed"
        assert session.exec(
            select(AuditEvent).where(
                AuditEvent.action == "delete", AuditEvent.entity_id == str(doomed.id)
            )
        ).first()


def test_unknown_scenarios_are_not_found(commissioner) -> None:
    assert commissioner.get("/scenarios/9999").status_code == 404
    assert commissioner.post("/scenarios/9999/run").status_code == 404


def test_scenario_names_are_escaped(demo_app: Flask, commissioner) -> None:
    name = "<script>alert('x')</script>"
    response = commissioner.post(
        "/scenarios/new",
        data={
            **form_values(None),
            "name": name,
            "first_year": "2026",
            "description": "<b>bold</b>",
        },
    )
    assert response.status_code == 302
    scenario = scenario_named(demo_app, name)
    assert scenario is not None
    for path in (
        "/scenarios/",
        f"/scenarios/{scenario.id}",
        f"/scenarios/{scenario.id}/edit",
        f"/scenarios/{scenario.id}/delete",
    ):
        page = commissioner.get(path).data.decode()
        assert "<script>alert" not in page, path
        assert "&lt;script&gt;alert(" in page, path
    assert "<b>bold</b>" not in commissioner.get(f"/scenarios/{scenario.id}").data.decode()


def test_forms_need_the_csrf_token(csrf_app: Flask) -> None:
    email = add_user(csrf_app, Role.COMMISSIONER)
    client = csrf_app.test_client()
    page = client.get("/sign-in").data.decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post(
        "/sign-in", data={"email": email, "password": "correct horse battery", "csrf_token": token}
    )
    form = {**form_values(None), "name": "Forged", "first_year": "2026"}
    refused = client.post("/scenarios/new", data=form)
    assert refused.status_code == 400
    assert b"did not come from this site" in refused.data
    form_page = client.get("/scenarios/new").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form_page).group(1)  # type: ignore[union-attr]
    accepted = client.post("/scenarios/new", data={**form, "csrf_token": token})
    assert accepted.status_code == 302
    for action in ("copy", "delete", "run"):
        assert client.post(f"/scenarios/1/{action}").status_code == 400


def test_a_scenario_can_be_made_before_any_budgets_exist(app: Flask) -> None:
    """An admin can set up scenarios on an empty partnership; the form says budgets are missing."""
    email = add_user(app, Role.ADMIN)
    client = app.test_client()
    sign_in(client, email)
    page = client.get("/scenarios/new")
    assert page.status_code == 200
    assert b"No budgets are recorded yet" in page.data
    response = client.post(
        "/scenarios/new", data={**form_values(None), "name": "Empty", "first_year": "2026"}
    )
    assert response.status_code == 302


def test_a_first_year_outside_the_budgets_stays_selected(demo_app: Flask, commissioner) -> None:
    blank = {**form_values(None), "name": "Looking back", "first_year": "2020"}
    assert commissioner.post("/scenarios/new", data=blank).status_code == 302
    scenario = scenario_named(demo_app, "Looking back")
    assert scenario is not None and scenario.first_year == 2020
    page = commissioner.get(f"/scenarios/{scenario.id}/edit").data.decode()
    assert '<option value="2020" selected>2020/21</option>' in page


def cap_rows_shown(page: bytes) -> int:
    return len(re.findall(r'<select class="input" id="cap-\d+-target"', page.decode()))


@pytest.mark.parametrize(
    ("posted", "shown"),
    [("abc", 3), ("", 3), ("-1", 3), ("1.5", 3), ("99999999999999999999", 3), ("2", 3)],
)
def test_a_forged_cap_row_count_neither_fails_nor_grows_the_page(
    commissioner, posted: str, shown: int
) -> None:
    """A new scenario's form offers three blank caps; whatever `cap-rows` says, it shows three
    again with the reasons (here: no name)."""
    form = {**form_values(None), "name": "", "first_year": "2026", "cap-rows": posted}
    response = commissioner.post("/scenarios/new", data=form)
    assert response.status_code == 422
    assert cap_rows_shown(response.data) == shown
    assert "The name is required: type a name such as Pooled 2026-29" in errors_in(response.data)


def test_cap_rows_follow_the_saved_caps_and_stop_at_fifty(demo_app: Flask, commissioner) -> None:
    commissioner.post("/scenarios/new", data=full_form(demo_app, "Capped twice"))
    scenario = scenario_named(demo_app, "Capped twice")
    assert scenario is not None and len(scenario.caps) == 2
    edit = commissioner.get(f"/scenarios/{scenario.id}/edit")
    assert cap_rows_shown(edit.data) == 5  # two saved caps and three blank rows
    with demo_app.app_context(), new_session() as session:
        values = form_values(session.get(Scenario, scenario.id))
    refused = commissioner.post(
        f"/scenarios/{scenario.id}/edit", data={**values, "name": "", "cap-rows": "1000000"}
    )
    assert refused.status_code == 422
    assert cap_rows_shown(refused.data) == 5
    assert len(refused.data) < 2_000_000


def test_cap_row_count_is_bounded() -> None:
    from planner.scenarios.forms import MAX_CAP_ROWS, cap_row_count

    assert cap_row_count("5", 2) == 5
    assert cap_row_count("4", 2) == 4
    assert cap_row_count("500", 2) == 5
    assert cap_row_count(None, 0) == 3
    assert cap_row_count("1000", 60) == 60  # never hides a saved cap
    assert cap_row_count("1000", 48) == MAX_CAP_ROWS
    assert cap_row_count("٣", 0) == 3  # digits, but not ASCII ones


def test_the_time_limit_stays_within_the_servers_ceiling(demo_app: Flask, commissioner) -> None:
    """The server stops every search at SOLVE_TIME_LIMIT (60 seconds in tests): the form says so
    and refuses more, rather than saving a limit that would be cut short without a word."""
    assert demo_app.config["SOLVE_TIME_LIMIT"] == 60
    form = commissioner.get("/scenarios/new").data.decode()
    assert "This server lets it search for at most 60 seconds." in form
    too_long = {**form_values(None), "name": "Patient", "first_year": "2026"}
    too_long["time_limit_seconds"] = "3600"
    refused = commissioner.post("/scenarios/new", data=too_long)
    assert refused.status_code == 422
    assert errors_in(refused.data) == [
        "Time limit must be a whole number of seconds from 1 to 60 (60 is the longest this "
        "server lets the optimiser search)"
    ]
    assert scenario_named(demo_app, "Patient") is None
    too_long["time_limit_seconds"] = "60"
    assert commissioner.post("/scenarios/new", data=too_long).status_code == 302


def test_a_lower_ceiling_lowers_a_new_scenarios_default(demo_app: Flask, commissioner) -> None:
    demo_app.config["SOLVE_TIME_LIMIT"] = 20
    try:
        form = commissioner.get("/scenarios/new").data.decode()
    finally:
        demo_app.config["SOLVE_TIME_LIMIT"] = 60
    assert "at most 20 seconds" in form
    assert re.search(r'id="time_limit_seconds" name="time_limit_seconds" value="20"', form)
