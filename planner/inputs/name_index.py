"""Finding named records (partners, places, interventions, demand types) by name in time that does
not grow with the number of records, for an import of thousands of rows.

Names are compared ignoring capitals and extra spaces, in Python (SQLite lower-cases only ASCII
letters), so finding one by name outside an import reads every name of its table: cheap for the
tens or hundreds of records a form deals with, but a 5,000-row sheet would compare names 25
million times. Inside `names_indexed(session)`, each table's names are read once into an index,
kept current by the session's own flushes (records added, renamed or deleted), so each lookup is
one dictionary read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import Session, select

from models.text import comparison_key

INDEX_KEY = "names_indexed"
NameIndex = dict[str, dict[int, str]]  # name key -> {record id: name as recorded}


def name_key(name: object) -> str:
    """A name as names are compared: ignoring capitals, extra spaces and look-alike letters, so
    "Bradford East", "bradford  EAST " and "Brаdford East" with a Cyrillic "а" are the same
    place (people, and a spreadsheet's SUMIFS, cannot tell them apart)."""
    return comparison_key(name)


@contextmanager
def names_indexed(session: Session) -> Iterator[None]:
    """Within the block, finding records by name in this session reads an index per table."""
    session.info[INDEX_KEY] = {}
    event.listen(session, "after_flush", _keep_current)
    try:
        yield
    finally:
        event.remove(session, "after_flush", _keep_current)
        session.info.pop(INDEX_KEY, None)


def indexed_names(session: Session, table: type[Any]) -> NameIndex | None:
    """The table's name index (built on first use, loading its records into the session), or
    None outside `names_indexed`."""
    indexes: dict[type[Any], NameIndex] | None = session.info.get(INDEX_KEY)
    if indexes is None:
        return None
    if table not in indexes:
        index: NameIndex = {}
        for record in session.exec(select(table)):
            index.setdefault(name_key(record.name), {})[record.id] = record.name
        indexes[table] = index
    return indexes[table]


def _keep_current(session: Session, _context: object) -> None:
    indexes: dict[type[Any], NameIndex] = session.info.get(INDEX_KEY) or {}
    for record in session.new:
        index = indexes.get(type(record))
        if index is not None:
            index.setdefault(name_key(record.name), {})[record.id] = record.name
    for record in session.dirty:
        index = indexes.get(type(record))
        if index is None:
            continue
        history = inspect(record).attrs.name.history
        for old in history.deleted or ():
            index.get(name_key(old), {}).pop(record.id, None)
        for new in history.added or ():
            index.setdefault(name_key(new), {})[record.id] = new
    for record in session.deleted:
        index = indexes.get(type(record))
        if index is not None:
            index.get(name_key(record.name), {}).pop(record.id, None)
