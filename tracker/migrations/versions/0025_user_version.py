"""an account has a version, moved by every save of its form, so that a beheerder who saves
an account's form after a colleague changed the account (its role, its party, switched it
off) is refused instead of undoing the colleague's change (every existing account starts
at 1)

Revision ID: 0025_user_version
Revises: 0024_series_version
Create Date: 2026-12-08 00:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0025_user_version'
down_revision = '0024_series_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('version')
