"""the public progress page: per plan whether it is open and what it shows, and per action
the line written for the public

Revision ID: 0020_public_page
Revises: 0019_evaluation
Create Date: 2026-12-06 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0020_public_page'
down_revision = '0019_evaluation'
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint(
        [column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        'publication',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('is_open', sa.Boolean(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('borging_items', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('publication', 'plan_id', 'plan', 'CASCADE'),
        _fk('publication', 'updated_by_id', 'user', 'SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publication')),
        sa.UniqueConstraint('plan_id', name=op.f('uq_publication_plan_id')),
    )
    op.create_table(
        'public_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('approved_at', sa.DateTime(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('proposal', sa.Text(), nullable=False),
        sa.Column('proposed_at', sa.DateTime(), nullable=True),
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('public_line', 'action_id', 'action', 'CASCADE'),
        _fk('public_line', 'approved_by_id', 'user', 'SET NULL'),
        _fk('public_line', 'proposed_by_id', 'user', 'SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_public_line')),
        sa.UniqueConstraint('action_id', name=op.f('uq_public_line_action_id')),
    )


def downgrade():
    op.drop_table('public_line')
    op.drop_table('publication')
