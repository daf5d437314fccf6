"""Recording and reading the audit log."""
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import Enum

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.permissions import require
from app.services import events, keyset

PAGE_SIZE = 50


def _plain(value):
    """A JSON-safe copy of a value for before/after."""
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def entity_type_of(entity) -> str:
    """The audit name of a model instance: its table name in the singular."""
    return getattr(entity, "__audit_name__", None) or entity.__tablename__.removesuffix("s")


def record(ctx, action: str, entity, changes: dict | None = None) -> AuditEvent:
    """Record `action` on `entity` by the context's user and door; `changes` maps field -> (before, after)."""
    event = AuditEvent(
        actor_id=ctx.user_id,
        channel=ctx.channel,
        action=action,
        entity_type=entity_type_of(entity),
        entity_id=entity.id,
        changes={field: _plain(list(pair)) for field, pair in (changes or {}).items()},
    )
    db.session.add(event)
    return event


def diff(obj, data: dict) -> dict:
    """Apply `data` to `obj` and return {field: (before, after)} for the fields that changed."""
    changes = {}
    for field, value in data.items():
        before = getattr(obj, field)
        if before != value:
            setattr(obj, field, value)
            changes[field] = (before, value)
    return changes


def apply_changes(ctx, entity, values: dict, *, event: str, emit: str | None = None):
    """Write `values` onto `entity` and record `event` with what really changed (nothing if nothing did);
    `emit` names the domain event (webhooks) to raise when something changed."""
    changes = diff(entity, values)
    if changes:
        db.session.flush()  # the UPDATE (and its version check) happens before the event is written
        record(ctx, event, entity, changes)
        if emit:
            events.emit(ctx, emit, entity, changes=changes)
    return entity


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page filters on; every field optional."""

    action: str | None = None
    actor_id: uuid.UUID | None = None
    entity_type: str | None = None
    channel: str | None = None
    since: date | None = None
    until: date | None = None


def list_events(ctx, *, filters: AuditFilter, tz, before: tuple | None = None, limit: int = PAGE_SIZE):
    """A page of audit events, newest first, and the keyset cursor of the next page (or None).

    `before` is the (created_at, id) of the last event shown; dates are days in `tz`.
    """
    require(ctx, "audit:read")
    stmt = select(AuditEvent)
    if filters.action:
        stmt = stmt.where(AuditEvent.action.startswith(filters.action))
    if filters.actor_id:
        stmt = stmt.where(AuditEvent.actor_id == filters.actor_id)
    if filters.entity_type:
        stmt = stmt.where(AuditEvent.entity_type == filters.entity_type)
    if filters.channel:
        stmt = stmt.where(AuditEvent.channel == filters.channel)
    if filters.since:
        stmt = stmt.where(AuditEvent.created_at >= _start_of_day(filters.since, tz))
    if filters.until:
        stmt = stmt.where(AuditEvent.created_at < _start_of_day(filters.until + timedelta(days=1), tz))
    stmt = keyset.ordered_after(stmt, AuditEvent.created_at, AuditEvent.id, before or None, descending=True)
    events, last = keyset.cut(db.session.scalars(stmt.limit(limit + 1)), limit)
    return events, (last.created_at, last.id) if last else None


def _start_of_day(day: date, tz) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(timezone.utc)


def list_actions(ctx) -> list[str]:
    """The distinct actions recorded so far, for the filter menu."""
    require(ctx, "audit:read")
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
