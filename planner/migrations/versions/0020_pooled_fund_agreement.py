"""Pooled-fund agreements: a host partner, how over- and underspends are shared, a reserve

Revision ID: 0020
Revises: 0051
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0020'
down_revision: str | None = '0051'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BASIS = sa.Enum('CONTRIBUTIONS', 'PERCENTAGES', name='risksharebasis')


def upgrade() -> None:
    op.create_table('pooled_fund_agreement',
    sa.Column('host_partner_id', sa.Integer(), nullable=True),
    sa.Column('overspend_basis', _BASIS, nullable=False),
    sa.Column('underspend_basis', _BASIS, nullable=False),
    sa.Column('contingency_percent', sa.Numeric(5, 2), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['host_partner_id'], ['partner.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenario.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('scenario_id')
    )
    op.create_table('pooled_fund_share',
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('overspend_percent', sa.Numeric(5, 2), nullable=False),
    sa.Column('underspend_percent', sa.Numeric(5, 2), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['pooled_fund_agreement.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agreement_id', 'partner_id', name='uq_pooled_fund_share_partner')
    )
    with op.batch_alter_table('pooled_fund_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pooled_fund_share_agreement_id'), ['agreement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pooled_fund_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pooled_fund_share_agreement_id'))
    op.drop_table('pooled_fund_share')
    op.drop_table('pooled_fund_agreement')
    _BASIS.drop(op.get_bind(), checkfirst=True)
