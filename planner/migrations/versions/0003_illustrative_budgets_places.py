"""Budget lines and places can be marked illustrative, as interventions are

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows already stored are the partnership's own figures, not illustrative ones.
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('illustrative', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('illustrative', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.drop_column('illustrative')
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.drop_column('illustrative')
