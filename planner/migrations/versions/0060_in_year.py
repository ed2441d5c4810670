"""The year after agreement: spend and forecasts, observed outcomes, the evidence register,
plans that re-solve an agreed plan, and agreements that revise one

Revision ID: 0060
Revises: 0070
Create Date: 2026-12-04 15:38:06.210867
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0060'
down_revision: str | None = '0070'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('observed_outcome',
    sa.Column('observed', sa.Float(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('demand_type_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['demand_type_id'], ['demand_type.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('place_id', 'demand_type_id', 'year', name='uq_observed_outcome')
    )
    with op.batch_alter_table('observed_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observed_outcome_demand_type_id'), ['demand_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_observed_outcome_place_id'), ['place_id'], unique=False)

    op.create_table('spend_record',
    sa.Column('actual', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('forecast', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['intervention_id'], ['intervention.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('partner_id', 'intervention_id', 'place_id', 'year', 'quarter', name='uq_spend_record')
    )
    with op.batch_alter_table('spend_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spend_record_intervention_id'), ['intervention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spend_record_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spend_record_place_id'), ['place_id'], unique=False)

    op.create_table('evidence_change',
    sa.Column('evidence_rating', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
    sa.Column('unit_cost', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('effect_scale', sa.Float(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('source_date', sa.Date(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('intervention_id', sa.Integer(), nullable=True),
    sa.Column('intervention_name', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('rating_before', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('unit_cost_before', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('agreed_plan_id', sa.Integer(), nullable=True),
    sa.Column('check_plan_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agreed_plan_id'], ['plan.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['check_plan_id'], ['plan.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['intervention_id'], ['intervention.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evidence_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_change_intervention_id'), ['intervention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_change_recorded_at'), ['recorded_at'], unique=False)

    with op.batch_alter_table('plan', schema=None) as batch_op:
        # Plans stored before this are scenario runs.
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='scenario'))
        batch_op.add_column(sa.Column('based_on_plan_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_plan_based_on_plan_id', 'plan', ['based_on_plan_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('plan_agreement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revises_plan_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('changes', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False, server_default=''))
        batch_op.create_foreign_key('fk_plan_agreement_revises_plan_id', 'plan', ['revises_plan_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('plan_agreement', schema=None) as batch_op:
        batch_op.drop_constraint('fk_plan_agreement_revises_plan_id', type_='foreignkey')
        batch_op.drop_column('changes')
        batch_op.drop_column('revises_plan_id')

    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_constraint('fk_plan_based_on_plan_id', type_='foreignkey')
        batch_op.drop_column('based_on_plan_id')
        batch_op.drop_column('kind')

    with op.batch_alter_table('evidence_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_change_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_evidence_change_intervention_id'))

    op.drop_table('evidence_change')
    with op.batch_alter_table('spend_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spend_record_place_id'))
        batch_op.drop_index(batch_op.f('ix_spend_record_partner_id'))
        batch_op.drop_index(batch_op.f('ix_spend_record_intervention_id'))

    op.drop_table('spend_record')
    with op.batch_alter_table('observed_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observed_outcome_place_id'))
        batch_op.drop_index(batch_op.f('ix_observed_outcome_demand_type_id'))

    op.drop_table('observed_outcome')
