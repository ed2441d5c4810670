"""Page layout in a real browser: on a phone (390 pixels wide) no page is wider than the screen,
wide tables scroll inside their own box instead; and a place's printable summary fits one A4
page. Uses the journey module's live server, browser and guard against requests elsewhere."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlmodel import select

from models import Intervention, Place, Plan, Scenario
from models.vocabulary import Role
from planner.db import new_session
from planner.demo.content import DEMO_PASSWORD
from tests.browser.test_planning_journey import (  # noqa: F401 (fixtures)
    browser,
    elsewhere,
    live_app,
    live_server,
    nothing_fetched_from_elsewhere,
)
from tests.planning_fixtures import demo_email

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def tab(browser, live_server: str, role: Role, elsewhere: list[str], viewport: dict[str, int]):  # type: ignore[no-untyped-def]  # noqa: F811
    """A signed-in tab of the given size that lets no request leave this server."""
    context = browser.new_context(base_url=live_server, viewport=viewport)
    context.set_default_timeout(60_000)

    def only_this_server(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(live_server) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_server)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(demo_email(role))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    return context, page


def ids(app: Flask) -> dict[str, int]:
    with app.app_context(), new_session() as session:
        return {
            "plan": session.exec(select(Plan.id)).first(),
            "scenario": session.exec(select(Scenario.id)).first(),
            "intervention": session.exec(select(Intervention.id)).first(),
            "place": session.exec(select(Place.id).where(Place.name == "Bradford Moor")).one(),
        }  # type: ignore[return-value]


def wider_than_the_screen(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The page's width against the screen's, as one line when it is wider."""
    width, screen = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return [f"{page.url} is {width}px wide on a {screen}px screen"] if width > screen else []


@pytest.mark.parametrize(
    "role, paths",
    [
        (
            Role.COMMISSIONER,
            [
                "/",
                "/plans/{plan}",
                "/scenarios/",
                "/scenarios/{scenario}",
                "/scenarios/{scenario}/edit",
                "/inputs/budget-lines",
                "/inputs/calendar",
                "/inputs/interventions/{intervention}",
                "/inputs/places/{place}",
                "/place-teams/{place}",
            ],
        ),
        (Role.ADMIN, ["/users/", "/audit/", "/account/api-tokens/"]),
        (Role.PLACE_LEAD, ["/", "/place-teams/{place}"]),
    ],
)
def test_no_page_is_wider_than_a_phone(
    browser,  # noqa: F811
    live_app: Flask,  # noqa: F811
    live_server: str,  # noqa: F811
    elsewhere: list[str],  # noqa: F811
    role: Role,
    paths: list[str],
) -> None:  # type: ignore[no-untyped-def]
    found = ids(live_app)
    context, page = tab(browser, live_server, role, elsewhere, PHONE)
    try:
        too_wide = []
        for path in paths:
            response = page.goto(path.format(**found))
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("networkidle")
            too_wide += wider_than_the_screen(page)
        assert too_wide == []
    finally:
        context.close()


def test_the_place_summary_prints_on_one_a4_page(
    browser,  # noqa: F811
    live_app: Flask,  # noqa: F811
    live_server: str,  # noqa: F811
    elsewhere: list[str],  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    found = ids(live_app)
    context, page = tab(
        browser, live_server, Role.PLACE_LEAD, elsewhere, {"width": 1280, "height": 900}
    )
    try:
        page.goto(f"/place-teams/{found['place']}")
        page.emulate_media(media="print")
        summary = page.pdf(format="A4", print_background=True)
        # The same page with its screen styles takes several: the count really counts pages.
        page.emulate_media(media="screen")
        as_on_screen = page.pdf(format="A4")
    finally:
        context.close()
    assert pages_in(as_on_screen) > 1
    assert pages_in(summary) == 1


def pages_in(pdf: bytes) -> int:
    """Pages in a PDF from Chromium, which writes each page as a plain /Type /Page object."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
