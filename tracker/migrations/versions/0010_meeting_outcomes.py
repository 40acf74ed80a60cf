"""meeting outcomes: decisions and follow-ups; old minutes become decisions

Revision ID: 0010_meeting_outcomes
Revises: 0009_report_draft
Create Date: 2026-11-30 00:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_meeting_outcomes'
down_revision = '0009_report_draft'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_meeting_outcome_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by_id'], ['user.id'], name=op.f('fk_meeting_outcome_done_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_outcome_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_meeting_outcome_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_outcome'))
    )
    with op.batch_alter_table('meeting_outcome') as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_outcome_meeting_id'), ['meeting_id'], unique=False)
    op.create_table('outcome_action',
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_outcome_action_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_id'], ['meeting_outcome.id'], name=op.f('fk_outcome_action_outcome_id_meeting_outcome'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('outcome_id', 'action_id', name=op.f('pk_outcome_action'))
    )
    with op.batch_alter_table('notification') as batch_op:
        batch_op.add_column(sa.Column('outcome_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_outcome_id'), ['outcome_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notification_outcome_id_meeting_outcome'), 'meeting_outcome', ['outcome_id'], ['id'], ondelete='CASCADE')
    # The minutes of held meetings become one decision each, word for word; a cancelled
    # meeting keeps its reason in the same column.
    meeting = sa.table(
        'meeting', sa.column('id', sa.Integer), sa.column('state', sa.String),
        sa.column('minutes', sa.Text), sa.column('updated_at', sa.DateTime),
    )
    outcome = sa.table(
        'meeting_outcome', sa.column('meeting_id', sa.Integer), sa.column('kind', sa.String),
        sa.column('text', sa.Text), sa.column('created_at', sa.DateTime),
    )
    conn = op.get_bind()
    held = conn.execute(
        sa.select(meeting.c.id, meeting.c.minutes, meeting.c.updated_at)
        .where(meeting.c.state == 'gehouden', meeting.c.minutes != '')
    ).all()
    if held:
        conn.execute(outcome.insert(), [
            {'meeting_id': row.id, 'kind': 'besluit', 'text': row.minutes, 'created_at': row.updated_at}
            for row in held
        ])
        conn.execute(
            meeting.update().where(meeting.c.id.in_([row.id for row in held])).values(minutes='')
        )


def downgrade():
    conn = op.get_bind()
    meeting = sa.table('meeting', sa.column('id', sa.Integer), sa.column('minutes', sa.Text))
    outcome = sa.table(
        'meeting_outcome', sa.column('meeting_id', sa.Integer), sa.column('kind', sa.String),
        sa.column('text', sa.Text), sa.column('id', sa.Integer),
    )
    rows = conn.execute(
        sa.select(outcome.c.meeting_id, outcome.c.text).where(outcome.c.kind == 'besluit')
        .order_by(outcome.c.id)
    ).all()
    texts = {}
    for row in rows:
        texts.setdefault(row.meeting_id, []).append(row.text)
    for meeting_id, parts in texts.items():
        conn.execute(meeting.update().where(meeting.c.id == meeting_id).values(minutes="\n\n".join(parts)))
    with op.batch_alter_table('notification') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notification_outcome_id_meeting_outcome'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notification_outcome_id'))
        batch_op.drop_column('outcome_id')
    op.drop_table('outcome_action')
    with op.batch_alter_table('meeting_outcome') as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_outcome_meeting_id'))
    op.drop_table('meeting_outcome')
