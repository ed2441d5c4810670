"""Scenario columns take the optimiser's rule names, so one mapping reads them both ways

min_share_rated_3 -> min_share_rated_3_plus, place_need_floor -> need_floor,
confidence_weights -> confidence, single_demand_type_id -> objective_demand_type_id.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 15:40:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = (
    ('min_share_rated_3', 'min_share_rated_3_plus'),
    ('place_need_floor', 'need_floor'),
    ('confidence_weights', 'confidence'),
    ('single_demand_type_id', 'objective_demand_type_id'),
)


def upgrade() -> None:
    # A rename keeps every stored value (and, on PostgreSQL, the foreign key on the demand type).
    with op.batch_alter_table('scenario', schema=None) as batch_op:
        for old, new in RENAMED:
            batch_op.alter_column(old, new_column_name=new)


def downgrade() -> None:
    with op.batch_alter_table('scenario', schema=None) as batch_op:
        for old, new in RENAMED:
            batch_op.alter_column(new, new_column_name=old)
