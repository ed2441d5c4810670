"""Importing a partnership's inputs from a workbook: every row is checked with the same input
services the web forms use, in one transaction; one bad row means nothing is written.

`preview_import` runs the whole import and rolls it back, so the preview shows exactly what
`apply_import` would do: which rows create, update or leave a record unchanged, or every
problem by sheet, row and column. `apply_import` refuses (InputsChanged) when the inputs changed
after the preview the user confirmed.
"""

from __future__ import annotations

from sqlmodel import Session, func, select
from sqlmodel import col as column_of

from models import AuditEvent
from planner.audit.service import Actor, record_change
from planner.excel.import_outcome import CREATE, UNCHANGED, UPDATE, ImportPreview
from planner.excel.import_reader import TEMPLATE_ON_THE_PAGE, read_input_workbook
from planner.excel.importer import Importer

# Audit entities whose changes leave the partnership's inputs as they were.
_NOT_INPUTS = ("scenario", "plan", "delivery", "api_token", "user")


class InputsChanged(RuntimeError):
    """The inputs changed after the workbook was previewed: the preview is out of date."""


def inputs_fingerprint(session: Session) -> str:
    """The latest audited change to the inputs, so a confirmed import can tell whether anyone
    changed them after its preview (every input service records an audit event)."""
    latest = session.exec(
        select(func.max(AuditEvent.id)).where(column_of(AuditEvent.entity).not_in(_NOT_INPUTS))
    ).one()
    return str(latest or 0)


def preview_import(
    session: Session,
    content: bytes,
    *,
    actor: Actor | None = None,
    template: str = TEMPLATE_ON_THE_PAGE,
) -> ImportPreview:
    """Rehearse the import and roll it back: what would change, or every problem, and which
    records the workbook leaves out could be deleted (and which not, and why).

    ``template`` says how to get the inputs template where a refusal points to it."""
    parsed = read_input_workbook(content, template=template)
    try:
        return Importer(session, actor).run(parsed)
    finally:
        session.rollback()


def apply_import(
    session: Session,
    content: bytes,
    *,
    actor: Actor | None = None,
    filename: str = "",
    previewed_at: str | None = None,
    template: str = TEMPLATE_ON_THE_PAGE,
    delete_missing: bool = False,
) -> ImportPreview:
    """Import the workbook in one transaction, or nothing at all if any row has a problem.

    `previewed_at` is the inputs' fingerprint when the user saw the preview: if the inputs have
    changed since, InputsChanged is raised and nothing is imported. ``template`` says how to get
    the inputs template where a refusal points to it. With ``delete_missing``, records a sheet
    of the workbook leaves out are deleted too (one that cannot be is a problem, and nothing is
    imported); without it they are kept and listed.
    """
    parsed = read_input_workbook(content, template=template)
    if previewed_at is not None and inputs_fingerprint(session) != previewed_at:
        raise InputsChanged(previewed_at)
    try:
        outcome = Importer(session, actor, delete_missing=delete_missing).run(parsed)
        if not outcome.ok:
            session.rollback()
            return outcome
        counts = {
            sheet: {CREATE: c, UPDATE: u, UNCHANGED: n} for sheet, c, u, n in outcome.counts()
        }
        outcome.applied = True  # the audit log's summary says what was done, not what would be
        record_change(
            session,
            actor,
            "import",
            "inputs",
            "",
            None,
            {
                "file": filename,
                "rows": counts,
                "deleted": [f"{record.sheet}: {record.label}" for record in outcome.deleted],
            },
            f"Imported {filename or 'a workbook'}: {outcome.summary()}"[:500],
        )
        session.commit()
        return outcome
    except BaseException:
        session.rollback()
        raise
