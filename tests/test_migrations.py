"""The migrations and the models describe the same tables."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.schema import BLANK_SCHEMA

from app.extensions import db
from app.models.base import Base


def _postgresql_only(difference) -> bool:
    """An index the models create on PostgreSQL only (a GIN index, say): SQLite rightly lacks it."""
    if difference[0] != "add_index":
        return False
    only_postgresql = {index.name for table in Base.metadata.tables.values() for index in table.indexes
                       if getattr(index, "_ddl_if", None) is not None and index._ddl_if.dialect == "postgresql"}
    return difference[1].name in only_postgresql


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_sqlite_migrations_match_the_models(app):
    """Expression indexes are compared on PostgreSQL only (test_schemas_postgres.py): SQLite cannot reflect them."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return  # PostgreSQL is compared schema by schema in test_schemas_postgres.py
    flat = MetaData()
    for table in Base.metadata.sorted_tables:
        # SQLite keeps tenant tables, and their foreign keys, beside the shared ones
        table.to_metadata(flat, schema=None, referred_schema_fn=lambda *_: BLANK_SCHEMA)
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, flat)
                       if not (d[0] == "remove_table" and d[1].name.startswith("alembic_version"))
                       and not _postgresql_only(d)]
    assert differences == []
