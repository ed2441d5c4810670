"""The community pages (blueprint `community`): need from risk indicators, consultation, shared
volunteers and participatory budgets. Each module covers one of them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from planner.core.errors import render_error
from planner.inputs.validation import InputNotFound

bp = Blueprint("community", __name__, url_prefix="/community")


@bp.errorhandler(InputNotFound)
def not_found(error: InputNotFound) -> Any:
    return render_error(404, str(error))


# Importing the modules registers their routes on `bp`.
from planner.community.routes import (  # noqa: E402, F401
    ballots,
    consultation,
    need,
    providers,
    volunteers,
)
