"""the data version counter (page cache keys) and the outbox's superseded-reminder index

Revision ID: 0013_data_version
Revises: 0012_regions_plans_owners
Create Date: 2026-12-01 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013_data_version'
down_revision = '0012_regions_plans_owners'
branch_labels = None
depends_on = None


def upgrade():
    version = op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version')),
    )
    op.bulk_insert(version, [{'id': 1, 'version': 0}])
    with op.batch_alter_table('notification') as batch_op:
        batch_op.create_index(
            'ix_notification_meeting_recipient_kind',
            ['meeting_id', 'recipient_id', 'kind', 'offset_days'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('notification') as batch_op:
        batch_op.drop_index('ix_notification_meeting_recipient_kind')
    op.drop_table('data_version')
