"""when the tracker began following each action: "lang niet bijgewerkt" counts from then

Revision ID: 0016_tracked_since
Revises: 0015_municipalities
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016_tracked_since'
down_revision = '0015_municipalities'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('action') as batch_op:
        batch_op.add_column(sa.Column('tracked_since', sa.DateTime(), nullable=True))
    # A plan published in the app has been followed since it was published; the seeded plan
    # since the tracker's first account was made (the day it went into use).
    op.execute(
        """
        UPDATE action SET tracked_since = COALESCE(
            (SELECT plan.published_at FROM theme JOIN plan ON plan.id = theme.plan_id
             WHERE theme.id = action.theme_id),
            (SELECT MIN(created_at) FROM "user")
        )
        """
    )


def downgrade():
    with op.batch_alter_table('action') as batch_op:
        batch_op.drop_column('tracked_since')
