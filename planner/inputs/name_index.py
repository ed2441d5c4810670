"""Finding named records (partners, places, interventions, demand types) by name in time that does
not grow with the number of records, for an import of thousands of rows.

Names are compared ignoring capitals and extra spaces, in Python (SQLite lower-cases only ASCII
letters), so finding one by name outside an import reads every name of its table: cheap for the
tens or hundreds of records a form deals with, but a 5,000-row sheet would compare names 25
million times. Inside `names_indexed(session)`, each table's records are read once into an index,
kept current as records are added (before they are written) and by the session's flushes
(renamed or deleted), so each lookup is one dictionary read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import Session, select

from models.text import comparison_key

INDEX_KEY = "names_indexed"
# name key -> the records with that key: saved ones, and ones added but not yet written (an import
# writes a sheet's new records together). Holding the records also keeps them in the session's
# identity map, which holds records weakly, so reading one is a dictionary read, not a query.
NameIndex = dict[str, list[Any]]


def name_key(name: object) -> str:
    """A name as names are compared: ignoring capitals, extra spaces and look-alike letters, so
    "Bradford East", "bradford  EAST " and "Brаdford East" with a Cyrillic "а" are the same
    place (people, and a spreadsheet's SUMIFS, cannot tell them apart)."""
    return comparison_key(name)


@contextmanager
def names_indexed(session: Session) -> Iterator[None]:
    """Within the block, finding records by name in this session reads an index per table."""
    session.info[INDEX_KEY] = {}
    event.listen(session, "transient_to_pending", _note_added)
    event.listen(session, "after_flush", _keep_current)
    try:
        yield
    finally:
        event.remove(session, "after_flush", _keep_current)
        event.remove(session, "transient_to_pending", _note_added)
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
            index.setdefault(name_key(record.name), []).append(record)
        indexes[table] = index
    return indexes[table]


def _note_added(session: Session, record: object) -> None:
    index = (session.info.get(INDEX_KEY) or {}).get(type(record))
    if index is not None:
        index.setdefault(name_key(record.name), []).append(record)  # type: ignore[attr-defined]


def _keep_current(session: Session, _context: object) -> None:
    indexes: dict[type[Any], NameIndex] = session.info.get(INDEX_KEY) or {}
    for record in session.dirty:
        index = indexes.get(type(record))
        if index is None:
            continue
        history = inspect(record).attrs.name.history
        if not history.added:
            continue
        for old in history.deleted or ():
            _forget(index, name_key(old), record)
        for new in history.added:
            index.setdefault(name_key(new), []).append(record)
    for record in session.deleted:
        index = indexes.get(type(record))
        if index is not None:
            _forget(index, name_key(record.name), record)


def _forget(index: NameIndex, key: str, record: object) -> None:
    index[key] = [held for held in index.get(key, []) if held is not record]
