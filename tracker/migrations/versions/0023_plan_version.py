"""a plan has a version, bumped by every write and every save of a draft's texts, so that of
two beheerders saving one draft at the same moment the second is refused instead of undoing
the first (every existing plan starts at 1)

Revision ID: 0023_plan_version
Revises: 0022_first_deadline
Create Date: 2026-12-07 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0023_plan_version'
down_revision = '0022_first_deadline'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('version')
