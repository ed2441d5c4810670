"""The input pages (blueprint `inputs`): commissioners and admins edit, finance leads read,
place leads have no access. Each module covers one kind of record."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint

from models.vocabulary import MONTH_NAMES, financial_year_label
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


# Importing the modules registers their routes on `bp`.
from planner.inputs.routes import (  # noqa: E402, F401
    budgets,
    demand,
    interventions,
    overview,
    partners,
    places,
)
