"""Every blueprint, navigation link and CLI command the app offers (its table of contents)."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app
from flask_login import current_user

from models.vocabulary import Role
from planner.analysis.routes import bp as analysis_bp
from planner.api import API_BLUEPRINTS
from planner.audit.routes import bp as audit_bp
from planner.auth.routes import bp as auth_bp
from planner.community.routes import bp as community_bp
from planner.community.routes.vote import public_bp as vote_bp
from planner.core.routes import bp as core_bp
from planner.delivery.routes import bp as delivery_bp
from planner.evidence.routes import bp as evidence_bp
from planner.excel.routes import bp as excel_bp
from planner.glossary.routes import bp as glossary_bp
from planner.inputs.routes import bp as inputs_bp
from planner.outcomes.routes import bp as outcomes_bp
from planner.plans.routes import bp as plans_bp
from planner.pooled_fund.routes import bp as pooled_fund_bp
from planner.replanning.routes import bp as replan_bp
from planner.scenarios.routes import bp as scenarios_bp
from planner.spend.routes import bp as spend_bp
from planner.stoplist.routes import bp as stoplist_bp
from planner.teams.routes import bp as teams_bp
from planner.tokens.routes import bp as tokens_bp
from planner.users.routes import bp as users_bp

BLUEPRINTS: list[Blueprint] = [
    core_bp,
    auth_bp,
    inputs_bp,
    users_bp,
    audit_bp,
    tokens_bp,
    scenarios_bp,
    pooled_fund_bp,
    plans_bp,
    analysis_bp,
    excel_bp,
    teams_bp,
    delivery_bp,
    spend_bp,
    replan_bp,
    outcomes_bp,
    evidence_bp,
    stoplist_bp,
    community_bp,
    vote_bp,
    glossary_bp,
    *API_BLUEPRINTS,
]

ALL_ROLES = tuple(Role)

# (endpoint, label, roles that see it). A link shows only if its endpoint exists and the role fits;
# the route itself still checks the role.
NAVIGATION: list[tuple[str, str, tuple[Role, ...]]] = [
    ("core.home", "Home", ALL_ROLES),
    ("inputs.index", "Inputs", (Role.ADMIN, Role.COMMISSIONER, Role.FINANCE_LEAD)),
    ("scenarios.index", "Scenarios", (Role.ADMIN, Role.COMMISSIONER, Role.FINANCE_LEAD)),
    ("plans.index", "Plans", (Role.ADMIN, Role.COMMISSIONER, Role.FINANCE_LEAD)),
    ("excel.import_inputs", "Import", (Role.ADMIN, Role.COMMISSIONER)),
    ("teams.index", "Place teams", ALL_ROLES),
    ("community.need", "Community", ALL_ROLES),
    ("delivery.index", "Agreed plan", (Role.ADMIN, Role.COMMISSIONER, Role.FINANCE_LEAD)),
    ("spend.index", "In year", (Role.ADMIN, Role.COMMISSIONER, Role.FINANCE_LEAD)),
    ("outcomes.index", "Outcomes", ALL_ROLES),
    ("tokens.index", "API tokens", ALL_ROLES),
    ("glossary.index", "Glossary", ALL_ROLES),
    ("users.index", "Users", (Role.ADMIN,)),
    ("audit.index", "Audit log", (Role.ADMIN,)),
]


def nav_links() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    return [
        (endpoint, label)
        for endpoint, label, roles in NAVIGATION
        if endpoint in current_app.view_functions and current_user.role in roles
    ]


def register_cli(app: Flask) -> None:
    from planner.cli import commands

    for command in commands():
        app.cli.add_command(command)


def register_template_helpers(app: Flask) -> None:
    """Navigation, `has_endpoint` so a page offers a link only where the feature exists, and
    `illustrative_in_use` for the footer."""
    from planner.core.illustrative import illustrative_in_use

    app.jinja_env.globals["nav_links"] = nav_links
    app.jinja_env.globals["illustrative_in_use"] = illustrative_in_use
    app.jinja_env.globals["has_endpoint"] = lambda endpoint: endpoint in current_app.view_functions
