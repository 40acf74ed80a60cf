"""kerncijfers: a reason per linked action, the estimate (a range) and the counts beside it,
a year's own area, figures that are parts of another (breakdowns), and a direction and
target set by the beheerder

Revision ID: 0017_figure_links
Revises: 0016_tracked_since
Create Date: 2026-12-06 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017_figure_links'
down_revision = '0016_tracked_since'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('indicator') as batch_op:
        batch_op.add_column(
            sa.Column('action_reasons', sa.JSON(), server_default='{}', nullable=False)
        )
        batch_op.add_column(
            sa.Column('kind', sa.String(length=20), server_default='telling', nullable=False)
        )
        batch_op.add_column(
            sa.Column('beside_estimate', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column('direction', sa.String(length=10), server_default='', nullable=False)
        )
        batch_op.add_column(sa.Column('target', sa.Integer(), nullable=True))
        for name, length in (('breakdown_of', 80), ('breakdown', 60), ('part', 80)):
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), server_default='', nullable=False)
            )
    with op.batch_alter_table('indicator_value') as batch_op:
        batch_op.add_column(sa.Column('value_high', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('area', sa.String(length=120), server_default='', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('indicator_value') as batch_op:
        batch_op.drop_column('area')
        batch_op.drop_column('value_high')
    with op.batch_alter_table('indicator') as batch_op:
        batch_op.drop_column('part')
        batch_op.drop_column('breakdown')
        batch_op.drop_column('breakdown_of')
        batch_op.drop_column('target')
        batch_op.drop_column('direction')
        batch_op.drop_column('beside_estimate')
        batch_op.drop_column('kind')
        batch_op.drop_column('action_reasons')
