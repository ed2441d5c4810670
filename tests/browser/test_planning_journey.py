"""A commissioner's journey in a real browser: sign in, find a budget through the menus and change
it, run a scenario and read the plan, its reasons and the budget it used; compare two plans; meet
rules that clash; and sign in with the keyboard alone. Drives Debian's Chromium through
Playwright against a live server with the demo partnership loaded; plans solve in the background
as in production. Every page may only ask this server for anything (no CDN, no fonts, nothing
else): a request elsewhere is blocked and fails the test. Screenshots of each step are saved in
a temporary folder (printed with -s)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlmodel import select
from werkzeug.serving import make_server

from models import Plan
from models.vocabulary import Role
from planner.db import new_session
from planner.demo.content import DEMO_PASSWORD
from planner.demo.partnership import VRU
from tests.conftest import missing_system_package
from tests.planning_fixtures import demo_app_for_module, demo_email

CHROMIUM = Path("/usr/bin/chromium")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
BUDGET_PARTNER, BUDGET_YEAR = "Kirklees Council", "2026/27"

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    missing_system_package(
        "browser tests need Debian's chromium package (apt-get install chromium)",
        module_level=True,
    )

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect


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
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def elsewhere() -> list[str]:
    """Every request a page tried to make to another host (each one was blocked)."""
    return []


@pytest.fixture(autouse=True)
def nothing_fetched_from_elsewhere(elsewhere: list[str]) -> Iterator[None]:
    elsewhere.clear()
    yield
    assert elsewhere == [], "pages asked another host for these (blocked)"


def new_tab(browser, live_server: str, elsewhere: list[str]):  # type: ignore[no-untyped-def]
    """A browser tab on the live server that lets no request leave it."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)

    def only_this_server(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS or not url.startswith(("http:", "https:")):
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    context.route("**/*", only_this_server)
    return context, context.new_page()


@pytest.fixture(scope="module")
def page(browser, live_server: str, elsewhere: list[str]):  # type: ignore[no-untyped-def]
    """A commissioner's signed-in browser tab."""
    context, tab = new_tab(browser, live_server, elsewhere)
    tab.goto("/sign-in")
    tab.get_by_label("Email address").fill(demo_email(Role.COMMISSIONER))
    tab.get_by_label("Password").fill(DEMO_PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url(re.compile(r"/$"))
    yield tab
    context.close()


def snap(page, shots: Path, name: str) -> Path:  # type: ignore[no-untyped-def]
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, f"{name}: an empty screenshot"
    return path


def main_nav(page, label: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True).click()


def run_scenario(page, name: str) -> int:  # type: ignore[no-untyped-def]
    """Open a scenario from the menu, run it, wait on the progress page until the plan opens."""
    main_nav(page, "Scenarios")
    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("button", name="Run this scenario").click()
    page.wait_for_url(re.compile(r"/plans/\d+$"), timeout=120_000)
    return int(page.url.rsplit("/", 1)[1])


def slashed(text: str) -> str:
    """A slash escaped for a pattern Playwright passes to the page (it ends patterns at '/')."""
    return text.replace("/", r"\/")


def pounds(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def test_commissioner_changes_a_budget_runs_a_scenario_and_reads_the_plan(
    page, live_app: Flask, shots: Path
) -> None:  # type: ignore[no-untyped-def]
    # To the budget through the menus, as a commissioner finds it.
    main_nav(page, "Inputs")
    page.get_by_role("navigation", name="Inputs").get_by_role("link", name="Budget lines").click()
    change_link = re.compile(rf"^Change {BUDGET_PARTNER} {slashed(BUDGET_YEAR)}: £")
    page.get_by_role("link", name=change_link).click()
    maximum = page.get_by_label("Most it can contribute (£)")
    raised = pounds(maximum.input_value()) + 250_000
    maximum.fill(str(raised))
    snap(page, shots, "01-budget-form")
    page.get_by_role("button", name="Save changes").click()
    saved = f"Saved {BUDGET_PARTNER}'s {BUDGET_YEAR} budget line."
    assert page.locator(".notice-success").inner_text() == saved
    # Back on the partner's page, its budget line shows the new maximum.
    lines = page.locator("table", has_text=f"{BUDGET_PARTNER}'s budget lines by financial year")
    assert f"£{raised:,}" in lines.locator("tr", has_text=BUDGET_YEAR).inner_text()

    plan_id = run_scenario(page, "Pooled 2026-29")
    snap(page, shots, "02-plan")
    assert page.get_by_role("heading", name="Pooled 2026-29").is_visible()
    headline = page.locator(".headline").inner_text()
    assert "Total pooled spend" in headline and re.search(r"£[\d,]{6,}", headline)
    # At 1280px every figure stays inside its card (£16,465,000 once spilled out).
    cards = page.evaluate(
        "() => [...document.querySelectorAll('.headline li')]"
        ".map(card => [card.scrollWidth, card.clientWidth])"
    )
    assert len(cards) == 5 and all(inside <= width for inside, width in cards), cards

    # The new budget reached the plan: in the snapshot it was solved from, and on its page.
    with live_app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        used = {line["key"]: line["maximum"] for line in plan.inputs["inputs"]["budget_lines"]}
    assert used[f"{BUDGET_PARTNER}-2026"] == raised
    page.get_by_text(re.compile(r"^Each partner's budget by year")).click()
    budget_row = page.locator("#solved-budgets tr", has_text=BUDGET_PARTNER).filter(
        has_text=BUDGET_YEAR
    )
    assert f"£{raised:,}" in budget_row.inner_text()
    assert "as recorded" in budget_row.inner_text()

    # The reasons, in sentences with figures: a budget that binds and why an intervention is
    # left out.
    reasons = page.locator("section[aria-labelledby=reasons]").inner_text()
    assert re.search(
        r"£[\d,]+ more from [^\n]+'s 20\d\d/\d\d budget would add about £[\d,.]+ of demand avoided",
        reasons,
    ), reasons[:2000]
    assert "is not funded: its evidence rating is NE" in reasons
    assert re.search(r"\d+ more budget rules? that holds? the plan back", reasons)
    # The value of pooling is its own job after the plan: plan-pooling.js fills it in when done.
    expect(page.locator("#value-of-pooling")).to_contain_text(
        re.compile(r"Pooling adds about £[\d,]+ of demand avoided"), timeout=120_000
    )
    assert page.locator("#pooling-headline").inner_text().startswith("£")
    # Charts are drawn by plotly served from the app itself, beside their tables.
    page.locator("#chart-partners.chart-drawn").wait_for()
    assert page.locator("#chart-partners .main-svg").count() >= 1
    assert page.locator("table", has_text="Benefit per £ paid").count() == 1
    snap(page, shots, "03-plan-charts")


def test_commissioner_compares_two_plans(page, shots: Path) -> None:  # type: ignore[no-untyped-def]
    strong = run_scenario(page, "Strong evidence only")
    pooled = run_scenario(page, "Pooled 2026-29")
    main_nav(page, "Plans")
    page.get_by_label(f"Compare plan {strong}").check()
    page.get_by_label(f"Compare plan {pooled}").check()
    page.get_by_role("button", name="Compare chosen plans").click()
    page.wait_for_url(re.compile(r"/plans/compare\?"))
    snap(page, shots, "04-compare")
    assert page.get_by_role("heading", name="Compare plans").is_visible()
    headline = page.locator("table", has_text="Total pooled spend").inner_text()
    assert "Value of demand avoided" in headline
    assert re.search(r"(more|less|no change)", headline)
    assert page.locator("td.diff-up, td.diff-down").count() > 0
    # Which rules differ, from each plan's own snapshot: the weakest evidence it may fund (the
    # first plan, strong evidence only, is the baseline).
    rules = page.locator("table", has_text="Weakest evidence funded")
    assert re.search(r"Weakest evidence funded\s+3\s+2\s*differs", rules.inner_text())
    for heading in ("Spend by year", "Spend by place against need", "What moved where and when"):
        assert page.get_by_role("heading", name=heading).is_visible()


def test_rules_that_clash_show_the_diagnosis(page, shots: Path) -> None:  # type: ignore[no-untyped-def]
    """A copy of the pooled scenario where the VRU must spend £50m in 2026/27, which its
    ring-fence (diversion and mentoring only) cannot take: the plan says which rules clash."""
    main_nav(page, "Scenarios")
    page.get_by_role("link", name="Pooled 2026-29", exact=True).click()
    page.get_by_role("button", name="Copy").click()
    page.get_by_label("Name", exact=True).fill("VRU spends £50m at once")
    page.get_by_text(re.compile(r"^Change budgets for this scenario only")).click()
    page.get_by_label(f"Maximum for {VRU} 2026/27").fill("50000000")
    page.get_by_label(f"Committed minimum for {VRU} 2026/27").fill("50000000")
    page.get_by_role("button", name="Save scenario").click()
    assert (
        "Scenario ‘VRU spends £50m at once’ saved." in page.locator(".notice-success").inner_text()
    )
    page.get_by_role("button", name="Run this scenario").click()
    page.wait_for_url(re.compile(r"/plans/\d+$"), timeout=120_000)
    snap(page, shots, "05-diagnosis")
    diagnosis = page.locator("section.diagnosis")
    assert diagnosis.get_by_role("heading", name="The rules of this scenario cannot all be met")
    assert "cannot all be met" in diagnosis.locator(".lead").inner_text()
    clashes = diagnosis.locator(".clash-list > li")
    assert clashes.count() >= 1
    assert VRU in diagnosis.inner_text()
    assert diagnosis.get_by_role("link", name="Change the scenario's rules").is_visible()
    assert page.locator(".headline").count() == 0 and page.locator("#plan-charts").count() == 0
    # The rules it was solved with are there to check against: the £50m the copy asked for.
    page.get_by_text(re.compile(r"^Each partner's budget by year")).click()
    rules = page.locator("#solved-budgets tr", has_text=VRU).filter(has_text="2026/27")
    assert "£50,000,000" in rules.inner_text()
    assert "SCENARIO'S FIGURE recorded: £" in rules.inner_text()  # the tag is in capitals


def test_signing_in_with_the_keyboard_alone(
    browser, live_server: str, elsewhere: list[str], shots: Path
) -> None:  # type: ignore[no-untyped-def]
    context, tab = new_tab(browser, live_server, elsewhere)
    try:
        tab.goto("/sign-in")
        tab.keyboard.press("Tab")
        focused = tab.evaluate(
            "() => ({text: document.activeElement.textContent.trim(),"
            " left: document.activeElement.getBoundingClientRect().left,"
            " outline: getComputedStyle(document.activeElement).outlineStyle})"
        )
        # The first Tab reaches the skip link, which then shows on screen.
        assert focused["text"] == "Skip to main content"
        assert focused["left"] >= 0
        snap(tab, shots, "06-keyboard-skip-link")
        tab.keyboard.press("Enter")
        assert tab.evaluate("() => document.activeElement.id") == "main"
        tab.keyboard.press("Tab")
        assert tab.evaluate("() => document.activeElement.id") == "email"
        assert tab.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == (
            "solid"
        )  # a visible focus ring
        tab.keyboard.type(demo_email(Role.FINANCE_LEAD))
        tab.keyboard.press("Tab")
        assert tab.evaluate("() => document.activeElement.id") == "password"
        tab.keyboard.type(DEMO_PASSWORD)
        tab.keyboard.press("Enter")
        tab.wait_for_url(re.compile(r"/(#main)?$"))  # the skip link's #main stays on
        assert "(Finance lead)" in tab.locator(".who").inner_text()
        snap(tab, shots, "07-keyboard-signed-in")
    finally:
        context.close()


def test_no_plan_was_left_waiting(live_app: Flask) -> None:
    """Every run the journey started finished (none was left queued or solving)."""
    with live_app.app_context(), new_session() as session:
        unfinished = [
            plan.id for plan in session.exec(select(Plan)).all() if not plan.status.finished
        ]
    assert unfinished == []
