"""kerncijfers: indicators and their values per year

Revision ID: 0008_figures
Revises: 0007_heartbeat
Create Date: 2026-11-23 22:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_figures'
down_revision = '0007_heartbeat'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('theme_number', sa.Integer(), nullable=True),
    sa.Column('area', sa.String(length=120), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('action_codes', sa.JSON(), nullable=False),
    sa.Column('in_report', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('code', name=op.f('uq_indicator_code'))
    )
    op.create_table('indicator_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('monitor', sa.String(length=120), nullable=False),
    sa.Column('section', sa.String(length=200), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('caveat', sa.Text(), nullable=False),
    sa.Column('comparable', sa.Boolean(), nullable=False),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.Column('edited_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['edited_by_id'], ['user.id'], name=op.f('fk_indicator_value_edited_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_value_indicator_id_indicator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_value')),
    sa.UniqueConstraint('indicator_id', 'year', name=op.f('uq_indicator_value_indicator_id'))
    )


def downgrade():
    op.drop_table('indicator_value')
    op.drop_table('indicator')
