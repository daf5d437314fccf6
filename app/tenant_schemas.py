"""PostgreSQL schemas of tenants: created at the current migration head, dropped on offboarding."""
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from app.models.base import TENANT_SCHEMA, Base
from app.tenancy import is_postgresql

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# The tenant pass's version table: in each tenant schema on PostgreSQL; beside the shared one on SQLite.
TENANT_VERSION_TABLE = {"postgresql": "alembic_version", "sqlite": "alembic_version_tenant"}


def tenant_tables() -> list:
    """The tables that live in each tenant's schema."""
    return [t for t in Base.metadata.sorted_tables if t.schema == TENANT_SCHEMA]


def create_schema(session: Session, tenant) -> None:
    """Create the tenant's schema with its tables at the migration head, in the session's transaction.

    Building from the models and stamping the head is what Alembic's cookbook does for a new
    database; tests check that migrations and models describe the same tables. SQLite keeps
    all tenants in shared tables, so there is nothing to create.
    """
    if not is_postgresql(session):
        return
    schema = tenant.schema_name
    connection = session.connection()
    connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    connection.execution_options(schema_translate_map={TENANT_SCHEMA: schema})
    Base.metadata.create_all(connection, tables=tenant_tables())
    migration = MigrationContext.configure(
        connection,
        opts={"version_table": TENANT_VERSION_TABLE["postgresql"], "version_table_schema": schema},
    )
    migration.stamp(ScriptDirectory(str(MIGRATIONS_DIR)), "heads")

