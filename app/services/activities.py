"""Activities on one timeline per customer, and the tasks each user must do."""
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, any_, bindparam, func, literal, or_, select, tuple_, union_all

from app.errors import Invalid, NotFound
from app.extensions import db
from app.models import Activity, Deal, Lead, Organization, Person, Tenant, User
from app.models.activities import open_task_conditions
from app.models.base import utcnow
from app.permissions import can, require
from app.schemas.activities import ActivityCreate, ActivityUpdate
from app.services import audit, events, users
from app.services.contact_lists import keyset_page
from app.services.records import get_record, trash

PAGE_SIZE = 50
SUBJECTS = {"person": Person, "organization": Organization, "lead": Lead, "deal": Deal}
SUBJECT_TYPES = {model: kind for kind, model in SUBJECTS.items()}
READ_PERMISSION = {"person": "contact:read", "organization": "contact:read", "lead": "lead:read", "deal": "deal:read"}
LINKS = ("person_id", "organization_id", "lead_id", "deal_id")


# --- the timeline -----------------------------------------------------------------------------------

@dataclass
class Timeline:
    """A page of a record's timeline, newest first, with what showing it needs."""

    subject_type: str
    subject_id: uuid.UUID
    subject_label: str
    items: list[Activity]
    next_cursor: str | None  # pass as `before` for the next (older) page
    names: dict[uuid.UUID, str]  # user id -> name, for who logged it and who must do it
    labels: dict[tuple[str, uuid.UUID], str]  # ("deal", id) -> name of the record an item hangs on
    assignees: list[tuple[uuid.UUID, str]] = field(default_factory=list)  # active users, for the composer

    def link_of(self, item: Activity) -> tuple[str, uuid.UUID, str] | None:
        """The record an item hangs on when it is not the timeline's own subject (a person's deal, say)."""
        for kind in ("deal", "person", "lead", "organization"):
            linked = getattr(item, f"{kind}_id")
            if linked is not None and (kind, linked) != (self.subject_type, self.subject_id):
                label = self.labels.get((kind, linked))
                if label is not None:
                    return kind, linked, label
        return None


def encode_cursor(item: Activity) -> str:
    return f"{item.occurred_at.astimezone(timezone.utc).isoformat()}|{item.id}"


def decode_cursor(raw) -> tuple[datetime, uuid.UUID] | None:
    """(occurred_at, id) from a cursor string; None for a missing or garbled one (the first page)."""
    if not raw:
        return None
    if isinstance(raw, tuple):
        return raw
    stamp, _sep, item_id = str(raw).partition("|")
    try:
        moment = datetime.fromisoformat(stamp)
        return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)), uuid.UUID(item_id)
    except ValueError:
        return None


def timeline(ctx, *, person_id=None, organization_id=None, lead_id=None, deal_id=None,
             before=None, limit: int = PAGE_SIZE) -> Timeline:
    """A page of what happened with one record, newest first.

    A person's timeline includes their deals' activities; an organisation's its people's and its deals'.
    """
    given = [(kind, value) for kind, value in (("person", person_id), ("organization", organization_id),
                                               ("lead", lead_id), ("deal", deal_id)) if value is not None]
    if len(given) != 1:
        raise ValueError("timeline() takes exactly one of person_id, organization_id, lead_id, deal_id")
    subject_type, subject_id = given[0]
    require(ctx, READ_PERMISSION[subject_type])
    return timeline_of(ctx, get_record(ctx, SUBJECTS[subject_type], subject_id), before=before, limit=limit)


def timeline_of(ctx, subject, *, before=None, limit: int = PAGE_SIZE, known_labels: dict | None = None) -> Timeline:
    """timeline() of a person, organisation, lead or deal its service has already loaded (saves reading it again).
    `known_labels`: names of records the items may hang on that the caller has read already (see record_labels)."""
    subject_type = SUBJECT_TYPES[type(subject)]
    require(ctx, READ_PERMISSION[subject_type])
    cursor = decode_cursor(before)
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    stmt = _page_select(subject_type, can(ctx, "deal:read"), postgresql, cursor is not None, limit)
    values = {"subject_id": subject.id}
    if cursor:
        values["before_at"], values["before_id"] = cursor
    items = list(db.session.scalars(stmt, values))
    next_cursor = encode_cursor(items[limit - 1]) if len(items) > limit else None
    return _present(ctx, subject_type, subject, items[:limit], next_cursor, known_labels)


@lru_cache(maxsize=64)
def _page_select(subject_type: str, with_deals: bool, postgresql: bool, after_cursor: bool, limit: int) -> Select:
    """A page of a timeline, the record and the cursor as parameters: built once per shape (statements are
    immutable), as building it cost a fifth of reading a short timeline."""
    stmt = (select(Activity).where(_scope(subject_type, with_deals, postgresql))
            .order_by(Activity.occurred_at.desc(), Activity.id.desc()))
    if after_cursor:
        cursor = tuple_(bindparam("before_at", type_=Activity.occurred_at.type),
                        bindparam("before_id", type_=Activity.id.type))
        stmt = stmt.where(tuple_(Activity.occurred_at, Activity.id) < cursor)
    return stmt.limit(limit + 1)


def timeline_entry(ctx, *, activity: Activity, subject_type: str, subject_id) -> Timeline:
    """One activity as its record's timeline shows it (for adding it to a timeline already shown)."""
    require(ctx, READ_PERMISSION[subject_type])
    subject = get_record(ctx, SUBJECTS[subject_type], subject_id)
    return _present(ctx, subject_type, subject, [activity], None)


def _present(ctx, subject_type, subject, items, next_cursor, known_labels=None) -> Timeline:
    return Timeline(
        subject_type=subject_type, subject_id=subject.id, subject_label=subject.name, items=items,
        next_cursor=next_cursor,
        names=users.names_by_id(ctx, {i.user_id for i in items} | {i.assignee_id for i in items}),
        labels=record_labels(ctx, items, besides=(subject_type, subject.id), known=known_labels),
        assignees=assignee_options(ctx),
    )


def _scope(subject_type: str, with_deals: bool, postgresql: bool):
    """Which activities belong on the timeline of the record `subject_id` (a parameter): its own, and for a
    person or an organisation those of the records related to it (their deals' only `with_deals`), each
    condition one that an index answers."""
    subject_id = bindparam("subject_id")
    conditions = [getattr(Activity, f"{subject_type}_id") == subject_id]
    if subject_type == "organization":
        conditions.append(_any_of(Activity.person_id, select(Person.id).where(Person.organization_id == subject_id),
                                  postgresql))
    if subject_type in ("person", "organization") and with_deals:
        conditions.append(_any_of(Activity.deal_id,
                                  select(Deal.id).where(getattr(Deal, f"{subject_type}_id") == subject_id),
                                  postgresql))
    return or_(*conditions)


def _any_of(column, ids: Select, postgresql: bool):
    """`column` is one of the ids the SELECT gives. On PostgreSQL as `= ANY(ARRAY(...))`: the ids are read
    once and each asks the column's index. As `IN (subquery)` in an OR, PostgreSQL walked all of the tenant's
    activities newest first to find a person's few (20 ms at 50,000 activities, growing with the tenant)."""
    if postgresql:
        return column == any_(func.array(ids.scalar_subquery()))
    return column.in_(ids)


def assignee_options(ctx) -> list[tuple[uuid.UUID, str]]:
    """Active users of the tenant a task can be given to, by name."""
    return [(member.id, member.name) for member in users.list_users(ctx) if member.active]


# --- writing ----------------------------------------------------------------------------------------

def tenant_zone(ctx) -> ZoneInfo:
    """The tenant's time zone (forms give local times; task days are the tenant's days)."""
    tenant = db.session.get(Tenant, ctx.tenant_id)
    try:
        return ZoneInfo(tenant.timezone or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _aware(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A form's local time in the tenant's zone, or an aware time as given; stored in UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)


def _check_links(ctx, data) -> None:
    errors = {}
    for name, model in (("person_id", Person), ("organization_id", Organization),
                        ("lead_id", Lead), ("deal_id", Deal)):
        value = getattr(data, name)
        if value is not None:
            try:
                get_record(ctx, model, value)
            except NotFound:
                errors[name] = _("This record does not exist or was deleted.")
    if errors:
        raise Invalid(_("Please correct the marked fields."), fields=errors)


def _check_assignee(ctx, assignee_id) -> uuid.UUID:
    if not users.is_active_member(ctx, assignee_id):
        raise Invalid(_("Please correct the marked fields."),
                      fields={"assignee_id": _("Choose someone from your team.")})
    return assignee_id


def log_activity(ctx, *, data: ActivityCreate) -> Activity:
    """Log a call, email, meeting or note, or set a task, on a person, organisation, lead or deal."""
    require(ctx, "activity:write")
    if data.kind != "task" and not any(getattr(data, name) for name in LINKS):
        raise Invalid(_("Choose the person, organisation, lead or deal this is about."))
    _check_links(ctx, data)
    zone = tenant_zone(ctx)
    now = utcnow()
    activity = Activity(
        kind=data.kind, subject=data.subject, body=data.body, outcome=data.outcome,
        duration_minutes=data.duration_minutes, occurred_at=_aware(data.occurred_at, zone) or now,
        user_id=ctx.user_id, channel=ctx.channel,
        **{name: getattr(data, name) for name in LINKS},
    )
    if data.kind == "task":
        if data.due_at is None:
            raise Invalid(_("Please correct the marked fields."), fields={"due_at": _("When is this due?")})
        activity.due_at = _aware(data.due_at, zone)
        assignee = data.assignee_id or ctx.user_id
        if assignee is None:
            raise Invalid(_("Please correct the marked fields."),
                          fields={"assignee_id": _("Choose someone from your team.")})
        activity.assignee_id = _check_assignee(ctx, assignee)
    db.session.add(activity)
    db.session.flush()
    audit.record(ctx, "activity.created", activity, {
        name: (None, getattr(activity, name))
        for name in ("kind", "subject", "body", "due_at", "assignee_id", *LINKS) if getattr(activity, name) is not None
    })
    events.emit(ctx, "activity.created", activity)
    return activity


def get_activity(ctx, *, activity_id) -> Activity:
    """One activity of the tenant; another tenant's or a deleted one is not found."""
    return get_record(ctx, Activity, activity_id)


def read_activity(ctx, *, activity_id) -> Activity:
    """One activity, for a role that may read every record it hangs on."""
    require(ctx, "contact:read")
    activity = get_activity(ctx, activity_id=activity_id)
    for kind, permission in READ_PERMISSION.items():
        if getattr(activity, f"{kind}_id") is not None:
            require(ctx, permission)
    return activity


def update_activity(ctx, *, activity_id, data: ActivityUpdate) -> Activity:
    """Change what an activity says; only the fields given change (its kind and record stay)."""
    require(ctx, "activity:write")
    activity = get_activity(ctx, activity_id=activity_id)
    zone = tenant_zone(ctx)
    given = data.model_fields_set
    values = {name: getattr(data, name) for name in ("subject", "body", "duration_minutes", "outcome") if name in given}
    if "occurred_at" in given and data.occurred_at is not None:
        values["occurred_at"] = _aware(data.occurred_at, zone)
    if activity.kind == "task":
        if "due_at" in given:
            if data.due_at is None:
                raise Invalid(_("Please correct the marked fields."), fields={"due_at": _("When is this due?")})
            values["due_at"] = _aware(data.due_at, zone)
        if "assignee_id" in given and data.assignee_id is not None:
            values["assignee_id"] = _check_assignee(ctx, data.assignee_id)
    changes = audit.diff(activity, values)
    if changes:
        audit.record(ctx, "activity.updated", activity, changes)
    return activity


def delete_activity(ctx, *, activity_id):
    """Move an activity to the trash (it can be restored for 30 days)."""
    require(ctx, "activity:write")
    activity = get_activity(ctx, activity_id=activity_id)
    return trash(ctx, activity, label=activity.subject)


def complete_task(ctx, *, activity_id) -> Activity:
    """Mark a task done."""
    return _set_done(ctx, activity_id, done=True)


def reopen_task(ctx, *, activity_id) -> Activity:
    """Mark a done task as not done again."""
    return _set_done(ctx, activity_id, done=False)


def _set_done(ctx, activity_id, *, done: bool) -> Activity:
    require(ctx, "activity:write")
    activity = get_activity(ctx, activity_id=activity_id)
    if activity.kind != "task":
        raise Invalid(_("Only tasks can be marked done."))
    if (activity.done_at is not None) == done:
        return activity  # already so: sending the click twice changes nothing
    before = activity.done_at
    activity.done_at = utcnow() if done else None
    audit.record(ctx, "activity.completed" if done else "activity.reopened", activity,
                 {"done_at": (before, activity.done_at)})
    if done:
        events.emit(ctx, "task.completed", activity, changes={"done_at": (before, activity.done_at)})
    return activity


# --- my tasks ---------------------------------------------------------------------------------------

TASK_GROUPS = ("overdue", "today", "upcoming")
TASK_PAGE = 50  # tasks a group shows at first and per "Show more": a busy user has thousands open


@dataclass
class MyTasks:
    """The current user's open tasks by when they are due, in the tenant's days, with recently done ones.
    Each group holds its first page; `totals` counts each whole group, `cursors` leads to a group's next page."""

    overdue: list[Activity]
    today: list[Activity]
    upcoming: list[Activity]
    done: list[Activity]
    labels: dict[tuple[str, uuid.UUID], str]  # the record each task hangs on
    totals: dict[str, int]
    cursors: dict[str, str | None]

    @property
    def count(self) -> int:
        return sum(self.totals.values())

    def link_of(self, item: Activity) -> tuple[str, uuid.UUID, str] | None:
        for kind in ("deal", "person", "lead", "organization"):
            linked = getattr(item, f"{kind}_id")
            if linked is not None and (kind, linked) in self.labels:
                return kind, linked, self.labels[(kind, linked)]
        return None


@dataclass
class TaskPage:
    """A further page of one group of My tasks."""

    group: str
    items: list[Activity]
    labels: dict[tuple[str, uuid.UUID], str]
    next_cursor: str | None


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc)


def _task_groups(ctx) -> dict:
    """Each group's condition and sort key (the task's id breaks ties), in the tenant's days. Today's tasks
    include those with no due date, after the ones due today."""
    zone = tenant_zone(ctx)
    now = utcnow()
    tomorrow = start_of_day(now.astimezone(zone).date() + timedelta(days=1), zone)
    due, undated_last = Activity.due_at, func.coalesce(Activity.due_at, literal(tomorrow, Activity.due_at.type))
    return {"overdue": (due < now, due),
            "today": (or_(due.is_(None), (due >= now) & (due < tomorrow)), undated_last),
            "upcoming": (due >= tomorrow, due)}


def _my_open_tasks(ctx) -> tuple:
    return *open_task_conditions(), Activity.assignee_id == ctx.user_id


def _group_page(ctx, groups: dict, group: str, *, after: str | None) -> tuple[list[Activity], str | None]:
    condition, key = groups[group]
    stmt = select(Activity, key, Activity.id).where(*_my_open_tasks(ctx), condition).order_by(key, Activity.id)
    return keyset_page(stmt, [key, Activity.id], ("datetime", "uuid"), descending=False, after=after, limit=TASK_PAGE)


def my_tasks(ctx, *, done_limit: int = 10) -> MyTasks:
    """The current user's open tasks: overdue, due today, upcoming, the first TASK_PAGE of each and how many
    each holds; and the last few done."""
    require(ctx, "activity:write")
    groups = _task_groups(ctx)
    pages = {group: _group_page(ctx, groups, group, after=None) for group in TASK_GROUPS}
    counts = db.session.execute(select(*(func.count().filter(groups[group][0]) for group in TASK_GROUPS))
                                .where(*_my_open_tasks(ctx))).one()
    done = list(db.session.scalars(
        select(Activity)
        .where(Activity.kind == "task", Activity.assignee_id == ctx.user_id, Activity.done_at.is_not(None))
        .order_by(Activity.done_at.desc(), Activity.id).limit(done_limit))) if done_limit else []
    shown = [task for items, _cursor in pages.values() for task in items]
    return MyTasks(**{group: items for group, (items, _cursor) in pages.items()}, done=done,
                   labels=record_labels(ctx, shown + done), totals=dict(zip(TASK_GROUPS, counts, strict=True)),
                   cursors={group: cursor for group, (_items, cursor) in pages.items()})


def task_page(ctx, *, group: str, after: str | None) -> TaskPage:
    """The next page of one group of My tasks, from the cursor its previous page gave."""
    require(ctx, "activity:write")
    if group not in TASK_GROUPS:
        raise Invalid(_("There is no such group of tasks."), fields={"group": _("Choose overdue, today or upcoming.")})
    items, cursor = _group_page(ctx, _task_groups(ctx), group, after=after)
    return TaskPage(group=group, items=items, labels=record_labels(ctx, items), next_cursor=cursor)


def record_labels(ctx, items: list[Activity], *, besides: tuple[str, uuid.UUID] | None = None,
                  known: dict | None = None) -> dict:
    """Names of the records activities hang on, in one query. `besides` is (kind, id) of a record whose name
    is not wanted: a timeline's own record, which its items never link to. `known` holds names the caller read
    in this transaction ((kind, id) -> name, None for a record missing or trashed), not read again: a person's
    page has their organisation's name, often the only record their timeline's items link to."""
    known = known or {}
    wanted: dict[str, set] = {kind: set() for kind in SUBJECTS}
    for item in items:
        for kind, ids in wanted.items():
            linked = getattr(item, f"{kind}_id")
            if linked is not None and (kind, linked) != besides and (kind, linked) not in known:
                ids.add(linked)
    labels = {key: label.strip() for key, label in known.items() if label is not None}
    parts = [select(literal(kind).label("kind"), SUBJECTS[kind].id, _label(kind)).where(SUBJECTS[kind].id.in_(ids))
             for kind, ids in wanted.items() if ids]
    if parts:
        rows = db.session.execute(parts[0] if len(parts) == 1 else union_all(*parts))
        labels.update(((kind, record_id), label.strip()) for kind, record_id, label in rows)
    return labels


def _label(kind: str):
    """A record's name as a column (a person's is made of two)."""
    if kind == "person":
        return Person.first_name + " " + Person.last_name
    return SUBJECTS[kind].name


def _overdue_of(assignee) -> Select:
    return select(func.count()).select_from(Activity).where(
        *open_task_conditions(), Activity.assignee_id == assignee, Activity.due_at < bindparam("now"))


# Built once: the navigation asks them on every page, and building a statement cost a third of asking it.
_OVERDUE_COUNT = _overdue_of(bindparam("user_id"))
_USER_AND_OVERDUE = select(User, _overdue_of(User.id).scalar_subquery()).where(User.id == bindparam("user_id"))


def overdue_count(ctx) -> int:
    """How many of the current user's open tasks are past due (one COUNT query)."""
    if ctx.user_id is None:
        return 0
    return db.session.scalar(_OVERDUE_COUNT, {"user_id": ctx.user_id, "now": utcnow()})


def user_and_overdue_count(user_id: uuid.UUID) -> tuple[User, int] | None:
    """A user and how many of their open tasks are past due, in one statement, for a door that loads the user
    on every page and shows the count there; the session must already be bound to the user's tenant. None
    when there is no such user."""
    row = db.session.execute(_USER_AND_OVERDUE, {"user_id": user_id, "now": utcnow()}).first()
    return (row[0], row[1]) if row else None
