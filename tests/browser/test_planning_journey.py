"""A commissioner's journey in a real browser: sign in, change a budget, run a scenario, read the
plan and its reasons, and compare two plans. Drives Debian's Chromium through Playwright against a
live server with the demo partnership loaded; plans solve in the background as in production."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from models.vocabulary import Role
from planner.demo.content import DEMO_PASSWORD
from tests.conftest import missing_system_package
from tests.planning_fixtures import demo_app_for_module, demo_email

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    missing_system_package(
        "browser tests need Debian's chromium package (apt-get install chromium)",
        module_level=True,
    )

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def live_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    yield from demo_app_for_module(
        request, tmp_path_factory, WTF_CSRF_ENABLED=True, SOLVE_IN_BACKGROUND=True
    )


@pytest.fixture(scope="module")
def live_server(live_app: Flask) -> Iterator[str]:
    """The app served on a free port in a thread of this process."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser, live_server: str):  # type: ignore[no-untyped-def]
    """A commissioner's signed-in browser tab."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    tab = context.new_page()
    tab.goto("/sign-in")
    tab.get_by_label("Email address").fill(demo_email(Role.COMMISSIONER))
    tab.get_by_label("Password").fill(DEMO_PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url(re.compile(r"/$"))
    yield tab
    context.close()


def run_scenario(page, name: str) -> str:  # type: ignore[no-untyped-def]
    """Open a scenario, run it, wait on the progress page until the plan opens; its URL."""
    page.goto("/scenarios/")
    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("button", name="Run this scenario").click()
    page.wait_for_url(re.compile(r"/plans/\d+$"), timeout=120_000)
    return page.url


def test_commissioner_changes_a_budget_runs_a_scenario_and_reads_the_plan(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/inputs/budget-lines/1/edit")
    maximum = page.locator("#maximum")
    maximum.fill("1300000")
    page.get_by_role("button", name="Save changes").click()
    assert page.locator(".notice-success").count() == 1

    run_scenario(page, "Pooled 2026-29")
    assert page.get_by_role("heading", name="Pooled 2026-29").is_visible()
    headline = page.locator(".headline")
    assert "Total pooled spend" in headline.inner_text()
    assert re.search(r"£[\d,]+", headline.inner_text())
    reasons = page.locator("section[aria-labelledby=reasons]").inner_text()
    assert "Why the plan is what it is" in reasons
    assert "Interventions not funded" in reasons or "Rules that limit the plan" in reasons
    # Charts are drawn by plotly served from the app itself, beside their tables.
    page.locator("#chart-partners.chart-drawn").wait_for()
    assert page.locator("#chart-partners .main-svg").count() >= 1
    assert page.locator("table", has_text="Benefit per £ paid").count() == 1


def test_commissioner_compares_two_plans(page) -> None:  # type: ignore[no-untyped-def]
    strong = run_scenario(page, "Strong evidence only").rsplit("/", 1)[1]
    page.goto("/plans/")
    if page.locator(".compare-box").count() < 2:  # run on its own: make a second plan
        run_scenario(page, "Pooled 2026-29")
        page.goto("/plans/")
    other = next(
        box.get_attribute("value")
        for box in page.locator(".compare-box").all()
        if box.get_attribute("value") != strong
    )
    page.get_by_label(f"Compare plan {strong}").check()
    page.get_by_label(f"Compare plan {other}").check()
    page.get_by_role("button", name="Compare chosen plans").click()
    page.wait_for_url(re.compile(r"/plans/compare\?"))
    assert page.get_by_role("heading", name="Compare plans").is_visible()
    headline = page.locator("table", has_text="Total pooled spend").inner_text()
    assert "Value of demand avoided" in headline
    assert re.search(r"(more|less|no change)", headline)
    assert page.locator("td.diff-up, td.diff-down").count() > 0
