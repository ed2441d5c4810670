"""The plan page says each thing once, in the optimiser's own words: a clash's sentence (which
already names the rules it clashes with), and why a plan stopped early (time limit, iteration
limit...), rather than calling every early stop a time limit."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from models import Plan
from models.plan import PlanStatus
from models.vocabulary import Role
from optimiser.solve import EARLY_STOPS
from planner.db import new_session

CLASH = (
    "West Yorkshire Violence Reduction Unit's committed minimum of £50,000,000 in 2026/27 "
    "cannot be spent: its ring-fence allows only diversion and mentoring programmes. "
    "It clashes with the rule that NE programmes are never funded."
)
SECOND_CLASH = (
    "Partner P's 2026/27 budget of £100 would be exceeded by £20. It clashes with Partner Q's "
    "existing contract of £120 for S in 2026/27 and the cap of £50 on S."
)
ITERATION_STOP = (
    f"The solver stopped {EARLY_STOPS['kIterationLimit']}: this plan is feasible, not proven best."
)
TIME_STOP = (
    f"The solver stopped {EARLY_STOPS['kTimeLimit']}: this plan is feasible, not proven best."
)
NO_SHADOW_PRICES = "The solver did not prove this plan best, so shadow prices are not available."


def stored_plan(app: Flask, status: PlanStatus, result: dict[str, Any], message: str = "") -> int:
    with app.app_context(), new_session() as session:
        plan = Plan(scenario_name="Test scenario", status=status, message=message, result=result)
        session.add(plan)
        session.commit()
        assert plan.id is not None
        return plan.id


def stopped_early(app: Flask, messages: list[str], mip_gap: float | None = 0.02) -> int:
    result = {
        "status": "time_limit",
        "total_spend": 1000.0,
        "value_of_demand_avoided": 1500.0,
        "participants": 10.0,
        "years": [2026],
        "mip_gap": mip_gap,
        "messages": messages,
    }
    return stored_plan(app, PlanStatus.TIME_LIMIT, result, " ".join(messages))


def text_of(html: str) -> str:
    """The page's words without tags, spaces collapsed and apostrophes unescaped."""
    words = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&amp;", "&")
    return re.sub(r"\s+", " ", words)


def test_each_clash_names_the_rules_it_clashes_with_once(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    diagnosis = {
        "summary": "The rules cannot all be met: 2 rules would have to give way, by £46,665,620 in all.",
        "clashes": [
            {
                "family": "committed",
                "sentence": CLASH,
                "clashes_with": ["the rule that NE programmes are never funded"],
            },
            {
                "family": "budget",
                "sentence": SECOND_CLASH,
                "clashes_with": [
                    "Partner Q's existing contract of £120 for S in 2026/27",
                    "the cap of £50 on S",
                ],
            },
        ],
    }
    result = {
        "status": "infeasible",
        "diagnosis": diagnosis,
        "messages": ["The rules cannot all be met."],
    }
    plan_id = stored_plan(app, PlanStatus.INFEASIBLE, result, diagnosis["summary"])
    page = text_of(sign_in_as(Role.COMMISSIONER).get(f"/plans/{plan_id}").get_data(as_text=True))
    assert CLASH in page and SECOND_CLASH in page
    assert page.count("It clashes with") == 2
    # Grouped by kind of rule, each kind named once above its clashes.
    detail = page[page.index("by kind of rule:") :]
    assert detail.index("Committed minimum budgets") < detail.index(CLASH)
    assert detail.index(CLASH) < detail.index("Budgets") < detail.index(SECOND_CLASH)
    assert "rules it clashes with" not in page
    # "The rules cannot all be met." is the summary's opening, not a paragraph of its own.
    assert page.count("The rules cannot all be met") == 1
    assert "Why the plan is what it is" not in page
    # No plan was solved: the page says when it was run.
    assert re.search(r"Rules clash Run \d\d \w{3} \d{4} at \d\d:\d\d \(UTC\)", page)
    assert " Solved " not in page


def test_a_plan_stopped_at_its_iteration_limit_says_so(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    plan_id = stopped_early(app, [ITERATION_STOP, NO_SHADOW_PRICES])
    client = sign_in_as(Role.COMMISSIONER)
    page = text_of(client.get(f"/plans/{plan_id}").get_data(as_text=True))
    assert (
        f"{ITERATION_STOP} This is the best plan it found; a better one may exist "
        "(at most 2.0% better)."
    ) in page
    assert page.count(ITERATION_STOP) == 1  # not again under "Why the plan is what it is"
    assert NO_SHADOW_PRICES in page
    assert "time limit" not in page.lower()
    assert "Stopped early" in page
    listed = text_of(client.get("/plans/").get_data(as_text=True))
    assert "Stopped early" in listed and "Stopped at time limit" not in listed


def test_a_plan_stopped_at_its_time_limit_suggests_a_longer_one(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    plan_id = stopped_early(app, [TIME_STOP], mip_gap=None)
    page = text_of(sign_in_as(Role.COMMISSIONER).get(f"/plans/{plan_id}").get_data(as_text=True))
    assert (
        f"{TIME_STOP} This is the best plan it found; a better one may exist. "
        "Raise the time limit in the scenario to search longer."
    ) in page
    assert page.count(TIME_STOP) == 1


def test_a_stopped_plan_without_the_optimisers_note_still_says_it_stopped_early(
    app: Flask, sign_in_as
) -> None:  # type: ignore[no-untyped-def]
    plan_id = stopped_early(app, ["Each partner planned alone with only its own budget lines."])
    page = text_of(sign_in_as(Role.COMMISSIONER).get(f"/plans/{plan_id}").get_data(as_text=True))
    assert (
        "The optimiser stopped before it could prove this plan the best. This is the best plan "
        "it found; a better one may exist (at most 2.0% better)."
    ) in page
    assert "Each partner planned alone with only its own budget lines." in page


def test_the_contents_name_each_section_as_its_heading_does(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    plan_id = stopped_early(app, [ITERATION_STOP])
    html = sign_in_as(Role.COMMISSIONER).get(f"/plans/{plan_id}").get_data(as_text=True)
    contents = re.search(
        r'<nav class="contents" aria-label="Sections of this plan">(.*?)</nav>', html, re.S
    )
    assert contents
    entries = re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', contents.group(1))
    assert len(entries) >= 9
    for anchor, words in entries:
        heading = re.search(rf'<h2 id="{anchor}"[^>]*>([^<]+)</h2>', html)
        assert heading, anchor
        assert heading.group(1).strip() == words.replace("&#39;", "'"), anchor
