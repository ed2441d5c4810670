"""Optimistic locking: a version on every editable record

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-04 16:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0041'
down_revision: str | None = '0040'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = (
    'partner',
    'commissioning_cycle',
    'budget_line',
    'existing_contract',
    'demand_type',
    'intervention',
    'intervention_effect',
    'place',
    'place_population',
    'capacity_override',
    'scenario',
    'user',
    'delivery_record',
)


def upgrade() -> None:
    # Records already stored start at version 1, as new ones do.
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('version', sa.Integer(), nullable=False, server_default='1')
            )


def downgrade() -> None:
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
