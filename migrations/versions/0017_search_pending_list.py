"""trigram indexes: new rows wait in a pending list of at most 64 kB, not 4 MB (PostgreSQL)

Every search reads a GIN index's whole pending list, where new rows wait until a vacuum merges them or the
list outgrows its limit. At the default 4 MB the search index of a tenant of 10,000 people held 2,625 new
ones after a load run, and each search took 30–45 ms instead of 3–10. Kept in step with the indexes'
`postgresql_with` in the models (app.models.base.SEARCH_INDEX_OPTIONS), which a new tenant's schema gets
at sign-up. The rows waiting now are merged at once.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

INDEXES = ("ix_people_trgm_search", "ix_people_trgm_phone_e164", "ix_organizations_trgm_name", "ix_deals_trgm_name",
           "ix_leads_trgm_name", "ix_leads_trgm_company", "ix_leads_trgm_email")


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
    if not _postgresql():
        return
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} SET (gin_pending_list_limit = 64)")
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def downgrade_tenant():
    if not _postgresql():
        return
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")
