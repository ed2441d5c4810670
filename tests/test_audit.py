"""The audit log page: administrators filter events and see what each one changed."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Flask
from sqlmodel import select

from models import AuditEvent
from models.vocabulary import Role
from planner.audit.search import changes
from planner.db import new_session
from tests.test_inputs import page, seed


def test_admin_sees_changes_before_and_after(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    admin = sign_in_as(Role.ADMIN)
    admin.post(
        f"/inputs/partners/{ids['police']}/edit",
        data={"name": "West Yorkshire Police", "kind": "police", "district": "Leeds"},
    )
    log = page(admin.get("/audit/"))
    assert "Changed West Yorkshire Police" in log
    assert (
        '<th scope="row">district</th><td class="was"><span class="secondary">empty</span></td><td class="now">Leeds</td>'
        in log
    )
    assert "Added Kirklees Council" in log and "system" in log  # seeded without a user
    with app.app_context(), new_session() as session:
        update = session.exec(select(AuditEvent).where(AuditEvent.action == "update")).first()
    # Only what differs is listed for an update.
    assert [change.field for change in changes(update)] == ["district"]


def test_filters_by_kind_user_and_date(app: Flask, sign_in_as) -> None:
    seed(app)
    admin = sign_in_as(Role.ADMIN)
    admin.post(
        "/inputs/places/new", data={"name": "Batley", "district": "Kirklees", "need_index": "1"}
    )
    by_entity = page(admin.get("/audit/?entity=place"))
    assert "Added place Batley" in by_entity and "Added place Dewsbury" in by_entity
    assert "Added Kirklees Council" not in by_entity
    by_user = page(admin.get("/audit/?user=Admin"))
    assert "Added place Batley" in by_user and "Added place Dewsbury" not in by_user
    today = datetime.utcnow().date().isoformat()
    assert "Added place Batley" in page(admin.get(f"/audit/?from={today}&to={today}"))
    assert "No events match these filters" in page(
        admin.get("/audit/?from=2001-01-01&to=2001-01-02")
    )
    assert "0 events" in page(admin.get("/audit/?to=2001-01-02"))
    assert page(admin.get("/audit/?from=not-a-date")).count("Added place") == 2  # ignored


def test_long_logs_are_paged(app: Flask, sign_in_as) -> None:
    with app.app_context(), new_session() as session:
        for number in range(60):
            session.add(AuditEvent(action="update", entity="partner", summary=f"Change {number}"))
        session.commit()
    admin = sign_in_as(Role.ADMIN)
    first = page(admin.get("/audit/?entity=partner"))
    assert "60 events, page 1 of 2" in first and "Older events" in first
    second = page(admin.get("/audit/?entity=partner&page=2"))
    assert "Newer events" in second and len(re.findall(r"Change \d+<", second)) == 10


def test_only_admins_read_the_audit_log(app: Flask, sign_in_as) -> None:
    for role in (Role.COMMISSIONER, Role.FINANCE_LEAD, Role.PLACE_LEAD):
        assert sign_in_as(role).get("/audit/").status_code == 403
    signed_out = app.test_client().get("/audit/")
    assert signed_out.status_code == 302 and "/sign-in" in signed_out.location


def test_recorded_values_are_escaped(app: Flask, sign_in_as) -> None:
    with app.app_context(), new_session() as session:
        session.add(
            AuditEvent(
                action="update",
                entity="<b>partner</b>",
                user_name="<script>x()</script>",
                summary="<i>summary</i>",
                before={"name": "<img src=x>"},
                after={"name": "<svg onload=alert(1)>"},
            )
        )
        session.commit()
    shown = page(sign_in_as(Role.ADMIN).get("/audit/"))
    for hostile in (
        "<script>x()</script>",
        "<img src=x>",
        "<svg onload=alert(1)>",
        "<i>summary</i>",
    ):
        assert hostile not in shown
    assert "&lt;svg onload=alert(1)&gt;" in shown


def test_a_new_records_audit_names_it_by_its_whole_number_id(app: Flask) -> None:
    """SQLAlchemy 2.1 read SQLite's new ids back from INSERT ... RETURNING as floats: the
    effect ``seed`` adds to an intervention was audited as record '1.0' with id 1.0."""
    seed(app)
    with app.app_context(), new_session() as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "intervention_effect")
        ).one()
    assert event.entity_id.isdigit()
    assert event.after is not None and type(event.after["id"]) is int
