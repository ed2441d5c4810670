"""Who may use which address: every route of the app against every role, from one table.

`ACCESS` says, for every endpoint in `app.url_map`, who may use it. Each (route, method, role) is
then requested and the answer checked: allowed (a page, a file or a redirect onwards), 403 for a
signed-in role that may not, a redirect to sign in for a visitor who is not signed in, or 401 for
the API, which takes API tokens only and never the browser's session. A route added without an
entry here fails `test_every_route_has_an_entry`.

GET is requested for every role. POST is requested for the roles that may *not* use the route,
which must be refused before anything changes; the roles that may are left to each feature's
own tests, since their posts change the demo's records (deleting, running, deactivating).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from models import (
    ApiToken,
    Ballot,
    BallotOption,
    BudgetLine,
    CapacityOverride,
    Consultation,
    DeliveryRecord,
    DemandType,
    ExistingContract,
    IndicatorValue,
    Intervention,
    InterventionEffect,
    Partner,
    PlacePopulation,
    Plan,
    PriceIndexYear,
    Provider,
    RiskIndicator,
    Scenario,
    User,
    UserPlace,
    VolunteerPool,
)
from models.analysis import AnalysisKind, PlanAnalysis
from models.plan import PlanStatus
from models.vocabulary import Role
from planner import create_app
from planner.db import new_session
from planner.delivery.agreement import agreed_plan
from planner.inputs.service import save_capacity_override
from planner.tokens.service import create_token
from tests.planning_fixtures import demo_client, demo_email

ANONYMOUS = "anonymous"
CALLERS: list[str | Role] = [ANONYMOUS, *Role]

PUBLIC = "public"  # anyone, signed in or not
TOKEN = "API token"  # the API: 401 for a browser session or none, whatever its role
EVERYONE = frozenset(Role)  # any signed-in user
READERS = frozenset({Role.ADMIN, Role.COMMISSIONER, Role.FINANCE_LEAD})
EDITORS = frozenset({Role.ADMIN, Role.COMMISSIONER})
ADMINS = frozenset({Role.ADMIN})
RECORDERS = frozenset({Role.ADMIN, Role.COMMISSIONER, Role.PLACE_LEAD})  # delivery, outcomes
SPENDERS = frozenset({Role.ADMIN, Role.FINANCE_LEAD})  # actual spend and forecasts

Access = str | frozenset[Role]

ACCESS: dict[str, Access] = {
    "static": PUBLIC,
    "core.health": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "openapi.openapi": PUBLIC,
    "openapi.doc_url": PUBLIC,
    "openapi.static": PUBLIC,
    "swagger.swagger": PUBLIC,
    "swagger.static": PUBLIC,
    "swagger.oauth2-redirect": PUBLIC,
    "core.home": EVERYONE,
    "auth.change_password": EVERYONE,
    "glossary.index": EVERYONE,
    "pooled_fund.agreement": READERS,  # changing it: commissioners (tests/test_pooled_fund*.py)
    "api_pooled_fund.read_agreement": TOKEN,
    "api_pooled_fund.read_plan_pooled_fund": TOKEN,
    "api_pooled_fund.replace_agreement": TOKEN,
    "tokens.index": EVERYONE,
    "tokens.create": EVERYONE,
    "tokens.revoke": EVERYONE,
    "teams.index": EVERYONE,
    "teams.show": EVERYONE,  # a place lead for their own places only (tests/test_place_view.py)
    "teams.summary_csv": EVERYONE,
    "teams.record": RECORDERS,
    "teams.delete_record": RECORDERS,
    "plans.plotly_js": EVERYONE,
    "plans.index": READERS,
    "plans.show": READERS,
    "plans.progress": READERS,
    "plans.status": READERS,
    "plans.pooling": READERS,
    "plans.cancel": EDITORS,
    "plans.compare": READERS,
    "analysis.start": EDITORS,
    "analysis.status": READERS,
    "api_analyses.read_analyses": TOKEN,
    "api_analyses.start": TOKEN,
    "scenarios.index": READERS,
    "scenarios.show": READERS,
    "scenarios.new": EDITORS,
    "scenarios.edit": EDITORS,
    "scenarios.copy": EDITORS,
    "scenarios.delete": EDITORS,
    "scenarios.run": EDITORS,
    "delivery.index": READERS,
    "delivery.agree": EDITORS,
    "excel.download_plan": READERS,
    "excel.download_template": READERS,
    "excel.download_inputs": READERS,
    "excel.import_inputs": EDITORS,
    "excel.upload_inputs": EDITORS,
    "excel.confirm_import": EDITORS,
    "inputs.index": READERS,
    "inputs.calendar": READERS,
    "inputs.price_index": READERS,
    "inputs.load_treasury": EDITORS,
    "inputs.new_index_year": EDITORS,
    "inputs.edit_index_year": EDITORS,
    "inputs.delete_price_index_year": EDITORS,
    "inputs.cycles": READERS,
    "inputs.partners": READERS,
    "inputs.partner": READERS,
    "inputs.new_partner": EDITORS,
    "inputs.edit_partner": EDITORS,
    "inputs.delete_partner": EDITORS,
    "inputs.edit_cycle": EDITORS,
    "inputs.delete_cycle": EDITORS,
    "inputs.budget_lines": READERS,
    "inputs.new_budget_line": EDITORS,
    "inputs.edit_budget_line": EDITORS,
    "inputs.delete_budget_line": EDITORS,
    "inputs.contracts": READERS,
    "inputs.new_contract": EDITORS,
    "inputs.edit_contract": EDITORS,
    "inputs.delete_contract": EDITORS,
    "inputs.demand_types": READERS,
    "inputs.new_demand_type": EDITORS,
    "inputs.edit_demand_type": EDITORS,
    "inputs.delete_demand_type": EDITORS,
    "inputs.interventions": READERS,
    "inputs.intervention": READERS,
    "inputs.new_intervention": EDITORS,
    "inputs.edit_intervention": EDITORS,
    "inputs.delete_intervention": EDITORS,
    "inputs.new_effect": EDITORS,
    "inputs.edit_effect": EDITORS,
    "inputs.delete_effect": EDITORS,
    "inputs.places": READERS,
    "inputs.place": READERS,
    "inputs.new_place": EDITORS,
    "inputs.edit_place": EDITORS,
    "inputs.delete_place": EDITORS,
    "inputs.new_population": EDITORS,
    "inputs.edit_population": EDITORS,
    "inputs.delete_population": EDITORS,
    "inputs.new_capacity": EDITORS,
    "inputs.delete_capacity": EDITORS,
    "users.index": ADMINS,
    "users.new": ADMINS,
    "users.edit": ADMINS,
    "users.password": ADMINS,
    "users.deactivate": ADMINS,
    "users.reactivate": ADMINS,
    "audit.index": ADMINS,
    "spend.index": READERS,
    "spend.record": SPENDERS,
    "spend.download_return": READERS,
    "spend.import_return": SPENDERS,
    "spend.confirm_return": SPENDERS,
    "spend.delete": SPENDERS,
    "replan.index": READERS,
    "replan.start": EDITORS,
    "replan.show": READERS,
    "replan.agree": EDITORS,
    "outcomes.index": EVERYONE,
    "outcomes.record": RECORDERS,
    "outcomes.import_file": RECORDERS,
    "outcomes.confirm_import": RECORDERS,
    "outcomes.download": EVERYONE,
    "evidence.index": READERS,
    "evidence.download": READERS,
    "evidence.record": EDITORS,
    "stoplist.index": READERS,
    "stoplist.resolve": EDITORS,
    "stoplist.download": READERS,
    "vote.ballot_page": PUBLIC,  # residents vote without an account (tests/community/test_ballots.py)
    **dict.fromkeys(
        (
            "community.need",
            "community.consultation",
            "community.volunteers",
            "community.providers",
            "community.ballots",
            "community.ballot",
        ),
        EVERYONE,
    ),  # a place lead sees only their places' ballots
    **dict.fromkeys(
        ("community.new_feedback", "community.delete_consultation", "community.issue_codes"),
        RECORDERS,
    ),
    **dict.fromkeys(
        (
            "community.new_indicator",
            "community.edit_indicator",
            "community.delete_indicator",
            "community.new_value",
            "community.delete_value",
            "community.import_indicators",
            "community.new_pool",
            "community.edit_pool",
            "community.delete_volunteers",
            "community.new_provider",
            "community.edit_provider",
            "community.remove_provider",
            "community.new_ballot",
            "community.new_option",
            "community.delete_option",
        ),
        EDITORS,
    ),
    **{
        f"api_{group}.{name}": TOKEN
        for group, names in {
            "agreements": ("agree", "list_agreements", "plan_delivery"),
            "budget_lines": (
                "create_budget_line",
                "delete_budget_line",
                "list_budget_lines",
                "read_budget_line",
                "update_budget_line",
            ),
            "capacity_overrides": (
                "create_capacity_override",
                "delete_capacity_override",
                "list_capacity_overrides",
                "read_capacity_override",
                "update_capacity_override",
            ),
            "cycles": ("read_cycle", "save_cycle"),
            "delivery": (
                "delete_delivery_record",
                "list_delivery_records",
                "read_delivery_record",
                "record_delivery_figures",
                "update_delivery_record",
            ),
            "demand_types": (
                "create_demand_type",
                "delete_demand_type",
                "list_demand_types",
                "read_demand_type",
                "update_demand_type",
            ),
            "effects": (
                "create_expected_effect",
                "delete_expected_effect",
                "list_effects",
                "read_expected_effect",
                "update_expected_effect",
            ),
            "existing_contracts": (
                "create_existing_contract",
                "delete_existing_contract",
                "list_existing_contracts",
                "read_existing_contract",
                "update_existing_contract",
            ),
            "interventions": (
                "create_intervention",
                "delete_intervention",
                "list_interventions",
                "read_intervention",
                "update_intervention",
            ),
            "partners": (
                "create_partner",
                "delete_partner",
                "list_partners",
                "read_partner",
                "update_partner",
            ),
            "place_summaries": ("list_place_summaries", "read_place_summary"),
            "places": ("create_place", "delete_place", "list_places", "read_place", "update_place"),
            "plans": ("export_plan", "list_plans", "read_plan", "run_scenario"),
            "populations": (
                "create_eligible_population",
                "delete_eligible_population",
                "list_populations",
                "read_eligible_population",
                "update_eligible_population",
            ),
            "scenarios": (
                "create_scenario",
                "delete_scenario",
                "list_scenarios",
                "read_scenario",
                "update_scenario",
            ),
            "tokens": ("create_api_token", "list_tokens", "revoke_api_token"),
            "spend": (
                "delete_spend_record",
                "list_spend_records",
                "put_spend_record",
                "spend_summary",
            ),
            "outcomes": ("list_outcomes", "put_outcome", "read_outcome_impact"),
            "evidence": ("list_evidence_changes", "post_evidence_change"),
            "replans": (
                "agree_replan",
                "post_replan",
                "post_stop_resolve",
                "read_changes",
                "read_stop_list",
            ),
            "consultation": ("create_consultation", "delete_consultation", "list_consultations"),
            "need": ("read_need",),
            "ballots": ("list_ballots", "read_count"),
            **{
                group: tuple(f"{verb}_{one}" for verb in ("create", "delete", "read", "update"))
                + (f"list_{group}",)
                for group, one in (
                    ("indicator_values", "indicator_value"),
                    ("providers", "provider"),
                    ("risk_indicators", "risk_indicator"),
                    ("volunteer_pools", "volunteer_record"),
                    ("price_index", "price_index_year"),
                )
            },
        }.items()
        for name in names
    },
}


# Where a route needs more than its path's arguments to show its page.
QUERIES = {"plans.compare": "?plan={plan_id}&plan={other_plan_id}"}
FILES = {"static": "css/planner.css", "swagger.static": "css/swagger-ui.css"}
# flask-openapi3 registers a static folder it does not ship: nothing there, for anyone.
NOTHING_TO_SERVE = {"openapi.static"}


def the_app_map() -> list[tuple[str, str, set[str]]]:
    """(endpoint, rule, methods) of every route, from an app built only to read its map."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "AUTO_MIGRATE": False}
    )
    return sorted(
        (rule.endpoint, rule.rule, set(rule.methods or ()) - {"HEAD", "OPTIONS"})
        for rule in app.url_map.iter_rules()
    )


ROUTES = the_app_map()


def allowed(access: Access, caller: str | Role) -> bool:
    if access == PUBLIC:
        return True
    if access == TOKEN or caller == ANONYMOUS:
        return False
    return caller in access  # type: ignore[operator]


def cases() -> list[Any]:
    found = []
    for endpoint, rule, methods in ROUTES:
        for method in sorted(methods):
            for caller in CALLERS:
                access = ACCESS.get(endpoint, PUBLIC)
                if method == "GET" or not allowed(access, caller):
                    found.append(
                        pytest.param(endpoint, rule, method, caller, id=f"{method} {rule} {caller}")
                    )
    return found


def test_every_route_has_an_entry() -> None:
    endpoints = {endpoint for endpoint, _rule, _methods in ROUTES}
    assert sorted(endpoints - set(ACCESS)) == [], "add these routes to ACCESS"
    assert sorted(set(ACCESS) - endpoints) == [], "these ACCESS entries match no route"


@pytest.fixture(scope="module")
def clients(demo_app: Flask) -> dict[str | Role, FlaskClient]:
    signed_in: dict[str | Role, FlaskClient] = {role: demo_client(demo_app, role) for role in Role}
    signed_in[ANONYMOUS] = demo_app.test_client()
    return signed_in


@pytest.fixture(scope="module")
def arguments(demo_app: Flask) -> dict[str, object]:
    return route_arguments(demo_app)


def route_arguments(demo_app: Flask) -> dict[str, object]:
    """A real record for every argument a route takes; places and delivery records are the
    demo place lead's own, so the place lead's pages are allowed."""
    with demo_app.app_context(), new_session() as session:

        def first(table: type) -> int:
            return session.exec(select(table.id).order_by(table.id)).first()  # type: ignore[attr-defined,no-any-return]

        lead = session.exec(select(User).where(User.email == demo_email(Role.PLACE_LEAD))).one()
        place_id = session.exec(
            select(UserPlace.place_id).where(UserPlace.user_id == lead.id).order_by(UserPlace.id)
        ).first()
        record = session.exec(
            select(DeliveryRecord).where(DeliveryRecord.place_id == place_id)
        ).first()
        agreed = agreed_plan(session)
        # The demo has no capacity override and no API token: add one of each to point at.
        if first(CapacityOverride) is None:
            save_capacity_override(
                session, place_id, {"intervention_id": first(Intervention), "capacity": 40}
            )
        if first(ApiToken) is None:
            create_token(session, lead.id, {"name": "For the access test"})  # type: ignore[arg-type]
        other = Plan(scenario_name="For the access test", status=PlanStatus.ERROR, message="-")
        session.add(other)
        session.commit()
        plan_id = agreed.id if agreed else first(Plan)
        analysis = PlanAnalysis(plan_id=plan_id, kind=AnalysisKind.MONTE_CARLO, draws=100, seed=1)
        session.add(analysis)
        session.commit()
        return {
            "plan_id": plan_id,
            "analysis_id": analysis.id,
            "partner_id": first(Partner),
            "line_id": first(BudgetLine),
            "contract_id": first(ExistingContract),
            "demand_type_id": first(DemandType),
            "intervention_id": first(Intervention),
            "index_year_id": first(PriceIndexYear),
            "effect_id": first(InterventionEffect),
            "place_id": place_id,
            "population_id": first(PlacePopulation),
            "override_id": first(CapacityOverride),
            "scenario_id": first(Scenario),
            "user_id": first(User),
            "token_id": first(ApiToken),
            "record_id": record.id if record else 1,
            "other_plan_id": other.id,
            "indicator_id": first(RiskIndicator),
            "value_id": first(IndicatorValue),
            "feedback_id": first(Consultation),
            "pool_id": first(VolunteerPool),
            "ballot_id": first(Ballot),
            "option_id": first(BallotOption),
            "provider_id": first(Provider),
            "id": 1,
            "filename": "css/planner.css",
        }


def address(endpoint: str, rule: str, arguments: dict[str, object]) -> str:
    arguments = {**arguments, "filename": FILES.get(endpoint, "nothing.css")}
    for name, value in arguments.items():
        for converter in ("int:", "path:", ""):
            rule = rule.replace(f"<{converter}{name}>", str(value))
    assert "<" not in rule, f"no value for an argument of {rule}"
    return rule + QUERIES.get(endpoint, "").format(**arguments)


@pytest.mark.parametrize(("endpoint", "rule", "method", "caller"), cases())
def test_each_role_gets_what_the_table_says(
    clients: dict[str | Role, FlaskClient],
    arguments: dict[str, object],
    endpoint: str,
    rule: str,
    method: str,
    caller: str | Role,
) -> None:
    url = address(endpoint, rule, arguments)
    response = clients[caller].open(url, method=method)
    access = ACCESS[endpoint]
    status, location = response.status_code, response.location or ""
    sent_to_sign_in = status == 302 and location.startswith("/sign-in?next=")
    if access == TOKEN:
        assert status == 401, url
        assert "Sign in with an API token" in response.get_data(as_text=True)
    elif allowed(access, caller):
        assert status in ((404,) if endpoint in NOTHING_TO_SERVE else (200, 302)), (url, status)
        assert not sent_to_sign_in, url
    elif caller == ANONYMOUS:
        assert sent_to_sign_in, (url, status, location)
    else:
        assert status == 403, (url, status)
        assert "You do not have permission to do that" in response.get_data(as_text=True)
