"""rebuild the name-order indexes of people and organisations

Schemas made from the models (every tenant signed up after 0002) got these indexes over lower() of
the constant strings 'last_name', 'first_name' and 'name' instead of the columns, so the people
list sorted by name read and sorted the whole tenant. Rebuilt from the columns; harmless where
0002 had made them right.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

INDEXES = {
    ("ix_people_tenant_last_first", "people"): ['tenant_id', sa.text('lower(last_name)'), sa.text('lower(first_name)'),
                                                 'id'],
    ("ix_organizations_tenant_name", "organizations"): ['tenant_id', sa.text('lower(name)')],
}


def upgrade(scope):
    globals()[f"upgrade_{scope}"]()


def downgrade(scope):
    globals()[f"downgrade_{scope}"]()


def upgrade_shared():
    pass


def downgrade_shared():
    pass


def upgrade_tenant():
    for (name, table), columns in INDEXES.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns)


def downgrade_tenant():
    pass  # the rebuilt indexes are what 0002 meant: nothing to undo
