"""an evaluation round keeps the deadline it was opened with once the deadline is moved, so
the reminder and the pages can say the new one replaced it (every existing round gets none:
whether it was moved before is not known)

Revision ID: 0022_first_deadline
Revises: 0021_indicator_action
Create Date: 2026-12-07 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0022_first_deadline'
down_revision = '0021_indicator_action'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evaluation_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_deadline', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('evaluation_round', schema=None) as batch_op:
        batch_op.drop_column('first_deadline')
