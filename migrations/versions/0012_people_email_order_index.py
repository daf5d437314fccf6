"""people: an index in the people list's email order

Sorting the list by email orders by coalesce(email, ''), id, which no index held: PostgreSQL read
and sorted the whole tenant for each page. Kept in step with ix_people_tenant_email_order.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade(scope):
    globals()[f"upgrade_{scope}"]()


def downgrade(scope):
    globals()[f"downgrade_{scope}"]()


def upgrade_shared():
    pass


def downgrade_shared():
    pass


def upgrade_tenant():
    op.create_index('ix_people_tenant_email_order', 'people', ['tenant_id', sa.text("coalesce(email, '')"), 'id'])


def downgrade_tenant():
    op.drop_index('ix_people_tenant_email_order', table_name='people')
