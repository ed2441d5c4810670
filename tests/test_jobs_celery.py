"""Jobs on Celery and Redis, as deployed: two `planner worker` processes take ten solves from the
local Redis (database 4); one worker is killed in the middle of a solve, and every job still ends
correctly: the killed one retried by the other worker, never left "running"."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import col, select

from models import Job, JobState, Plan, Scenario
from models.plan import PlanStatus
from planner.db import new_session
from planner.solving.service import run_plan, start_plan
from tests.conftest import missing_system_package
from tests.planning_fixtures import demo_app_for_module

BROKER = "redis://127.0.0.1:6379/4"
SOLVES = 10
WAIT_SECONDS = 240


def _redis() -> object:
    import redis

    client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        missing_system_package(
            "Redis is not running on 127.0.0.1:6379 (Debian package redis-server)",
            module_level=True,
        )
    return client


@pytest.fixture(scope="module")
def celery_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    redis_client = _redis()
    redis_client.flushdb()  # type: ignore[attr-defined]
    yield from demo_app_for_module(
        request,
        tmp_path_factory,
        SOLVE_IN_BACKGROUND=True,
        BROKER_URL=BROKER,
        JOB_HEARTBEAT_SECONDS=1,
        JOB_DEAD_AFTER_SECONDS=6,
    )
    redis_client.flushdb()  # type: ignore[attr-defined]


def start_worker(app: Flask, name: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "PLANNER_INSTANCE_PATH": app.instance_path,
        "PLANNER_SECRET_KEY": "test-secret-key",
        "PLANNER_BROKER_URL": BROKER,
        "PLANNER_JOB_HEARTBEAT_SECONDS": "1",
        "PLANNER_JOB_DEAD_AFTER_SECONDS": "6",
        "PLANNER_AUTO_MIGRATE": "off",
    }
    planner = Path(sys.executable).with_name("planner")
    command = [str(planner), "worker", "--name", name, "--concurrency", "1", "--loglevel", "INFO"]
    # A session of its own: killing the worker kills its pool's child too, as a lost machine would.
    return subprocess.Popen(
        command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def jobs(app: Flask, ids: list[int]) -> list[Job]:
    with app.app_context(), new_session() as session:
        return list(session.exec(select(Job).where(col(Job.id).in_(ids))).all())


def test_two_workers_finish_ten_solves_though_one_is_killed_mid_solve(
    celery_app: Flask, tmp_path: Path
) -> None:
    workers = {
        name: start_worker(celery_app, name, tmp_path / f"{name}.log")
        for name in ("first@test", "second@test")
    }
    try:
        with celery_app.app_context(), new_session() as session:
            scenario_ids = [s.id for s in session.exec(select(Scenario).order_by(col(Scenario.id)))]
            plan_ids = [
                start_plan(session, scenario_ids[n % len(scenario_ids)], None).id  # type: ignore[arg-type]
                for n in range(SOLVES)
            ]
        for plan_id in plan_ids:
            run_plan(celery_app, plan_id)  # type: ignore[arg-type]
        with celery_app.app_context(), new_session() as session:
            job_ids = [session.get(Plan, plan_id).job_id for plan_id in plan_ids]  # type: ignore[union-attr]
        assert all(job_ids)

        # Kill the first worker while it is solving.
        deadline = time.monotonic() + WAIT_SECONDS
        victim: Job | None = None
        while victim is None and time.monotonic() < deadline:
            victim = next(
                (
                    job
                    for job in jobs(celery_app, job_ids)  # type: ignore[arg-type]
                    if job.state == JobState.RUNNING and job.worker.startswith("first@test")
                ),
                None,
            )
            time.sleep(0.05)
        assert victim is not None, (tmp_path / "first@test.log").read_text()
        os.killpg(workers["first@test"].pid, signal.SIGKILL)
        workers["first@test"].wait(timeout=30)

        while time.monotonic() < deadline:
            if all(job.state.finished for job in jobs(celery_app, job_ids)):  # type: ignore[arg-type]
                break
            time.sleep(0.5)
    finally:
        for process in workers.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)

    ended = {job.id: job for job in jobs(celery_app, job_ids)}  # type: ignore[arg-type]
    log = (tmp_path / "second@test.log").read_text()[-3000:]
    assert all(job.state == JobState.FINISHED for job in ended.values()), (
        [(job.id, job.state, job.error) for job in ended.values()],
        log,
    )
    retried = ended[victim.id]
    # Acknowledged late, so not lost: the second worker ran it again from the start.
    assert retried.attempts == 2 and retried.worker.startswith("second@test")
    assert {job.worker.split(" ")[0] for job in ended.values()} >= {"second@test"}
    with celery_app.app_context(), new_session() as session:
        for plan_id in plan_ids:
            plan = session.get(Plan, plan_id)
            assert plan is not None and plan.status == PlanStatus.OPTIMAL, plan and plan.message
