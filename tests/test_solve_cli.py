"""`planner solve`: a readable summary, clean JSON on standard output, and clear refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from flask import Flask
from sqlmodel import select

from models import Intervention, Plan, Scenario
from optimiser.solve import DEFAULT_GAP
from planner.db import new_session
from planner.demo.evidence import PRISON_AWARENESS

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
    "mip_gap",
    "relaxation_objective",
    "relaxation_gap",
}


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
    # The demo's scenarios plan whole people: a mixed-integer program, proven within its gap.
    assert document["mip_gap"] is not None and 0 <= document["mip_gap"] <= DEFAULT_GAP


def test_an_unknown_scenario_fails_in_one_line(demo_app: Flask) -> None:
    result = demo_app.test_cli_runner().invoke(args=["solve", "No such scenario", "--json"])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert 'there is no scenario called "No such scenario"' in lines[0]
    assert "Pooled 2026-29" in lines[0]  # it names the scenarios there are


def test_whole_programme_plan_reports_its_gaps_in_the_summary_and_json(demo_app: Flask) -> None:
    """A copy of "Strong evidence only" in whole-programme mode, with a set-up cost and a
    minimum cohort on Incredible Years Preschool: a mixed-integer plan, whose summary and JSON
    give the solver's gap and the linear relaxation's objective and gap."""
    with demo_app.app_context(), new_session() as session:
        original = session.exec(
            select(Scenario).where(Scenario.name == "Strong evidence only")
        ).one()
        fields = original.model_dump(exclude={"id", "created_at", "updated_at"})
        session.add(Scenario(**{**fields, "name": "Whole programmes", "whole_programme": True}))
        programme = session.exec(
            select(Intervention).where(Intervention.name == "Incredible Years Preschool")
        ).one()
        kept = (programme.fixed_cost, programme.min_cohort)
        programme.fixed_cost, programme.min_cohort = Decimal(5000), 8
        session.commit()
    try:
        runner = demo_app.test_cli_runner()
        text = runner.invoke(args=["solve", "Whole programmes"])
        document = json.loads(runner.invoke(args=["solve", "Whole programmes", "--json"]).output)
    finally:
        with demo_app.app_context(), new_session() as session:
            programme = session.exec(
                select(Intervention).where(Intervention.name == "Incredible Years Preschool")
            ).one()
            programme.fixed_cost, programme.min_cohort = kept
            session.commit()

    assert text.exit_code == 0, text.output
    assert document["status"] == "optimal"
    assert document["model_size"]["integer_variables"] > 0
    assert document["mip_gap"] is not None and 0 <= document["mip_gap"] <= DEFAULT_GAP
    assert document["relaxation_objective"] >= document["objective"] - 1e-6
    assert 0 <= document["relaxation_gap"] < 1
    line = next(
        line
        for line in text.output.splitlines()
        if line.startswith("Whole people and programmes (a")
    )
    assert line == (
        "Whole people and programmes (a mixed-integer plan): within "
        f"{document['mip_gap'] * 100:.2f}% of the best possible (the solver's gap); if "
        "programmes could run in part, the linear relaxation would reach "
        f"£{round(document['relaxation_objective']):,} of demand avoided, and this plan is "
        f"{document['relaxation_gap'] * 100:.2f}% below it."
    )
