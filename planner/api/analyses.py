"""How sure a plan is, through the API: start a Monte Carlo or re-solves on draws of a plan,
and read the newest of each with its progress (runs are jobs, never inside the request)."""

from typing import Any

from flask import current_app
from pydantic import BaseModel, Field, model_validator

from models import Plan, PlanAnalysis
from models.analysis import AnalysisKind
from models.fields import plain_numbers
from models.timestamps import UtcTimestamp
from planner.analysis.runner import run_analysis
from planner.analysis.service import latest_analyses, start_analysis
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.errors import ApiProblem, refused_when
from planner.auth.roles import EDITORS, READERS
from planner.db import get_session
from planner.inputs.validation import InputError, fetch

bp = api_blueprint(
    "analyses",
    "Uncertainty",
    "How sure a plan is: Monte Carlo of its value (chance benefits exceed costs, overall and per "
    "partner; 90% intervals of demand avoided; histogram; tornado bars) and re-solves on draws "
    "(how often each intervention and place is funded; regret).",
)


class AnalysisBody(BaseModel):
    _plain_numbers = model_validator(mode="before")(plain_numbers)

    kind: AnalysisKind = Field(description="monte_carlo or robustness (re-solves on draws).")
    draws: int | None = Field(
        default=None,
        description="Draws (Monte Carlo: 1 to 100,000, default 10,000) or re-solves "
        "(1 to 2,000, default 200).",
    )
    seed: int | None = Field(
        default=None, description="0 to 4,294,967,295; the same seed gives the same draws."
    )


class AnalysisOut(BaseModel):
    """One analysis: its progress (done of draws) and, once finished, its result: for a Monte
    Carlo, ``monte_carlo`` and ``tornado``; for re-solves, ``robustness``. Money is in pounds."""

    id: int
    plan_id: int
    kind: AnalysisKind
    status: str
    draws: int
    seed: int
    done: int
    message: str
    created_at: UtcTimestamp
    finished_at: UtcTimestamp | None
    result: dict[str, Any]


class AnalysesOut(BaseModel):
    monte_carlo: AnalysisOut | None
    robustness: AnalysisOut | None


def shown(analysis: PlanAnalysis) -> AnalysisOut:
    return AnalysisOut(
        id=analysis.id,  # type: ignore[arg-type]
        plan_id=analysis.plan_id,
        kind=analysis.kind,
        status=analysis.status.value,
        draws=analysis.draws,
        seed=analysis.seed,
        done=analysis.done,
        message=analysis.message,
        created_at=analysis.created_at,
        finished_at=analysis.finished_at,
        result=analysis.result,
    )


@bp.get("/plans/<int:id>/uncertainty", responses={200: AnalysesOut})
def read_analyses(path: IdPath):
    """The newest Monte Carlo and the newest re-solves of a plan, with progress or results."""
    api_user(*READERS)
    session = get_session()
    fetch(session, Plan, path.id, "plan")
    found = latest_analyses(session, path.id)
    return AnalysesOut(
        monte_carlo=shown(found["monte_carlo"]) if "monte_carlo" in found else None,
        robustness=shown(found["robustness"]) if "robustness" in found else None,
    ).model_dump(mode="json")


@bp.post(
    "/plans/<int:id>/uncertainty",
    responses={
        202: AnalysisOut,
        **refused_when("the plan is not solved, or has no allocations to analyse"),
    },
)
def start(path: IdPath, body: AnalysisBody):
    """Start an analysis of a plan; poll GET /plans/{id}/uncertainty for progress and results."""
    user = api_user(*EDITORS)
    session = get_session()
    plan = fetch(session, Plan, path.id, "plan")
    fields = {"kind": body.kind.value, "draws": body.draws, "seed": body.seed}
    try:
        analysis = start_analysis(session, plan, fields, user)
    except InputError as error:
        raise ApiProblem(422, error.errors) from error
    run_analysis(current_app._get_current_object(), analysis.id)  # type: ignore[attr-defined, arg-type]
    session.refresh(analysis)
    return shown(analysis).model_dump(mode="json"), 202
