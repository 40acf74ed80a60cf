"""a meeting series has a version, bumped by every write, so that a beheerder who saves a
series' form after a colleague changed it is refused instead of undoing the colleague's
change (every existing series starts at 1)

Revision ID: 0024_series_version
Revises: 0023_plan_version
Create Date: 2026-12-07 18:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0024_series_version'
down_revision = '0023_plan_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.drop_column('version')
