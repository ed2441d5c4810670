"""What a job function is handed: its session, a way to report progress, and a way to fan out."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask
from sqlmodel import Session, col, select

from models import Job, JobState
from planner.db import new_session
from planner.jobs import states

if TYPE_CHECKING:
    from planner.jobs.backends import JobBackend

# Progress is written at most this often (and always at 0 and 100), so a loop of many small steps
# does not turn into a loop of database writes.
PROGRESS_EVERY_SECONDS = 0.5
# A parent waits this long between looks at its parts: the end of the last part is noticed
# within it, so it is short beside a batch of parts.
FAN_OUT_POLL_SECONDS = 0.1


class JobStopped(Exception):
    """The job was cancelled, or another worker took it over: stop without storing anything."""


@dataclass(frozen=True)
class SubJob:
    """How one fanned-out sub-job ended."""

    id: int
    state: JobState
    parameters: dict[str, Any]
    result: dict[str, Any] | None
    error: str


@dataclass
class JobContext:
    app: Flask
    job_id: int
    attempt: int
    worker: str
    session: Session
    backend: JobBackend
    # Called after each progress report of a sub-job its parent runs itself, so the parent's
    # own progress moves with it (the parent is busy running it and cannot look meanwhile).
    on_progress: Callable[[], None] | None = None
    _last_progress: float = field(default=0.0)

    def progress(self, percent: float, message: str = "") -> None:
        """Report how far the job has got (0-100) and what it is doing, in words. Raises
        JobStopped if the job was cancelled meanwhile, so long loops stop at their next step."""
        now = time.monotonic()
        if 0 < percent < 100 and now - self._last_progress < PROGRESS_EVERY_SECONDS:
            return
        self._last_progress = now
        with new_session() as session:
            still_ours = states.report_progress(
                session, self.job_id, self.attempt, round(percent), message
            )
        if not still_ours:
            raise JobStopped(f"job {self.job_id} was cancelled or taken over")
        if self.on_progress is not None:
            self.on_progress()

    def check(self) -> None:
        """Raise JobStopped if the job was cancelled (cheap: one primary-key read)."""
        with new_session() as session:
            job = session.get(Job, self.job_id)
            if job is None or job.state != JobState.RUNNING or job.attempts != self.attempt:
                raise JobStopped(f"job {self.job_id} was cancelled or taken over")

    def fan_out(
        self,
        kind: str,
        parameter_list: list[dict[str, Any]],
        *,
        unit: str = "parts",
        sizes: list[int] | None = None,
    ) -> list[SubJob]:
        """Run one sub-job of `kind` per parameters, on whichever workers are free, and wait for
        them all; this job's progress counts them ("12 of 40 parts done").

        With ``sizes`` each sub-job holds that many units (draws in a part of the draws), and
        the progress counts units: each finished sub-job's, and the share of each running one's
        that its own progress reports ("120 of 200 draws done").

        While it waits, this job runs sub-jobs no other worker has started yet itself, so a
        batch finishes even when every worker is busy with a batch of its own. A sub-job that
        fails does not stop the others: its SubJob says why, and the caller decides.
        """
        from planner.jobs.runner import execute
        from planner.jobs.service import enqueue_children

        children = enqueue_children(self.session, self.job_id, kind, parameter_list, self.backend)
        weights = sizes if sizes is not None else [1] * len(children)
        if len(weights) != len(children):
            raise ValueError("fan_out needs one size per sub-job")
        total = sum(weights)

        def report() -> int:
            finished, done = self._children_done(children, weights)
            self.progress(100 * done / total if total else 100, f"{done} of {total} {unit} done")
            return finished

        def report_quietly() -> None:
            # A cancelled parent is noticed at its own next step, not inside the part it runs.
            with contextlib.suppress(JobStopped):
                report()

        while True:
            if report() >= len(children):
                break
            waiting = self._next_waiting_child(children)
            if waiting is None:
                time.sleep(FAN_OUT_POLL_SECONDS)
            else:
                execute(self.app, waiting, self.worker, self.backend, on_progress=report_quietly)
        rows = self.session.exec(
            select(Job).where(col(Job.id).in_(children)).order_by(col(Job.id))
        ).all()
        for row in rows:
            self.session.refresh(row)
        return [
            SubJob(
                id=row.id or 0,
                state=row.state,
                parameters=row.parameters,
                result=row.result,
                error=row.error,
            )
            for row in rows
        ]

    def _children_done(self, children: list[int], weights: list[int]) -> tuple[int, int]:
        """How many sub-jobs have ended, and how many units are done (ended sub-jobs' whole
        size, running ones' size times their progress)."""
        size = dict(zip(children, weights, strict=True))
        with new_session() as session:
            rows = session.exec(
                select(Job.id, Job.state, Job.progress).where(col(Job.id).in_(children))
            ).all()
        finished = 0
        done = 0
        for job_id, state, progress in rows:
            if state in (JobState.QUEUED, JobState.RUNNING):
                done += round(size[job_id or 0] * progress / 100)
            else:
                finished += 1
                done += size[job_id or 0]
        return finished, done

    def _next_waiting_child(self, children: list[int]) -> int | None:
        with new_session() as session:
            return session.exec(
                select(Job.id)
                .where(col(Job.id).in_(children), col(Job.state) == JobState.QUEUED)
                .order_by(col(Job.id))
            ).first()
