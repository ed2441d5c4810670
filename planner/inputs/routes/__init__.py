"""The input pages (blueprint `inputs`): commissioners and admins edit, finance leads read,
place leads have no access. Each module covers one kind of record."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint

from models.vocabulary import MONTH_NAMES, financial_year_label
from optimiser.evidence import base_rating, evidence_level
from optimiser.uncertainty import DEFAULT_UNIT_COST_SPREAD, default_effect_spread
from planner.core.errors import render_error
from planner.inputs.validation import InputNotFound

bp = Blueprint("inputs", __name__, url_prefix="/inputs")


@bp.errorhandler(InputNotFound)
def not_found(error: InputNotFound) -> Any:
    return render_error(404, str(error))


@bp.app_template_filter("pounds")
def pounds(value: object, pence: bool = False) -> str:
    """£1,234 (or £1,234.50 with pence, or when there are pence) for tables; blank for none."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    return f"£{amount:,.2f}" if pence or amount != amount.to_integral() else f"£{amount:,.0f}"


@bp.app_template_global("month_name")
def month_name(number: int) -> str:
    return MONTH_NAMES[int(number) - 1]


@bp.app_template_filter("fy")
def financial_year(value: int) -> str:
    """2026 -> 2026/27."""
    return financial_year_label(int(value))


@bp.app_template_global("effect_spread")
def effect_spread(effect: Any, rating: str) -> str:
    """How sure an effect is, in words: its standard error, its range, or the default by rating."""
    if effect.effect_low is not None and effect.effect_high is not None:
        return f"{effect.effect_low:g} to {effect.effect_high:g}"
    if effect.standard_error is not None:
        return f"standard error {effect.standard_error:g}"
    if evidence_level(rating) == 0:
        return "never funded"
    share = default_effect_spread(rating)
    return f"default for rating {base_rating(rating)}: standard error {share:.0%} of the effect"


@bp.app_template_global("cost_range")
def cost_range(demand_type: Any) -> str:
    """A unit cost's plausible range in words, or the default."""
    if demand_type.unit_cost_low is not None and demand_type.unit_cost_high is not None:
        return f"{pounds(demand_type.unit_cost_low)} to {pounds(demand_type.unit_cost_high)}"
    return f"default: plus or minus {DEFAULT_UNIT_COST_SPREAD:.0%}"


# Importing the modules registers their routes on `bp`.
from planner.inputs.routes import (  # noqa: E402, F401
    budgets,
    demand,
    interventions,
    overview,
    partners,
    places,
    prices,
)
