"""organisations and leads: one trigram index over the search text, and one over the phone (PostgreSQL)

The search box ORed a condition per column, and some columns had no trigram index (an organisation's domain,
website and phone; a lead's phone), so every search of them read the whole tenant. As people's since 0004: one
expression, one index (its SQL must stay equal to app.models.contacts.ORGANIZATION_SEARCH.sql and
app.models.leads.LEAD_SEARCH.sql), and the stored phone's index for words of digits. The options and statistics
are those of 0016 and 0017 (app.models.base.SEARCH_INDEX_OPTIONS, SEARCH_STATISTICS).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

SEARCH_SQL = {
    "organizations": "lower(name || ' ' || coalesce(domain, '') || ' ' || coalesce(website, '') || ' ' || "
                     "coalesce(phone, ''))",
    "leads": "lower(name || ' ' || coalesce(company, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, ''))",
}
REPLACED = {"organizations": ("name",), "leads": ("name", "company", "email")}


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


def _create(table: str, name: str, expression: str) -> None:
    op.execute(f"CREATE INDEX {name} ON {table} USING gin ({expression} gin_trgm_ops) "
               "WITH (gin_pending_list_limit = 64)")
    op.execute(f"ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS 1000")


def upgrade_tenant():
    if not _postgresql():
        return
    for table, expression in SEARCH_SQL.items():
        _create(table, f"ix_{table}_trgm_search", expression)
        _create(table, f"ix_{table}_trgm_phone_e164", "lower(phone_e164)")
        for column in REPLACED[table]:
            op.execute(f"DROP INDEX ix_{table}_trgm_{column}")
        op.execute(f"ANALYZE {table}")  # the statistics of the new expressions


def downgrade_tenant():
    if not _postgresql():
        return
    for table in SEARCH_SQL:
        for column in REPLACED[table]:
            _create(table, f"ix_{table}_trgm_{column}", f"lower({column})")
        op.execute(f"DROP INDEX ix_{table}_trgm_search")
        op.execute(f"DROP INDEX ix_{table}_trgm_phone_e164")
