"""regions own plans, parties, municipalities, series and people; plan drafts and
predecessors; yearly commitments; free-text owners linked to reporters; party contacts

Revision ID: 0012_regions_plans_owners
Revises: 0011_agenda
Create Date: 2026-12-01 08:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_regions_plans_owners'
down_revision = '0011_agenda'
branch_labels = None
depends_on = None

#: The tables a region owns; every existing row joins the one region there is.
REGION_OWNED = ('plan', 'municipality', 'party', 'user', 'meeting_series', 'indicator')

DEFAULT_REGION = 'VeiligheidsAlliantie regio Rotterdam'


def upgrade():
    op.create_table('region',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region')),
    sa.UniqueConstraint('name', name=op.f('uq_region_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_region_slug'))
    )
    conn = op.get_bind()
    # The region is the one the plan names (the seeds' region), else the default.
    name = conn.execute(sa.text('SELECT region FROM plan ORDER BY id LIMIT 1')).scalar() or DEFAULT_REGION
    slug = ''.join(c if c.isalnum() else '-' for c in name.lower()).strip('-')[:80]
    conn.execute(sa.text('INSERT INTO region (slug, name) VALUES (:slug, :name)'), {'slug': slug, 'name': name})
    region_id = conn.execute(sa.text('SELECT id FROM region')).scalar_one()

    for table in REGION_OWNED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        conn.execute(sa.text(f'UPDATE "{table}" SET region_id = :region'), {'region': region_id})
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column('region_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_region_id'), ['region_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_region_id_region'), 'region', ['region_id'], ['id'])

    # Plans of the previous release were all adopted plans.
    with op.batch_alter_table('plan') as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=20), nullable=False, server_default='vastgesteld'))
        batch_op.add_column(sa.Column('predecessor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_plan_predecessor_id_plan'), 'plan', ['predecessor_id'], ['id'])

    with op.batch_alter_table('party') as batch_op:
        batch_op.add_column(sa.Column('contact_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('deputy_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_party_contact_id_user'), 'user', ['contact_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_party_deputy_id_user'), 'user', ['deputy_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('action') as batch_op:
        batch_op.add_column(sa.Column('then_ongoing', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('predecessor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_action_predecessor_id_action'), 'action', ['predecessor_id'], ['id'])
    # A deadline for setting up what is then maintained (2.10 "Opzetten en onderhouden ...").
    conn.execute(sa.text(
        "UPDATE action SET then_ongoing = :yes WHERE schedule_kind = 'deadline' "
        "AND (LOWER(text) LIKE 'opzetten en onderhouden%' OR LOWER(planning) LIKE '%daarna doorlopend')"
    ), {'yes': True})

    # Frozen reports belong to a plan: those of the previous release to its current plan.
    with op.batch_alter_table('report_snapshot') as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
    plan_id = conn.execute(sa.text('SELECT id FROM plan ORDER BY is_current DESC, start_year DESC LIMIT 1')).scalar()
    conn.execute(sa.text('UPDATE report_snapshot SET plan_id = :plan'), {'plan': plan_id})
    with op.batch_alter_table('report_snapshot') as batch_op:
        batch_op.alter_column('plan_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_report_snapshot_plan_id'), ['plan_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_report_snapshot_plan_id_plan'), 'plan', ['plan_id'], ['id'])

    op.create_table('owner_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['action_owner.id'], name=op.f('fk_owner_link_owner_id_action_owner'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_owner_link_party_id_party'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_owner_link_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_owner_link')),
    sa.UniqueConstraint('owner_id', 'party_id', 'user_id', name=op.f('uq_owner_link_owner_id'))
    )
    with op.batch_alter_table('owner_link') as batch_op:
        batch_op.create_index(batch_op.f('ix_owner_link_owner_id'), ['owner_id'], unique=False)

    op.create_table('yearly_commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_yearly_commitment_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_yearly_commitment_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_yearly_commitment')),
    sa.UniqueConstraint('action_id', 'year', name=op.f('uq_yearly_commitment_action_id'))
    )
    with op.batch_alter_table('yearly_commitment') as batch_op:
        batch_op.create_index(batch_op.f('ix_yearly_commitment_action_id'), ['action_id'], unique=False)


def downgrade():
    with op.batch_alter_table('yearly_commitment') as batch_op:
        batch_op.drop_index(batch_op.f('ix_yearly_commitment_action_id'))
    op.drop_table('yearly_commitment')
    with op.batch_alter_table('owner_link') as batch_op:
        batch_op.drop_index(batch_op.f('ix_owner_link_owner_id'))
    op.drop_table('owner_link')
    with op.batch_alter_table('report_snapshot') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_report_snapshot_plan_id_plan'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_report_snapshot_plan_id'))
        batch_op.drop_column('plan_id')
    with op.batch_alter_table('action') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_action_predecessor_id_action'), type_='foreignkey')
        batch_op.drop_column('predecessor_id')
        batch_op.drop_column('then_ongoing')
    with op.batch_alter_table('party') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_party_deputy_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_party_contact_id_user'), type_='foreignkey')
        batch_op.drop_column('deputy_id')
        batch_op.drop_column('contact_id')
    with op.batch_alter_table('plan') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_plan_predecessor_id_plan'), type_='foreignkey')
        batch_op.drop_column('published_at')
        batch_op.drop_column('predecessor_id')
        batch_op.drop_column('state')
    for table in REGION_OWNED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_region_id_region'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_region_id'))
            batch_op.drop_column('region_id')
    op.drop_table('region')
