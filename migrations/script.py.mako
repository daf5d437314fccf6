"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade(scope):
    globals()[f"upgrade_{scope}"]()


def downgrade(scope):
    globals()[f"downgrade_{scope}"]()


def upgrade_shared():
    ${context.get("shared_upgrades", "pass")}


def downgrade_shared():
    ${context.get("shared_downgrades", "pass")}


def upgrade_tenant():
    ${context.get("tenant_upgrades", "pass")}


def downgrade_tenant():
    ${context.get("tenant_downgrades", "pass")}
