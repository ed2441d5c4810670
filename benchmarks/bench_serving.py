"""Benchmark the web app as deployed: `planner serve` (gunicorn, 2 workers) on SQLite and on
PostgreSQL, with the demo partnership and 50 stored plans, loaded by wrk at 20 connections.

    python benchmarks/bench_serving.py                    # SQLite and PostgreSQL, 15 s per page
    python benchmarks/bench_serving.py --database sqlite --seconds 10
    python benchmarks/bench_serving.py --postgres postgresql://postgres@127.0.0.1:5432/postgres

Prints p50/p95/p99 latency, requests per second and errors (non-2xx/3xx answers, timeouts,
socket errors) for the agreed plan page, a plan page, a place page and /api/v1/plans/N, as a
browser asks for them (compressed, signed in; the API with a token); then the same page on one
connection (a single request's time and the rate one client gets), the machine's load average
(on a shared machine other work slows every figure) and the jobs waiting or running before and
after (the web workers' own job pool must not be solving during the run). Traffic goes to 127.0.0.1
only, and every run is bounded by --seconds. Needs Debian's `wrk`.

The 49 extra plans are copies of the solved demo plan (its rows cloned in SQL), so the pages
read from a database holding 50 plans without solving 49 scenarios first.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLANNER = Path(sys.executable).with_name("planner")
CONNECTIONS = 20
THREADS = 2
STORED_PLANS = 50
TARGET_P95_MS = 150
REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %.1f %.1f %.1f %.1f\\n", summary.requests, errors,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_planner(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [str(PLANNER), *args], env=env, capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        raise SystemExit(f"planner {' '.join(args)} failed: {done.stderr or done.stdout}")


def prepare(env: dict[str, str]) -> None:
    """The demo, then 49 copies of its solved plan."""
    run_planner(env, "db", "upgrade")
    run_planner(env, "demo")
    code = (
        "from planner import create_app\n"
        "from benchmarks.bench_serving import copy_plans\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    copy_plans({STORED_PLANS})\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT, timeout=900)


def copy_plans(total: int) -> None:
    """Clone the solved plan (and its rows) until `total` plans are stored."""
    from sqlalchemy import insert, select

    from models import Plan, PlanAllocation, PlanExplanation, PlanFunding
    from planner.db import new_session

    with new_session() as session:
        source = session.exec(select(Plan).order_by(Plan.id)).scalars().first()  # type: ignore[call-overload]
        count = len(session.exec(select(Plan.id)).all())  # type: ignore[call-overload]
        children = {
            table: [
                {c.name: getattr(row, c.name) for c in table.__table__.columns if c.name != "id"}  # type: ignore[attr-defined]
                for row in session.exec(select(table).where(table.plan_id == source.id)).scalars()  # type: ignore[call-overload, attr-defined]
            ]
            for table in (PlanAllocation, PlanFunding, PlanExplanation)
        }
        for _ in range(total - count):
            copied = Plan(
                **{
                    c.name: getattr(source, c.name)
                    for c in Plan.__table__.columns  # type: ignore[attr-defined]
                    if c.name not in ("id", "job_id")
                }
            )
            session.add(copied)
            session.flush()
            for table, rows in children.items():
                if rows:
                    session.execute(insert(table), [{**row, "plan_id": copied.id} for row in rows])
        session.commit()


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def sign_in(base: str) -> str:
    """The session cookie of the demo commissioner."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/sign-in", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": "commissioner@demo.example", "password": "demo-partnership-2026"}
    if token:
        form["csrf_token"] = token.group(1)
    opener.open(f"{base}/sign-in", urllib.parse.urlencode(form).encode(), timeout=30)
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def api_token(env: dict[str, str]) -> str:
    code = (
        "from sqlmodel import select\n"
        "from planner import create_app\n"
        "from planner.db import new_session\n"
        "from planner.tokens.service import create_token\n"
        "from models import User\n"
        "app = create_app()\n"
        "with app.app_context(), new_session() as session:\n"
        "    user = session.exec(select(User).where(User.email == 'commissioner@demo.example')).one()\n"
        "    print(create_token(session, user.id, {'name': 'benchmark'})[1])\n"
    )
    return last_line_printed(code, env)


def jobs_in_flight(env: dict[str, str]) -> int:
    """Jobs waiting or running: a solve in a web worker would load the machine during the run."""
    code = (
        "from sqlmodel import col, func, select\n"
        "from models import Job, JobState\n"
        "from planner import create_app\n"
        "from planner.db import new_session\n"
        "app = create_app()\n"
        "with app.app_context(), new_session() as session:\n"
        "    print(session.exec(select(func.count()).select_from(Job).where(\n"
        "        col(Job.state).in_([JobState.QUEUED, JobState.RUNNING]))).one())\n"
    )
    return int(last_line_printed(code, env))


def last_line_printed(code: str, env: dict[str, str]) -> str:
    """Run ``code`` in a Python of its own against the server's database: what it printed last."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout.strip().splitlines()[-1]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def first_id(base: str, cookie: str, path: str, pattern: str) -> int:
    request = urllib.request.Request(f"{base}{path}", headers={"Cookie": cookie})
    page = urllib.request.urlopen(request, timeout=60).read().decode()
    found = re.search(pattern, page)
    if not found:
        raise SystemExit(f"no link matching {pattern} on {path}")
    return int(found.group(1))


def load(
    url: str, headers: dict[str, str], seconds: int, script: Path, connections: int = CONNECTIONS
) -> dict[str, float]:
    command = [
        "wrk",
        f"-t{min(THREADS, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    figures = re.search(r"RESULT (\S+) (\S+) (\S+) (\S+) (\S+) (\S+)", done.stdout)
    if figures is None:
        raise SystemExit(done.stdout + done.stderr)
    requests, errors, rate, p50, p95, p99 = map(float, figures.groups())
    return {
        "requests": requests,
        "errors": errors,
        "rate": rate,
        "p50": p50,
        "p95": p95,
        "p99": p99,
    }


def bench(database: str, database_url: str, seconds: int) -> list[tuple[str, dict[str, float]]]:
    folder = Path(tempfile.mkdtemp(prefix=f"planner-bench-{database}-"))
    port = free_port()
    env = {
        **os.environ,
        "PLANNER_INSTANCE_PATH": str(folder),
        "PLANNER_SECRET_KEY": "benchmark",
        "PLANNER_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    server: subprocess.Popen[bytes] | None = None
    try:
        prepare(env)
        token = api_token(env)
        server = subprocess.Popen(
            [str(PLANNER), "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/health")
        cookie = sign_in(base)
        plan = first_id(base, cookie, "/plans/", r'href="/plans/(\d+)"')
        place = first_id(base, cookie, "/place-teams/", r'href="/place-teams/(\d+)"')
        browser = {"Cookie": cookie, "Accept-Encoding": "gzip"}
        pages = [
            ("agreed plan", f"{base}/agreed-plan/", browser),
            (f"plan page /plans/{plan}", f"{base}/plans/{plan}", browser),
            (f"place page /place-teams/{place}", f"{base}/place-teams/{place}", browser),
            (
                f"/api/v1/plans/{plan}",
                f"{base}/api/v1/plans/{plan}",
                {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"},
            ),
        ]
        script = folder / "report.lua"
        script.write_text(REPORT)
        results = []
        jobs_before = jobs_in_flight(env)
        for label, url, headers in pages:
            load(url, headers, 2, script)  # warm up: caches filled, connections open
            figures = load(url, headers, seconds, script)
            # One connection: the time of a single request, without queueing behind others.
            alone = load(url, headers, max(2, seconds // 2), script, connections=1)
            figures.update({"alone_p50": alone["p50"], "alone_rate": alone["rate"]})
            results.append((label, figures))
        jobs_after = jobs_in_flight(env)
        print(
            f"{database}: jobs queued or running before the run {jobs_before}, after {jobs_after}"
        )
        return results
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def throwaway_postgres(server_url: str) -> tuple[str, Any]:
    from sqlalchemy import create_engine, text

    from planner.config import normalise_database_url

    name = f"planner_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_database_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return f"{server_url.rpartition('/')[0]}/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seconds", type=int, default=15, help="per page (at most 120)")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    seconds = max(1, min(options.seconds, 120))
    chosen = ["sqlite", "postgresql"] if options.database == "both" else [options.database]
    summary: dict[str, Any] = {}
    for database in chosen:
        drop = None
        url = ""
        if database == "postgresql":
            url, drop = throwaway_postgres(options.postgres)
        loaded = load_average()
        try:
            results = bench(database, url, seconds)
        finally:
            if drop is not None:
                drop()
        print(
            f"\n{database}: {STORED_PLANS} stored plans, {CONNECTIONS} connections, {seconds} s each"
            f" (load average {loaded} before, {load_average()} after)"
        )
        print(
            f"{'page':<34} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
            f" {'1 conn: ms':>10} {'req/s':>7}"
        )
        for label, figures in results:
            flag = (
                "" if figures["p95"] < TARGET_P95_MS else f"  (over the {TARGET_P95_MS} ms target)"
            )
            print(
                f"{label:<34} {figures['rate']:>7.1f} {figures['p50']:>8.1f} {figures['p95']:>8.1f}"
                f" {figures['p99']:>8.1f} {int(figures['errors']):>7}"
                f" {figures['alone_p50']:>10.1f} {figures['alone_rate']:>7.1f}{flag}"
            )
        summary[database] = dict(results)
    print("\n" + json.dumps(summary))


if __name__ == "__main__":
    main()
