"""Optimistic locking: every editable record carries a version, raised by one on each save.

A form or an API client sends back the version it read; a save made from an older version is
refused instead of silently undoing someone else's change. SQLAlchemy also puts the version in
each UPDATE's WHERE clause, so two saves racing each other cannot both succeed: the second
matches no row and raises StaleDataError.
"""

from typing import Any

from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel


class Versioned(SQLModel):
    version: int = Field(
        default=1,
        sa_column_kwargs={"nullable": False, "server_default": "1"},
        description="Raised by one on every change; send it back (If-Match) to change the record.",
    )

    @declared_attr  # type: ignore[arg-type]
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805  (a class attribute, built per table)
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
