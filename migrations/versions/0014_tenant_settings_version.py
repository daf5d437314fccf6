"""tenants.settings_version: raised with every change to a tenant's users or custom fields

Each process keeps the tenant's team and custom field definitions in memory under the version it
read them at; the tenant row every request already loads says whether they are still current.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade(scope):
    globals()[f"upgrade_{scope}"]()


def downgrade(scope):
    globals()[f"downgrade_{scope}"]()


def upgrade_shared():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settings_version', sa.Integer(), server_default='0', nullable=False))


def downgrade_shared():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('settings_version')


def upgrade_tenant():
    pass


def downgrade_tenant():
    pass
