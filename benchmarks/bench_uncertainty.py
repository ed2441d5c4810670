"""Benchmark how sure a plan is: the demo plan's Monte Carlo, and its re-solves on 1 and 2 workers.

    python benchmarks/bench_uncertainty.py                 # 10,000 draws; 200 re-solves, 1 and 2
    python benchmarks/bench_uncertainty.py --resolves 60   # fewer re-solves, for a quick look
    python benchmarks/bench_uncertainty.py --database sqlite

Loads the demo partnership into a throw-away database (PostgreSQL on --postgres by default) and
takes its agreed plan. Prints the Monte Carlo's time for 10,000 draws (in this process,
vectorised with numpy; target under 2 s) and the tornado's, then times the re-solves as a
commissioner's click runs them: real ``planner worker`` processes (Celery on the Redis at
--broker, on a queue of this run's own), 1 and then 2 of them, and for each run the robustness
analysis from the request (``start_analysis`` and ``run_analysis``, as the plan page's button
does) to the finished result the progress bar waits for. The first analysis on each set of
workers is a small one that warms them up and is not timed. For each it prints the wall time,
each worker's CPU seconds (its processes', read from /proc) and the machine's load, and the
speed-up of 2 workers over 1: on a machine others are using, a low speed-up with CPU shared
evenly between the workers means the machine was busy, not that the work did not fan out.
Prints figures only; no assertions.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

SEED = 20_260_401
TICKS = os.sysconf("SC_CLK_TCK")


def throwaway_postgres(server_url: str) -> tuple[str, Callable[[], None]]:
    """A new, empty PostgreSQL database on the server, and how to drop it."""
    from sqlalchemy import create_engine, text

    name = f"bench_uncertainty_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{server_url.rpartition('/')[0]}/{name}", drop


def process_tree(pid: int) -> list[int]:
    """A process and its descendants (a Celery worker and its pool processes)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rpartition(")")[2].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry))
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        waiting.extend(parents.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds used so far by a process and its live descendants."""
    total = 0
    for member in process_tree(pid):
        try:
            with open(f"/proc/{member}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


class Workers:
    """``count`` ``planner worker`` processes, one job at a time each, on this run's queue."""

    def __init__(self, count: int, env: dict[str, str], folder: str) -> None:
        planner = os.path.join(os.path.dirname(sys.executable), "planner")
        self.processes = []
        self.logs = []
        for number in range(1, count + 1):
            log = open(os.path.join(folder, f"worker-{count}-{number}.log"), "w+")  # noqa: SIM115
            self.logs.append(log)
            self.processes.append(
                subprocess.Popen(
                    [planner, "worker", "--concurrency", "1", "--name", f"bench{number}@%h"],
                    env={**env, "PLANNER_ANALYSIS_WORKERS": str(count)},
                    cwd=folder,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    # Each worker in a session of its own, as separate services run: Linux
                    # shares CPU between sessions (autogroups) before processes, so workers
                    # started in this one session would share one session's CPU on a busy
                    # machine, however many there were.
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + 120
        for log, process in zip(self.logs, self.processes, strict=True):
            while True:
                log.seek(0)
                if " ready." in log.read():
                    break
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"a worker did not start:\n{log.read()[-2000:]}")
                time.sleep(0.2)

    def cpu(self) -> list[float]:
        return [cpu_seconds(process.pid) for process in self.processes]

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in self.logs:
            log.close()


def timeline(app: Any, analysis_id: int, clicked: Any) -> list[str]:
    """Where the time went: when the analysis's job and each of its parts started and ended
    (seconds after the click), and which worker ran each."""
    from sqlmodel import col, select

    from models import Job, PlanAnalysis
    from planner.db import new_session

    with app.app_context(), new_session() as session:
        analysis = session.get(PlanAnalysis, analysis_id)
        assert analysis is not None
        jobs = session.exec(
            select(Job)
            .where((col(Job.id) == analysis.job_id) | (col(Job.parent_id) == analysis.job_id))
            .order_by(col(Job.id))
        ).all()
        lines = []
        for job in jobs:
            start = (job.started_at - clicked).total_seconds() if job.started_at else float("nan")
            end = (job.finished_at - clicked).total_seconds() if job.finished_at else float("nan")
            if not job.parent_id:
                what = "the analysis"
            elif "start" in job.parameters:
                what = f"draws {job.parameters['start']}-{job.parameters['stop'] - 1}"
            else:  # one job per draw, as before the draws were cut into parts
                what = f"draw {job.parameters.get('draw')}"
            lines.append(
                f"    {what}: {start:5.2f} s to {end:5.2f} s on {job.worker.split('@')[0]}"
            )
        return lines


def click(app: Any, plan_id: int, draws: int) -> tuple[float, dict[str, Any], list[str]]:
    """What the plan page's "Re-solve on draws" button does, then waiting as its progress bar
    does: seconds from the request to the finished result, and the result."""
    from models import Plan, PlanAnalysis
    from models.fields import utc_now
    from planner.analysis.runner import run_analysis
    from planner.analysis.service import start_analysis
    from planner.db import new_session

    started = time.perf_counter()
    clicked = utc_now()
    with app.app_context():
        with new_session() as session:
            plan = session.get(Plan, plan_id)
            fields = {"kind": "robustness", "draws": str(draws), "seed": str(SEED)}
            analysis_id = start_analysis(session, plan, fields, None).id
        run_analysis(app, analysis_id)
        while True:
            with new_session() as session:
                analysis = session.get(PlanAnalysis, analysis_id)
                assert analysis is not None
                if analysis.status.finished:
                    seconds = time.perf_counter() - started
                    if analysis.status.value != "finished":
                        raise RuntimeError(analysis.message)
                    return (
                        seconds,
                        analysis.result["robustness"],
                        timeline(app, analysis_id, clicked),
                    )
            # A poll every 20 ms (one small query) reads the finish to within 20 ms and costs the
            # workers little CPU; the page's progress bar polls less often, which is its choice.
            time.sleep(0.02)


def forget_queue(broker: str, queue: str) -> None:
    """Remove this run's queue (and Celery's records of it) from Redis."""
    import redis

    client = redis.Redis.from_url(broker)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--resolves", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs on each set of workers")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--timeline", action="store_true", help="when each part ran, and on which worker"
    )
    arguments = parser.parse_args()

    import optimiser as opt
    from optimiser.montecarlo import simulate_plan
    from optimiser.tornado import tornado
    from planner import create_app
    from planner.db import new_session
    from planner.delivery.agreement import agreed_plan
    from planner.demo.loader import load_demo
    from planner.solving.snapshot import inputs_from_snapshot

    folder = tempfile.mkdtemp(prefix="bench-uncertainty-")
    drop: Callable[[], None] = lambda: None  # noqa: E731
    if arguments.database == "postgresql":
        database_url, drop = throwaway_postgres(arguments.postgres)
    else:
        database_url = f"sqlite:///{folder}/planner.sqlite"
    queue = f"bench-uncertainty-{os.getpid()}-{socket.gethostname()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PLANNER_INSTANCE_PATH": folder,
        "PLANNER_SECRET_KEY": "benchmark",
        "PLANNER_BROKER_URL": arguments.broker,
        "PLANNER_JOB_QUEUE": queue,
        "PLANNER_AUTO_MIGRATE": "off",
        "PLANNER_LOG_LEVEL": "WARNING",
    }
    try:
        config = {
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": folder,
            "SECRET_KEY": "benchmark",
            "AUTO_MIGRATE": True,
            "LOG_LEVEL": "WARNING",
        }
        loader = create_app({**config, "SOLVE_IN_BACKGROUND": False})
        with loader.app_context():
            load_demo()
            with new_session() as session:
                plan = agreed_plan(session)
                assert plan is not None, "the demo has an agreed plan"
                plan_id, snapshot, stored = plan.id, plan.inputs, plan.result
        inputs, _rules = inputs_from_snapshot(snapshot)
        answer = opt.plan_from_dict(stored)
        print(
            f"Demo plan {plan_id}: {len(answer.allocations)} allocations, "
            f"{len(inputs.interventions)} interventions, {len(inputs.demand_types)} demand types; "
            f"{os.cpu_count()} cores, database {arguments.database}"
        )
        seconds = []
        for _ in range(arguments.repeats):
            started = time.perf_counter()
            result = simulate_plan(answer, inputs, draws=arguments.draws)
            seconds.append(time.perf_counter() - started)
        print(
            f"Monte Carlo, {arguments.draws:,} draws: median {statistics.median(seconds):.3f} s "
            f"(runs: {', '.join(f'{s:.3f}' for s in seconds)}); chance benefits exceed costs "
            f"{result.chance_benefits_exceed_costs:.1%}"
        )
        started = time.perf_counter()
        bars = tornado(answer, inputs)
        print(f"Tornado, {len(bars.bars)} bars: {time.perf_counter() - started:.3f} s")

        timings: dict[int, float] = {}
        results: dict[int, dict[str, Any]] = {}
        cpu: dict[int, list[list[float]]] = {1: [], 2: []}
        for count in (1, 2):
            web = create_app(
                {**config, "BROKER_URL": arguments.broker, "JOB_QUEUE": queue}
                | {"ANALYSIS_WORKERS": count, "AUTO_MIGRATE": False}
            )
            workers = Workers(count, env, folder)
            try:
                click(web, plan_id, min(10, arguments.resolves))  # warms the workers up
                runs = []
                for _ in range(arguments.repeats):
                    load = os.getloadavg()[0]
                    before = workers.cpu()
                    wall, results[count], lines = click(web, plan_id, arguments.resolves)
                    used = [after - b for after, b in zip(workers.cpu(), before, strict=True)]
                    runs.append(wall)
                    cpu[count].append(used)
                    print(
                        f"{arguments.resolves} re-solves on {count} worker(s): {wall:.2f} s from "
                        f"the click to the result; CPU per worker "
                        f"{', '.join(f'{c:.2f} s' for c in used)} (total {sum(used):.2f} s); "
                        f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after"
                    )
                    if arguments.timeline:
                        print("\n".join(lines))
                timings[count] = statistics.median(runs)
            finally:
                workers.stop()
        robust = results[1]
        alone = statistics.median(sum(used) for used in cpu[1])
        busier = statistics.median(max(used) for used in cpu[2])
        print(
            f"CPU: {alone:.2f} s for the re-solves on 1 worker; on 2 the busier worker used "
            f"{busier:.2f} s, so with a free core each 2 workers could take {busier / alone:.0%} "
            f"of the time of 1 ({alone / busier:.2f}x)"
        )
        print(
            f"Median: {timings[1]:.2f} s on 1 worker, {timings[2]:.2f} s on 2; speed-up "
            f"{timings[1] / timings[2]:.2f}x (2 workers take {timings[2] / timings[1]:.0%} of the "
            f"time of 1). Same result on 1 and 2 workers: {'yes' if results[1] == results[2] else 'NO'} "
            f"({robust['solved']} draws with a plan, mean regret {robust['regret_mean']:,.0f})"
        )
    finally:
        drop()
        forget_queue(arguments.broker, queue)


if __name__ == "__main__":
    main()
