"""Analyses of a plan under uncertainty: a Monte Carlo of its value, or re-solves on draws.

Each is a long run (never inside a web request): the row records what was asked (kind, number
of draws, seed), how far it has got (``done`` of ``draws``) for the progress bar, and, once
finished, the optimiser's answer as JSON.
"""

from enum import StrEnum
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import JSON, BigInteger, Column
from sqlmodel import Field, SQLModel

from models.fields import utc_now


class AnalysisKind(StrEnum):
    MONTE_CARLO = "monte_carlo"  # with the tornado chart, which needs no draws
    ROBUSTNESS = "robustness"

    @property
    def label(self) -> str:
        return {"monte_carlo": "Monte Carlo", "robustness": "Re-solves on draws"}[self.value]


class AnalysisStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (AnalysisStatus.FINISHED, AnalysisStatus.FAILED)


class PlanAnalysis(SQLModel, table=True):
    __tablename__ = "plan_analysis"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    kind: AnalysisKind
    status: AnalysisStatus = Field(default=AnalysisStatus.QUEUED)
    draws: int
    seed: int = Field(sa_type=BigInteger)
    done: int = Field(default=0, description="Draws (or re-solves) finished so far.")
    created_at: NaiveDatetime = Field(default_factory=utc_now)
    started_at: NaiveDatetime | None = None
    finished_at: NaiveDatetime | None = None
    created_by_name: str = Field(default="", max_length=200)
    message: str = Field(default="", max_length=4000, description="Why it failed, in words.")
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    job_id: int | None = Field(
        default=None,
        foreign_key="job.id",
        ondelete="SET NULL",
        description="The job running it (planner.jobs), whose progress the page follows.",
    )
