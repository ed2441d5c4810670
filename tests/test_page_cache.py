"""Kept pages (planner.core.page_cache): the agreed plan, plan pages, place pages and plan API
answers are rendered once per role and data generation, yet a reader always sees the data as
it is now, their own name and form token only, and only the places they may see."""

from __future__ import annotations

import gzip
import re
import uuid
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, text, update
from sqlmodel import col, select

from models import DataGeneration, Job, Place, Plan, User
from models.vocabulary import Role
from planner.auth.service import create_user
from planner.core.page_cache import KeptPage, PageCache, PageKey
from planner.db import new_session
from planner.jobs.service import new_job
from tests.conftest import PASSWORD, sign_in
from tests.planning_fixtures import demo_client

GZIP = {"Accept-Encoding": "gzip"}


def reader(app: Flask, role: Role, name: str, place_ids: list[int] | None = None) -> FlaskClient:
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    with app.app_context(), new_session() as session:
        fields = {"email": email, "name": name, "role": role.value, "password": PASSWORD}
        create_user(session, fields, place_ids=place_ids)
    client = app.test_client()
    sign_in(client, email)
    return client


def generation(app: Flask) -> int:
    with app.app_context(), new_session() as session:
        return session.exec(select(DataGeneration.value)).one()


def places(app: Flask) -> list[int]:
    with app.app_context(), new_session() as session:
        return list(session.exec(select(Place.id).order_by(col(Place.id))).all())  # type: ignore[arg-type]


def agreed_plan_id(app: Flask) -> int:
    page = demo_client(app, Role.COMMISSIONER).get("/agreed-plan/").get_data(as_text=True)
    found = re.search(r'href="/plans/(\d+)">Plan', page)
    assert found, page
    return int(found.group(1))


def kept_files(app: Flask) -> list[Path]:
    return sorted((Path(app.instance_path) / "page-cache").glob("*.page"))


def test_a_kept_page_is_the_same_page_plain_or_compressed_and_read_back_from_disk(
    tmp_path: Path,
) -> None:
    marker = "pagecacheabc"
    html = f"<p>{marker}name</p><form>{marker}csrf</form>é<i>{marker}csrf</i>" * 50
    page = KeptPage.of(html, "text/html", marker)
    assert page.holes[:3] == ("name", "csrf", "csrf")
    fills = {"name": b"Ann &amp; Bo", "csrf": b"token.123"}
    expected = (
        html.replace(f"{marker}name", "Ann &amp; Bo").replace(f"{marker}csrf", "token.123").encode()
    )
    assert page.body(fills) == expected
    assert gzip.decompress(page.gzipped(fills)) == expected
    # Another process reads the page another wrote, whole.
    writer, other = PageCache(tmp_path, "same"), PageCache(tmp_path, "same")
    with_app = Flask(__name__)
    key = PageKey("plan", 4, "commissioner", 7)
    with with_app.app_context():
        writer.put(key, page)
    assert other.get(key) == page
    # A newer app (a restart) does not read what an older one kept.
    assert PageCache(tmp_path, "newer").get(key) is None
    # A newer generation of the same page replaces the older file.
    with with_app.app_context():
        writer.put(PageKey("plan", 4, "commissioner", 8), page)
    assert [p.name for p in tmp_path.glob("*.page")] == ["plan-4-commissioner-same-8.page"]


def test_every_committed_change_raises_the_generation_and_nothing_else_does(
    demo_app: Flask,
) -> None:
    before = generation(demo_app)
    with demo_app.app_context(), new_session() as session:
        place = session.exec(select(Place)).first()
        assert place is not None
        place.description = "Raised by an ORM change"
        session.add(place)
        session.commit()
    assert generation(demo_app) == before + 1
    with demo_app.app_context(), new_session() as session:
        session.execute(update(Place).values(description="Raised by a bulk update"))
        session.commit()
        session.execute(text("UPDATE place SET description = 'by hand'"))
        session.rollback()  # undone: nothing changed, nothing raised
        session.exec(select(Place)).all()
        session.commit()  # a read-only transaction raises nothing either
    assert generation(demo_app) == before + 2
    with demo_app.app_context(), new_session() as session:
        # A job's heartbeat and progress show on no kept page.
        job = new_job(session, "pooling", {"plan_id": 0})
        session.commit()
        session.execute(update(Job).where(col(Job.id) == job.id).values(progress=50))
        session.commit()
    assert generation(demo_app) == before + 2


@pytest.mark.parametrize("page", ["agreed-plan", "plan", "place"])
def test_a_kept_page_shows_an_edit_as_soon_as_it_is_committed(demo_app: Flask, page: str) -> None:
    url = {
        "agreed-plan": "/agreed-plan/",
        "plan": f"/plans/{agreed_plan_id(demo_app)}",
        "place": f"/place-teams/{places(demo_app)[0]}",
    }[page]
    client = demo_client(demo_app, Role.COMMISSIONER)
    first = client.get(url, headers=GZIP)
    assert first.status_code == 200
    assert client.get(url, headers=GZIP).data == first.data  # sent from the kept copy
    assert any(path.name.startswith(f"{page}-") for path in kept_files(demo_app))
    tag = first.headers["ETag"]
    assert client.get(url, headers={**GZIP, "If-None-Match": tag}).status_code == 304
    renamed = f"Renamed scenario {uuid.uuid4().hex[:6]}"
    with demo_app.app_context(), new_session() as session:
        session.execute(update(Plan).values(scenario_name=renamed))
        session.execute(update(Place).values(name=Place.name + " " + renamed[-6:]))  # type: ignore[operator]
        session.commit()
    after = client.get(url, headers={**GZIP, "If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag
    assert renamed[-6:] in gzip.decompress(after.data).decode()


def test_each_reader_sees_their_own_name_and_form_token_only(demo_app: Flask) -> None:
    plan_url = f"/plans/{agreed_plan_id(demo_app)}"
    ann = reader(demo_app, Role.COMMISSIONER, "Ann Example")
    bob = reader(demo_app, Role.COMMISSIONER, "Bob <b>Sample</b>")
    signer = URLSafeTimedSerializer("test-secret-key", salt="wtf-csrf-token")
    for url in (plan_url, "/agreed-plan/", f"/place-teams/{places(demo_app)[1]}"):
        pages = {}
        for name, client in (("Ann", ann), ("Bob", bob)):
            page = client.get(url, headers=GZIP)
            assert page.status_code == 200
            html = gzip.decompress(page.data).decode()
            tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
            with client.session_transaction() as stored:
                own = stored["csrf_token"]
            assert tokens and {signer.loads(token) for token in tokens} == {own}, url
            pages[name] = html
        assert "Ann Example (Commissioner)" in pages["Ann"]
        assert "Ann Example" not in pages["Bob"] and "Bob" not in pages["Ann"]
        # The name is escaped like any other text on the page.
        assert "Bob &lt;b&gt;Sample&lt;/b&gt; (Commissioner)" in pages["Bob"]
        assert "<b>Sample" not in pages["Bob"]
        assert "pagecache" not in pages["Ann"] + pages["Bob"]
    # Each reader's copy has a tag of its own.
    assert ann.get(plan_url).headers["ETag"] != bob.get(plan_url).headers["ETag"]


def test_a_place_lead_cannot_read_a_kept_page_of_another_place(demo_app: Flask) -> None:
    own, other = places(demo_app)[:2]
    lead = reader(demo_app, Role.PLACE_LEAD, "Lead of one place", place_ids=[own])
    other_lead = reader(demo_app, Role.PLACE_LEAD, "Lead of the other", place_ids=[other])
    assert other_lead.get(f"/place-teams/{other}").status_code == 200  # kept for place leads
    assert demo_client(demo_app, Role.COMMISSIONER).get(f"/place-teams/{other}").status_code == 200
    assert lead.get(f"/place-teams/{other}").status_code == 403
    assert lead.get(f"/place-teams/{other}", headers=GZIP).status_code == 403
    assert lead.get("/place-teams/999999").status_code == 404
    page = lead.get(f"/place-teams/{own}")
    assert page.status_code == 200 and b"All your places" in page.data


def test_a_one_off_notice_is_shown_once_and_never_kept(demo_app: Flask) -> None:
    client = demo_client(demo_app, Role.COMMISSIONER)
    client.get("/agreed-plan/")
    with client.session_transaction() as stored:
        stored["_flashes"] = [("success", "A notice for this reader only")]
    assert b"A notice for this reader only" in client.get("/agreed-plan/").data
    assert b"A notice for this reader only" not in client.get("/agreed-plan/").data
    other = demo_client(demo_app, Role.COMMISSIONER)
    assert b"A notice for this reader only" not in other.get("/agreed-plan/").data


def test_a_kept_page_costs_one_query(demo_app: Flask) -> None:
    url = f"/plans/{agreed_plan_id(demo_app)}"
    client = demo_client(demo_app, Role.FINANCE_LEAD)
    client.get(url)
    statements: list[str] = []

    def note(_c: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = demo_app.extensions["engine"]
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get(url, headers=GZIP).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(statements) == 1, statements
    assert "data_generation" in statements[0] and "user_place" in statements[0]


def test_a_deactivated_reader_is_signed_out_before_any_kept_page(demo_app: Flask) -> None:
    client = reader(demo_app, Role.COMMISSIONER, "Soon gone")
    assert client.get("/agreed-plan/").status_code == 200
    with demo_app.app_context(), new_session() as session:
        session.execute(update(User).where(col(User.name) == "Soon gone").values(active=False))
        session.commit()
    assert client.get("/agreed-plan/").status_code == 302
