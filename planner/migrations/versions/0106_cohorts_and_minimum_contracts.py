"""Whole cohorts and minimum contracts: an intervention's cohort or caseload size, the cost of
one whole cohort, and the smallest contract a provider will take per place and year.

Revision ID: 0106
Revises: 0105
Create Date: 2026-12-05 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0106'
down_revision: str | None = '0105'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('intervention', schema=None) as batch_op:
        # Interventions already recorded are delivered person by person, with no minimum contract.
        batch_op.add_column(
            sa.Column('cohort_size', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(
            sa.Column('cohort_cost', sa.Numeric(precision=14, scale=2), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                'minimum_contract',
                sa.Numeric(precision=14, scale=2),
                nullable=False,
                server_default='0',
            )
        )


def downgrade() -> None:
    # Dropped in place (SQLite 3.35 and later, and PostgreSQL, drop a column natively): a batch
    # copy would drop and recreate the intervention table, which the effects, contracts and
    # plans that refer to it forbid while SQLite checks foreign keys.
    for column in ('minimum_contract', 'cohort_cost', 'cohort_size'):
        op.drop_column('intervention', column)
