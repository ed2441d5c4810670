"""The data generation: one counter raised with every committed change, so pages rendered once
and kept know when they are out of date.

Revision ID: 0105
Revises: 0084
Create Date: 2026-12-05 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0105'
down_revision: str | None = '0084'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        'data_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(table, [{'id': 1, 'value': 1}])


def downgrade() -> None:
    op.drop_table('data_generation')
