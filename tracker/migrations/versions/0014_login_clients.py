"""login attempts per client (known device, login link, session) and guesses of other secrets

Revision ID: 0014_login_clients
Revises: 0013_data_version
Create Date: 2026-12-05 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014_login_clients'
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


def downgrade():
    with op.batch_alter_table('login_attempt') as batch_op:
        batch_op.drop_column('client')
        batch_op.drop_column('purpose')
