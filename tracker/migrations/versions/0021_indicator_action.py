"""kerncijfers are linked to actions, not to action codes: a link is to one action of one
plan (so a renumbered action in the next plan keeps its figures and the archive keeps its
own); the codes and reasons stored on each indicator become rows, linked to the actions of
the region's current plan (the plan the codes were written for; a code that names no
action there links nothing)

Revision ID: 0021_indicator_action
Revises: 0020_public_page
Create Date: 2026-12-07 07:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0021_indicator_action'
down_revision = '0020_public_page'
branch_labels = None
depends_on = None

indicator = sa.table(
    'indicator',
    sa.column('id', sa.Integer),
    sa.column('region_id', sa.Integer),
    sa.column('action_codes', sa.JSON),
    sa.column('action_reasons', sa.JSON),
)
plan = sa.table(
    'plan',
    sa.column('id', sa.Integer),
    sa.column('region_id', sa.Integer),
    sa.column('state', sa.String),
    sa.column('is_current', sa.Boolean),
    sa.column('start_year', sa.Integer),
)
theme = sa.table(
    'theme', sa.column('id', sa.Integer), sa.column('plan_id', sa.Integer),
    sa.column('number', sa.Integer),
)
action = sa.table(
    'action', sa.column('id', sa.Integer), sa.column('theme_id', sa.Integer),
    sa.column('number', sa.Integer),
)


def _shown_plan(conn, region_id):
    """The plan the codes meant: the region's current plan, else its newest published."""
    return conn.execute(
        sa.select(plan.c.id)
        .where(plan.c.region_id == region_id, plan.c.state == 'vastgesteld')
        .order_by(plan.c.is_current.desc(), plan.c.start_year.desc())
        .limit(1)
    ).scalar()


def _actions_by_code(conn, plan_id):
    rows = conn.execute(
        sa.select(action.c.id, theme.c.number, action.c.number)
        .join(theme, theme.c.id == action.c.theme_id)
        .where(theme.c.plan_id == plan_id)
    )
    return {f'{theme_number}.{number}': action_id for action_id, theme_number, number in rows}


def upgrade():
    links = op.create_table(
        'indicator_action',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['action_id'], ['action.id'],
            name=op.f('fk_indicator_action_action_id_action'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['indicator_id'], ['indicator.id'],
            name=op.f('fk_indicator_action_indicator_id_indicator'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_action')),
        sa.UniqueConstraint(
            'indicator_id', 'action_id', name=op.f('uq_indicator_action_indicator_id')
        ),
    )
    op.create_index(
        op.f('ix_indicator_action_action_id'), 'indicator_action', ['action_id'], unique=False
    )
    conn = op.get_bind()
    rows, by_region = [], {}
    for indicator_id, region_id, codes, reasons in conn.execute(
        sa.select(indicator.c.id, indicator.c.region_id, indicator.c.action_codes,
                  indicator.c.action_reasons).order_by(indicator.c.id)
    ):
        if region_id not in by_region:
            plan_id = _shown_plan(conn, region_id)
            by_region[region_id] = _actions_by_code(conn, plan_id) if plan_id else {}
        actions = by_region[region_id]
        for code in codes or []:
            if code in actions:
                rows.append({
                    'indicator_id': indicator_id,
                    'action_id': actions[code],
                    'reason': (reasons or {}).get(code, ''),
                })
    if rows:
        op.bulk_insert(links, rows)
    with op.batch_alter_table('indicator') as batch_op:
        batch_op.drop_column('action_reasons')
        batch_op.drop_column('action_codes')


def downgrade():
    with op.batch_alter_table('indicator') as batch_op:
        batch_op.add_column(
            sa.Column('action_codes', sa.JSON(), server_default='[]', nullable=False)
        )
        batch_op.add_column(
            sa.Column('action_reasons', sa.JSON(), server_default='{}', nullable=False)
        )
    conn = op.get_bind()
    links = sa.table(
        'indicator_action', sa.column('indicator_id', sa.Integer),
        sa.column('action_id', sa.Integer), sa.column('reason', sa.Text),
    )
    for (indicator_id, region_id) in conn.execute(
        sa.select(indicator.c.id, indicator.c.region_id)
    ).all():
        plan_id = _shown_plan(conn, region_id)
        codes = {v: k for k, v in (_actions_by_code(conn, plan_id) if plan_id else {}).items()}
        found = conn.execute(
            sa.select(links.c.action_id, links.c.reason)
            .where(links.c.indicator_id == indicator_id)
            .order_by(links.c.action_id)
        ).all()
        shown = [(codes[a], reason) for a, reason in found if a in codes]
        conn.execute(
            indicator.update().where(indicator.c.id == indicator_id).values(
                action_codes=[code for code, _ in shown],
                action_reasons={code: reason for code, reason in shown if reason},
            )
        )
    op.drop_index(op.f('ix_indicator_action_action_id'), table_name='indicator_action')
    op.drop_table('indicator_action')
