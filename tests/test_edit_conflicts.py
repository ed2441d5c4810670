"""Two people changing the same record: the second save from an old version is refused with both
people's values, nothing is overwritten, and the audit log credits each with their own change.
Through the API: ETag, If-Match, 412 and 428."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from models import AuditEvent, BudgetLine, Partner, Scenario
from models.vocabulary import Role
from planner.db import new_session
from tests.planning_fixtures import demo_client


@pytest.fixture(scope="module")
def commissioner(demo_app: Flask) -> FlaskClient:
    return demo_client(demo_app, Role.COMMISSIONER)


@pytest.fixture(scope="module")
def admin(demo_app: Flask) -> FlaskClient:
    return demo_client(demo_app, Role.ADMIN)


def a_budget_line(app: Flask) -> BudgetLine:
    with app.app_context(), new_session() as session:
        line = session.exec(select(BudgetLine).order_by(col(BudgetLine.id))).first()
        assert line is not None
        return line


def form_of(client: FlaskClient, url: str) -> dict[str, object]:
    """The form's fields as the browser would post them back unchanged."""
    page = client.get(url).get_data(as_text=True)
    fields: dict[str, object] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio") and "checked" not in tag:
            continue
        fields.setdefault(name.group(1), [])
        fields[name.group(1)].append(value.group(1) if value else "")  # type: ignore[attr-defined]
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = [
            re.search(r'value="([^"]*)"', option).group(1)  # type: ignore[union-attr]
            for option in re.findall(r"<option[^>]*>", options)
            if " selected" in option
        ]
        fields[name] = chosen or [""]
    return fields


def test_a_stale_save_shows_both_peoples_values_and_overwrites_nothing(
    demo_app: Flask, commissioner: FlaskClient, admin: FlaskClient
) -> None:
    line = a_budget_line(demo_app)
    url = f"/inputs/budget-lines/{line.id}/edit"
    first, second = form_of(commissioner, url), form_of(admin, url)
    assert first["version"] == [str(line.version)] == second["version"]
    new_maximum = line.maximum + Decimal(1000)
    first["maximum"] = [str(new_maximum)]
    assert commissioner.post(url, data=first).status_code == 302
    # The second person, from the page they opened before, changes only the minimum.
    second["minimum"] = ["1234"]
    refused = admin.post(url, data=second)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Someone else changed this while you were editing it" in page
    assert "Your changes were not saved" in page
    assert "Chris Commissioner (demo) saved their changes at" in page
    assert re.search(r"Most it can contribute \(£\).*?differs.*?</th>", page, re.S)
    assert f"{new_maximum}" in page.replace(",", "")  # theirs, shown beside the admin's own
    assert '<input type="hidden" name="version" value="' + str(line.version + 1) + '">' in page
    with demo_app.app_context(), new_session() as session:
        stored = session.get(BudgetLine, line.id)
        assert stored is not None and stored.maximum == new_maximum
        assert stored.minimum == line.minimum and stored.version == line.version + 1
        events = audit_of(session, line.id)  # type: ignore[arg-type]
    assert len(events) == 1 and events[0].user_name == "Chris Commissioner (demo)"
    assert set(events[0].after or {}) == {"maximum"}  # only what the first person changed
    assert set(events[0].before or {}) == {"maximum"}


def audit_of(session: Session, line_id: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(
                AuditEvent.entity == "budget_line",
                AuditEvent.entity_id == str(line_id),
                AuditEvent.action == "update",
            )
        ).all()
    )


def test_saving_mine_over_theirs_is_a_choice_made_on_the_conflict_page(
    demo_app: Flask, commissioner: FlaskClient, admin: FlaskClient
) -> None:
    line = a_budget_line(demo_app)
    url = f"/inputs/budget-lines/{line.id}/edit"
    stale = form_of(admin, url)
    fresh = form_of(commissioner, url)
    fresh["status"] = ["confirmed" if line.status.value == "indicative" else "indicative"]
    assert commissioner.post(url, data=fresh).status_code == 302
    stale["minimum"] = ["2000"]
    page = admin.post(url, data=stale).get_data(as_text=True)
    resend = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    assert resend["minimum"] == "2000" and resend["version"] == str(line.version + 1)
    assert admin.post(url, data=resend).status_code == 302  # saved, on purpose
    with demo_app.app_context(), new_session() as session:
        stored = session.get(BudgetLine, line.id)
        assert stored is not None and stored.minimum == Decimal(2000)


def test_two_saves_racing_cannot_both_succeed(demo_app: Flask) -> None:
    line = a_budget_line(demo_app)
    with demo_app.app_context(), new_session() as one, new_session() as two:
        first, second = one.get(Partner, line.partner_id), two.get(Partner, line.partner_id)
        assert first is not None and second is not None
        first.notes, second.notes = "first", "second"
        one.commit()
        with pytest.raises(StaleDataError):
            two.commit()
    with demo_app.app_context(), new_session() as session:
        assert session.get(Partner, line.partner_id).notes == "first"  # type: ignore[union-attr]


def test_a_stale_scenario_save_is_refused_with_both_values(
    demo_app: Flask, commissioner: FlaskClient, admin: FlaskClient
) -> None:
    with demo_app.app_context(), new_session() as session:
        scenario = session.exec(select(Scenario).where(Scenario.name == "Each partner alone")).one()
    url = f"/scenarios/{scenario.id}/edit"
    first, second = form_of(commissioner, url), form_of(admin, url)
    assert first["version"] == [str(scenario.version)]
    first["description"] = ["Changed by the commissioner"]
    assert commissioner.post(url, data=first).status_code == 302
    second["description"] = ["Changed by the admin"]
    refused = admin.post(url, data=second)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Changed by the commissioner" in page and "Changed by the admin" in page
    with demo_app.app_context(), new_session() as session:
        stored = session.get(Scenario, scenario.id)
        assert stored is not None and stored.description == "Changed by the commissioner"


def test_the_api_needs_the_etag_to_change_a_record(demo_app: Flask) -> None:
    token = api_token(demo_app)
    client = demo_app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    line = a_budget_line(demo_app)
    url = f"/api/v1/budget-lines/{line.id}"
    read = client.get(url, headers=auth)
    etag = read.headers["ETag"]
    assert etag == f'"{line.version}"'
    missing = client.patch(url, json={"minimum": "10"}, headers=auth)
    assert missing.status_code == 428
    assert "If-Match" in missing.json["errors"][0]["message"]
    changed = client.patch(url, json={"minimum": "10"}, headers={**auth, "If-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] == f'"{line.version + 1}"'
    stale = client.patch(url, json={"minimum": "20"}, headers={**auth, "If-Match": etag})
    assert stale.status_code == 412
    assert "has been changed since you read it" in stale.json["errors"][0]["message"]
    with demo_app.app_context(), new_session() as session:
        assert session.get(BudgetLine, line.id).minimum == Decimal(10)  # type: ignore[union-attr]


def api_token(app: Flask) -> str:
    from models import User
    from planner.tokens.service import create_token

    with app.app_context(), new_session() as session:
        user = session.exec(select(User).where(User.role == Role.COMMISSIONER)).first()
        assert user is not None
        return create_token(session, user.id or 0, {"name": "conflicts"})[1]
