"""`planner export`, `planner import`, `planner export-template` and `planner export-inputs`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from planner.cli import fail
from planner.excel.import_deletions import MissingRecord


def _write(path: str, content: bytes) -> None:
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        fail(f"{path}: the file name must end in .xlsx")
    try:
        target.write_bytes(content)
    except OSError as error:
        fail(f"could not write {path}: {error.strerror or error}")


@click.command("export")
@click.argument("plan")
@click.argument("path")
@with_appcontext
def export_command(plan: str, path: str) -> None:
    """Export a plan to an Excel workbook: PLAN is a plan number or a scenario name (its latest
    solved plan)."""
    from planner.db import new_session
    from planner.excel.plan_workbook import build_plan_workbook
    from planner.excel.stored_plan import (
        PlanNotExportable,
        find_plan_to_export,
        plan_workbook_view,
    )

    with new_session() as session:
        try:
            found = find_plan_to_export(session, plan)
            view = plan_workbook_view(session, found)
        except PlanNotExportable as refusal:
            fail(str(refusal))
        _write(path, build_plan_workbook(view))
    click.echo(f"Wrote plan {found.id} ({found.scenario_name}) to {path}.")


@click.command("export-template")
@click.argument("path")
def export_template_command(path: str) -> None:
    """Write a blank inputs workbook (one sheet per input table) to PATH."""
    from planner.excel.inputs_workbook import build_inputs_workbook

    _write(path, build_inputs_workbook())
    click.echo(f"Wrote the inputs template to {path}.")


@click.command("export-inputs")
@click.argument("path")
@with_appcontext
def export_inputs_command(path: str) -> None:
    """Write every current input to PATH, in the template's shape."""
    from planner.db import new_session
    from planner.excel.inputs_workbook import build_current_inputs_workbook

    with new_session() as session:
        _write(path, build_current_inputs_workbook(session))
    click.echo(f"Wrote the current inputs to {path}.")


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change and save nothing.")
@click.option(
    "--delete-missing",
    is_flag=True,
    help="Also delete partners, places, interventions, demand types, budget lines and existing "
    "contracts that have no row on their sheet (refused, saving nothing, where the agreed plan "
    "or a delivery record still needs one).",
)
@with_appcontext
def import_command(path: str, dry_run: bool, delete_missing: bool = False) -> None:
    """Import inputs from an Excel workbook: every row is checked first, and one bad row means
    nothing is saved. A sheet in the workbook is taken as the whole list of its records: those
    it leaves out are listed, and deleted with --delete-missing."""
    from flask import current_app

    from planner.db import new_session
    from planner.excel.import_reader import TEMPLATE_ON_THE_COMMAND_LINE, ImportRefused
    from planner.excel.import_service import apply_import, preview_import

    source = Path(path)
    try:
        size = source.stat().st_size
        if size > current_app.config["MAX_CONTENT_LENGTH"]:
            limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
            fail(f"{path} is larger than {limit:g} MB; split it into smaller workbooks")
        content = source.read_bytes()
    except OSError as error:
        fail(f"could not read {path}: {error.strerror or error}")
    with new_session() as session:
        try:
            if dry_run:
                outcome = preview_import(session, content, template=TEMPLATE_ON_THE_COMMAND_LINE)
            else:
                outcome = apply_import(
                    session,
                    content,
                    filename=source.name,
                    template=TEMPLATE_ON_THE_COMMAND_LINE,
                    delete_missing=delete_missing,
                )
        except ImportRefused as refusal:
            fail(str(refusal))
    for sheet, created, updated, unchanged in outcome.counts():
        click.echo(f"  {sheet}: {created} new, {updated} changed, {unchanged} unchanged")
    for change in outcome.changes:
        if change.action != "unchanged" and outcome.ok:
            word = "new" if change.action == "create" else "changed"
            fields = f": {change.describe()}" if change.fields else ""
            click.echo(f"  {change.sheet}, row {change.row}: {change.label} ({word}){fields}")
    if outcome.ok and outcome.missing_sheets_sentence():
        click.echo(f"  {outcome.missing_sheets_sentence()}")
    if outcome.ok:
        for record in outcome.missing:
            click.echo(f"  {record.sheet}: {_missing_words(record, outcome.applied)}")
        if outcome.missing and not outcome.deleting:
            click.echo(
                f"  {len(outcome.missing)} record(s) have no row in {path} and were kept; "
                "run with --delete-missing to delete them"
            )
    if not outcome.ok:
        for problem in outcome.problems:
            click.echo(f"  {problem}", err=True)
        fail(f"{len(outcome.problems)} problem(s) in {path}; nothing was saved")
    if dry_run:
        click.echo(f"Dry run: {outcome.summary()}. Nothing was saved.")
    else:
        click.echo(f"Imported {path}: {outcome.summary()}. {outcome.next_step()}".strip())


def _missing_words(record: MissingRecord, applied: bool) -> str:
    """'Kirklees Council · 2028/29: not in the workbook, deleted' and the like."""
    if record.deleted:
        state = "deleted" if applied else "can be deleted"
    elif record.refused:
        state = f"kept: cannot be deleted ({record.refused})"
    else:
        state = "kept"
    depends = f"; depends on it: {record.depends}" if record.depends else ""
    return f"{record.label}: not in the workbook, {state}{depends}"


COMMANDS = [export_command, import_command, export_template_command, export_inputs_command]
