"""login attempts per client (known device, login link, session) and guesses of other secrets;
accountable confirmations of names

Revision ID: 0014_throttling_privacy
Revises: 0013_data_version
Create Date: 2026-12-05 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014_throttling_privacy'
down_revision = '0013_data_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_attempt') as batch_op:
        batch_op.add_column(
            sa.Column('purpose', sa.String(length=16), server_default='login', nullable=False)
        )
        batch_op.add_column(
            sa.Column('client', sa.String(length=80), server_default='', nullable=False)
        )
    op.create_table(
        'privacy_confirmation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(), nullable=False),
        sa.Column('field', sa.String(length=200), nullable=False),
        sa.Column('text_digest', sa.String(length=64), nullable=False),
        sa.Column('who', sa.String(length=20), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['confirmed_by_id'], ['user.id'],
            name=op.f('fk_privacy_confirmation_confirmed_by_id_user'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['reviewed_by_id'], ['user.id'],
            name=op.f('fk_privacy_confirmation_reviewed_by_id_user'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_confirmation')),
    )
    with op.batch_alter_table('privacy_confirmation') as batch_op:
        batch_op.create_index(
            batch_op.f('ix_privacy_confirmation_confirmed_at'), ['confirmed_at'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_privacy_confirmation_text_digest'), ['text_digest'], unique=False
        )


    op.create_table(
        'upload_preview',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user.id'], name=op.f('fk_upload_preview_user_id_user'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_upload_preview')),
        sa.UniqueConstraint('token', name=op.f('uq_upload_preview_token')),
    )
    with op.batch_alter_table('upload_preview') as batch_op:
        batch_op.create_index(batch_op.f('ix_upload_preview_user_id'), ['user_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_upload_preview_created_at'), ['created_at'], unique=False
        )
    _remove_preview_files()


def _remove_preview_files():
    """Upload previews lived in instance/uploads/*.json until now: they are no longer read
    (a pending one asks for the upload again), and they hold what people typed."""
    from pathlib import Path

    from flask import current_app, has_app_context

    if has_app_context():
        for path in (Path(current_app.instance_path) / 'uploads').glob('*.json'):
            path.unlink(missing_ok=True)


def downgrade():
    op.drop_table('upload_preview')
    op.drop_table('privacy_confirmation')
    with op.batch_alter_table('login_attempt') as batch_op:
        batch_op.drop_column('client')
        batch_op.drop_column('purpose')
