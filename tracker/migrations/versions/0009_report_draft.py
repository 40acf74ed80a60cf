"""report texts: a draft per plan, and who may write it

Revision ID: 0009_report_draft
Revises: 0008_figures
Create Date: 2026-11-30 00:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_report_draft'
down_revision = '0008_figures'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('theme_texts', sa.JSON(), nullable=False),
    sa.Column('asks', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_report_draft_plan_id_plan')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_report_draft_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_draft')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_report_draft_plan_id'))
    )
    # Existing accounts keep what they could do: nobody but a beheerder writes report texts.
    with op.batch_alter_table('user') as batch_op:
        batch_op.add_column(sa.Column('may_write_report', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('user') as batch_op:
        batch_op.drop_column('may_write_report')
    op.drop_table('report_draft')
