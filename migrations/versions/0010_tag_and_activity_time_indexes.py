"""indexes: tags of people, organisations, leads and deals (GIN, PostgreSQL); activities by time

The tag filter of every record list tested each record of the tenant (`tags @> '["vip"]'` with no
index to use); the dashboard's "last 30 days" read every activity of the tenant. Kept in step with
tags_index(...) and ix_activities_tenant_when in the models.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TAGGED = ("people", "organizations", "leads", "deals")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade(scope):
    globals()[f"upgrade_{scope}"]()


def downgrade(scope):
    globals()[f"downgrade_{scope}"]()


def upgrade_shared():
    pass


def downgrade_shared():
    pass


def upgrade_tenant():
    op.create_index('ix_activities_tenant_when', 'activities', ['tenant_id', 'occurred_at'])
    if _postgresql():
        for table in TAGGED:
            op.create_index(f'ix_{table}_tags', table, ['tags'], postgresql_using='gin',
                            postgresql_ops={'tags': 'jsonb_path_ops'})


def downgrade_tenant():
    if _postgresql():
        for table in TAGGED:
            op.drop_index(f'ix_{table}_tags', table_name=table)
    op.drop_index('ix_activities_tenant_when', table_name='activities')
