"""agenda items per meeting, published in versions

Revision ID: 0011_agenda
Revises: 0010_meeting_outcomes
Create Date: 2026-11-30 01:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_agenda'
down_revision = '0010_meeting_outcomes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('theme_number', sa.Integer(), nullable=True),
    sa.Column('presenter_party_id', sa.Integer(), nullable=True),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_agenda_item_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['presenter_party_id'], ['party.id'], name=op.f('fk_agenda_item_presenter_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item'))
    )
    with op.batch_alter_table('agenda_item') as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_meeting_id'), ['meeting_id'], unique=False)
    op.create_table('agenda_item_action',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_agenda_item_action_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_item.id'], name=op.f('fk_agenda_item_action_item_id_agenda_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'action_id', name=op.f('pk_agenda_item_action'))
    )
    # Meetings of the previous release have no agenda items: version 0, never published.
    with op.batch_alter_table('meeting') as batch_op:
        batch_op.add_column(sa.Column('agenda_version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('agenda_published_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting') as batch_op:
        batch_op.drop_column('agenda_published_at')
        batch_op.drop_column('agenda_version')
    op.drop_table('agenda_item_action')
    with op.batch_alter_table('agenda_item') as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_meeting_id'))
    op.drop_table('agenda_item')
