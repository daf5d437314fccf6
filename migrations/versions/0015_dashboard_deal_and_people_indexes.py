"""indexes: open deals by owner, won deals by close time, live people by creation time (partial)

The dashboard summed the open deals by stage and the won deals by month, and counted the people added
by week, by reading the rows: every deal of the tenant for the first two, every person of the last
eight weeks for the third. Partial indexes holding the columns these statements read answer them from
the index alone, and the won deals' by a range of close times. Kept in step with the models' indexes of
the same names.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

LIVE = "deleted_at IS NULL"
OPEN_DEAL = f"status = 'open' AND {LIVE}"
WON_DEAL = f"status = 'won' AND {LIVE}"


def upgrade(scope):
    globals()[f"upgrade_{scope}"]()


def downgrade(scope):
    globals()[f"downgrade_{scope}"]()


def upgrade_shared():
    pass


def downgrade_shared():
    pass


def _partial(name, table, columns, where):
    op.create_index(name, table, columns, postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def upgrade_tenant():
    _partial('ix_deals_open_owner', 'deals', ['tenant_id', 'owner_id', 'stage_id', 'currency', 'value'], OPEN_DEAL)
    _partial('ix_deals_won_closed', 'deals', ['tenant_id', 'closed_at', 'owner_id', 'currency', 'value'], WON_DEAL)
    _partial('ix_people_live_created', 'people', ['tenant_id', 'created_at', 'owner_id'], LIVE)


def downgrade_tenant():
    op.drop_index('ix_people_live_created', table_name='people')
    op.drop_index('ix_deals_won_closed', table_name='deals')
    op.drop_index('ix_deals_open_owner', table_name='deals')
