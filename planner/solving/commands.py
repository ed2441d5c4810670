"""`planner solve "<scenario>"`: solve a stored scenario now, store the plan, and print it."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from planner.cli import fail


@click.command("solve")
@click.argument("scenario")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON, and nothing else.")
@click.option(
    "--time-limit",
    type=click.FloatRange(0.1, 3600),
    default=None,
    help="Seconds the solver may take (default: the scenario's own limit).",
)
@with_appcontext
def solve_command(scenario: str, as_json: bool, time_limit: float | None) -> None:
    """Solve SCENARIO (its name) and store the plan.

    Exits 0 when a plan was found (optimal, or stopped at the time limit), 1 otherwise.
    """
    from planner.db import new_session, upgrade_database
    from planner.solving.reading import plan_json, summary_lines
    from planner.solving.service import (
        RunInFlight,
        ScenarioNotFound,
        ask_for_plan,
        scenario_by_name,
    )

    upgrade_database()
    with new_session() as session:
        try:
            found = scenario_by_name(session, scenario)
        except ScenarioNotFound as error:
            fail(str(error))
            return
        try:
            solved = ask_for_plan(session, found.id, None, time_limit=time_limit, here=True)  # type: ignore[arg-type]
        except RunInFlight as in_flight:
            fail(
                f'"{found.name}" is already being planned (plan {in_flight.plan.id}); '
                "run it again once that has finished"
            )
        if as_json:
            click.echo(json.dumps(plan_json(solved), indent=2, ensure_ascii=False))
        else:
            for line in summary_lines(solved):
                click.echo(line)
        if not solved.status.has_allocation:
            raise click.exceptions.Exit(1)
