"""Input pages for partners, commissioning cycles, budget lines, existing contracts and the
commissioning calendar: happy paths, errors in words, roles, CSRF and escaping.

`seed` (also used by the other input tests) builds a small partnership through the services.
"""

from __future__ import annotations

import pytest
from flask import Flask
from markupsafe import escape
from sqlmodel import select

from models import AuditEvent, BudgetLine, CommissioningCycle, ExistingContract, Partner
from models.vocabulary import Role
from planner.db import new_session
from planner.inputs import service


def seed(app: Flask) -> dict[str, int]:
    """Kirklees Council (cycle, three budget lines, one contract) and West Yorkshire Police
    (one budget line, no cycle); one intervention, place, demand type and effect."""
    with app.app_context(), new_session() as session:
        kirklees = service.create_partner(
            session, {"name": "Kirklees Council", "kind": "local_authority", "district": "Kirklees"}
        )
        police = service.create_partner(
            session, {"name": "West Yorkshire Police", "kind": "police"}
        )
        service.save_cycle(
            session,
            kirklees.id,
            {"budget_setting_month": 2, "open_years": [2026, 2028], "contract_length_years": 2},
        )
        for year in (2026, 2027, 2028):
            service.create_budget_line(
                session, {"partner_id": kirklees.id, "year": year, "maximum": "500000"}
            )
        service.create_budget_line(
            session, {"partner_id": police.id, "year": 2026, "maximum": "800000"}
        )
        therapy = service.create_intervention(
            session,
            {
                "name": "Functional Family Therapy",
                "category": "family_support",
                "target_group": "young people aged 10-17 at risk",
                "unit_cost": "950",
                "price_year": 2022,
                "evidence_rating": "3+",
                "cost_rating": 3,
                "rating_source": "EIF Guidebook",
                "rating_date": "February 2018",
                "illustrative": True,
            },
        )
        dewsbury = service.create_place(
            session, {"name": "Dewsbury", "district": "Kirklees", "need_index": 1.3}
        )
        call_out = service.create_demand_type(
            session,
            {"name": "Police call-out", "unit": "call-out", "unit_cost": "629"},
            {kirklees.id: "40", police.id: "60"},
        )
        service.save_effect(
            session,
            therapy.id,
            {"demand_type_id": call_out.id, "reduction_per_participant": 0.2, "years_after": "1-3"},
        )
        service.save_population(
            session,
            dewsbury.id,
            {"target_group": "young people aged 10-17 at risk", "population": 900},
        )
        contract = service.create_contract(
            session,
            {
                "partner_id": kirklees.id,
                "intervention_id": therapy.id,
                "place_id": dewsbury.id,
                "years": "2026/27, 2027/28",
                "annual_amount": "50000",
            },
        )
        return {
            "kirklees": kirklees.id,
            "police": police.id,
            "therapy": therapy.id,
            "dewsbury": dewsbury.id,
            "call_out": call_out.id,
            "contract": contract.id,
        }  # type: ignore[return-value]


def page(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def audit_events(app: Flask, entity: str) -> list[AuditEvent]:
    with app.app_context(), new_session() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.entity == entity)).all())


def test_finance_lead_reads_partners_budgets_and_contracts(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.FINANCE_LEAD)
    listing = page(client.get("/inputs/partners"))
    assert "Kirklees Council" in listing and "West Yorkshire Police" in listing
    assert "£1,500,000" in listing  # Kirklees's three budget lines
    assert "Add a partner" not in listing  # finance leads read, they do not edit
    partner = page(client.get(f"/inputs/partners/{ids['kirklees']}"))
    assert "February" in partner and "2026/27, 2028/29" in partner
    assert "Functional Family Therapy" in partner and "£50,000" in partner
    matrix = page(client.get("/inputs/budget-lines"))
    assert "£1,300,000" in matrix  # 2026/27 total: 500,000 + 800,000
    assert "Dewsbury" in page(client.get("/inputs/contracts"))
    assert client.get(f"/inputs/partners/{ids['kirklees']}/edit").status_code == 403
    assert client.post("/inputs/partners/new", data={"name": "X"}).status_code == 403


def test_commissioner_adds_and_changes_a_partner(app: Flask, sign_in_as) -> None:
    client = sign_in_as(Role.COMMISSIONER)
    assert "Kind of organisation" in page(client.get("/inputs/partners/new"))
    response = client.post(
        "/inputs/partners/new",
        data={"name": "Calderdale Council", "kind": "local_authority", "district": "Calderdale"},
    )
    assert response.status_code == 302
    shown = page(client.get(response.location))
    assert "Added Calderdale Council" in shown and "No commissioning cycle recorded" in shown
    partner_id = int(response.location.rstrip("/").split("/")[-1])
    changed = client.post(
        f"/inputs/partners/{partner_id}/edit",
        data={
            "name": "Calderdale Metropolitan Borough Council",
            "kind": "local_authority",
            "district": "",
        },
    )
    assert changed.status_code == 302
    with app.app_context(), new_session() as session:
        partner = session.get(Partner, partner_id)
        assert partner.name == "Calderdale Metropolitan Borough Council"
        assert partner.district is None
    events = audit_events(app, "partner")
    assert [event.action for event in events] == ["create", "update"]
    assert events[1].before["name"] == "Calderdale Council"
    assert events[1].after["name"] == "Calderdale Metropolitan Borough Council"
    assert events[1].user_name == "Commissioner"


def test_partner_form_says_what_is_wrong(app: Flask, sign_in_as) -> None:
    seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    blank = client.post("/inputs/partners/new", data={"name": "  ", "kind": "police"})
    assert blank.status_code == 422
    assert "There is a problem" in page(blank)
    assert "Name is required" in page(blank)
    duplicate = client.post(
        "/inputs/partners/new", data={"name": "Kirklees Council", "kind": "other"}
    )
    assert escape("There is already a partner called 'Kirklees Council'") in page(duplicate)
    unknown_kind = client.post("/inputs/partners/new", data={"name": "A", "kind": "bank"})
    assert "Kind of organisation must be one of" in page(unknown_kind)


def test_partner_in_use_cannot_be_deleted(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    reason = (
        "Kirklees Council cannot be deleted: it has 3 budget lines and 1 existing contract; "
        "it bears a share of the cost of Police call-out"
    )
    assert reason in page(client.get(f"/inputs/partners/{ids['kirklees']}/delete"))
    refused = client.post(f"/inputs/partners/{ids['kirklees']}/delete")
    assert refused.status_code == 409
    with app.app_context(), new_session() as session:
        assert session.get(Partner, ids["kirklees"]) is not None


def test_unused_partner_is_deleted_and_audited(app: Flask, sign_in_as) -> None:
    client = sign_in_as(Role.ADMIN)
    client.post(
        "/inputs/partners/new", data={"name": "Leeds City Council", "kind": "local_authority"}
    )
    with app.app_context(), new_session() as session:
        partner_id = session.exec(select(Partner.id)).one()
    assert "Are you sure you want to delete Leeds City Council?" in page(
        client.get(f"/inputs/partners/{partner_id}/delete")
    )
    done = client.post(f"/inputs/partners/{partner_id}/delete")
    assert done.status_code == 302
    assert "Deleted Leeds City Council" in page(client.get(done.location))
    with app.app_context(), new_session() as session:
        assert session.get(Partner, partner_id) is None
    deleted = [event for event in audit_events(app, "partner") if event.action == "delete"]
    assert deleted[0].before["name"] == "Leeds City Council" and deleted[0].after is None


def test_commissioning_cycle_form(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    url = f"/inputs/partners/{ids['police']}/cycle"
    form = page(client.get(url))
    assert "<legend" in form and "2027/28" in form  # open years as labelled checkboxes
    wrong = client.post(
        url,
        data={"budget_setting_month": "2", "open_years": ["2026"], "contract_length_years": "0"},
    )
    assert "Usual contract length, in years must be 1 or more" in page(wrong)
    saved = client.post(
        url,
        data={
            "budget_setting_month": "3",
            "open_years": ["2026", "2027"],
            "contract_length_years": "2",
        },
    )
    assert saved.status_code == 302
    shown = page(client.get(f"/inputs/partners/{ids['police']}"))
    assert "March" in shown and "2026/27, 2027/28" in shown
    assert audit_events(app, "commissioning_cycle")[-1].after["partner"] == "West Yorkshire Police"


def test_budget_line_form(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    assert "Financial year" in page(
        client.get(f"/inputs/budget-lines/new?partner_id={ids['police']}")
    )
    above = client.post(
        "/inputs/budget-lines/new",
        data={
            "partner_id": ids["police"],
            "year": "2027",
            "maximum": "100000",
            "minimum": "£150,000",
        },
    )
    assert (
        "The committed minimum (£150,000.00) is more than the maximum (£100,000.00) for 2027/28"
        in page(above)
    )
    negative = client.post(
        "/inputs/budget-lines/new",
        data={"partner_id": ids["police"], "year": "2027", "maximum": "-5"},
    )
    assert "Most it can contribute must be 0 or more" in page(negative)
    twice = client.post(
        "/inputs/budget-lines/new",
        data={"partner_id": ids["police"], "year": "2026", "maximum": "5"},
    )
    assert "West Yorkshire Police already has a budget line for 2026/27" in page(twice)
    added = client.post(
        "/inputs/budget-lines/new",
        data={
            "partner_id": ids["police"],
            "year": "2027",
            "maximum": "£1,000,000",
            "minimum": "250000",
            "status": "confirmed",
            "ring_fence": ["diversion"],
            "districts": ["Kirklees"],
        },
    )
    assert added.status_code == 302
    with app.app_context(), new_session() as session:
        line = session.exec(
            select(BudgetLine).where(
                BudgetLine.partner_id == ids["police"], BudgetLine.year == 2027
            )
        ).one()
        assert line.maximum == 1_000_000 and line.minimum == 250_000
        assert line.ring_fence == ["diversion"] and line.districts == ["Kirklees"]
    edit = page(client.get(f"/inputs/budget-lines/{line.id}/edit"))
    assert 'value="diversion" checked' in edit


def test_budget_line_cannot_go_below_or_leave_its_contracts(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    with app.app_context(), new_session() as session:
        line = session.exec(
            select(BudgetLine).where(
                BudgetLine.partner_id == ids["kirklees"], BudgetLine.year == 2026
            )
        ).one()
    too_small = client.post(
        f"/inputs/budget-lines/{line.id}/edit",
        data={"partner_id": ids["kirklees"], "year": "2026", "maximum": "40000"},
    )
    assert (
        "Kirklees Council&#39;s existing contracts in 2026/27 come to £50,000.00, more than its "
        "budget line maximum of £40,000.00" in page(too_small)
    )
    refused = client.post(f"/inputs/budget-lines/{line.id}/delete")
    assert refused.status_code == 409
    assert "so that year needs a budget line" in page(refused)


def test_existing_contract_form(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    fields = {
        "partner_id": ids["kirklees"],
        "intervention_id": ids["therapy"],
        "place_id": "",
        "annual_amount": "20000",
    }
    outside = client.post("/inputs/contracts/new", data={**fields, "years": ["2030"]})
    assert (
        "2030/31 is outside the planning horizon: Kirklees Council has no budget line for that year"
        in page(outside)
    )
    none = client.post("/inputs/contracts/new", data=fields)
    assert "name at least one financial year the contract covers" in page(none)
    too_much = client.post(
        "/inputs/contracts/new", data={**fields, "years": ["2026"], "annual_amount": "460000"}
    )
    assert "come to £510,000.00, more than its budget line maximum of £500,000.00" in page(too_much)
    added = client.post("/inputs/contracts/new", data={**fields, "years": ["2028"]})
    assert added.status_code == 302
    listing = page(client.get("/inputs/contracts"))
    assert "All places" in listing and "2028/29" in listing
    edited = client.post(
        f"/inputs/contracts/{ids['contract']}/edit",
        data={**fields, "place_id": ids["dewsbury"], "years": ["2026"], "annual_amount": "60000"},
    )
    assert edited.status_code == 302
    with app.app_context(), new_session() as session:
        contract = session.get(ExistingContract, ids["contract"])
        assert contract.years == [2026] and contract.annual_amount == 60000
    assert client.post(f"/inputs/contracts/{ids['contract']}/delete").status_code == 302
    with app.app_context(), new_session() as session:
        assert session.get(ExistingContract, ids["contract"]) is None
    assert [e.action for e in audit_events(app, "existing_contract")][-2:] == ["update", "delete"]


def test_commissioning_calendar(app: Flask, sign_in_as) -> None:
    seed(app)
    client = sign_in_as(Role.FINANCE_LEAD)
    calendar = page(client.get("/inputs/calendar"))
    assert "<caption>Partners by financial year, 2026/27 to 2028/29</caption>" in calendar
    assert "Budget set February 2026" in calendar
    assert "Contracts let now run to 2027/28" in calendar  # 2026/27 window, 2-year contracts
    assert "Ends: Functional Family Therapy (Dewsbury)" in calendar  # last year 2027/28
    assert "Cycle not recorded" in calendar  # the police have no cycle yet
    # Kirklees is the only partner with a cycle, so its open years are joint windows.
    assert "Every partner with a recorded cycle can commission in 2026/27 and 2028/29" in calendar
    assert "Window open" in calendar and "Window closed" in calendar


INPUT_PAGES = [
    "/inputs/",
    "/inputs/partners",
    "/inputs/partners/{kirklees}",
    "/inputs/budget-lines",
    "/inputs/contracts",
    "/inputs/calendar",
    "/inputs/demand-types",
    "/inputs/interventions",
    "/inputs/interventions/{therapy}",
    "/inputs/places",
    "/inputs/places/{dewsbury}",
    "/inputs/partners/new",
    "/inputs/partners/{kirklees}/delete",
]


def test_place_leads_cannot_see_inputs_and_strangers_must_sign_in(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    place_lead = sign_in_as(Role.PLACE_LEAD, place_ids=[ids["dewsbury"]])
    stranger = app.test_client()
    for path in INPUT_PAGES:
        url = path.format(**ids)
        assert place_lead.get(url).status_code == 403, url
        signed_out = stranger.get(url)
        assert signed_out.status_code == 302 and "/sign-in" in signed_out.location, url


def test_finance_lead_cannot_change_inputs(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.FINANCE_LEAD)
    for url in (
        f"/inputs/partners/{ids['kirklees']}/cycle",
        "/inputs/budget-lines/new",
        f"/inputs/contracts/{ids['contract']}/edit",
        f"/inputs/contracts/{ids['contract']}/delete",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, data={}).status_code == 403
    with app.app_context(), new_session() as session:
        assert session.get(ExistingContract, ids["contract"]) is not None


def test_forms_refuse_posts_without_the_csrf_token(csrf_app: Flask) -> None:
    from tests.conftest import add_user

    client = csrf_app.test_client()
    # Signing in needs the token too: take it from the sign-in form.
    email = add_user(csrf_app, Role.COMMISSIONER)
    token_page = page(client.get("/sign-in"))
    token = token_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    sign_in_response = client.post(
        "/sign-in", data={"email": email, "password": "correct horse battery", "csrf_token": token}
    )
    assert sign_in_response.status_code == 302
    response = client.post("/inputs/partners/new", data={"name": "Forged", "kind": "other"})
    assert response.status_code == 400
    with csrf_app.app_context(), new_session() as session:
        assert session.exec(select(Partner)).first() is None
    form = page(client.get("/inputs/partners/new"))
    token = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    accepted = client.post(
        "/inputs/partners/new", data={"name": "Real", "kind": "other", "csrf_token": token}
    )
    assert accepted.status_code == 302


def test_partner_names_are_shown_escaped(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    hostile = "<script>alert(1)</script>"
    client.post(f"/inputs/partners/{ids['police']}/edit", data={"name": hostile, "kind": "police"})
    for url in (
        "/inputs/partners",
        f"/inputs/partners/{ids['police']}",
        "/inputs/budget-lines",
        "/inputs/calendar",
        "/inputs/demand-types",
        f"/inputs/partners/{ids['police']}/delete",
    ):
        shown = page(client.get(url))
        assert hostile not in shown, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown, url


def test_missing_records_are_not_found(app: Flask, sign_in_as) -> None:
    client = sign_in_as(Role.COMMISSIONER)
    missing = client.get("/inputs/partners/999")
    assert missing.status_code == 404
    assert "There is no partner with id 999" in page(missing)
    assert client.get("/inputs/budget-lines/999/edit").status_code == 404


def test_commissioning_cycles_are_listed_with_their_actions(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    editor = page(sign_in_as(Role.COMMISSIONER).get("/inputs/cycles"))
    assert "<h1>Commissioning cycles</h1>" in editor
    assert 'aria-current="page">Commissioning cycles</a>' in editor  # in the inputs menu
    kirklees = ids["kirklees"]
    assert f'href="/inputs/partners/{kirklees}/cycle"' in editor
    assert f'href="/inputs/partners/{kirklees}/cycle/delete"' in editor
    assert "February" in editor and "2026/27, 2028/29" in editor and "2 years" in editor
    # The police have no cycle: it can be recorded, not deleted.
    assert f'href="/inputs/partners/{ids["police"]}/cycle">Record' in editor
    assert f'href="/inputs/partners/{ids["police"]}/cycle/delete"' not in editor
    reader = page(sign_in_as(Role.FINANCE_LEAD).get("/inputs/cycles"))
    assert "2026/27, 2028/29" in reader and "/cycle/delete" not in reader
    assert sign_in_as(Role.PLACE_LEAD).get("/inputs/cycles").status_code == 403


def test_a_cycle_is_deleted_after_asking_and_the_deletion_is_audited(
    app: Flask, sign_in_as
) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    url = f"/inputs/partners/{ids['kirklees']}/cycle/delete"
    confirm = client.get(url)
    assert confirm.status_code == 200
    shown = page(confirm)
    assert "Are you sure you want to delete Kirklees Council&#39;s commissioning cycle?" in shown
    assert "plans treat every year as open for Kirklees Council" in shown
    assert audit_events(app, "commissioning_cycle")[-1].action == "create"  # nothing deleted yet
    done = client.post(url)
    assert done.status_code == 302 and done.location == "/inputs/cycles"
    with app.app_context(), new_session() as session:
        assert session.exec(select(CommissioningCycle)).first() is None
    event = audit_events(app, "commissioning_cycle")[-1]
    assert event.action == "delete" and event.after is None
    assert event.before["partner"] == "Kirklees Council"
    assert event.before["open_years"] == [2026, 2028]
    assert event.summary == "Deleted Kirklees Council's commissioning cycle"
    assert event.user_name == "Commissioner"
    assert "Deleted Kirklees Council&#39;s commissioning cycle." in page(
        client.get("/inputs/cycles")
    )
    # Gone: there is nothing left to delete.
    again = client.get(url)
    assert again.status_code == 404
    assert "Kirklees Council has no commissioning cycle recorded" in page(again)


@pytest.mark.parametrize("role", [Role.FINANCE_LEAD, Role.PLACE_LEAD])
def test_only_editors_may_delete_a_cycle(app: Flask, sign_in_as, role: Role) -> None:
    ids = seed(app)
    client = sign_in_as(role)
    url = f"/inputs/partners/{ids['kirklees']}/cycle/delete"
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    with app.app_context(), new_session() as session:
        assert session.exec(select(CommissioningCycle)).first() is not None


def test_deleting_a_cycle_needs_the_csrf_token(csrf_app: Flask) -> None:
    from tests.conftest import add_user

    ids = seed(csrf_app)
    email = add_user(csrf_app, Role.COMMISSIONER)
    client = csrf_app.test_client()
    token = page(client.get("/sign-in")).split('name="csrf_token" type="hidden" value="')[1]
    client.post(
        "/sign-in",
        data={
            "email": email,
            "password": "correct horse battery",
            "csrf_token": token.split('"')[0],
        },
    )
    refused = client.post(f"/inputs/partners/{ids['kirklees']}/cycle/delete")
    assert refused.status_code == 400
    with csrf_app.app_context(), new_session() as session:
        assert session.exec(select(CommissioningCycle)).first() is not None


def test_inputs_page_offers_the_workbooks_each_role_may_use(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    """Finance leads download the inputs (and the template); only editors are offered Import."""
    finance = sign_in_as(Role.FINANCE_LEAD).get("/inputs/").get_data(as_text=True)
    assert 'href="/inputs/current.xlsx"' in finance and 'href="/inputs/template.xlsx"' in finance
    assert 'href="/inputs/import"' not in finance
    commissioner = sign_in_as(Role.COMMISSIONER).get("/inputs/").get_data(as_text=True)
    assert 'href="/inputs/current.xlsx"' in commissioner and 'href="/inputs/import"' in commissioner
    downloaded = sign_in_as(Role.FINANCE_LEAD).get("/inputs/current.xlsx")
    assert downloaded.status_code == 200 and downloaded.data[:2] == b"PK"
