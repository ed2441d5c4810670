"""The audit log: who changed what, when, before and after. Written in the same transaction as
the change, so a change that fails leaves no audit row either."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol

from sqlmodel import Session, SQLModel

from models import AuditEvent


class Actor(Protocol):
    id: int | None
    name: str


def snapshot(record: SQLModel | None) -> dict[str, Any] | None:
    """A JSON-safe copy of a record's columns, for the before/after of an audit event."""
    if record is None:
        return None
    return {key: json_safe(value) for key, value in record.model_dump().items()}


def changed_fields(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields whose value differs, before and after (a field only one side has counts)."""
    names = [
        name
        for name in dict.fromkeys([*before, *after])
        if name not in UNCHANGING and before.get(name) != after.get(name)
    ]
    return (
        {name: before.get(name) for name in names if name in before},
        {name: after.get(name) for name in names if name in after},
    )


# Fields every save changes by itself: not a change anyone made.
UNCHANGING = frozenset({"version", "updated_at"})


def json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def record_change(
    session: Session,
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | SQLModel | None,
    after: dict[str, Any] | SQLModel | None,
    summary: str = "",
) -> AuditEvent | None:
    """Add an audit event to the session; the caller commits it together with the change.

    For an update, before and after keep only the fields whose value changed (the record's
    version, raised by every save, is left out): the log credits each person with the changes
    they made and nothing else, and an update that changed nothing adds no event (None)."""
    before_fields = json_safe(snapshot(before) if isinstance(before, SQLModel) else before)
    after_fields = json_safe(snapshot(after) if isinstance(after, SQLModel) else after)
    if action == "update" and isinstance(before_fields, dict) and isinstance(after_fields, dict):
        before_fields, after_fields = changed_fields(before_fields, after_fields)
        if not before_fields and not after_fields:
            return None
    event = AuditEvent(
        user_id=getattr(actor, "id", None),
        user_name=getattr(actor, "name", None) or "system",
        action=action,
        entity=entity,
        entity_id="" if entity_id is None else str(entity_id),
        summary=summary,
        before=before_fields,
        after=after_fields,
    )
    batch: AuditBatch | None = session.info.get(BATCH_KEY)
    if batch is None:
        session.add(event)
    else:
        batch.keep(event, after if entity_id is None and isinstance(after, SQLModel) else None)
    return event


BATCH_KEY = "audit_batch"


@dataclass
class AuditBatch:
    """Audit events kept aside to be written together, each with the record whose id it waits
    for (a record added and not yet written has none)."""

    events: list[AuditEvent] = field(default_factory=list)
    awaiting: list[tuple[AuditEvent, SQLModel]] = field(default_factory=list)

    def keep(self, event: AuditEvent, record: SQLModel | None) -> None:
        self.events.append(event)
        if record is not None:
            self.awaiting.append((event, record))

    def name_records(self) -> None:
        for event, record in self.awaiting:
            record_id = getattr(record, "id", None)
            event.entity_id = "" if record_id is None else str(record_id)
            if isinstance(event.after, dict) and event.after.get("id", 0) is None:
                event.after = {**event.after, "id": record_id}


@contextmanager
def audit_batched(session: Session) -> Iterator[list[AuditEvent]]:
    """Within the block, audit events are kept aside (the list yielded, which the caller may
    prune) and written together when it ends: an import of thousands of rows writes its events
    in a few statements, not one each. Nothing is written if the block raises."""
    batch = AuditBatch()
    session.info[BATCH_KEY] = batch
    try:
        yield batch.events
        session.flush()  # records added and not yet written get their ids
        batch.name_records()
        session.add_all(batch.events)
        session.flush()
    finally:
        session.info.pop(BATCH_KEY, None)
