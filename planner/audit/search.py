"""Reading the audit log: filtering events and showing what each one changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, func, select

from models import AuditEvent

PAGE_SIZE = 50
# Bookkeeping columns that change with every save and say nothing to a reader.
UNINTERESTING = {"id", "updated_at", "created_at", "password_hash"}


@dataclass(frozen=True)
class AuditFilter:
    entity: str = ""
    user: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def parse_date(text: str | None) -> date | None:
    """A date from a form (YYYY-MM-DD); anything else is ignored rather than failing."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def find_events(session: Session, wanted: AuditFilter) -> AuditPage:
    """Events matching the filter, newest first, one page at a time."""
    query = select(AuditEvent)
    if wanted.entity:
        query = query.where(AuditEvent.entity == wanted.entity)
    if wanted.user:
        query = query.where(AuditEvent.user_name == wanted.user)
    if wanted.date_from:
        query = query.where(AuditEvent.at >= datetime.combine(wanted.date_from, time.min))
    if wanted.date_to:
        end = datetime.combine(wanted.date_to + timedelta(days=1), time.min)
        query = query.where(AuditEvent.at < end)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = max(1, wanted.page)
    events = session.exec(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())  # type: ignore[attr-defined, union-attr]
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return AuditPage(list(events), total, page)


def entity_choices(session: Session) -> list[str]:
    return sorted(session.exec(select(AuditEvent.entity).distinct()).all())


def user_choices(session: Session) -> list[str]:
    return sorted(session.exec(select(AuditEvent.user_name).distinct()).all())


def changes(event: AuditEvent) -> list[Change]:
    """What an event changed, field by field: every field for a creation or deletion, only
    the fields that differ for an update."""
    before = event.before or {}
    after = event.after or {}
    fields = [key for key in {**before, **after} if key not in UNINTERESTING]
    found = []
    for key in fields:
        old, new = before.get(key), after.get(key)
        if event.before is not None and event.after is not None and old == new:
            continue
        found.append(Change(key.replace("_", " "), shown(old), shown(new)))
    return found


def shown(value: Any) -> str:
    """A stored value in words: lists joined, mappings as 'key: value', nothing as blank."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {shown(item)}" for key, item in value.items())
    return str(value)
