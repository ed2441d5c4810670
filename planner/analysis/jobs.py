"""Analyses of a plan as jobs: the `plan_analysis` kind (a Monte Carlo, or re-solves on draws),
and `resolve_draws`, a part of the re-solves, which the re-solves fan out over the workers.

The K draws are cut into a few parts per worker (``optimiser.robust.draw_parts``). Each part
reads the plan once, builds its model once and re-solves its draws by changing only what each
draw changes; it reports each finished draw, and the parent adds the parts' progress up for the
progress bar. The parent combines the parts' outcomes once at the end (``summarise``).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from models import Job, Plan, PlanAnalysis
from models.analysis import AnalysisKind, AnalysisStatus
from models.fields import utc_now
from optimiser.robust import DrawOutcome, draw_parts, resolve_draws
from planner.analysis.service import MESSAGE_LENGTH, finish, run_monte_carlo, run_robustness
from planner.jobs.context import JobContext
from planner.jobs.registry import job_kind
from planner.solving.snapshot import inputs_from_snapshot

PLAN_ANALYSIS = "plan_analysis"
RESOLVE_DRAWS = "resolve_draws"


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
        workers = int(context.app.config.get("ANALYSIS_WORKERS") or 1)

        def fanned(
            _snapshot: dict[str, Any], count: int, _seed: int, start: int, stop: int, _done: Any
        ) -> list[DrawOutcome]:
            # A few parts per worker, on whichever worker is free; this job adds up their draws.
            parts = [(start + low, start + high) for low, high in draw_parts(stop - start, workers)]
            ran = context.fan_out(
                RESOLVE_DRAWS,
                [{"analysis_id": analysis_id, "start": low, "stop": high} for low, high in parts],
                unit="draws",
                sizes=[high - low for low, high in parts],
            )
            failed = [part for part in ran if part.state.value != "finished"]
            if failed:
                raise RuntimeError(failed[0].error or f"{len(failed)} parts did not finish")
            return [
                DrawOutcome(
                    number=outcome["number"],
                    objective=outcome["objective"],
                    interventions=tuple(outcome["interventions"]),
                    places=tuple(outcome["places"]),
                )
                for part in ran
                for outcome in (part.result or {}).get("draws", [])
            ]

        run_robustness(session, analysis, plan, fanned)
    context.check()
    finish(session, analysis, None)
    return {"analysis_id": analysis_id, "status": "finished"}


@job_kind(RESOLVE_DRAWS, title="Re-solving the plan for a part of the draws of its inputs")
def resolve_draws_job(
    context: JobContext, analysis_id: int, start: int, stop: int
) -> dict[str, Any]:
    session = context.session
    analysis = session.get(PlanAnalysis, analysis_id)
    if analysis is None:
        raise LookupError(f"there is no analysis {analysis_id}")
    # Only the inputs the plan was solved with: its stored answer is not needed here.
    snapshot = session.exec(select(Plan.inputs).where(Plan.id == analysis.plan_id)).first()
    if snapshot is None:
        raise LookupError("the plan was deleted")
    inputs, rules = inputs_from_snapshot(snapshot)
    time_limit = float(snapshot["scenario"]["time_limit_seconds"])
    count, seed, size = analysis.draws, analysis.seed, stop - start
    # The plan is read: hold no transaction open while solving.
    context.session.rollback()

    def solved(done: int) -> None:
        context.progress(100 * done / size, f"{done} of {size} draws done")

    outcomes = resolve_draws(
        inputs,
        rules,
        count=count,
        seed=seed,
        start=start,
        stop=stop,
        time_limit=time_limit,
        on_draw=solved,
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
