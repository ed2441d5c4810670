"""Writing thousands of rows in one go (an import): records are found by name through an index,
new named records are written together rather than one statement each, and so are the audit
events, which take the ids of the records they describe when those are written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from models import AuditEvent
from planner.audit.service import audit_batched
from planner.inputs.name_index import names_indexed

BULK_KEY = "written_in_bulk"


@contextmanager
def written_in_bulk(session: Session) -> Iterator[list[AuditEvent]]:
    """Within the block, the session writes in bulk; yields the audit events kept aside (the
    caller may drop ones that record no change), written when the block ends."""
    with names_indexed(session), audit_batched(session) as events:
        session.info[BULK_KEY] = True
        try:
            yield events
        finally:
            session.info.pop(BULK_KEY, None)


def in_bulk(session: Session) -> bool:
    """Whether new records may wait for the session's next flush (see `written_in_bulk`)."""
    return bool(session.info.get(BULK_KEY))
