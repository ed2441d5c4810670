"""Inputs carry their uncertainty; analyses of a plan (Monte Carlo, tornado, re-solves) are kept

Revision ID: 0070
Revises: 0083
Create Date: 2026-12-04 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0070'
down_revision: str | None = '0083'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every new input column is optional: a figure with no spread takes the stated default.
    with op.batch_alter_table('intervention', schema=None) as batch_op:
        batch_op.add_column(sa.Column('take_up_low_percent', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('take_up_high_percent', sa.Float(), nullable=True))
    with op.batch_alter_table('intervention_effect', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standard_error', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('effect_low', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('effect_high', sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column('spread_source', sa.String(length=300), nullable=False, server_default='')
        )
    with op.batch_alter_table('demand_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_cost_low', sa.Numeric(14, 2), nullable=True))
        batch_op.add_column(sa.Column('unit_cost_high', sa.Numeric(14, 2), nullable=True))
    with op.batch_alter_table('scenario', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_amount', sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column('expected_over_draws', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(sa.Column('target_demand_type_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_scenario_target_demand_type', 'demand_type', ['target_demand_type_id'], ['id']
        )
    op.create_table(
        'plan_analysis',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('MONTE_CARLO', 'ROBUSTNESS', name='analysiskind'), nullable=False),
        sa.Column(
            'status',
            sa.Enum('QUEUED', 'RUNNING', 'FINISHED', 'FAILED', name='analysisstatus'),
            nullable=False,
        ),
        sa.Column('draws', sa.Integer(), nullable=False),
        sa.Column('seed', sa.BigInteger(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('created_by_name', sa.String(length=200), nullable=False),
        sa.Column('message', sa.String(length=4000), nullable=False),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['job_id'], ['job.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('plan_analysis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_analysis_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plan_analysis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_analysis_plan_id'))
    op.drop_table('plan_analysis')
    sa.Enum(name='analysisstatus').drop(op.get_bind(), checkfirst=True)
    sa.Enum(name='analysiskind').drop(op.get_bind(), checkfirst=True)
    with op.batch_alter_table('scenario', schema=None) as batch_op:
        batch_op.drop_constraint('fk_scenario_target_demand_type', type_='foreignkey')
        batch_op.drop_column('target_demand_type_id')
        batch_op.drop_column('target_amount')
        batch_op.drop_column('expected_over_draws')
    with op.batch_alter_table('demand_type', schema=None) as batch_op:
        batch_op.drop_column('unit_cost_high')
        batch_op.drop_column('unit_cost_low')
    with op.batch_alter_table('intervention_effect', schema=None) as batch_op:
        batch_op.drop_column('spread_source')
        batch_op.drop_column('effect_high')
        batch_op.drop_column('effect_low')
        batch_op.drop_column('standard_error')
    with op.batch_alter_table('intervention', schema=None) as batch_op:
        batch_op.drop_column('take_up_high_percent')
        batch_op.drop_column('take_up_low_percent')
