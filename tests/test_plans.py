"""Plan pages: running a scenario, following its progress, reading the plan and its reasons (or the
diagnosis when the rules clash), and comparing plans. The demo partnership is solved once per
module, inline (SOLVE_IN_BACKGROUND is off in tests)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from models import BudgetLine, Partner, Place, Plan, Scenario
from models.plan import PlanStatus
from models.vocabulary import Role
from planner.db import new_session
from planner.delivery.agreement import agreed_plan
from planner.delivery.service import delivery_against_plan
from planner.excel.cells import to_pounds
from planner.plans.report import PlanReport, build_report
from planner.plans.routes import PLOTLY_BUNDLE
from planner.scenarios.forms import form_values
from planner.solving.service import start_plan
from tests.excel.recalculate import recalculate
from tests.planning_fixtures import demo_client

VRU = "West Yorkshire Violence Reduction Unit"


@pytest.fixture(scope="module")
def commissioner(demo_app: Flask):  # type: ignore[no-untyped-def]
    return demo_client(demo_app, Role.COMMISSIONER)


def scenario_id(app: Flask, name: str) -> int:
    with app.app_context(), new_session() as session:
        return session.exec(select(Scenario.id).where(Scenario.name == name)).one()  # type: ignore[return-value]


def run(client, app: Flask, name: str) -> int:  # type: ignore[no-untyped-def]
    """Run a scenario through its page; the id of the plan it opens."""
    response = client.post(f"/scenarios/{scenario_id(app, name)}/run")
    assert response.status_code == 302
    progress = re.fullmatch(r"/plans/(\d+)/progress", response.location)
    assert progress, response.location
    finished = client.get(response.location)
    assert finished.status_code == 302 and finished.location == f"/plans/{progress.group(1)}"
    # Open the plan, as the browser would: that shows (and so clears) any message waiting, which
    # would otherwise appear on whichever page a later test opens first.
    assert client.get(finished.location).status_code == 200
    return int(progress.group(1))


@pytest.fixture(scope="module")
def plans(demo_app: Flask, commissioner) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Plans of the demo's scenarios, and of one whose rules clash (the VRU must spend £50m in
    2026/27 but its ring-fence allows only diversion and mentoring)."""
    solved = {
        name: run(commissioner, demo_app, name) for name in ("Pooled 2026-29", "Each partner alone")
    }
    with demo_app.app_context(), new_session() as session:
        pooled = session.exec(select(Scenario).where(Scenario.name == "Pooled 2026-29")).one()
        values = form_values(pooled)
        vru_line = session.exec(
            select(BudgetLine)
            .join(Partner, Partner.id == BudgetLine.partner_id)  # type: ignore[arg-type]
            .where(Partner.name == VRU, BudgetLine.year == 2026)
        ).one()
    values.update(
        {
            "name": "VRU must spend £50m",
            f"budget-max-{vru_line.id}": "50000000",
            f"budget-min-{vru_line.id}": "50000000",
        }
    )
    assert commissioner.post("/scenarios/new", data=values).status_code == 302
    solved["clash"] = run(commissioner, demo_app, "VRU must spend £50m")
    return solved


def stored(app: Flask, plan_id: int) -> Plan:
    with app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        return plan


def money(amount: Decimal | float | None) -> str:
    return f"£{float(amount or 0):,.0f}"


def test_a_plan_shows_its_figures_tables_charts_and_reasons(
    demo_app: Flask, commissioner, plans
) -> None:  # type: ignore[no-untyped-def]
    plan = stored(demo_app, plans["Pooled 2026-29"])
    assert plan.status == PlanStatus.OPTIMAL
    page = commissioner.get(f"/plans/{plan.id}").data.decode()
    assert "Best plan found" in page
    for figure in (plan.total_spend, plan.total_benefit, plan.pooling_gain):
        assert money(figure) in page
    assert f"{plan.benefit_cost_ratio:.2f}" in page
    for heading in (
        "Demand avoided",
        "Why the plan is what it is",
        "Rules that limit the plan",
        "Interventions not funded",
        "Partners: what each pays and the benefit that falls to it",
        "Value of pooling",
        "Spend by place against need",
        "Evidence behind the spend",
        "Spend by year",
        "Allocations by intervention, place and year",
        "Who pays for each intervention",
        "Solver details",
    ):
        assert heading in page, heading
    # Sentences from the optimiser: a shadow price, an unfunded intervention, the pooling gain.
    assert re.search(r"£[\d,]+ more from [^<]+ budget would add about £[\d,]+", page)
    assert "is not funded: its evidence rating is NE" in page
    assert "Pooling adds about" in page
    # Every chart sits beside the table that carries its figures.
    charts = json.loads(
        re.search(
            r'<script type="application/json" id="plan-charts">(.*?)</script>', page, re.S
        ).group(1)  # type: ignore[union-attr]
    )
    assert set(charts) == {"chart-partners", "chart-places", "chart-evidence", "chart-years"}
    for chart_id in charts:
        assert f'id="{chart_id}"' in page
    with demo_app.app_context(), new_session() as session:
        rows = session.get(Plan, plan.id).allocations  # type: ignore[union-attr]
        first = rows[0]
        assert f"{len(rows)} rows" in page
        assert first.intervention_name in page and first.place_name in page
    assert "Variables" in page and f"{plan.variables:,}" in page


def test_the_agreed_plan_shows_planned_against_delivered(
    demo_app: Flask, commissioner, plans
) -> None:  # type: ignore[no-untyped-def]
    """The demo's agreed plan carries the delivery its place lead recorded; a plan that found no
    allocation has nothing to deliver and no such section."""
    with demo_app.app_context(), new_session() as session:
        agreed = agreed_plan(session)
        assert agreed is not None
        recorded = [line for line in delivery_against_plan(session, agreed.id) if line.recorded]  # type: ignore[arg-type]
    assert recorded
    page = commissioner.get(f"/plans/{agreed.id}").data.decode()
    assert "Planned against delivered" in page and 'href="#planned-delivered-heading"' in page
    assert "Agreed plan</span>" in page and "This is not the agreed plan" not in page
    started = sum(line.started or 0 for line in recorded)
    assert f"{started:,} started so far" in page
    for line in recorded:
        row = (
            f"<td>{line.intervention}</td><td>{line.place}</td><td>{line.year_label}</td>\n"
            f'        <td class="numeric">{line.planned:,.0f}</td>\n'
            f'        <td class="numeric">{line.started:,}</td>\n'
            f'        <td class="numeric">{line.completed:,}</td>'
        )
        assert row in page, row
    listed = commissioner.get("/plans/").data.decode()
    assert listed.count("Agreed</span>") == 1
    assert f'Plan {agreed.id}</a><br><span class="tag tag-green">Agreed</span>' in listed
    clash = commissioner.get(f"/plans/{plans['clash']}").data.decode()
    assert "Planned against delivered" not in clash and "Agreed plan</span>" not in clash


def test_charts_use_plotly_served_by_the_app_itself(commissioner, plans) -> None:  # type: ignore[no-untyped-def]
    page = commissioner.get(f"/plans/{plans['Pooled 2026-29']}").data.decode()
    sources = re.findall(r'<script src="([^"]+)"', page)
    assert any(source.startswith("/plans/plotly.min.js") for source in sources)
    assert "/static/js/plan-charts.js" in sources
    assert not any(source.startswith(("http:", "https:", "//")) for source in sources)
    assert "<script>" not in page  # no inline code
    bundle = commissioner.get("/plans/plotly.min.js")
    assert bundle.status_code == 200
    assert bundle.mimetype == "text/javascript"
    assert len(bundle.data) == Path(PLOTLY_BUNDLE).stat().st_size


def test_finance_leads_read_plans_and_see_the_excel_button(demo_app: Flask, plans) -> None:
    finance = demo_client(demo_app, Role.FINANCE_LEAD)
    page = finance.get(f"/plans/{plans['Pooled 2026-29']}")
    assert page.status_code == 200
    assert b"Download Excel workbook" in page.data
    assert f"/plans/{plans['Pooled 2026-29']}/workbook.xlsx".encode() in page.data
    assert finance.get("/plans/").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/plans/", "/plans/1", "/plans/1/progress", "/plans/1/status", "/plans/compare?plan=1&plan=2"],
)
def test_place_leads_may_not_read_whole_plans(demo_app: Flask, plans, path: str) -> None:
    assert demo_client(demo_app, Role.PLACE_LEAD).get(path).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(demo_app: Flask, plans) -> None:
    for path in ("/plans/", f"/plans/{plans['Pooled 2026-29']}", "/plans/plotly.min.js"):
        response = demo_app.test_client().get(path)
        assert response.status_code == 302 and "/sign-in" in response.location


def test_rules_that_clash_show_the_diagnosis_not_an_error(
    demo_app: Flask, commissioner, plans
) -> None:  # type: ignore[no-untyped-def]
    plan = stored(demo_app, plans["clash"])
    assert plan.status == PlanStatus.INFEASIBLE
    response = commissioner.get(f"/plans/{plan.id}")
    assert response.status_code == 200
    page = response.data.decode()
    assert "The rules of this scenario cannot all be met" in page
    assert plan.result["diagnosis"]["summary"] in page.replace("&#39;", "'")
    assert VRU in page
    assert "Change the scenario&#39;s rules" in page or "Change the scenario's rules" in page
    assert "Download Excel workbook" not in page
    assert 'id="plan-charts"' not in page


def test_a_failed_plan_says_why(demo_app: Flask, commissioner) -> None:  # type: ignore[no-untyped-def]
    with demo_app.app_context(), new_session() as session:
        plan = Plan(
            scenario_name="Broken",
            status=PlanStatus.ERROR,
            message="A place caps spend in a place that no longer exists (Nowhere).",
        )
        session.add(plan)
        session.commit()
        plan_id = plan.id
    page = commissioner.get(f"/plans/{plan_id}").data.decode()
    assert "No plan could be found" in page
    assert "no longer exists (Nowhere)" in page


def test_progress_page_works_without_javascript(demo_app: Flask, commissioner) -> None:  # type: ignore[no-untyped-def]
    with demo_app.app_context(), new_session() as session:
        queued = start_plan(session, scenario_id(demo_app, "Pooled 2026-29"), None)
        plan_id = queued.id
    try:
        assert commissioner.get(f"/plans/{plan_id}").location == f"/plans/{plan_id}/progress"
        page = commissioner.get(f"/plans/{plan_id}/progress").data.decode()
        assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
        assert f'href="/plans/{plan_id}/progress"' in page and "Check again" in page
        assert "/static/js/plan-progress.js" in page
        status = commissioner.get(f"/plans/{plan_id}/status")
        ahead = status.json["ahead"]
        assert status.json == {
            "id": plan_id,
            "status": "queued",
            "label": "Waiting to start (next in line)"
            if ahead == 0
            else f"Waiting to start ({ahead} plan{'s' if ahead != 1 else ''} ahead)",
            "ahead": ahead,
            "finished": False,
            "message": "",
            "url": f"/plans/{plan_id}",
            # A plan recorded without a job (as the command line's) has no job progress.
            "progress": None,
            "doing": "",
            "attempts": 0,
            "job_id": None,
            "cancellable": False,
        }
        assert status.headers["Cache-Control"] == "no-store"
    finally:
        # Never solved: finish it, or running the scenario would follow this plan instead.
        with demo_app.app_context(), new_session() as session:
            plan = session.get(Plan, plan_id)
            plan.status = PlanStatus.ERROR  # type: ignore[union-attr]
            session.commit()


def test_finished_plans_report_so(commissioner, plans) -> None:  # type: ignore[no-untyped-def]
    plan_id = plans["Each partner alone"]
    status = commissioner.get(f"/plans/{plan_id}/status").json
    assert status["finished"] is True and status["status"] == "optimal"
    assert commissioner.get(f"/plans/{plan_id}/progress").location == f"/plans/{plan_id}"


def test_stored_plans_read_the_same_after_inputs_change(
    demo_app: Flask, commissioner, plans
) -> None:  # type: ignore[no-untyped-def]
    plan_id = plans["Each partner alone"]
    before = commissioner.get(f"/plans/{plan_id}").data.decode()
    assert "What pooling would add" in before  # this scenario had each partner plan alone
    with demo_app.app_context(), new_session() as session:
        police = session.exec(select(Partner).where(Partner.name == "West Yorkshire Police")).one()
        police.name = "Renamed Police"
        lines = session.exec(select(BudgetLine)).all()
        recorded = {line.id: (line.maximum, line.minimum) for line in lines}
        for line in lines:
            line.maximum, line.minimum = Decimal(1), None
        session.commit()
    try:
        after = commissioner.get(f"/plans/{plan_id}").data.decode()
        assert "West Yorkshire Police" in after and "Renamed Police" not in after
        strip = re.compile(r'name="csrf_token" value="[^"]+"')
        assert strip.sub("", after) == strip.sub("", before)
    finally:
        with demo_app.app_context(), new_session() as session:
            police = session.exec(select(Partner).where(Partner.name == "Renamed Police")).one()
            police.name = "West Yorkshire Police"
            for line in session.exec(select(BudgetLine)).all():
                line.maximum, line.minimum = recorded[line.id]
            session.commit()


def test_plan_list_filters_by_scenario_and_offers_comparison(
    demo_app: Flask, commissioner, plans
) -> None:  # type: ignore[no-untyped-def]
    everything = commissioner.get("/plans/").data.decode()
    for plan_id in plans.values():
        assert f'id="compare-{plan_id}"' in everything
    only = commissioner.get(f"/plans/?scenario={scenario_id(demo_app, 'Each partner alone')}")
    page = only.data.decode()
    assert f"Plan {plans['Each partner alone']}<" in page
    assert f"Plan {plans['Pooled 2026-29']}<" not in page


def test_comparison_shows_differences_in_words(commissioner, plans) -> None:  # type: ignore[no-untyped-def]
    base, other = plans["Pooled 2026-29"], plans["Each partner alone"]
    response = commissioner.get(f"/plans/compare?plan={other}&plan={base}")
    assert response.status_code == 200
    page = response.data.decode()
    assert f"Each plan against plan {base} (Pooled 2026-29), the baseline" in page
    for table in (
        "Headline figures of each plan",
        "Units of demand avoided, by type",
        "What each partner pays in",
        "Benefit that falls to each partner",
        "Spend on each intervention, all years",
        "Changed allocations by intervention and place",
    ):
        assert table in page, table
    # Differences are spelt out with an arrow and a word, not only a colour.
    assert re.search(r'class="change change-down">.*?£[\d,]+\s+less', page, re.S)
    assert re.search(r'class="change change-(up|down)">.*?(more|less)', page, re.S)
    assert "diff-down" in page


def test_comparison_needs_two_to_four_known_plans(commissioner, plans) -> None:  # type: ignore[no-untyped-def]
    one = commissioner.get(f"/plans/compare?plan={plans['Pooled 2026-29']}")
    assert one.status_code == 422
    assert b"Choose at least two plans to compare" in one.data
    many = "&".join(f"plan={n}" for n in range(1, 7))
    assert b"Choose at most 4 plans" in commissioner.get(f"/plans/compare?{many}").data
    assert commissioner.get("/plans/compare?plan=1&plan=99999").status_code == 404


def test_unknown_plans_are_not_found(commissioner) -> None:  # type: ignore[no-untyped-def]
    for path in ("/plans/99999", "/plans/99999/progress", "/plans/99999/status"):
        assert commissioner.get(path).status_code == 404


def test_scenario_names_in_plans_are_escaped(demo_app: Flask, commissioner, plans) -> None:  # type: ignore[no-untyped-def]
    name = "<script>alert('plan')</script>"
    values = {**form_values(None), "name": name, "first_year": "2026", "horizon_years": "1"}
    assert commissioner.post("/scenarios/new", data=values).status_code == 302
    plan_id = run(commissioner, demo_app, name)
    pages = [
        commissioner.get(f"/plans/{plan_id}").data.decode(),
        commissioner.get("/plans/").data.decode(),
        commissioner.get(
            f"/plans/compare?plan={plan_id}&plan={plans['Pooled 2026-29']}"
        ).data.decode(),
        commissioner.get(f"/scenarios/{scenario_id(demo_app, name)}").data.decode(),
    ]
    for page in pages:
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(" in page


def test_folded_rules_are_counted_in_words_of_their_own_kind() -> None:
    from optimiser.families import FAMILIES
    from planner.plans.binding import binding_groups

    rules = [{"family": "budget", "sentence": f"b{n}", "shadow_price": n} for n in range(23)]
    rules += [{"family": "window", "sentence": f"w{n}", "shadow_price": 1} for n in range(59)]
    rules += [{"family": "cap_place", "sentence": f"c{n}", "shadow_price": 1} for n in range(4)]
    rules += [{"family": "contract", "sentence": "k", "shadow_price": 1}]
    rules += [{"family": "contract_place", "sentence": "kp", "shadow_price": 2}]
    groups = {
        group.family.heading: group for group in binding_groups({"binding_constraints": rules})
    }
    assert groups["Budgets"].more == "20 more budget rules that hold the plan back"
    assert groups["Budgets"].shown[0]["sentence"] == "b22"  # worth most when loosened, first
    assert (
        groups["Commissioning windows"].more
        == "56 more commissioning-window rules that hold the plan back"
    )
    assert groups["Caps on places"].more == "1 more place cap that holds the plan back"
    assert FAMILIES["capacity"].count(1) == "1 capacity limit"
    contracts = groups["Existing contracts"]  # two families, one heading: one group
    assert [rule["sentence"] for rule in contracts.shown] == ["kp", "k"]
    with pytest.raises(KeyError, match="brand_new"):  # never a group with a made-up name
        binding_groups({"binding_constraints": [{"family": "brand_new", "shadow_price": 1}]})


def test_the_plan_page_words_folded_rules_by_their_kind(commissioner, plans) -> None:  # type: ignore[no-untyped-def]
    page = commissioner.get(f"/plans/{plans['Pooled 2026-29']}").data.decode()
    folded = re.findall(r"<summary>(\d+ more [^<]+)</summary>", page)
    assert folded, "the demo's pooled plan has more than three rules of some kind"
    for summary in folded:
        assert re.fullmatch(
            r"1 more [a-z -]+ that holds the plan back|\d+ more [a-z -]+s that hold the plan back",
            summary,
        ), summary
        assert "budgets rules" not in summary and "windows rules" not in summary


def test_chart_labels_show_names_literally() -> None:
    """Plotly reads <b>, <br> and <a> in labels as markup: names go in as entities instead."""
    from models import Plan
    from planner.plans.charts import chart_text, plan_charts
    from planner.plans.report import AllocationLine, PlanReport, YearSpend

    hostile = '<b>Police</b> & <a href="https://evil.example">Co</a><br>'
    shown = '&lt;b&gt;Police&lt;/b&gt; &amp; &lt;a href="https://evil.example"&gt;Co&lt;/a&gt;&lt;br&gt;'
    assert chart_text(hostile) == shown
    result = {
        "total_spend": 10.0,
        "partners": [{"name": hostile, "contribution": 10.0, "benefit": 12.0}],
        "places": [{"name": hostile, "spend_share": 1.0, "need_share": 1.0}],
        "evidence_mix": [{"rating": "3", "spend": 10.0, "share": 1.0}],
    }
    report = PlanReport(plan=Plan(scenario_name="x", status=PlanStatus.OPTIMAL), result=result)
    report.allocations = [AllocationLine("i", hostile, "", 2026, 1.0, 10.0, 12.0, ())]
    report.years = [YearSpend(2026, 10.0, {hostile: 10.0}, 1.0)]
    report.partner_names = [hostile]
    charts = plan_charts(report)
    assert charts["chart-partners"]["data"][0]["y"] == [shown]
    assert charts["chart-places"]["data"][0]["y"] == [shown]
    assert charts["chart-years"]["data"][0]["name"] == shown
    assert "<b>" not in json.dumps(charts)


def rules_section(page: str) -> str:
    found = re.search(r'<section aria-labelledby="rules">(.*?)</section>', page, re.S)
    assert found, "the plan page has a section of the rules it was solved with"
    return found.group(1)


def test_the_plan_shows_the_rules_it_was_solved_with(commissioner, plans) -> None:  # type: ignore[no-untyped-def]
    page = commissioner.get(f"/plans/{plans['Each partner alone']}").data.decode()
    rules = rules_section(page)
    assert "Rules this plan was solved with" in rules and 'href="#rules"' in page
    assert re.search(r"<dt>Funding</dt>\s*<dd[^>]*>Each partner alone", rules)
    assert re.search(r"<dt>Years planned</dt>\s*<dd[^>]*>2026/27 to 2028/29 \(3 years\)", rules)
    assert re.search(r"<dt>Time limit</dt>\s*<dd[^>]*>60 seconds", rules)
    assert "Budgets it could use" in rules and "as recorded" in rules
    # A clash's rules matter most: the diagnosis page shows them too, with the £50m budget.
    clash = rules_section(commissioner.get(f"/plans/{plans['clash']}").data.decode())
    assert re.search(
        rf"<th scope=\"row\">{VRU}</th><td>2026/27</td><td class=\"num\">£50,000,000</td>"
        r"<td class=\"num\">£50,000,000</td>\s*<td><span class=\"tag tag-yellow\">scenario's figure</span>",
        clash,
    )


def test_editing_the_scenario_after_solving_leaves_the_plans_rules_alone(
    demo_app: Flask, commissioner, plans
) -> None:  # type: ignore[no-untyped-def]
    plan_id = plans["Each partner alone"]
    before = rules_section(commissioner.get(f"/plans/{plan_id}").data.decode())
    scenario = scenario_id(demo_app, "Each partner alone")
    with demo_app.app_context(), new_session() as session:
        values = form_values(session.get(Scenario, scenario))
        place = session.exec(select(Place).order_by(Place.name)).first()
    edited = {
        **values,
        "funding_mode": "pooled",
        "bcr_threshold": "2.5",
        "time_limit_seconds": "30",
        "cap-0-target": f"place:{place.id}",  # type: ignore[union-attr]
        "cap-0-maximum": "1000",
    }
    try:
        response = commissioner.post(f"/scenarios/{scenario}/edit", data=edited)
        assert response.status_code == 302
        now = commissioner.get(f"/scenarios/{scenario}").data.decode()
        assert "2.5×" in now and "30 seconds" in now
        after = rules_section(commissioner.get(f"/plans/{plan_id}").data.decode())
        assert after == before
        assert "2.5×" not in after and "30 seconds" not in after
        assert "No caps: spend on any place" in after
    finally:
        restored = {**values, "cap-rows": edited.get("cap-rows", "3")}
        commissioner.post(f"/scenarios/{scenario}/edit", data=restored)


def test_comparison_shows_rules_years_places_evidence_and_moves_by_year(
    demo_app: Flask, commissioner, plans
) -> None:  # type: ignore[no-untyped-def]
    base, alone = plans["Pooled 2026-29"], plans["Each partner alone"]
    page = commissioner.get(f"/plans/compare?plan={base}&plan={alone}").data.decode()
    # Each partner alone is not pooled: the headline does not call its spend pooled.
    assert '<th scope="row">Total spend</th>' in page and "Total pooled spend" not in page
    # The rules that differ, from each plan's own snapshot, the difference marked in words.
    rules = re.search(
        r"<caption[^>]*>Scenario rules, caps and budgets that differ.*?</table>", page, re.S
    )
    assert rules, "a table of the rules that differ"
    assert re.search(
        r'<th scope="row">Funding</th>\s*<td class="">Pooled</td><td class="diff-changed">'
        r'Each partner alone<br><span class="change change-differs">differs</span>',
        rules.group(0),
    )
    assert "Weakest evidence funded" not in rules.group(0)  # the same in both: left out
    # Spend by year, by place against need, and by evidence rating, each against the baseline.
    for year in ("2026/27", "2027/28", "2028/29"):
        assert f'<th scope="row">Spend in {year}</th>' in page
    assert re.search(r"[\d.]+% of spend; [\d.]+% of need", page)
    assert "Spend by evidence rating" in page
    assert re.search(
        r"<th scope=\"row\">Rated 4</th>\s*<td class=\"num\">\s*£[\d,]+\s*<br><span class=\"hint\">[1-9][\d.]*% of spend",
        page,
    )
    moved = re.search(
        r"Changed allocations by intervention, place and year</caption>(.*?)</table>", page, re.S
    )
    assert moved, "a table of what moved where and when"
    assert re.search(r"<td>20\d\d/\d\d</td>", moved.group(1))
    assert re.search(
        r'class="num diff-(up|down)">\s*£[\d,]+<br>\s*<span class="change', moved.group(1)
    )


def test_comparing_pooled_plans_keeps_the_pooled_label(
    demo_app: Flask, commissioner, plans
) -> None:  # type: ignore[no-untyped-def]
    with demo_app.app_context(), new_session() as session:
        agreed = agreed_plan(session)
        assert agreed is not None and agreed.id != plans["Pooled 2026-29"]
    page = commissioner.get(
        f"/plans/compare?plan={agreed.id}&plan={plans['Pooled 2026-29']}"
    ).data.decode()
    assert '<th scope="row">Total pooled spend</th>' in page


def test_comparison_of_plans_with_the_same_rules_says_so() -> None:
    from planner.plans.rules import compare_rules

    snapshot = {
        "scenario": {"name": "A", "funding_mode": "pooled", "time_limit_seconds": 60},
        "inputs": {"partners": [], "demand_types": [], "places": [], "budget_lines": []},
        "rules": {
            "first_year": 2026,
            "horizon_years": 1,
            "min_evidence_rating": "2",
            "min_share_rated_3_plus": 0.0,
            "bcr_threshold": 1.0,
            "portfolio_vfm_ratio": 1.0,
            "partner_fairness": 0.0,
            "need_floor": 0.0,
            "discount_rate": 0.035,
            "appraisal_years": 10,
            "segment_multipliers": [1.0, 0.8, 0.6],
            "place_caps": {},
        },
    }
    same = [Plan(scenario_name="A", inputs=snapshot), Plan(scenario_name="B", inputs=snapshot)]
    assert compare_rules(same) == []
    capped = {**snapshot, "rules": {**snapshot["rules"], "place_caps": {"Dewsbury": 5000}}}
    capped["inputs"] = {
        **snapshot["inputs"],
        "places": [{"key": "Dewsbury", "name": "Dewsbury", "district": "Kirklees"}],
    }
    never = Plan(scenario_name="C", inputs={})
    differences = compare_rules([same[0], Plan(scenario_name="D", inputs=capped), never])
    cap = next(d for d in differences if d.label == "Cap on Dewsbury (Kirklees)")
    assert cap.values == ("No cap", "£5,000", "Not known: never solved")
    assert cap.differs(1) and cap.differs(2)


@pytest.mark.libreoffice
def test_the_plan_page_and_its_workbook_show_the_same_money(
    demo_app: Flask, commissioner, plans, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The pooled demo plan's workbook, recalculated by LibreOffice: every check reads OK, the
    page's total spend is the Summary's, and each partner's contribution and each year's spend
    on the page are the workbook's to the penny."""
    plan_id = plans["Pooled 2026-29"]
    page = commissioner.get(f"/plans/{plan_id}").data.decode()
    workbook = recalculate(commissioner.get(f"/plans/{plan_id}/workbook.xlsx").data, tmp_path)
    checks = {
        (row[0], row[1]): row[2]
        for row in workbook["Checks"].iter_rows(min_row=2, values_only=True)
        if row[0]
    }
    assert len(checks) > 20 and all(result == "OK" for result in checks.values()), checks
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True) if row[0]}
    shown = re.search(r'Total pooled spend</span><span class="stat">([^<]+)</span>', page)
    assert shown and shown.group(1) == f"£{summary['Total spend (£)']:,.0f}"
    partners = {
        row[0]: row[1] for row in workbook["Partners"].iter_rows(min_row=2, values_only=True)
    }
    funding = list(workbook["Funding"].iter_rows(values_only=True))
    all_partners = next(row for row in funding if row[0] == "All partners")
    by_year = dict(zip(funding[0][1:], all_partners[1:], strict=True))
    with demo_app.app_context(), new_session() as session:
        report = build_report(session.get(Plan, plan_id))  # type: ignore[arg-type]
        for partner in report.partners:
            assert to_pounds(partner["contribution"]) == to_pounds(partners[partner["name"]])
            assert money(partner["contribution"]) in page
        for year in report.years:
            assert to_pounds(year.total) == to_pounds(by_year[year.year_label]), year.year_label
        assert to_pounds(report.total_spend) == to_pounds(by_year["Total (£)"])


def test_the_page_rounds_total_spend_halves_up_as_the_workbook_does() -> None:
    """£16,465,000.50: the workbook's ROUND shows £16,465,001; Python's format would show
    £16,465,000 (a half to even)."""
    report = PlanReport(plan=Plan(scenario_name="s"), result={"total_spend": 16_465_000.50})
    assert report.total_spend_in_pounds == Decimal(16_465_001)
    assert f"{report.total_spend:,.0f}" == "16,465,000"


def test_spend_by_year_in_whole_pounds_adds_up_every_way(commissioner, plans) -> None:  # type: ignore[no-untyped-def]
    """Each year's and partner's figures, rounded to the pound together, add up across and down
    to the table's totals, and the table's grand total is the headline total spend."""
    page = commissioner.get(f"/plans/{plans['Pooled 2026-29']}").data.decode()
    section = re.search(r'<section aria-labelledby="years">(.*?)</section>', page, re.S)
    assert section
    pounds = lambda cell: int(re.sub(r"[^\d]", "", cell))  # noqa: E731
    rows = [
        [pounds(cell) for cell in re.findall(r'<td class="num">(?:<strong>)?(£[\d,]+)', row)]
        for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", section.group(1), re.S)
    ]
    body, footer = rows[:-1], rows[-1]
    assert len(body) == 3 and all(len(row) == len(footer) for row in rows)
    for row in rows:
        assert sum(row[:-1]) == row[-1]
    for column, total in enumerate(footer):
        assert sum(row[column] for row in body) == total
    headline = re.search(r'Total pooled spend</span><span class="stat">(£[\d,]+)', page)
    assert headline and pounds(headline.group(1)) == footer[-1]


def test_the_plan_says_why_a_partner_alone_spends_less(commissioner, plans) -> None:  # type: ignore[no-untyped-def]
    """In the demo, Calderdale Council alone can fund little: only its share of the demand its
    own places avoid falls to it, so its partner fairness rule holds it back."""
    page = commissioner.get(f"/plans/{plans['Pooled 2026-29']}").data.decode()
    assert "Why some partners spend less alone" in page
    found = re.search(r"<li><strong>Calderdale Council\.</strong> ([^<]+)</li>", page)
    assert found, "Calderdale Council leaves money unspent alone"
    assert found.group(1).startswith("Alone it spends £0 of the £760,000 its budgets allow.")
    assert "Calderdale Council&#39;s partner fairness rule" in found.group(1)
