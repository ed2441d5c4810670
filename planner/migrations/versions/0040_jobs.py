"""Jobs: long work run by workers, tracked in the database; plans name the job solving them

Revision ID: 0040
Revises: 0020
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0040'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_FLIGHT = "state IN ('QUEUED', 'RUNNING') AND exclusive_key IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=80), nullable=False),
        sa.Column('parameters', sa.JSON(), nullable=False),
        sa.Column(
            'state',
            sa.Enum('QUEUED', 'RUNNING', 'FINISHED', 'FAILED', 'CANCELLED', name='jobstate'),
            nullable=False,
        ),
        sa.Column('exclusive_key', sa.String(length=120), nullable=True),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_by_name', sa.String(length=200), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('worker', sa.String(length=200), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('progress_message', sa.String(length=300), nullable=False),
        sa.Column('error', sa.String(length=4000), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['parent_id'], ['job.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_job_kind'), 'job', ['kind'], unique=False)
    op.create_index(op.f('ix_job_state'), 'job', ['state'], unique=False)
    op.create_index(op.f('ix_job_parent_id'), 'job', ['parent_id'], unique=False)
    op.create_index(
        'uq_job_in_flight',
        'job',
        ['exclusive_key'],
        unique=True,
        sqlite_where=sa.text(IN_FLIGHT),
        postgresql_where=sa.text(IN_FLIGHT),
    )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_plan_job_id_job', 'job', ['job_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_constraint('fk_plan_job_id_job', type_='foreignkey')
        batch_op.drop_column('job_id')
    op.drop_index('uq_job_in_flight', table_name='job')
    op.drop_index(op.f('ix_job_parent_id'), table_name='job')
    op.drop_index(op.f('ix_job_state'), table_name='job')
    op.drop_index(op.f('ix_job_kind'), table_name='job')
    op.drop_table('job')
    sa.Enum(name='jobstate').drop(op.get_bind(), checkfirst=True)
