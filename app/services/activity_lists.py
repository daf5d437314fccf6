"""Lists of activities for the API: filtered, most recent first, keyset pages, only what the role may read."""
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select, true

from app.extensions import db
from app.models import Activity
from app.permissions import can, require
from app.services import keyset
from app.services.activities import LINKS, PAGE_SIZE, READ_PERMISSION, decode_cursor, encode_cursor
from app.services.contact_lists import since


@dataclass(frozen=True)
class ActivityFilter:
    """What a list of activities filters on; every field optional."""

    person_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    lead_id: uuid.UUID | None = None
    deal_id: uuid.UUID | None = None
    kind: str | None = None
    assignee_id: uuid.UUID | None = None
    updated_since: datetime | None = None


def _readable(ctx):
    """Activities on deals and leads show only to roles that may read deals and leads."""
    conditions = [getattr(Activity, f"{kind}_id").is_(None)
                  for kind, permission in READ_PERMISSION.items() if not can(ctx, permission)]
    return and_(true(), *conditions)


def list_activities(ctx, *, filters: ActivityFilter = ActivityFilter(), after=None,
                    limit: int = PAGE_SIZE) -> tuple[list[Activity], str | None]:
    """A page of activities, most recent first, and the cursor of the next page (keyset, never OFFSET)."""
    require(ctx, "contact:read")
    stmt = select(Activity).where(_readable(ctx))
    for name in (*LINKS, "kind", "assignee_id"):
        value = getattr(filters, name)
        if value is not None:
            stmt = stmt.where(getattr(Activity, name) == value)
    if filters.updated_since is not None:
        stmt = stmt.where(Activity.updated_at >= since(filters.updated_since))
    stmt = keyset.ordered_after(stmt, Activity.occurred_at, Activity.id, decode_cursor(after), descending=True)
    items, last = keyset.cut(db.session.scalars(stmt.limit(limit + 1)), limit)
    return items, encode_cursor(last) if last else None
