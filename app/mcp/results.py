"""How records look to an assistant: plain JSON-safe dicts, ids as strings, times in UTC ISO 8601."""
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

from app.models import Activity, Deal, Person, Stage


def plain(value):
    """A JSON-safe form of one value."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, (date, uuid.UUID, Decimal)):
        return str(value)
    return value


def _link(kind: str, record_id, names: dict) -> dict | None:
    if record_id is None:
        return None
    return {"type": kind, "id": str(record_id), "name": names.get(record_id)}


def contact(person: Person, *, organizations: dict, owners: dict) -> dict:
    """A person's main fields, with the names of their organisation and owner (`{id: name}` maps)."""
    return {
        "id": str(person.id),
        "name": person.name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": person.phone,
        "title": person.title,
        "organization": _link("organization", person.organization_id, organizations),
        "owner": _link("user", person.owner_id, owners),
        "tags": list(person.tags or []),
        "updated_at": plain(person.updated_at),
    }


def contact_details(person: Person, *, organizations: dict, owners: dict) -> dict:
    """Everything a person's Overview shows."""
    return {
        **contact(person, organizations=organizations, owners=owners),
        "other_emails": list(person.other_emails or []),
        "other_phones": list(person.other_phones or []),
        "address": person.address,
        "source": person.source,
        "notes": person.notes,
        "custom_fields": {key: plain(value) for key, value in (person.custom or {}).items()},
        "created_at": plain(person.created_at),
        "version": person.version,
    }


def activity(item: Activity, *, users: dict, link: tuple | None = None) -> dict:
    """One timeline entry or task; `link` is (kind, id, name) of the record it hangs on, when known."""
    result = {
        "id": str(item.id),
        "kind": item.kind,
        "subject": item.subject,
        "body": item.body,
        "occurred_at": plain(item.occurred_at),
        "logged_by": users.get(item.user_id),
        "channel": item.channel,
    }
    if item.duration_minutes is not None:
        result["duration_minutes"] = item.duration_minutes
    if item.outcome:
        result["outcome"] = item.outcome
    if item.kind == "task":
        result.update(due_at=plain(item.due_at), done=item.done_at is not None, done_at=plain(item.done_at),
                      assignee=users.get(item.assignee_id))
    if link is not None:
        kind, record_id, name = link
        result["about"] = {"type": kind, "id": str(record_id), "name": name}
    return result


def deal(item: Deal, *, stage: Stage | None = None) -> dict:
    """A deal with its stage: `stage`, or the loaded one (`deals.get_deal` and `deals.list_for` load it)."""
    stage = stage or item.stage
    return {
        "id": str(item.id),
        "name": item.name,
        "value": plain(item.value),
        "currency": item.currency,
        "status": item.status,
        "stage": {"id": str(stage.id), "name": stage.name},
        "pipeline_id": str(item.pipeline_id),
        "probability": item.probability,
        "expected_close": plain(item.expected_close),
        "contact_id": plain(item.person_id),
        "organization_id": plain(item.organization_id),
        "owner_id": plain(item.owner_id),
        "updated_at": plain(item.updated_at),
    }
