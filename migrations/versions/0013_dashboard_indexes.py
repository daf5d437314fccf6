"""indexes: open tasks (partial), live people by owner, live activities by time with kind and author

The dashboard counted and listed open tasks by reading every activity of the tenant, and so did the
navigation's overdue count on every page (its index held done tasks and every other activity too);
it counted people and the last 30 days' activities by reading their rows. Partial indexes over the
open tasks, and over the rows not in the trash, answer these from the index alone. The activities'
time index gains kind and author and leaves out trashed rows (every read skips them) in place of
ix_activities_tenant_when. Kept in step with the models' indexes of the same names.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

OPEN_TASK = "kind = 'task' AND done_at IS NULL AND deleted_at IS NULL"
LIVE = "deleted_at IS NULL"


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
    _partial('ix_activities_open_tasks_due', 'activities', ['tenant_id', 'due_at', 'id'], OPEN_TASK)
    _partial('ix_activities_open_tasks_assignee', 'activities', ['tenant_id', 'assignee_id', 'due_at', 'id'],
             OPEN_TASK)
    _partial('ix_people_live_owner', 'people', ['tenant_id', 'owner_id'], LIVE)
    _partial('ix_activities_live_when', 'activities', ['tenant_id', 'occurred_at', 'kind', 'user_id'], LIVE)
    op.drop_index('ix_activities_tenant_when', table_name='activities')


def downgrade_tenant():
    op.create_index('ix_activities_tenant_when', 'activities', ['tenant_id', 'occurred_at'])
    op.drop_index('ix_activities_live_when', table_name='activities')
    op.drop_index('ix_people_live_owner', table_name='people')
    op.drop_index('ix_activities_open_tasks_assignee', table_name='activities')
    op.drop_index('ix_activities_open_tasks_due', table_name='activities')
