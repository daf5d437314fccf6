"""Alembic environment for Roost: one lineage of revisions, applied in two scopes.

Every revision has `upgrade_shared()` (tenants, users, tokens: the public schema) and
`upgrade_tenant()` (everything tenant-owned). `flask db upgrade` runs the shared scope
once, then the tenant scope once per tenant schema on PostgreSQL, each with its own
version table and its own commit, so an interrupted run resumes where it stopped.
On SQLite the tenant scope runs once over the shared tables.

Tenant revisions name no schema: a transaction-local search_path picks the tenant's
(Alembic does not translate schemas in add_column, alter_column or batch operations).
"""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import MetaData, text
from sqlalchemy.schema import BLANK_SCHEMA

from app.models.base import TENANT_SCHEMA, UTCDateTime
from app.tenant_schemas import TENANT_VERSION_TABLE

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
log = logging.getLogger("alembic.env")

SHARED, TENANT = "shared", "tenant"


def _scope_metadata(scope: str) -> MetaData:
    """The models' tables of one scope, with no schema, as autogenerate compares them."""
    source = current_app.extensions["migrate"].db.metadata
    copy = MetaData(naming_convention=source.naming_convention)
    for table in source.sorted_tables:
        if (table.schema == TENANT_SCHEMA) == (scope == TENANT):
            table.to_metadata(copy, schema=None, referred_schema_fn=lambda *_: BLANK_SCHEMA)
    return copy


def _render_item(type_, obj, autogen_context):
    """Render the app's UTC timestamp as a plain SQLAlchemy type: revisions import nothing from app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _tenant_schemas(connection) -> list[str | None]:
    if connection.dialect.name != "postgresql":
        return [None]
    with connection.begin():
        return list(connection.scalars(text("SELECT schema_name FROM tenants ORDER BY created_at, id")))


def _skip_empty_revision(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and all(
        ops.is_empty() for ops in directives[0].upgrade_ops_list
    ):
        directives[:] = []
        log.info("No changes in schema detected.")


def _run_scope(connection, scope: str, schema: str | None, *, last: bool) -> None:
    metadata = _scope_metadata(scope)
    names = set(metadata.tables)
    postgresql = connection.dialect.name == "postgresql"
    with connection.begin():
        if scope == TENANT and schema:
            log.info("Tenant schema %s", schema)
            connection.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            connection.exec_driver_sql(f'SET LOCAL search_path TO "{schema}", public')
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table="alembic_version" if scope == SHARED else TENANT_VERSION_TABLE[connection.dialect.name],
            version_table_schema=schema if scope == TENANT and postgresql else None,
            include_name=lambda name, type_, parent: type_ != "table" or name in names,
            upgrade_token=f"{scope}_upgrades",
            downgrade_token=f"{scope}_downgrades",
            # Judged once every scope has been compared, so only on the last pass.
            process_revision_directives=_skip_empty_revision if last else None,
            render_as_batch=not postgresql,
            render_item=_render_item,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations(scope=scope)


def run_migrations_online() -> None:
    engine = current_app.extensions["migrate"].db.engine
    with engine.connect() as connection:
        _run_scope(connection, SHARED, None, last=False)
        schemas = _tenant_schemas(connection)
        if getattr(config.cmd_opts, "autogenerate", False):
            schemas = schemas[:1]  # compare the models with one tenant's schema
        for number, schema in enumerate(schemas, start=1):
            _run_scope(connection, TENANT, schema, last=number == len(schemas))


if context.is_offline_mode():
    raise SystemExit("Roost migrates online only: it must list the tenants' schemas.")
run_migrations_online()
