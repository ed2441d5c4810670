"""Analyses of a plan as jobs: the `plan_analysis` kind (a Monte Carlo, or re-solves on draws),
and `resolve_draw`, one re-solve, which the re-solves fan out over the workers."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models import Job, Plan, PlanAnalysis
from models.analysis import AnalysisKind, AnalysisStatus
from models.fields import utc_now
from optimiser.robust import DrawOutcome, resolve_draws
from planner.analysis.service import MESSAGE_LENGTH, finish, run_monte_carlo, run_robustness
from planner.jobs.context import JobContext
from planner.jobs.registry import job_kind
from planner.solving.snapshot import inputs_from_snapshot

PLAN_ANALYSIS = "plan_analysis"
RESOLVE_DRAW = "resolve_draw"


def _analysis_failed(session: Session, job: Job, error: str) -> None:
    """The analysis its job was running says why it has no answer."""
    analysis = session.get(
        PlanAnalysis, int(job.parameters.get("analysis_id", 0)), populate_existing=True
    )
    if analysis is None or analysis.status.finished:
        return
    analysis.status = AnalysisStatus.FAILED
    analysis.message = f"The analysis could not be finished: {error}"[:MESSAGE_LENGTH]
    analysis.finished_at = utc_now()


def _records(session: Session, analysis_id: int) -> tuple[PlanAnalysis, Plan]:
    analysis = session.get(PlanAnalysis, analysis_id, populate_existing=True)
    if analysis is None:
        raise LookupError(f"there is no analysis {analysis_id}")
    plan = session.get(Plan, analysis.plan_id)
    if plan is None:
        raise LookupError("the plan was deleted")
    return analysis, plan


@job_kind(PLAN_ANALYSIS, title="Working out how sure the plan is", on_failure=_analysis_failed)
def plan_analysis_job(context: JobContext, analysis_id: int) -> dict[str, Any]:
    session = context.session
    analysis, plan = _records(session, analysis_id)
    if analysis.status.finished:
        return {"analysis_id": analysis_id, "status": analysis.status.value}
    analysis.status = AnalysisStatus.RUNNING
    analysis.started_at = utc_now()
    session.commit()
    if analysis.kind is AnalysisKind.MONTE_CARLO:
        context.progress(10, f"Drawing the inputs {analysis.draws:,} times")
        run_monte_carlo(session, analysis, plan)
    else:

        def fanned(
            _snapshot: dict[str, Any], count: int, _seed: int, start: int, stop: int, _done: Any
        ) -> list[DrawOutcome]:
            # One re-solve per part, on whichever worker is free; this job counts them.
            parts = context.fan_out(
                RESOLVE_DRAW,
                [{"analysis_id": analysis_id, "draw": number} for number in range(start, stop)],
                unit="draws",
            )
            failed = [part for part in parts if part.state.value != "finished"]
            if failed:
                raise RuntimeError(failed[0].error or f"{len(failed)} re-solves did not finish")
            return [
                DrawOutcome(
                    number=outcome["number"],
                    objective=outcome["objective"],
                    interventions=tuple(outcome["interventions"]),
                    places=tuple(outcome["places"]),
                )
                for part in parts
                for outcome in (part.result or {}).get("draws", [])
            ]

        run_robustness(session, analysis, plan, fanned)
    context.check()
    finish(session, analysis, None)
    return {"analysis_id": analysis_id, "status": "finished"}


@job_kind(RESOLVE_DRAW, title="Re-solving the plan for one draw of its inputs")
def resolve_draw_job(context: JobContext, analysis_id: int, draw: int) -> dict[str, Any]:
    analysis, plan = _records(context.session, analysis_id)
    inputs, rules = inputs_from_snapshot(plan.inputs)
    time_limit = float(plan.inputs["scenario"]["time_limit_seconds"])
    outcomes = resolve_draws(
        inputs,
        rules,
        count=analysis.draws,
        seed=analysis.seed,
        start=draw,
        stop=draw + 1,
        time_limit=time_limit,
    )
    return {
        "draws": [
            {
                "number": outcome.number,
                "objective": outcome.objective,
                "interventions": list(outcome.interventions),
                "places": list(outcome.places),
            }
            for outcome in outcomes
        ]
    }
