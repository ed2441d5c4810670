"""Pages stay light: a finished plan's page and API answer are served with an ETag (304 when
unchanged), responses are compressed, the charts ship only the plotly parts they use, the agreed
plan page carries no form per plan, and `planner --help` builds nothing. Timings themselves are
in benchmarks/, never asserted here."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from models import Plan
from models.vocabulary import Role
from planner.db import new_session
from planner.plans.routes import PLOTLY_BUNDLE
from tests.planning_fixtures import demo_client

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
FIRST_VISIT_LIMIT = 1_000_000


@pytest.fixture(scope="module")
def commissioner(demo_app: Flask) -> FlaskClient:
    return demo_client(demo_app, Role.COMMISSIONER)


def solved_plan_id(app: Flask) -> int:
    with app.app_context(), new_session() as session:
        return session.exec(select(Plan.id).order_by(col(Plan.id))).first()  # type: ignore[return-value]


def test_a_plan_page_unchanged_since_the_last_visit_is_not_sent_again(
    demo_app: Flask, commissioner: FlaskClient
) -> None:
    url = f"/plans/{solved_plan_id(demo_app)}"
    first = commissioner.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
    tag = first.headers["ETag"]
    again = commissioner.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    # Another reader has their own forms on the page: their copy has a tag of its own.
    finance = demo_client(demo_app, Role.FINANCE_LEAD).get(url)
    assert finance.headers["ETag"] != tag


def test_the_api_answer_for_a_plan_is_worked_out_once_and_revalidated(
    demo_app: Flask, commissioner: FlaskClient
) -> None:
    from tests.test_edit_conflicts import api_token

    headers = {"Authorization": f"Bearer {api_token(demo_app)}"}
    url = f"/api/v1/plans/{solved_plan_id(demo_app)}"
    first = demo_app.test_client().get(url, headers=headers)
    assert first.status_code == 200 and first.json["status"] == "optimal"
    tag = first.headers["ETag"]
    again = demo_app.test_client().get(url, headers={**headers, "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    third = demo_app.test_client().get(url, headers=headers)
    assert third.data == first.data and third.headers["ETag"] == tag


def test_responses_are_compressed_for_browsers_that_accept_it(
    demo_app: Flask, commissioner: FlaskClient
) -> None:
    url = f"/plans/{solved_plan_id(demo_app)}"
    plain = commissioner.get(url)
    packed = commissioner.get(url, headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data) / 4
    assert plain.headers.get("Content-Encoding") is None
    # The compressed page's tag still revalidates.
    assert (
        commissioner.get(url, headers={**GZIP, "If-None-Match": packed.headers["ETag"]}).status_code
        == 304
    )


def test_a_first_visit_to_a_plan_page_transfers_under_a_megabyte(
    demo_app: Flask, commissioner: FlaskClient
) -> None:
    page = commissioner.get(f"/plans/{solved_plan_id(demo_app)}", headers=GZIP)
    html = gzip.decompress(page.data).decode()
    total = len(page.data)
    for address in re.findall(r'(?:src|href)="(/(?:static|plans)/[^"]+\.(?:js|css)[^"]*)"', html):
        asset = commissioner.get(address.replace("&amp;", "&"), headers=GZIP)
        assert asset.status_code == 200, address
        total += len(asset.data)
    assert total < FIRST_VISIT_LIMIT, total


def test_the_charts_ship_the_basic_plotly_bundle_with_its_licence() -> None:
    import plotly

    vendored = Path(PLOTLY_BUNDLE)
    header = vendored.read_text(encoding="utf-8")[:200]
    assert "plotly.js (basic - minified) v4.1.1" in header
    assert (vendored.parent / "LICENSE").read_text().startswith("MIT License")
    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    # The same plotly.js release as the Python package writes chart JSON for.
    assert "plotly.js v4.1.1" in full.read_text(encoding="utf-8")[:300]
    assert vendored.stat().st_size < full.stat().st_size / 3


def test_the_agreed_plan_page_has_no_form_per_plan(
    demo_app: Flask, commissioner: FlaskClient
) -> None:
    page = commissioner.get("/agreed-plan/").get_data(as_text=True)
    assert 'class="agree-form"' not in page and 'name="plan_id"' not in page
    assert "open it from the" in page and "<strong>Agree this plan</strong> on its page" in page
    from planner.solving.service import scenario_by_name, solve_plan, start_plan

    with demo_app.app_context(), new_session() as session:
        scenario = scenario_by_name(session, "Strong evidence only")
        other = start_plan(session, scenario.id or 0, None).id
        solve_plan(session, other or 0)
    # A plan that is not the agreed one offers to be agreed on its own page instead.
    shown = commissioner.get(f"/plans/{other}").get_data(as_text=True)
    assert 'class="agree-form' in shown and f'name="plan_id" value="{other}"' in shown
    agreed = commissioner.get(f"/plans/{solved_plan_id(demo_app)}").get_data(as_text=True)
    assert 'class="agree-form' not in agreed
    finance = demo_client(demo_app, Role.FINANCE_LEAD).get(f"/plans/{other}")
    assert b'class="agree-form' not in finance.data


def test_planner_help_builds_no_app_and_imports_no_database_code() -> None:
    probe = (
        "import sys\n"
        "from planner.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('flask', 'sqlalchemy', 'sqlmodel', 'flask_openapi3', 'pulp', 'pandas') "
        "if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert "worker" in done.stdout and "serve" in done.stdout
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr
