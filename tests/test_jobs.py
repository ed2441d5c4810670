"""Jobs (planner.jobs): one run per scenario enforced by the database, dead workers' jobs retried
then failed in words, cancelling, fanning out, and progress. Celery itself: test_jobs_celery.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlmodel import col, select

from models import Job, JobState, Plan, Scenario
from models.fields import utc_now
from models.plan import PlanStatus
from models.vocabulary import Role
from planner.db import new_session
from planner.jobs.backends import JobSettings
from planner.jobs.context import JobContext
from planner.jobs.registry import job_kind
from planner.jobs.service import (
    JobInFlight,
    cancel_job,
    enqueue,
    new_job,
    reap_dead_jobs,
)
from planner.jobs.states import process_is_gone
from planner.solving.jobs import SOLVE_PLAN, scenario_run_key
from planner.solving.service import RunInFlight, ask_for_plan
from tests.planning_fixtures import demo_client


@job_kind("test_square", title="Squaring a number")
def square(context: JobContext, number: int) -> dict[str, Any]:
    if number == 3:
        raise ValueError("three is not allowed here")
    return {"square": number * number}


@job_kind("test_sum_of_squares", title="Adding squares")
def sum_of_squares(context: JobContext, up_to: int) -> dict[str, Any]:
    parts = context.fan_out("test_square", [{"number": n} for n in range(1, up_to + 1)])
    done = [part.result["square"] for part in parts if part.state == JobState.FINISHED]  # type: ignore[index]
    failed = [part.error for part in parts if part.state == JobState.FAILED]
    return {"total": sum(done), "failed": failed}


@job_kind("test_count_up", title="Counting up")
def count_up(context: JobContext, size: int, parent_id: int) -> dict[str, Any]:
    """Reports each unit done, and what its parent's progress said after each report."""
    seen = []
    for done in range(1, size + 1):
        context.progress(100 * done / size, f"{done} of {size}")
        with new_session() as session:
            parent = session.get(Job, parent_id)
            seen.append(parent.progress_message if parent else "")
    return {"seen": seen}


@job_kind("test_count_in_parts", title="Counting in parts")
def count_in_parts(context: JobContext, sizes: list[int]) -> dict[str, Any]:
    parts = context.fan_out(
        "test_count_up",
        [{"size": size, "parent_id": context.job_id} for size in sizes],
        unit="units",
        sizes=sizes,
    )
    return {"seen": [part.result["seen"] for part in parts]}  # type: ignore[index]


class HeldBackend:
    """Records what was sent without running it: the jobs stay queued, as behind busy workers."""

    description = "held"

    def __init__(self, app: Flask) -> None:
        self.settings = JobSettings.of(app)
        self.sent: list[int] = []

    def dispatch(self, job_id: int, *, child: bool = False) -> None:
        self.sent.append(job_id)


@pytest.fixture
def held(demo_app: Flask) -> Iterator[HeldBackend]:
    backend = HeldBackend(demo_app)
    previous = demo_app.extensions.get("job_backend")
    demo_app.extensions["job_backend"] = backend
    yield backend
    demo_app.extensions["job_backend"] = previous
    with demo_app.app_context(), new_session() as session:  # leave nothing in flight
        for job in session.exec(select(Job)).all():
            if not job.state.finished:
                cancel_job(session, job.id or 0, None)


def scenario_id(app: Flask, name: str) -> int:
    with app.app_context(), new_session() as session:
        return session.exec(select(Scenario.id).where(Scenario.name == name)).one()  # type: ignore[return-value]


def test_ten_simultaneous_runs_of_one_scenario_store_one_plan(
    demo_app: Flask, held: HeldBackend
) -> None:
    scenario = scenario_id(demo_app, "Strong evidence only")
    with demo_app.app_context(), new_session() as session:
        plans_before = len(session.exec(select(Plan)).all())
    outcomes: list[str] = []
    start = threading.Barrier(10)

    def run() -> None:
        start.wait(timeout=30)
        with demo_app.app_context(), new_session() as session:
            try:
                plan = ask_for_plan(session, scenario, None)
                outcomes.append(f"started {plan.id}")
            except RunInFlight as in_flight:
                outcomes.append(f"followed {in_flight.plan.id}")

    threads = [threading.Thread(target=run) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    started = [outcome for outcome in outcomes if outcome.startswith("started")]
    assert len(outcomes) == 10 and len(started) == 1
    plan_id = started[0].split()[1]
    assert all(outcome.endswith(f" {plan_id}") for outcome in outcomes)
    with demo_app.app_context(), new_session() as session:
        assert len(session.exec(select(Plan)).all()) == plans_before + 1
        in_flight = session.exec(
            select(Job).where(col(Job.exclusive_key) == scenario_run_key(scenario))
        ).all()
        assert [job.state for job in in_flight] == [JobState.QUEUED]
    assert held.sent == [in_flight[0].id]


def test_the_database_refuses_a_second_job_in_flight_with_the_same_key(
    demo_app: Flask, held: HeldBackend
) -> None:
    with demo_app.app_context(), new_session() as session:
        first = new_job(session, "test_square", {"number": 2}, exclusive_key="square:2")
        session.commit()
        with pytest.raises(JobInFlight) as refused:
            new_job(session, "test_square", {"number": 2}, exclusive_key="square:2")
        assert refused.value.job.id == first.id
        # Another key, or no key, is free; and once the first has ended, the key is free again.
        new_job(session, "test_square", {"number": 2}, exclusive_key="square:4")
        new_job(session, "test_square", {"number": 2})
        session.commit()
        assert cancel_job(session, first.id or 0, None)
        again = new_job(session, "test_square", {"number": 2}, exclusive_key="square:2")
        session.commit()
        assert again.id != first.id


def test_a_job_whose_worker_died_is_retried_then_failed_in_words(
    demo_app: Flask, held: HeldBackend
) -> None:
    with demo_app.app_context(), new_session() as session:
        plan = ask_for_plan(session, scenario_id(demo_app, "Pooled 2026-29"), None)
        job = session.get(Job, plan.job_id)
        assert job is not None
        minute_ago = utc_now() - timedelta(minutes=1)
        job.state, job.attempts, job.heartbeat_at = JobState.RUNNING, 1, minute_ago
        job.worker = "planner-1@elsewhere (process 4242 on elsewhere)"
        session.commit()
        assert reap_dead_jobs(session, demo_app) == [job.id]
        session.refresh(job)
        assert job.state == JobState.QUEUED and held.sent[-1] == job.id
        assert job.progress_message.startswith(
            "The worker planner-1@elsewhere (process 4242 on elsewhere) stopped while running "
            f"this job (last heard from at {minute_ago:%H:%M:%S} UTC)"
        )
        assert job.progress_message.endswith("trying again.")
        # The second attempt's worker dies too: no attempts are left, so it fails, in words.
        job.state, job.attempts, job.heartbeat_at = JobState.RUNNING, 2, minute_ago
        session.commit()
        assert reap_dead_jobs(session, demo_app) == [job.id]
        session.refresh(job)
        stored = session.get(Plan, plan.id, populate_existing=True)
        assert job.state == JobState.FAILED and job.finished_at is not None
        assert "ran out of memory. It was tried 2 times" in job.error
        assert stored is not None and stored.status == PlanStatus.ERROR
        assert stored.message == job.error


def test_a_job_on_a_live_worker_is_left_alone(demo_app: Flask, held: HeldBackend) -> None:
    with demo_app.app_context(), new_session() as session:
        job = new_job(session, "test_square", {"number": 5})
        job.state, job.attempts, job.heartbeat_at = JobState.RUNNING, 1, utc_now()
        job.worker = "planner-1@elsewhere (process 4242 on elsewhere)"
        session.commit()
        assert reap_dead_jobs(session, demo_app) == []


def test_a_worker_process_gone_from_this_machine_is_known_dead_at_once() -> None:
    import os
    import socket
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    host = socket.gethostname()
    assert process_is_gone(f"w@{host} (process {child.pid} on {host})")
    assert not process_is_gone(f"w@{host} (process {os.getppid()} on {host})")
    assert not process_is_gone(f"w@x (process {child.pid} on another-machine)")


def test_cancelling_a_waiting_run_says_who_stopped_it(demo_app: Flask, held: HeldBackend) -> None:
    commissioner = demo_client(demo_app, Role.COMMISSIONER)
    run = commissioner.post(f"/scenarios/{scenario_id(demo_app, 'Each partner alone')}/run")
    plan_id = int(run.location.split("/")[2])
    page = commissioner.get(run.location).get_data(as_text=True)
    assert "Stop this run" in page and f'action="/plans/{plan_id}/cancel"' in page
    stopped = commissioner.post(f"/plans/{plan_id}/cancel", follow_redirects=True)
    text = stopped.get_data(as_text=True)
    assert f"Plan {plan_id} was stopped before it finished." in text
    assert "Cancelled by Chris Commissioner (demo) at " in text
    with demo_app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None and plan.status == PlanStatus.ERROR
        assert plan.message.startswith("Cancelled by ") and "before it finished" in plan.message
        job = session.get(Job, plan.job_id)
        assert job is not None and job.state == JobState.CANCELLED
    again = commissioner.post(f"/plans/{plan_id}/cancel", follow_redirects=True)
    assert "had already finished, so there was nothing to stop" in again.get_data(as_text=True)


def test_a_place_lead_cannot_cancel_a_run(demo_app: Flask, held: HeldBackend) -> None:
    with demo_app.app_context(), new_session() as session:
        plan = ask_for_plan(session, scenario_id(demo_app, "Pooled 2026-29"), None)
    lead = demo_client(demo_app, Role.PLACE_LEAD)
    assert lead.post(f"/plans/{plan.id}/cancel").status_code == 403
    with demo_app.app_context(), new_session() as session:
        assert session.get(Job, plan.job_id).state == JobState.QUEUED  # type: ignore[union-attr]


def test_a_batch_fans_out_and_reports_each_part(demo_app: Flask) -> None:
    """1 + 4 + 16 + 25 = 46: the part for 3 fails in words and the others still count."""
    with demo_app.app_context(), new_session() as session:
        parent = enqueue(session, "test_sum_of_squares", {"up_to": 5})  # inline in the tests
        session.refresh(parent)
        assert parent.state == JobState.FINISHED and parent.progress == 100
        assert parent.result == {
            "total": 46,
            "failed": ["Squaring a number failed: three is not allowed here"],
        }
        parts = session.exec(select(Job).where(col(Job.parent_id) == parent.id)).all()
        assert sorted(part.state.value for part in parts) == ["failed"] + ["finished"] * 4


def test_fanned_out_parts_report_progress_per_unit_through_their_parent(
    demo_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts of 2 and 3 units: while the parent runs a part itself, each unit the part reports
    moves the parent's progress too, counted in units across the parts."""
    monkeypatch.setattr("planner.jobs.context.PROGRESS_EVERY_SECONDS", 0.0)
    with demo_app.app_context(), new_session() as session:
        parent = enqueue(session, "test_count_in_parts", {"sizes": [2, 3]})  # inline
        session.refresh(parent)
        assert parent.state == JobState.FINISHED, parent.error
        assert parent.result == {
            "seen": [
                ["1 of 5 units done", "2 of 5 units done"],
                ["3 of 5 units done", "4 of 5 units done", "5 of 5 units done"],
            ]
        }


def test_a_solve_job_reports_its_progress_and_result(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        plan = ask_for_plan(session, scenario_id(demo_app, "Pooled 2026-29"), None)
        job = session.get(Job, plan.job_id)
        assert job is not None and job.kind == SOLVE_PLAN
        assert job.state == JobState.FINISHED and job.attempts == 1
        assert job.result == {"plan_id": plan.id, "status": "optimal"}
        assert plan.status == PlanStatus.OPTIMAL
