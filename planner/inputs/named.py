"""The records a partnership knows by name (partners, places, interventions, demand types):
each is added, changed, found by name for an import, and deleted in the same way, so the
checks and the audit trail read alike whichever kind of record it is.

What differs between the kinds (table, schema, the words for it, what depends on a record) is
described once per kind as a `NamedKind`, next to that kind's own functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlmodel import Session, select

from models import DemandType, Intervention, Partner, Place
from models.demand import DemandTypeCreate
from models.intervention import InterventionCreate
from models.partner import PartnerCreate
from models.place import PlaceCreate
from planner.audit.service import Actor, record_change, snapshot
from planner.inputs.bulk import in_bulk
from planner.inputs.validation import (
    apply,
    by_name,
    editable_fields,
    ensure_unique_name,
    fetch,
    merged,
    refuse_deletion,
    saving,
    validated,
)

Named = TypeVar("Named", Partner, Place, Intervention, DemandType)
NamedCreate = PartnerCreate | PlaceCreate | InterventionCreate | DemandTypeCreate


def columns(_session: Session, record: Any) -> dict[str, Any] | None:
    """The audit log's before/after of a record that is just its own columns."""
    return snapshot(record)


@dataclass(frozen=True)
class NamedKind(Generic[Named]):
    """One kind of named record.

    `label` is how messages name the kind ("place"), `a_label` the same with its article ("a
    place"); `entity` is the audit log's name for it. `label_in_summary` says whether the audit
    summary names the kind ("Added place Dewsbury West") or only the record (a partner's name
    speaks for itself). `uses` says in words what would lose its meaning if a record went, and
    `audited` what the audit log keeps of a record (a demand type keeps its cost shares too).
    """

    table: type[Named]
    schema: type[NamedCreate]
    entity: str
    label: str
    a_label: str
    uses: Callable[[Session, Named], list[str]]
    label_in_summary: bool = True
    audited: Callable[[Session, Named], dict[str, Any] | None] = columns

    @property
    def fields(self) -> set[str]:
        return editable_fields(self.schema)

    def title(self, record: Named) -> str:
        return f"{self.label} {record.name}" if self.label_in_summary else record.name


def create_named(
    session: Session,
    kind: NamedKind[Named],
    fields: Mapping[str, Any],
    *,
    actor: Actor | None,
    commit: bool,
) -> Named:
    """Add a record of this kind, refusing a name another record already has."""
    details = validated(kind.schema, merged(None, fields, kind.fields))
    ensure_unique_name(session, kind.table, details.name, kind.a_label)
    record = kind.table(**details.model_dump())
    # In bulk (an import) new records are written together and the audit event takes the id
    # then; one at a time, the event needs the id now.
    deferred = in_bulk(session)
    with saving(session, commit=commit, flush=not deferred):
        session.add(record)
        if not deferred:
            session.flush()
        record_change(
            session,
            actor,
            "create",
            kind.entity,
            record.id,
            None,
            record,
            f"Added {kind.title(record)}",
        )
    return record


def update_named(
    session: Session,
    kind: NamedKind[Named],
    record_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None,
    commit: bool,
) -> Named:
    """Change a record of this kind; fields not given keep their value."""
    record = fetch(session, kind.table, record_id, kind.label)
    return _update(session, kind, record, fields, actor=actor, commit=commit)


def upsert_named(
    session: Session,
    kind: NamedKind[Named],
    fields: Mapping[str, Any],
    *,
    actor: Actor | None,
    commit: bool,
) -> Named:
    """Create the record called fields['name'], or update it if it exists (for imports)."""
    existing = by_name(session, kind.table, str(fields.get("name", "")))
    if existing is None:
        return create_named(session, kind, fields, actor=actor, commit=commit)
    return _update(session, kind, existing, fields, actor=actor, commit=commit)


def delete_named(
    session: Session,
    kind: NamedKind[Named],
    record_id: int,
    *,
    actor: Actor | None,
    commit: bool,
) -> None:
    """Delete a record nothing uses any more; while something does, say what in words."""
    record = fetch(session, kind.table, record_id, kind.label)
    refuse_deletion(record.name, kind.uses(session, record))
    before = kind.audited(session, record)
    with saving(session, commit=commit):
        session.delete(record)
        record_change(
            session,
            actor,
            "delete",
            kind.entity,
            record_id,
            before,
            None,
            f"Deleted {kind.title(record)}",
        )


def _update(
    session: Session,
    kind: NamedKind[Named],
    record: Named,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None,
    commit: bool,
) -> Named:
    details = validated(kind.schema, merged(record, fields, kind.fields))
    ensure_unique_name(session, kind.table, details.name, kind.a_label, record.id)
    before = snapshot(record)
    with saving(session, commit=commit):
        apply(record, details)
        session.add(record)
        record_change(
            session,
            actor,
            "update",
            kind.entity,
            record.id,
            before,
            record,
            f"Changed {kind.title(record)}",
        )
    return record


def named_by_id(session: Session, table: type[Named]) -> dict[int | None, Named]:
    """Every record of a named kind by id, in name order: for turning the ids other tables
    hold into the names a commissioner knows (the optimiser's keys, the workbook's cells)."""
    return {record.id: record for record in session.exec(select(table).order_by(table.name))}
