"""Jobs: long work (solves, batches, imports, exports) run outside web requests, tracked here.

The database, not the job queue, is the record of what each job is doing: which worker holds it,
when it last said so (its heartbeat), how far it has got, and how it ended, in words. A job that
must not run twice at once names an `exclusive_key` (for a scenario's run, "run-scenario:5"); a
unique index over the keys of jobs still queued or running makes a second one impossible, on
SQLite and PostgreSQL alike.
"""

from enum import StrEnum
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from models.fields import utc_now


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """Whether the job has ended, one way or another."""
        return self not in (JobState.QUEUED, JobState.RUNNING)

    @property
    def label(self) -> str:
        return {
            JobState.QUEUED: "Waiting to start",
            JobState.RUNNING: "Running",
            JobState.FINISHED: "Finished",
            JobState.FAILED: "Failed",
            JobState.CANCELLED: "Cancelled",
        }[self]


# Written out once so the partial index and the code that tests "in flight" agree.
IN_FLIGHT_STATES = (JobState.QUEUED, JobState.RUNNING)
# (SQLModel stores an enum by its member's name.)
IN_FLIGHT_SQL = "state IN ('QUEUED', 'RUNNING') AND exclusive_key IS NOT NULL"


class Job(SQLModel, table=True):
    __table_args__ = (
        Index(
            "uq_job_in_flight",
            "exclusive_key",
            unique=True,
            sqlite_where=text(IN_FLIGHT_SQL),
            postgresql_where=text(IN_FLIGHT_SQL),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(
        max_length=80, index=True, description="Registered job kind, e.g. solve_plan."
    )
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: JobState = Field(default=JobState.QUEUED, index=True)
    exclusive_key: str | None = Field(
        default=None, max_length=120, description="At most one job in flight per key."
    )
    parent_id: int | None = Field(
        default=None, foreign_key="job.id", ondelete="CASCADE", index=True
    )
    created_at: NaiveDatetime = Field(default_factory=utc_now)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_by_name: str = Field(default="", max_length=200)
    started_at: NaiveDatetime | None = None
    heartbeat_at: NaiveDatetime | None = None
    finished_at: NaiveDatetime | None = None
    worker: str = Field(
        default="", max_length=200, description="Worker holding or last holding it."
    )
    attempts: int = Field(default=0, description="How many times a worker has started it.")
    progress: int = Field(default=0, ge=0, le=100)
    progress_message: str = Field(default="", max_length=300)
    error: str = Field(default="", max_length=4000, description="Why it failed, in words.")
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
