"""a revision of an action and the adoption of a plan name the meeting decision that made them

Revision ID: 0018_decisions
Revises: 0017_figure_links
Create Date: 2026-12-06 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018_decisions'
down_revision = '0017_figure_links'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('action_revision', 'plan'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('decision_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_decision_id_meeting_outcome'),
                'meeting_outcome',
                ['decision_id'],
                ['id'],
                ondelete='SET NULL',
            )


def downgrade():
    for table in ('plan', 'action_revision'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f'fk_{table}_decision_id_meeting_outcome'), type_='foreignkey'
            )
            batch_op.drop_column('decision_id')
