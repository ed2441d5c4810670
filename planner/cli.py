"""The `planner` command: serve the app, migrate the database, load the demo, manage users.

Each command exits non-zero with a one-line reason when its input is wrong, and so does any
command when the configuration is unusable or the database cannot be reached: those are caught
once, in planner.app_commands, rather than in every command.

This module imports click only: `planner --help` lists the commands from COMMANDS without
importing Flask, the database layer or any command, and answers in a fraction of a second.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from planner.app_commands import PlannerGroup

HELP = "Plan pooled early-intervention budgets across a partnership."

# Every command: where it lives and its one-line help. `planner --help` lists these without
# importing the commands or building the app (which takes seconds); a command is imported only
# when it is run. A feature that adds a command adds it here.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("planner.app_commands:serve_command", "Serve the app with gunicorn."),
    "worker": ("planner.jobs.commands:worker_command", "Run jobs sent through PLANNER_BROKER_URL."),
    "db": ("planner.app_commands:db_group", "Apply database migrations, or check for drift."),
    "demo": ("planner.app_commands:demo_command", "Load the illustrative demo partnership."),
    "users": ("planner.users.commands:users_group", "Manage the people who can sign in."),
    "solve": ("planner.solving.commands:solve_command", "Solve a scenario now and print the plan."),
    "export": ("planner.excel.commands:export_command", "Write a plan as an Excel workbook."),
    "export-template": (
        "planner.excel.commands:export_template_command",
        "Write the empty inputs template workbook.",
    ),
    "export-inputs": (
        "planner.excel.commands:export_inputs_command",
        "Write the current inputs as a workbook.",
    ),
    "import": ("planner.excel.commands:import_command", "Check and import an inputs workbook."),
}


class ListsCommands(click.Group):
    """Lists the commands in COMMANDS with their one-line help, none of them loaded."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class CommandListing(ListsCommands):
    """The `planner` group as `planner --help` shows it: the commands in COMMANDS, none loaded."""


def main(args: list[str] | None = None) -> None:
    """Entry point of the `planner` console script."""
    given = sys.argv[1:] if args is None else args
    if not given or given == ["--help"]:  # the list of commands: nothing to import or build
        CommandListing(help=HELP).main(args=given, prog_name="planner")
        return
    # The demo and the production server both build the app here, not from FLASK_APP.
    os.environ.setdefault("FLASK_RUN_FROM_CLI", "false")
    planner_cli().main(args=given, prog_name="planner")


def planner_cli() -> PlannerGroup:
    """The command group that runs a command (Flask's, building the app when a command runs)."""
    from planner.app_commands import PlannerGroup, create_planner_app

    return PlannerGroup(
        create_app=create_planner_app,
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
        help=HELP,
    )


def fail(message: str) -> NoReturn:
    """Stop with a one-line reason and a non-zero exit code."""
    raise click.ClickException(message)


def commands() -> list[click.Command]:
    """Every top-level command (imported), for the app's own `flask` command group."""
    found = []
    for target, _help in COMMANDS.values():
        module, _, attribute = target.partition(":")
        found.append(getattr(importlib.import_module(module), attribute))
    return found


if __name__ == "__main__":  # pragma: no cover
    main()
