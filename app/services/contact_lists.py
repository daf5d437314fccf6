"""Lists of CRM records (people, organisations): keyset pages, the common filters and bulk actions."""
import base64
import binascii
import json
import uuid
from datetime import date, datetime, time, timezone
from operator import itemgetter
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import Integer, Select, String, bindparam, func, select, tuple_, type_coerce
from sqlalchemy.dialects.postgresql import JSONB

from app.connections import PLAN_ONCE
from app.errors import Invalid
from app.extensions import db
from app.models.base import derived
from app.services import audit, events
from app.services.contact_edits import check_owner

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_BULK = 500
PAGE_LIMIT = bindparam("page_limit", type_=Integer)
LIKE_ESCAPE = "/"  # as SQLAlchemy's autoescape


def encode_cursor(values) -> str:
    """An opaque, URL-safe cursor for the sort key values of the last row shown."""
    plain = [v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, uuid.UUID) else v
             for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kinds: tuple) -> tuple | None:
    """The sort key values of a cursor, typed by `kinds` ("str", "datetime", "uuid"); None if unreadable."""
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            return None
        values = []
        for kind, value in zip(kinds, raw, strict=True):
            if kind == "datetime":
                value = datetime.fromisoformat(value)
                if value.tzinfo is None:
                    return None
            elif kind == "uuid":
                value = uuid.UUID(value)
            elif not isinstance(value, str):
                return None
            values.append(value)
        return tuple(values)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        return None


def keyset_page(stmt: Select, keys: list, kinds: tuple, *, descending: bool, after: str | None, limit: int,
                item=itemgetter(0), plan_once_as: Select | None = None, values: dict | None = None):
    """Run `stmt` (from page_select), which selects what a page shows then `keys` (the last one unique) in their
    order, from the cursor `after`; (items, next cursor). `item(row)` makes an item of a row; by default its first
    column. `plan_once_as` is a statement whose best plan hangs on no value (page_select's, unfiltered): while
    `stmt` is still it, PostgreSQL may plan it once (PLAN_ONCE) — the planning was a fifth of the database's time
    for an API list. `values` are those of `stmt`'s own parameters."""
    limit = max(1, min(int(limit or PAGE_SIZE), MAX_PAGE_SIZE))
    plan_once = stmt is plan_once_as
    position = decode_cursor(after, kinds)
    if position is not None:  # a range of the keys' index from the cursor on, whatever the cursor
        bound = tuple_(*keys) < tuple_(*position) if descending else tuple_(*keys) > tuple_(*position)
        stmt = stmt.where(bound)
    # The limit is a parameter, so a statement built once (an unfiltered first page) stays one object, whose
    # cache key SQLAlchemy made the first time (4% of an API list request).
    limited = derived(stmt, (PAGE_LIMIT, plan_once),
                      lambda made_from: made_from.limit(PAGE_LIMIT).execution_options(**{PLAN_ONCE: plan_once}))
    rows = list(db.session.execute(limited, {**(values or {}), PAGE_LIMIT.key: limit + 1}).all())
    cursor = encode_cursor(rows[limit - 1][-len(keys):]) if len(rows) > limit else None
    return [item(row) for row in rows[:limit]], cursor


def page_select(model, keys: list, columns: tuple | None, *, descending: bool, joined: dict | None = None,
                row=SimpleNamespace):
    """What a list page of `model` selects before `keys`, ordered by them, and how keyset_page makes an item of a row.

    Without `columns`: whole entities. With them: a `row(**values)` of just those, named after the model's
    columns or the expressions of `joined` (columns of a model the caller outer-joins); lighter for a list that
    only shows them. An unknown name is a bug: KeyError.
    """
    order = [key.desc() if descending else key.asc() for key in keys]
    if columns is None:
        return select(model, *keys).order_by(*order), itemgetter(0)
    joined = joined or {}
    mapped = model.__mapper__.column_attrs  # the ORM attributes, so the statement passes the tenant guard
    selected = [joined[name] if name in joined else getattr(model, mapped[name].key) for name in columns]
    # zip stops before the keys
    return select(*selected, *keys).order_by(*order), lambda values: row(**dict(zip(columns, values)))


def matches_first(keys: list) -> list:
    """A search's sort keys: the same order, with a leading key no index provides, so PostgreSQL reads the matches
    through the search's index and sorts them, never walking the list's order until it has a page. The walk read
    the tenant up to where the matches sit, all of it when they sit late in the order ("wi" among 10,000 people:
    23 ms, against 1.3 ms for reading its 141 matches); reading the matches costs what there are of them."""
    leading, *rest = keys
    return [func.coalesce(leading, leading), *rest]


def since(value) -> datetime | None:
    """A date (start of the day, UTC) or an aware datetime as the lower bound of a filter."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time.min, tzinfo=timezone.utc)
    raise Invalid(_("Enter a date like 2026-01-31."))


def has_tag(model, tag: str):
    """A condition: the record's tags contain `tag` (JSONB containment on PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return type_coerce(model.tags, JSONB).contains([tag])
    # SQLite stores the list as JSON text; an element is exactly its JSON string.
    needle = json.dumps(tag).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return type_coerce(model.tags, String).like(f"%{needle}%", escape="\\")


def like_literal(text: str) -> str:
    """`text` in a LIKE pattern (with `ESCAPE LIKE_ESCAPE`) as it is: its % and _ match only themselves."""
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def contains_pattern(text: str) -> str:
    """A LIKE pattern (with `ESCAPE LIKE_ESCAPE`) matching values that contain `text`."""
    return f"%{like_literal(text)}%"


def sort_keys(sorts: dict, sort: str) -> tuple[list, tuple]:
    """The key columns and their kinds for one of a list's `sorts`; refused when the list has no such sort."""
    if sort not in sorts:
        raise Invalid(_("This list cannot be sorted that way."), fields={"sort": _("Choose one of the options.")})
    make_keys, kinds = sorts[sort]
    return make_keys(), kinds


def filter_common(stmt: Select, model, *, owner_id=None, tag=None, updated_since=None, created_since=None) -> Select:
    """`stmt` narrowed by the filters every record list offers: owner, tag, added and updated since."""
    if owner_id is not None:
        stmt = stmt.where(model.owner_id == owner_id)
    if tag:
        stmt = stmt.where(has_tag(model, tag))
    if updated_since is not None:
        stmt = stmt.where(model.updated_at >= since(updated_since))
    if created_since is not None:
        stmt = stmt.where(model.created_at >= since(created_since))
    return stmt


def load_many(ctx, model, ids) -> list:
    """The tenant's live records of `model` among `ids` (at most MAX_BULK of them)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise Invalid(_("Select at least one record first."))
    if len(ids) > MAX_BULK:
        raise Invalid(_("Select at most %(n)d records at a time.", n=MAX_BULK))
    return list(db.session.scalars(select(model).where(model.id.in_(ids))))


def assign_owner(ctx, model, ids, owner_id) -> int:
    """Give the selected records of `model` to one owner (None: nobody); how many changed, each audited."""
    check_owner(ctx, owner_id)
    changed = 0
    for record in load_many(ctx, model, ids):
        changes = audit.diff(record, {"owner_id": owner_id})
        if changes:
            audit.record(ctx, f"{audit.entity_type_of(record)}.updated", record, changes)
            events.emit(ctx, events.name_for(record, "updated"), record, changes=changes)
            changed += 1
    db.session.flush()
    return changed


def add_tag(ctx, model, ids, tag: str) -> int:
    """Add a tag to the selected records of `model`; how many gained it, each audited."""
    tag = " ".join((tag or "").split())
    if not tag:
        raise Invalid(_("Please correct the marked fields."), fields={"tag": _("Please fill this in.")})
    changed = 0
    for record in load_many(ctx, model, ids):
        if tag.lower() not in {t.lower() for t in record.tags or []}:
            changes = audit.diff(record, {"tags": [*(record.tags or []), tag]})
            audit.record(ctx, f"{audit.entity_type_of(record)}.updated", record, changes)
            events.emit(ctx, events.name_for(record, "updated"), record, changes=changes)
            changed += 1
    db.session.flush()
    return changed


def trash_many(ctx, model, ids, trash_one) -> int:
    """Send the selected records of `model` to the trash with `trash_one(ctx, record)`, each restorable on its own."""
    chosen = load_many(ctx, model, ids)
    for record in chosen:
        trash_one(ctx, record)
    return len(chosen)


def ids_from(values) -> list[uuid.UUID]:
    """The valid UUIDs among raw strings (a bulk form's checkboxes); unreadable ones are dropped."""
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return ids
