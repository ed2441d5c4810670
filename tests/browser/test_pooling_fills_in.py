"""In a real browser: a plan opens as soon as the pooled solve is explained, says its value of
pooling is being worked out, and plan-pooling.js fills the figures in when the job is done (no
reload). The money left unspent is on the page from the start. Screenshots of both sections are
saved (printed with -s)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask import Flask

from planner.db import new_session
from planner.solving.pooling_job import work_out_value_of_pooling
from planner.solving.service import scenario_by_name, solve_plan, start_plan
from tests.browser.test_planning_journey import (  # noqa: F401  (fixtures)
    browser,
    elsewhere,
    expect,
    live_app,
    live_server,
    nothing_fetched_from_elsewhere,
    page,
    shots,
)

pytestmark = pytest.mark.browser


def test_the_value_of_pooling_fills_in_when_its_job_is_done(  # type: ignore[no-untyped-def]
    live_app: Flask,  # noqa: F811  (the journey module's fixtures)
    page,  # noqa: F811
    shots: Path,  # noqa: F811
) -> None:
    with live_app.app_context(), new_session() as session:
        scenario = scenario_by_name(session, "Pooled 2026-29")
        plan = start_plan(session, scenario.id, None)  # type: ignore[arg-type]
        plan_id = int(plan.id)  # type: ignore[arg-type]
        solve_plan(session, plan_id)  # the plan alone: its pooling job waits

    page.goto(f"/plans/{plan_id}")
    pooling = page.locator("#value-of-pooling")
    assert "being worked out" in pooling.inner_text()
    assert page.locator("#pooling-headline").inner_text() == "being worked out"
    page.locator("#unspent").scroll_into_view_if_needed()
    page.locator("section[aria-labelledby=unspent]").screenshot(path=str(shots / "unspent.png"))

    def job() -> None:
        with live_app.app_context(), new_session() as session:
            work_out_value_of_pooling(session, plan_id)

    worker = threading.Thread(target=job)
    worker.start()
    worker.join(timeout=120)
    # Not page.wait_for_function: the page's CSP (no 'unsafe-eval') refuses a string predicate.
    expect(pooling).to_contain_text("Pooling adds", timeout=60_000)
    assert "The same partners commissioning separately" in pooling.inner_text()
    assert page.locator("#pooling-headline").inner_text().startswith("£")
    page.locator("section[aria-labelledby=pooling]").screenshot(path=str(shots / "pooling.png"))
    print(f"\nunspent and pooling screenshots: {shots}")
