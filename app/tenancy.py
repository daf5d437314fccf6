"""Tenant context and the query guard: the two walls between tenants.

Wall one is the schema: on PostgreSQL each session is bound to one tenant's schema
through `schema_translate_map`, set on every connection the session begins.
Wall two is the guard: every ORM statement touching a tenant-owned table gets
`tenant_id = <current>` added, and runs only when a tenant is in context.
"""
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain

from sqlalchemy import bindparam, event
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session, with_loader_criteria
from sqlalchemy.sql.util import find_tables
from sqlalchemy.util import LRUCache

from app.errors import NoTenantContext, NotFound
from app.extensions import db
from app.models import Tenant, TenantOwned, User
from app.models.base import TENANT_SCHEMA, with_option
from app.transactions import finish

CHANNELS = ("web", "api", "telegram", "mcp", "job", "cli")


@dataclass(frozen=True)
class TenantContext:
    """Who acts, for which tenant, through which door. Every service takes one first."""

    tenant_id: uuid.UUID
    channel: str
    user_id: uuid.UUID | None = None
    role: str | None = None  # None: the system itself (a job or an operator's CLI command)
    request_id: str | None = None

    @property
    def is_system(self) -> bool:
        return self.user_id is None


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def schema_map(session: Session, schema_name: str) -> dict:
    """The schema_translate_map for a tenant's schema: its own schema on PostgreSQL, none on SQLite."""
    return {TENANT_SCHEMA: schema_name if is_postgresql(session) else None}


def bind_session(session: Session, tenant) -> None:
    """Make `session` act for `tenant` (see `bind_tenant`)."""
    bind_tenant(session, tenant_id=tenant.id, schema_name=tenant.schema_name)


def bind_tenant(session: Session, *, tenant_id: uuid.UUID, schema_name: str) -> None:
    """Make `session` act for one tenant: the guard's tenant id and the schema of every connection.

    A session serves one tenant only (identity-map keys carry no schema), so binding a
    session that already holds another tenant is refused.
    """
    session = _actual(session)
    current = session.info.get("tenant_id")
    if current is not None and current != tenant_id:
        raise NoTenantContext("this session already serves another tenant; remove it first")
    session.info["tenant_id"] = tenant_id
    session.info["schema_map"] = schema_map(session, schema_name)
    if session.in_transaction():
        # A transaction already begun (e.g. to load the user) keeps its connection:
        # give that connection the map too. Connection.execution_options works in place.
        session.connection().execution_options(schema_translate_map=session.info["schema_map"])


# The guard's criteria, one for every tenant: the tenant id is a named parameter the guard adds to each
# statement's values. A value in the lambda's closure made a criteria object per tenant and an extracted
# parameter SQLAlchemy matched up on every run (a sixth of running the user's statement). The name is
# written in the lambda: SQLAlchemy would track a global as a value of its own.
_TENANT_PARAMETER = "guard_tenant_id"
_TENANT_CRITERIA = with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == bindparam("guard_tenant_id"),
                                        include_aliases=True)


def _actual(session) -> Session:
    """The Session itself, also when given Flask-SQLAlchemy's scoped_session proxy."""
    return session() if isinstance(session, scoped_session) else session


@event.listens_for(Session, "after_begin")
def _apply_schema(session, transaction, connection):
    mapping = session.info.get("schema_map")
    if mapping is not None:
        connection.execution_options(schema_translate_map=mapping)


_TOUCHES_TENANT = LRUCache(500)  # by statement cache key; SQLAlchemy's compiled-SQL cache is as large


def _touches_tenant_tables(statement) -> bool:
    """Whether the statement names a tenant table anywhere (subqueries, unions and DML included)."""
    key = statement._generate_cache_key()  # memoised on the statement: its execution reuses it
    if key is None:  # a statement SQLAlchemy cannot cache: look every time
        return _finds_tenant_tables(statement)
    # The same key compiles to the same SQL, so it names the same tables. Walking a statement cost 4% of
    # an API request (its token statement runs before any tenant is known).
    touches = _TOUCHES_TENANT.get(key.key)
    if touches is None:
        touches = _TOUCHES_TENANT[key.key] = _finds_tenant_tables(statement)
    return touches


def _finds_tenant_tables(statement) -> bool:
    return any(t.schema == TENANT_SCHEMA for t in find_tables(statement, include_crud=True))


@event.listens_for(Session, "do_orm_execute")
def _guard_statement(state: ORMExecuteState):
    """Add the tenant criteria to every ORM statement; refuse one on tenant tables with no tenant, in Core,
    or as a bulk write of a list of rows."""
    tenant_id = state.session.info.get("tenant_id")
    if tenant_id is not None and state.is_orm_statement and not isinstance(state.parameters, list):
        # No need to look for tenant tables (walking the statement cost 3% of a request): the
        # criteria apply to whatever tenant entities the statement names and to nothing else.
        if state.is_select or state.is_update or state.is_delete:
            state.statement = with_option(state.statement, _TENANT_CRITERIA)
            state.parameters = {**(state.parameters or {}), _TENANT_PARAMETER: tenant_id}  # over a caller's
        return
    if not _touches_tenant_tables(state.statement):
        return
    if tenant_id is None:
        raise NoTenantContext("a statement on tenant data ran with no tenant in context")
    if state.is_orm_statement:  # SQLAlchemy's bulk INSERT and UPDATE by primary key skip flush and criteria
        raise NoTenantContext("bulk writes of a list of rows bypass the guard; add the objects to the session")
    raise NoTenantContext("Core statements on tenant tables bypass the guard; use the models")


@event.listens_for(Session, "before_flush")
def _guard_flush(session, flush_context, instances):
    """New rows get the current tenant; rows of another tenant (or of none) are never written."""
    tenant_id = session.info.get("tenant_id")
    for obj in session.new:
        if isinstance(obj, TenantOwned):
            if tenant_id is None:
                raise NoTenantContext(f"cannot insert {type(obj).__name__} with no tenant in context")
            if obj.tenant_id is None:
                obj.tenant_id = tenant_id
            elif obj.tenant_id != tenant_id:
                raise NoTenantContext(f"{type(obj).__name__} belongs to another tenant")
    for obj in chain(session.dirty, session.deleted):
        if isinstance(obj, TenantOwned) and obj.tenant_id != tenant_id:
            raise NoTenantContext(f"{type(obj).__name__} belongs to another tenant")


def open_context(session: Session, tenant, *, channel: str, user=None, request_id=None) -> TenantContext:
    """Bind the session to the tenant and describe who acts through which door."""
    return open_context_of(session, tenant_id=tenant.id, schema_name=tenant.schema_name, channel=channel,
                           user_id=user.id if user else None, role=user.role if user else None,
                           request_id=request_id)


def open_context_of(session: Session, *, tenant_id: uuid.UUID, schema_name: str, channel: str,
                    user_id: uuid.UUID | None = None, role: str | None = None, request_id=None) -> TenantContext:
    """`open_context` from plain values, for a door that read them without loading the tenant and user."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    bind_tenant(session, tenant_id=tenant_id, schema_name=schema_name)
    return TenantContext(tenant_id=tenant_id, channel=channel, user_id=user_id, role=role, request_id=request_id)


@contextmanager
def tenant_context(tenant_id: uuid.UUID, *, channel: str, user_id: uuid.UUID | None = None) -> Iterator[TenantContext]:
    """One unit of work for jobs, the bot, MCP and the CLI: a fresh session bound to one tenant,
    finished on success (committed if it wrote) and rolled back on an exception."""
    db.session.remove()
    try:
        tenant = db.session.get(Tenant, tenant_id)
        if tenant is None:
            raise NotFound("No such organisation.")
        user = None
        if user_id is not None:
            user = db.session.get(User, user_id)
            if user is None or user.tenant_id != tenant.id or not user.active:
                raise NotFound("No such user in this organisation.")
        ctx = open_context(db.session, tenant, channel=channel, user=user)
        yield ctx
        finish(db.session)
    except BaseException:
        db.session.rollback()
        raise
    finally:
        db.session.remove()
