"""Domain events: what happened to a record, sent to the tenant's webhooks through the job queue.

Services call `emit` right where they record the audit event. The payload is built once, when the
event happens, so every retry and redelivery sends the same facts.
"""
import uuid
from dataclasses import dataclass

from pydantic_core import to_jsonable_python
from sqlalchemy import select

from app.extensions import db
from app.models import Webhook
from app.models.base import utcnow
from app.models.webhooks import EVENTS
from app.schemas.outputs import serialise
from app.services import tenant_settings, webhook_delivery


def build_payload(ctx, name: str, data: dict, changes: dict | None = None) -> dict:
    """The JSON body of an event: its id (the same on every retry), name, time, tenant, door and record."""
    payload = {"id": str(uuid.uuid4()), "event": name, "occurred_at": utcnow().isoformat(),
               "tenant": str(ctx.tenant_id), "channel": ctx.channel, "data": data}
    if changes:
        payload["changes"] = to_jsonable_python(
            {field: {"before": before, "after": after} for field, (before, after) in changes.items()})
    return payload


RECORD_EVENT_PREFIX = {"person": "contact", "organization": "organization", "lead": "lead", "deal": "deal"}


def name_for(record, action: str) -> str:
    """The event name of `action` on a CRM record: "contact.updated" for a person, "deal.updated" for a deal."""
    return f"{RECORD_EVENT_PREFIX[record.__audit_name__]}.{action}"


def emit(ctx, name: str, entity, data: dict | None = None, *, changes: dict | None = None) -> int:
    """Queue event `name` about `entity` (or `data` in its place) for each active hook subscribed to it; how many.

    `changes` ({field: (before, after)}, as audited) goes along as {field: {"before", "after"}}.
    """
    if name not in EVENTS:
        raise ValueError(f"unknown event {name!r}")
    hooks = [hook for hook in _active_hooks(ctx) if name in hook.events]
    if not hooks:
        return 0
    payload = build_payload(ctx, name, serialise(entity) if data is None else data, changes)
    for hook in hooks:
        webhook_delivery.queue_delivery(ctx, hook.id, payload)
    return len(hooks)


@dataclass(frozen=True)
class ActiveHook:
    """An active hook as `emit` reads it: plain data a process may keep."""

    id: uuid.UUID
    events: frozenset[str]


tenant_settings.watch(Webhook, attributes=["active", "events"])


def _active_hooks(ctx) -> tuple[ActiveHook, ...]:
    """The tenant's active hooks, kept per process until an admin changes one: every write emits an event,
    and a query for each cost a 10,000-row import 15% of its time."""
    def load():
        stmt = select(Webhook.id, Webhook.events).where(Webhook.active.is_(True))
        return tuple(ActiveHook(row.id, frozenset(row.events)) for row in db.session.execute(stmt))
    return tenant_settings.read(ctx, "webhooks", load)
