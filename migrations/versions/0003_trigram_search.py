"""trigram indexes for searching names, emails and phones by fragment (PostgreSQL)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# (table, column): kept in step with the trigram_index(...) entries of the models.
TRIGRAM = [("organizations", "name"), ("people", "first_name"), ("people", "last_name"), ("people", "email"),
           ("people", "phone"), ("people", "phone_e164"), ("leads", "name"), ("leads", "company"), ("leads", "email"),
           ("deals", "name")]


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade(scope):
    globals()[f"upgrade_{scope}"]()


def downgrade(scope):
    globals()[f"downgrade_{scope}"]()


def upgrade_shared():
    if _postgresql():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")


def downgrade_shared():
    pass  # other databases' objects may use pg_trgm: leave the extension in place


def upgrade_tenant():
    if _postgresql():
        for table, column in TRIGRAM:
            op.execute(f"CREATE INDEX ix_{table}_trgm_{column} ON {table} USING gin (lower({column}) gin_trgm_ops)")


def downgrade_tenant():
    if _postgresql():
        for table, column in TRIGRAM:
            op.execute(f"DROP INDEX ix_{table}_trgm_{column}")
