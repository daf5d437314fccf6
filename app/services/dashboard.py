"""The dashboard: counts, chart series and today's list, in a fixed number of aggregate queries.

A rep (and anyone who is not a head or an admin) sees their own numbers: records they own, tasks
given to them, activities they logged. Heads and admins see the team's, or one member's.
"""
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, case, func, select

from app.errors import Forbidden, Invalid
from app.extensions import db
from app.models import Activity, Deal, Person, Tenant
from app.models.activities import ACTIVITY_KINDS, open_task_conditions
from app.models.base import utcnow
from app.models.deals import status_is
from app.permissions import can, require
from app.services import users
from app.services.activities import record_labels, start_of_day, tenant_zone
from app.services.pipelines import pipeline_layout

MONTHS = 6  # won value by month: this month and the five before
WEEKS = 8  # new people by week: this week and the seven before
ACTIVITY_DAYS = 30  # activities by type: the last 30 days
TODAY_LIMIT = 10  # at most this many tasks and deals in the "Today" list
RECENT_PEOPLE = 5

KIND_LABELS = {"call": _l("Calls"), "email": _l("Emails"), "meeting": _l("Meetings"), "note": _l("Notes"),
               "task": _l("Tasks")}


@dataclass
class Money:
    """An amount in the tenant's currency, and what is held in other currencies (never converted)."""

    currency: str
    amount: Decimal = Decimal("0")
    others: dict[str, Decimal] = field(default_factory=dict)

    def add(self, currency: str, amount) -> None:
        if currency == self.currency:
            self.amount += amount or 0
        else:
            self.others[currency] = self.others.get(currency, Decimal("0")) + (amount or 0)


@dataclass
class Chart:
    """One chart's series; the page draws it with Chart.js and shows the same numbers as a table."""

    key: str
    title: str
    kind: str  # a Chart.js type: "bar", "line" or "doughnut"
    labels: list[str]
    values: list  # ints, or Decimals for money
    series: str  # what one value is, e.g. "Deals"
    heading: str  # what one label is, e.g. "Stage" (the table's first column)
    currency: str | None = None  # set when the values are amounts
    note: str | None = None  # e.g. that other currencies are left out

    @property
    def empty(self) -> bool:
        return not any(self.values)

    @property
    def points(self) -> list[tuple[str, object]]:
        """(label, value) pairs, for the table and the summary that stand in for the picture."""
        return list(zip(self.labels, self.values))

    def data(self) -> dict:
        """What the page's script needs, JSON-ready."""
        return {"type": self.kind, "labels": self.labels, "series": self.series, "currency": self.currency,
                "values": [float(v) if isinstance(v, Decimal) else v for v in self.values]}


@dataclass
class Dashboard:
    """Everything the home page shows, for the team (`user_id` None) or one member."""

    user_id: uuid.UUID | None
    team: list[tuple[uuid.UUID, str]]  # members to choose from; empty for who may see only their own
    team_size: int  # users of the tenant, active or not
    currency: str
    people: int
    open_tasks: int
    overdue_tasks: int
    deals_visible: bool  # whether the role may read deals (no deal numbers otherwise)
    open_deals: int = 0
    open_value: Money | None = None
    won_this_month: int = 0
    won_value: Money | None = None
    charts: list[Chart] = field(default_factory=list)
    tasks_due: list[Activity] = field(default_factory=list)
    deals_closing: list[Deal] = field(default_factory=list)
    recent_people: list[Person] = field(default_factory=list)  # the newest customers, to open again
    labels: dict = field(default_factory=dict)  # records the tasks hang on
    names: dict[uuid.UUID, str] = field(default_factory=dict)  # user names, for who must do each task (team view)
    today: date | None = None

    @property
    def scope_name(self) -> str | None:
        """The chosen member's name, or None for the whole team."""
        return dict(self.team).get(self.user_id) if self.team and self.user_id else None


def _scope(ctx, user_id, team: list[tuple[uuid.UUID, str]]) -> uuid.UUID | None:
    """Whose numbers: the chosen member (heads and admins), else the user's own; None for the team."""
    if not can(ctx, "dashboard:team"):
        if user_id is not None and user_id != ctx.user_id:
            raise Forbidden(_("You can see your own numbers only."))
        return ctx.user_id
    if user_id is not None and user_id not in dict(team):
        raise Invalid(_("Please correct the marked fields."), fields={"user_id": _("Choose someone from your team.")})
    return user_id


def _mine(column, team: bool) -> tuple:
    """The condition limiting rows to one member's (`scope`, bound when run); none for the whole team."""
    return () if team else (column == bindparam("scope"),)


def _period(column, edges: int):
    """The index of the period each row falls in, periods starting at the bound `edge_0` .. `edge_<edges-1>`
    (ascending, the last one the end).

    A CASE in SQL rather than a date function: it runs the same on SQLite and PostgreSQL, and the
    edges are the tenant's local midnights, so months and weeks are the tenant's own.
    """
    return case(*((column < bindparam(f"edge_{index + 1}"), index) for index in range(edges - 2)),
                else_=edges - 2)


def _in_periods(column, edges: int) -> tuple:
    """The conditions of a row falling in one of the periods: from the bound `edge_0` to before the last edge."""
    return column >= bindparam("edge_0"), column < bindparam(f"edge_{edges - 1}")


@dataclass(frozen=True)
class _Statements:
    """The dashboard's statements, for the team or for one member (`scope`).

    Built once: each statement built anew made SQLAlchemy walk it for its cache key on every run, a tenth of
    the page's time. What changes from run to run (the member, now, the period edges) is bound when run.
    """

    counts: Select  # people, open tasks, overdue tasks; count(*) so each reads a partial index alone
    deals_by_stage: Select
    won_by_month: Select
    people_by_week: Select
    activities_by_kind: Select
    deals_closing: Select
    recent_people: Select
    tasks_due: Select


@cache
def _statements(team: bool) -> _Statements:
    open_tasks = select(func.count()).select_from(Activity).where(*open_task_conditions(),
                                                                  *_mine(Activity.assignee_id, team))
    won_month, new_week = _period(Deal.closed_at, MONTHS + 1), _period(Person.created_at, WEEKS + 1)
    return _Statements(
        counts=select(
            select(func.count()).select_from(Person).where(*_mine(Person.owner_id, team)).scalar_subquery(),
            open_tasks.scalar_subquery(),
            open_tasks.where(Activity.due_at < bindparam("now")).scalar_subquery()),
        # count(*) and the status written into the SQL: the open deals' partial index answers it alone.
        deals_by_stage=select(Deal.stage_id, Deal.currency, func.count(), func.sum(Deal.value))
        .where(status_is("open"), *_mine(Deal.owner_id, team)).group_by(Deal.stage_id, Deal.currency),
        won_by_month=select(won_month, Deal.currency, func.count(), func.sum(Deal.value))
        .where(status_is("won"), *_in_periods(Deal.closed_at, MONTHS + 1), *_mine(Deal.owner_id, team))
        .group_by(won_month, Deal.currency),
        people_by_week=select(new_week, func.count())
        .where(*_in_periods(Person.created_at, WEEKS + 1), *_mine(Person.owner_id, team)).group_by(new_week),
        activities_by_kind=select(Activity.kind, func.count())
        .where(Activity.occurred_at >= bindparam("since"), Activity.occurred_at <= bindparam("now"),
               *_mine(Activity.user_id, team)).group_by(Activity.kind),
        deals_closing=select(Deal).where(status_is("open"), Deal.expected_close <= bindparam("until"),
                                         *_mine(Deal.owner_id, team))
        .order_by(Deal.expected_close, Deal.id).limit(TODAY_LIMIT),
        recent_people=select(Person).where(*_mine(Person.owner_id, team))
        .order_by(Person.created_at.desc(), Person.id.desc()).limit(RECENT_PEOPLE),
        tasks_due=select(Activity).where(*open_task_conditions(), *_mine(Activity.assignee_id, team),
                                         Activity.due_at < bindparam("until"))
        .order_by(Activity.due_at, Activity.id).limit(TODAY_LIMIT))


def _edges(days: list[date], zone) -> dict:
    """The `edge_<n>` parameters of a period statement: each day's start in the tenant's time zone."""
    return {f"edge_{index}": start_of_day(day, zone) for index, day in enumerate(days)}


def _month_starts(today: date, count: int) -> list[date]:
    """The first days of the last `count` months, oldest first, and of the next month (the end)."""
    year, month = today.year, today.month
    firsts = []
    for back in range(count - 1, -2, -1):
        y, m = divmod(year * 12 + month - 1 - back, 12)
        firsts.append(date(y, m + 1, 1))
    return firsts


def build_dashboard(ctx, *, user_id: uuid.UUID | None = None) -> Dashboard:
    """The dashboard of the team or of one member; what a role may not read is left out."""
    require(ctx, "contact:read")
    members = users.list_users(ctx)
    team = [(u.id, u.name) for u in members if u.active] if can(ctx, "dashboard:team") else []
    scope = _scope(ctx, user_id, team)
    run, mine = _statements(scope is None), {} if scope is None else {"scope": scope}
    tenant = db.session.get(Tenant, ctx.tenant_id)
    zone = tenant_zone(ctx)
    now = utcnow()
    today = now.astimezone(zone).date()

    people, open_tasks, overdue = db.session.execute(run.counts, {**mine, "now": now}).one()
    board = Dashboard(user_id=scope, team=team, team_size=len(members), currency=tenant.currency, people=people,
                      open_tasks=open_tasks, overdue_tasks=overdue, deals_visible=can(ctx, "deal:read"), today=today)
    if board.deals_visible:
        board.charts += [_deals_by_stage(ctx, board, run, mine), _won_by_month(board, run, mine, today, zone)]
        sunday = today + timedelta(days=6 - today.weekday())  # deals closing by the end of this week
        board.deals_closing = list(db.session.scalars(run.deals_closing, {**mine, "until": sunday}))
    board.charts += [_people_by_week(run, mine, today, zone), _activities_by_kind(run, mine, now)]
    board.recent_people = list(db.session.scalars(run.recent_people, mine))
    board.tasks_due = list(db.session.scalars(
        run.tasks_due, {**mine, "until": start_of_day(today + timedelta(days=1), zone)}))
    board.labels = record_labels(ctx, board.tasks_due)
    if scope is None:
        board.names = {member.id: member.name for member in members}
    return board


def _deals_by_stage(ctx, board: Dashboard, run: _Statements, mine: dict) -> Chart:
    """Open deals per open stage of every pipeline; also fills the open deal count and value."""
    rows = db.session.execute(run.deals_by_stage, mine).all()
    counts: dict[uuid.UUID, int] = {}
    board.open_value = Money(board.currency)
    for stage_id, currency, count, total in rows:
        counts[stage_id] = counts.get(stage_id, 0) + count
        board.open_value.add(currency, total)
    board.open_deals = sum(counts.values())
    stages = _open_stages(ctx)
    return Chart(key="deals-by-stage", title=_("Open deals by stage"), kind="bar", labels=list(stages.values()),
                 values=[counts.get(stage_id, 0) for stage_id in stages], series=_("Deals"), heading=_("Stage"))


def _open_stages(ctx) -> dict[uuid.UUID, str]:
    """{stage id: label} of the open stages in board order; labels name the pipeline when there are several."""
    layout = pipeline_layout(ctx)
    return {stage.id: f"{pipeline.name}: {stage.name}" if len(layout) > 1 else stage.name
            for pipeline in layout for stage in pipeline.stages if stage.kind == "open"}


def _won_by_month(board: Dashboard, run: _Statements, mine: dict, today: date, zone) -> Chart:
    """Value won per month in the tenant's currency; also fills this month's won count and value."""
    firsts = _month_starts(today, MONTHS)
    rows = db.session.execute(run.won_by_month, {**mine, **_edges(firsts, zone)}).all()
    months = [Money(board.currency) for _first in firsts[:-1]]
    for index, currency, count, total in rows:
        months[index].add(currency, total)
        if index == MONTHS - 1:
            board.won_this_month += count
    board.won_value = months[-1]
    others = any(month.others for month in months)
    return Chart(key="won-by-month", title=_("Won value by month"), kind="bar",
                 labels=[format_date(first, "MMM y") for first in firsts[:-1]],
                 values=[month.amount for month in months], series=_("Won (%(currency)s)", currency=board.currency),
                 heading=_("Month"), currency=board.currency,
                 note=_("Deals in other currencies are not included.") if others else None)


def _people_by_week(run: _Statements, mine: dict, today: date, zone) -> Chart:
    """People added per week (weeks start on Monday, in the tenant's time zone)."""
    monday = today - timedelta(days=today.weekday())
    mondays = [monday - timedelta(weeks=back) for back in range(WEEKS - 1, -2, -1)]
    rows = dict(db.session.execute(run.people_by_week, {**mine, **_edges(mondays, zone)}).all())
    return Chart(key="people-by-week", title=_("New people by week"), kind="line",
                 labels=[format_date(day, "d MMM") for day in mondays[:-1]],
                 values=[rows.get(index, 0) for index in range(WEEKS)], series=_("People added"),
                 heading=_("Week starting"))


def _activities_by_kind(run: _Statements, mine: dict, now: datetime) -> Chart:
    """Activities logged in the last 30 days, by kind."""
    rows = dict(db.session.execute(
        run.activities_by_kind, {**mine, "since": now - timedelta(days=ACTIVITY_DAYS), "now": now}).all())
    return Chart(key="activities-by-kind", title=_("Activities in the last 30 days"), kind="doughnut",
                 labels=[str(KIND_LABELS[kind]) for kind in ACTIVITY_KINDS],
                 values=[rows.get(kind, 0) for kind in ACTIVITY_KINDS], series=_("Activities"),
                 heading=_("Kind"))
