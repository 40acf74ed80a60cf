"""the municipalities as first-class: borging entries per municipality, and which
municipalities attended a network meeting

Revision ID: 0015_municipalities
Revises: 0014_throttling_privacy
Create Date: 2026-12-06 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015_municipalities'
down_revision = '0014_throttling_privacy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'borging_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('municipality_id', sa.Integer(), nullable=False),
        sa.Column('item', sa.String(length=40), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('on_date', sa.Date(), nullable=True),
        sa.Column('link', sa.String(length=500), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['author_id'], ['user.id'],
            name=op.f('fk_borging_entry_author_id_user'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['municipality_id'], ['municipality.id'],
            name=op.f('fk_borging_entry_municipality_id_municipality'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_borging_entry')),
    )
    with op.batch_alter_table('borging_entry') as batch_op:
        batch_op.create_index(
            'ix_borging_entry_municipality_item', ['municipality_id', 'item', 'id'], unique=False
        )
    op.create_table(
        'meeting_attendance',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('municipality_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'],
            name=op.f('fk_meeting_attendance_meeting_id_meeting'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['municipality_id'], ['municipality.id'],
            name=op.f('fk_meeting_attendance_municipality_id_municipality'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('meeting_id', 'municipality_id', name=op.f('pk_meeting_attendance')),
    )
    with op.batch_alter_table('meeting_attendance') as batch_op:
        batch_op.create_index(
            batch_op.f('ix_meeting_attendance_municipality_id'), ['municipality_id'], unique=False
        )
    with op.batch_alter_table('meeting_series') as batch_op:
        batch_op.add_column(
            sa.Column(
                'tracks_attendance', sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    # The network of the aandachtsfunctionarissen, as the seeds name it, is the series whose
    # attendance per municipality the plan counts (2.3: four network meetings a year).
    op.execute(
        "UPDATE meeting_series SET tracks_attendance = true WHERE code = 'netwerkbijeenkomst-af'"
    )


def downgrade():
    with op.batch_alter_table('meeting_series') as batch_op:
        batch_op.drop_column('tracks_attendance')
    op.drop_table('meeting_attendance')
    op.drop_table('borging_entry')
