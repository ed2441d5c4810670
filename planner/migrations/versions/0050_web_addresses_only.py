"""Links are http or https only: clear any other stored address.

An intervention's evidence link and a demand type's cost source link were stored as typed, so
`javascript:alert(1)` could be saved through the API and shown as a clickable link. From now
on only http and https addresses are accepted; this clears every stored address that is not
one (the source's name is kept, shown without a link). The check is written out here rather
than imported, so this migration keeps meaning what it meant when the models change.

Revision ID: 0050
Revises: 0010
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision: str = '0050'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINK_COLUMNS = (("intervention", "rating_url"), ("demand_type", "cost_source_url"))


def is_web_address(address: str) -> bool:
    """An http or https address with a host, no spaces and no hidden characters."""
    address = address.strip()
    if not address or "\\" in address:
        return False
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in address):
        return False
    try:
        parts = urlsplit(address)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def upgrade() -> None:
    connection = op.get_bind()
    for table_name, column_name in LINK_COLUMNS:
        table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column_name, sa.String))
        link = table.c[column_name]
        rows = connection.execute(sa.select(table.c.id, link).where(link != "")).all()
        for record_id, address in rows:
            if address is None:
                continue
            cleaned = address.strip() if is_web_address(address) else ""
            if cleaned != address:
                connection.execute(
                    table.update().where(table.c.id == record_id).values({column_name: cleaned})
                )


def downgrade() -> None:
    # The addresses cleared were unsafe to show; there is nothing to put back.
    pass
