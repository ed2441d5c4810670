"""The value of pooling is worked out by its own job after the plan: its status on the plan

Revision ID: 0010
Revises: 0004
Create Date: 2026-12-04 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plans stored before worked their value of pooling out inside the run: done, or none.
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('pooling_status', sa.String(length=20), nullable=False, server_default='')
        )
    plan = sa.table('plan', sa.column('pooling_status', sa.String), sa.column('pooling_gain'))
    op.execute(plan.update().where(plan.c.pooling_gain.isnot(None)).values(pooling_status='done'))


def downgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('pooling_status')
