"""the evaluation of a plan: rounds, action evaluations with their evidence, the knelpunten
register; the outbox carries the round's e-mails (no meeting)

Revision ID: 0019_evaluation
Revises: 0018_decisions
Create Date: 2026-12-06 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019_evaluation'
down_revision = '0018_decisions'
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint(
        [column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        'evaluation_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        _fk('evaluation_round', 'plan_id', 'plan', 'CASCADE'),
        _fk('evaluation_round', 'opened_by_id', 'user', 'SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_round')),
        sa.UniqueConstraint('plan_id', name=op.f('uq_evaluation_round_plan_id')),
    )
    op.create_table(
        'action_evaluation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('result', sa.String(length=20), nullable=False),
        sa.Column('delivered', sa.Text(), nullable=False),
        sa.Column('effect', sa.Text(), nullable=False),
        sa.Column('helped', sa.Text(), nullable=False),
        sa.Column('hindered', sa.Text(), nullable=False),
        sa.Column('advice', sa.String(length=20), nullable=False),
        sa.Column('advice_reason', sa.Text(), nullable=False),
        sa.Column('new_text', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('action_evaluation', 'round_id', 'evaluation_round', 'CASCADE'),
        _fk('action_evaluation', 'action_id', 'action', 'CASCADE'),
        _fk('action_evaluation', 'author_id', 'user', 'SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_action_evaluation')),
        sa.UniqueConstraint(
            'round_id', 'action_id', name=op.f('uq_action_evaluation_round_id')
        ),
    )
    with op.batch_alter_table('action_evaluation') as batch_op:
        batch_op.create_index(
            batch_op.f('ix_action_evaluation_action_id'), ['action_id'], unique=False
        )
    op.create_table(
        'evaluation_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=False),
        _fk('evaluation_evidence', 'evaluation_id', 'action_evaluation', 'CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_evidence')),
    )
    with op.batch_alter_table('evaluation_evidence') as batch_op:
        batch_op.create_index(
            batch_op.f('ix_evaluation_evidence_evaluation_id'), ['evaluation_id'], unique=False
        )
    op.create_table(
        'knelpunt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('what', sa.Text(), nullable=False),
        sa.Column('since', sa.Date(), nullable=False),
        sa.Column('solver_party_id', sa.Integer(), nullable=True),
        sa.Column('solver_text', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('resolution', sa.Text(), nullable=False),
        sa.Column('for_table', sa.Boolean(), nullable=False),
        sa.Column('source_update_id', sa.Integer(), nullable=True),
        sa.Column('source_evaluation_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('knelpunt', 'plan_id', 'plan', 'CASCADE'),
        _fk('knelpunt', 'solver_party_id', 'party', 'SET NULL'),
        _fk('knelpunt', 'source_update_id', 'progress_update', 'SET NULL'),
        _fk('knelpunt', 'source_evaluation_id', 'action_evaluation', 'SET NULL'),
        _fk('knelpunt', 'created_by_id', 'user', 'SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_knelpunt')),
    )
    with op.batch_alter_table('knelpunt') as batch_op:
        batch_op.create_index(batch_op.f('ix_knelpunt_plan_id'), ['plan_id'], unique=False)
    op.create_table(
        'knelpunt_action',
        sa.Column('knelpunt_id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        _fk('knelpunt_action', 'knelpunt_id', 'knelpunt', 'CASCADE'),
        _fk('knelpunt_action', 'action_id', 'action', 'CASCADE'),
        sa.PrimaryKeyConstraint('knelpunt_id', 'action_id', name=op.f('pk_knelpunt_action')),
    )
    with op.batch_alter_table('notification') as batch_op:
        batch_op.alter_column('meeting_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('evaluation_round_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_notification_evaluation_round_id_evaluation_round'),
            'evaluation_round',
            ['evaluation_round_id'],
            ['id'],
            ondelete='CASCADE',
        )
        batch_op.create_index(
            batch_op.f('ix_notification_evaluation_round_id'), ['evaluation_round_id'], unique=False
        )


def downgrade():
    op.execute("DELETE FROM notification WHERE meeting_id IS NULL")
    with op.batch_alter_table('notification') as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_evaluation_round_id'))
        batch_op.drop_constraint(
            batch_op.f('fk_notification_evaluation_round_id_evaluation_round'), type_='foreignkey'
        )
        batch_op.drop_column('evaluation_round_id')
        batch_op.alter_column('meeting_id', existing_type=sa.Integer(), nullable=False)
    op.drop_table('knelpunt_action')
    op.drop_table('knelpunt')
    op.drop_table('evaluation_evidence')
    op.drop_table('action_evaluation')
    op.drop_table('evaluation_round')
