"""Optimistic locking for shared volunteers: a version on each volunteer pool

The volunteer pools (0081) were built beside the record versions (0041) and missed them, so the
API could neither give a pool's ETag nor take an If-Match to change one.

Revision ID: 0084
Revises: 0060
Create Date: 2026-12-04 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0084'
down_revision: str | None = '0060'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Pools already stored start at version 1, as new ones do.
    with op.batch_alter_table('volunteer_pool', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('volunteer_pool', schema=None) as batch_op:
        batch_op.drop_column('version')
