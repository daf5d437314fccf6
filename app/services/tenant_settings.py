"""Per-tenant settings (the team, custom field definitions, active webhooks) read once per process and kept exact.

Any write to a watched model bumps `tenants.settings_version` in the same transaction. A process
keeps what it read under the version it read it at; the tenant row that every door already loads
with its user (or in tenant_context) tells, at no extra query, whether that is still current, so
another process's change shows at this process's next request. Writes outside the ORM session
(raw SQL) would not bump: there are none, keep it so.
"""
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import fields
from itertools import chain

from flask import current_app
from sqlalchemy import event, inspect, true, update
from sqlalchemy.orm import ORMExecuteState, Session

from app.extensions import db
from app.models import Tenant, TenantOwned

MAX_TENANTS = 1000  # per process; the least recently used tenant's settings go first
CHANGED = "settings_changed"  # session.info: this transaction wrote settings, so it reads them afresh
VERSION = "settings_version"  # session.info: the version a door read with its tenant context, this transaction

_WATCHED: dict[type, frozenset[str]] = {}  # model -> the attributes whose changes are settings changes


def spec_columns(model, spec) -> list:
    """The columns of `model` that the dataclass `spec`'s fields name, in field order: what a kept value's
    loader selects to build plain specs (ORM instances cannot be kept)."""
    return [getattr(model, field.name) for field in fields(spec)]


def watch(model, *, attributes=None) -> None:
    """Count inserts and deletes of `model` rows, and changes to `attributes` (all columns when None), as
    changes of their tenant's settings."""
    _WATCHED[model] = frozenset(attributes or inspect(model).columns.keys())


class SettingsCache:
    """Values read for tenants, each tenant's at one settings version; bounded by tenants (LRU)."""

    def __init__(self, max_tenants: int = MAX_TENANTS):
        self.max_tenants = max_tenants
        self._slots: OrderedDict = OrderedDict()  # tenant id -> (version, {name: value})
        self._lock = threading.Lock()

    def get(self, tenant_id, version: int, name: str, load: Callable):
        """The value `name` of a tenant at `version`, from `load()` when not kept yet."""
        with self._lock:
            slot = self._slots.get(tenant_id)
            if slot is not None and slot[0] == version and name in slot[1]:
                self._slots.move_to_end(tenant_id)
                return slot[1][name]
        value = load()  # outside the lock: other tenants need not wait for this query
        with self._lock:
            slot = self._slots.get(tenant_id)
            if slot is None or slot[0] != version:
                slot = self._slots[tenant_id] = (version, {})
            slot[1][name] = value
            self._slots.move_to_end(tenant_id)
            while len(self._slots) > self.max_tenants:
                self._slots.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._slots)


def process_cache() -> SettingsCache:
    """This app's cache: one per worker process (tests make several apps to stand for several processes)."""
    return current_app.extensions.setdefault("tenant_settings", SettingsCache())


def remember_version(session, version: int) -> None:
    """For a door that read its tenant's settings version without loading the Tenant (the API's token):
    read() takes it from here for the rest of this transaction instead of loading the tenant row."""
    session.info[VERSION] = version


def read(ctx, name: str, load: Callable):
    """`load()` for the context's tenant, read once per process and settings version.

    `load` must return plain immutable data (ORM instances belong to one session). A transaction that
    changes settings reads them afresh: its changes are not committed, so no other request may see them.
    """
    session = db.session()
    if session.info.get(CHANGED) or _changed_tenants(session):
        return load()  # its query flushes the pending changes first, which bumps the version
    version = session.info.get(VERSION)
    if version is None:
        version = session.get(Tenant, ctx.tenant_id).settings_version  # in the identity map already
    return process_cache().get(ctx.tenant_id, version, name, load)


def _changed_tenants(session: Session) -> set:
    """The tenants whose settings this session adds, deletes or changes (pending, or being flushed)."""
    rows = chain((row for row in chain(session.new, session.deleted) if type(row) in _WATCHED),
                 (row for row in session.dirty if _changes_watched(row)))
    return {row.tenant_id or session.info.get("tenant_id") for row in rows}


def _changes_watched(row) -> bool:
    attributes = _WATCHED.get(type(row))
    if not attributes:
        return False
    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _bump(session: Session, which) -> None:
    session.info[CHANGED] = True
    # No need to refresh Tenant objects in memory: this transaction no longer reads the cache, and the
    # commit expires them.
    session.execute(update(Tenant).where(which).values(settings_version=Tenant.settings_version + 1),
                    execution_options={"synchronize_session": False})


@event.listens_for(Session, "after_flush")
def _bump_on_flush(session, flush_context):
    """A flush that wrote settings raises their tenants' versions, in the same transaction."""
    tenants = _changed_tenants(session)
    if tenants:
        _bump(session, Tenant.id.in_(tenants))


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk_write(state: ORMExecuteState):
    """A bulk INSERT, UPDATE or DELETE on a watched model raises the versions it may touch."""
    model = state.bind_mapper.class_ if state.bind_mapper is not None else None
    if state.is_select or model not in _WATCHED:
        return
    if issubclass(model, TenantOwned):  # the tenant guard confines it to the session's tenant
        _bump(state.session, Tenant.id == state.session.info.get("tenant_id"))
    else:  # a shared table: the statement may span tenants
        _bump(state.session, true())


@event.listens_for(Session, "after_transaction_end")
def _end_of_transaction(session, transaction):
    if transaction.parent is None:  # committed or rolled back: the cache is safe to use again
        session.info.pop(CHANGED, None)
        session.info.pop(VERSION, None)  # the next transaction may see a newer one: read the tenant row
