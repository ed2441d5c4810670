"""The JSON API under /api/v1: token sign-in, the web app's role rules, paged lists, one error
shape, and an OpenAPI 3 document generated from these views (served at /api/v1/openapi.json)."""

from flask_openapi3 import APIBlueprint

from planner.api.analyses import bp as analyses_bp
from planner.api.ballots import bp as ballots_bp
from planner.api.community import COMMUNITY_BLUEPRINTS
from planner.api.delivery import DELIVERY_BLUEPRINTS
from planner.api.inputs import INPUT_BLUEPRINTS
from planner.api.inyear import evidence_bp, outcomes_bp, replans_bp
from planner.api.plans import bp as plans_bp
from planner.api.pooled_fund import bp as pooled_fund_bp
from planner.api.prices import PRICE_BLUEPRINTS
from planner.api.scenarios import bp as scenarios_bp
from planner.api.spend import bp as spend_bp
from planner.api.tokens import bp as tokens_bp

API_BLUEPRINTS: list[APIBlueprint] = [
    tokens_bp,
    *INPUT_BLUEPRINTS,
    *PRICE_BLUEPRINTS,
    scenarios_bp,
    pooled_fund_bp,
    plans_bp,
    analyses_bp,
    *DELIVERY_BLUEPRINTS,
    spend_bp,
    outcomes_bp,
    evidence_bp,
    replans_bp,
    *COMMUNITY_BLUEPRINTS,
    ballots_bp,
]
