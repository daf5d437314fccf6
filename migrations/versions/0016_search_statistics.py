"""trigram indexes: ANALYZE keeps 1,000 values of each searched expression, not 100 (PostgreSQL)

From 100 values PostgreSQL guessed that 2% of 10,000 people match "smi" where 15 do, and read the whole
tenant in name order for a first page of 50 (19 ms) instead of asking the trigram index (0.7 ms); the walk
grows with the tenant. Kept in step with the indexes' `info["statistics"]` in the models
(app.models.base.SEARCH_STATISTICS), which a new tenant's schema gets at sign-up.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

INDEXES = {"people": ("ix_people_trgm_search", "ix_people_trgm_phone_e164"),
           "organizations": ("ix_organizations_trgm_name",),
           "deals": ("ix_deals_trgm_name",),
           "leads": ("ix_leads_trgm_name", "ix_leads_trgm_company", "ix_leads_trgm_email")}


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


def _set_statistics(target: int) -> None:
    if not _postgresql():
        return
    for table, indexes in INDEXES.items():
        for index in indexes:
            op.execute(f"ALTER INDEX {index} ALTER COLUMN 1 SET STATISTICS {target}")
        op.execute(f"ANALYZE {table}")  # the new target counts from the next ANALYZE: take it now


def upgrade_tenant():
    _set_statistics(1000)


def downgrade_tenant():
    _set_statistics(-1)  # the server's default
