"""Cash prices: each intervention's price year, and the partnership's price index.

Budgets are cash per financial year; an intervention's unit cost, set-up cost and cohort cost
are prices of its ``price_year``. The plan turns them into cash with the price index (one GDP
deflator per financial year, with its source, the release it was taken from and whether it is a
forecast), so the table ``price_index_year`` is added.

Backfill: interventions recorded before price years existed get 2022 (2022/23 prices). That is
the price year every unit cost the product shipped with is in (the demo converts each published
figure to 2022/23 prices with HM Treasury's GDP deflators), and the year the product's
documentation told commissioners to enter costs in; a partnership whose own costs are in
another year's prices changes the year on each intervention. The index starts empty: with no
index, prices are taken as cash, so plans already solved keep their meaning until the
partnership loads HM Treasury's series (Inputs, Price index) or its own.

Revision ID: 0107
Revises: 0106
Create Date: 2026-12-05 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0107'
down_revision: str | None = '0106'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILLED_PRICE_YEAR = 2022


def upgrade() -> None:
    op.create_table(
        'price_index_year',
        sa.Column('deflator', sa.Float(), nullable=False),
        sa.Column('forecast', sa.Boolean(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('released', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('source_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('price_index_year', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_index_year_year'), ['year'], unique=True)

    with op.batch_alter_table('intervention', schema=None) as batch_op:
        batch_op.add_column(sa.Column('price_year', sa.Integer(), nullable=True))
    intervention = sa.table('intervention', sa.column('price_year', sa.Integer()))
    op.execute(intervention.update().values(price_year=BACKFILLED_PRICE_YEAR))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35 and later, and PostgreSQL, drop a column natively): a batch
    # copy would drop and recreate the intervention table, which the effects, contracts and
    # plans that refer to it forbid while SQLite checks foreign keys.
    op.drop_column('intervention', 'price_year')
    with op.batch_alter_table('price_index_year', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_index_year_year'))
    op.drop_table('price_index_year')
