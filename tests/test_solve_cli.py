"""`planner solve`: a readable summary, clean JSON on standard output, and clear refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from models import Plan
from planner.db import new_session
from planner.demo.evidence import PRISON_AWARENESS
from tests.planning_fixtures import demo_app_for_module

DOCUMENTED_KEYS = {
    "plan_id",
    "scenario",
    "status",
    "message",
    "objective",
    "total_spend",
    "total_benefit",
    "allocations",
    "partners",
    "binding_constraints",
    "not_funded",
    "diagnosis",
    "pooling",
    "timings",
    "model_size",
}


@pytest.fixture(scope="module")
def demo_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    yield from demo_app_for_module(request, tmp_path_factory)


def test_solve_prints_a_readable_summary_and_stores_the_plan(demo_app: Flask) -> None:
    result = demo_app.test_cli_runner().invoke(args=["solve", "Strong evidence only"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert 'of "Strong evidence only": optimal' in text
    for heading in ("Objective: £", "Top allocations", "What each partner pays", "Not funded:"):
        assert heading in text
    assert f"{PRISON_AWARENESS} is not funded" in text
    assert "variables" in text and "Solved in" in text
    with demo_app.app_context(), new_session() as session:
        plans = session.exec(select(Plan).where(Plan.scenario_name == "Strong evidence only")).all()
    assert plans and plans[-1].created_by_name == "command line"


def test_solve_json_is_the_only_thing_on_standard_output(demo_app: Flask, tmp_path: Path) -> None:
    """Run as a real process, so a banner printed by the solver's C code would show up."""
    environment = {
        **os.environ,
        "DATABASE_URL": demo_app.config["DATABASE_URL"],
        "PLANNER_SECRET_KEY": "test-secret-key",
        "PLANNER_AUTO_MIGRATE": "false",
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "planner.cli",
            "solve",
            "pooled 2026-29",
            "--json",
            "--time-limit",
            "30",
        ],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    assert set(document) >= DOCUMENTED_KEYS
    assert document["status"] == "optimal" and document["scenario"] == "Pooled 2026-29"
    assert document["objective"] > 0 and document["allocations"] and document["pooling"]
    assert PRISON_AWARENESS not in {row["intervention"] for row in document["allocations"]}
    assert all({"shadow_price", "sentence"} <= set(b) for b in document["binding_constraints"])
    assert any(row["reason"] == "ne" for row in document["not_funded"])
    assert {"contribution", "benefit"} <= set(document["partners"][0])


def test_an_unknown_scenario_fails_in_one_line(demo_app: Flask) -> None:
    result = demo_app.test_cli_runner().invoke(args=["solve", "No such scenario", "--json"])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert 'there is no scenario called "No such scenario"' in lines[0]
    assert "Pooled 2026-29" in lines[0]  # it names the scenarios there are
