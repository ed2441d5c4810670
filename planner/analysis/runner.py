"""Running an analysis as a job (``planner.analysis.jobs``): never inside the web request.

``run_analysis`` records the job beside the analysis and sends it to the app's job backend (a
Celery worker, the web process's pool, or at once when SOLVE_IN_BACKGROUND is off). Re-solves
fan out in parts of the draws (a few per worker) over whichever workers are free.
"""

from __future__ import annotations

from flask import Flask

from models import PlanAnalysis
from planner.db import new_session
from planner.jobs.service import dispatch, new_job


def run_analysis(app: Flask, analysis_id: int) -> None:
    """Start an analysis recorded by ``start_analysis`` as a job."""
    from planner.analysis.jobs import PLAN_ANALYSIS

    with app.app_context(), new_session() as session:
        analysis = session.get(PlanAnalysis, analysis_id)
        if analysis is None or analysis.status.finished:
            return
        if analysis.job_id is None:
            job = new_job(session, PLAN_ANALYSIS, {"analysis_id": analysis_id})
            session.flush()
            analysis.job_id = job.id
            session.commit()
        dispatch(app, analysis.job_id or 0)
