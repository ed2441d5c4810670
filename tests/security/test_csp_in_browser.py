"""The content security policy in a real browser: the plan page's plotly charts still draw, the
wide tables still take their width, the API's Swagger UI still starts, and Chromium logs no
policy violation on any of the pages a commissioner opens. Uses the journey module's live
server and browser (demo partnership, Debian's Chromium)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlmodel import select

from models import Plan, Scenario
from models.vocabulary import Role
from planner.db import new_session
from planner.demo.content import DEMO_PASSWORD
from tests.browser.test_planning_journey import (  # noqa: F401 (fixtures)
    browser,
    elsewhere,
    live_app,
    live_server,
    new_tab,
    nothing_fetched_from_elsewhere,
)
from tests.planning_fixtures import demo_email

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def watched(browser, live_server: str, elsewhere: list[str]):  # type: ignore[no-untyped-def]  # noqa: F811
    """A commissioner's tab, and every console message and policy violation it reports."""
    context, tab = new_tab(browser, live_server, elsewhere)
    messages: list[str] = []
    tab.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    tab.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    tab.goto("/sign-in")
    tab.get_by_label("Email address").fill(demo_email(Role.COMMISSIONER))
    tab.get_by_label("Password").fill(DEMO_PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url(re.compile(r"/$"))
    # Each page counts the violations the browser reports, whether or not they reach the console.
    tab.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', function (e) {"
        " window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + e.sample); });"
    )
    yield tab, messages
    context.close()


def violations(tab, messages: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    reported = tab.evaluate("window.__violations || []")
    logged = [
        m for m in messages if "Content Security Policy" in m or "Content-Security-Policy" in m
    ]
    return list(reported) + logged


def ids(app: Flask) -> dict[str, int]:
    with app.app_context(), new_session() as session:
        return {
            "plan": session.exec(select(Plan.id).order_by(Plan.id)).first(),
            "scenario": session.exec(select(Scenario.id)).first(),
        }  # type: ignore[return-value]


def test_plan_charts_draw_under_the_policy(watched, live_app: Flask) -> None:  # noqa: F811
    tab, messages = watched
    messages.clear()
    response = tab.goto(f"/plans/{ids(live_app)['plan']}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    drawn = tab.locator(".js-plotly-plot").count()
    assert drawn >= 2, "plotly drew no charts"
    # A bar really has a size: plotly's layout ran, not just an empty frame.
    bars = tab.locator(".js-plotly-plot .bars path")
    assert bars.count() > 0
    assert tab.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot .bars path'))"
        ".some(function (p) { var b = p.getBBox(); return b.width > 1 && b.height > 1; })"
    )
    tab.locator(".js-plotly-plot").first.hover()
    found = violations(tab, messages)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/inputs/calendar",
        "/scenarios/{scenario}",
        "/scenarios/{scenario}/edit",
        "/plans/",
        "/api/v1/",
        "/api/v1/swagger",
    ],
)
def test_no_page_breaks_the_policy(watched, live_app: Flask, path: str) -> None:  # noqa: F811
    tab, messages = watched
    messages.clear()
    tab.goto(path.format(**ids(live_app)))
    tab.wait_for_load_state("networkidle")
    if path.endswith("swagger"):
        tab.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    found = violations(tab, messages)
    assert found == [], "\n".join(found)


def test_wide_tables_take_their_width_from_a_data_attribute(watched) -> None:
    tab, _ = watched
    tab.goto("/inputs/calendar")
    table = tab.locator("table.calendar")
    wanted = int(table.get_attribute("data-min-width"))
    assert tab.evaluate("document.querySelector('table.calendar').style.minWidth") == f"{wanted}px"
