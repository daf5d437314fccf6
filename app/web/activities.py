"""Timelines: adding calls, notes, meetings and tasks to a record, and reading back what happened."""
import uuid
from datetime import datetime, time, timedelta
from functools import lru_cache

from flask import Blueprint, abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from markupsafe import Markup

from app.errors import Invalid
from app.extensions import db
from app.models.base import utcnow
from app.schemas.activities import ActivityCreate, ActivityUpdate
from app.services import activities
from app.web.locale import datetime_formatter, request_locale_name
from app.web.rendering import FORM_ERROR, form_errors, parse, render
from app.web.urls import url_with_id

bp = Blueprint("activities", __name__)

SUBJECT_TYPES = tuple(activities.SUBJECTS)
KIND_LABELS = {"call": _l("Call"), "email": _l("Email"), "meeting": _l("Meeting"), "note": _l("Note"),
               "task": _l("Task")}
_KIND_SYMBOLS = {"call": "☎", "email": "✉", "meeting": "⚇", "note": "✎"}
# The door an activity came through, so a Telegram or assistant action is recognisable.
CHANNEL_LABELS = {"web": _l("web"), "api": _l("API"), "telegram": _l("Telegram"), "mcp": _l("AI assistant"),
                  "job": _l("automatic"), "cli": _l("command line")}
# Where each kind of record is shown: the detail pages other features register, found by their URL.
DETAIL_RULES = {"person": "/people/<person_id>", "organization": "/organizations/<organization_id>",
                "lead": "/leads/<lead_id>", "deal": "/deals/<deal_id>"}


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user; the services check each permission."""


def _detail_endpoints() -> dict[str, str]:
    found = current_app.extensions.get("roost_detail_endpoints")
    if found is None:
        found = {}
        for rule in current_app.url_map.iter_rules():
            for kind, pattern in DETAIL_RULES.items():
                plain = rule.rule.replace("<uuid:", "<")
                if plain == pattern and "GET" in rule.methods:
                    found[kind] = (rule.endpoint, pattern.split("<")[1].rstrip(">"))
        current_app.extensions["roost_detail_endpoints"] = found
    return found


def record_url(kind: str, record_id, *, fallback: bool = True, **query) -> str | None:
    """The page of a person, organisation, lead or deal; its timeline page when it has no page of its own."""
    endpoint = _detail_endpoints().get(kind)
    if endpoint:
        return url_with_id(endpoint[0], endpoint[1], **query)(record_id)
    if fallback:
        return url_with_id("activities.timeline_page", "subject_id", subject_type=kind)(record_id)
    return None


def default_due() -> str:
    """Tomorrow at 9:00 in the tenant's time zone, as a datetime-local value."""
    zone = activities.tenant_zone(g.ctx)
    tomorrow = utcnow().astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(9, 0)).strftime("%Y-%m-%dT%H:%M")


def local_input(moment: datetime | None) -> str:
    """A stored time as a datetime-local value in the tenant's time zone."""
    if moment is None:
        return ""
    return moment.astimezone(activities.tenant_zone(g.ctx)).strftime("%Y-%m-%dT%H:%M")


def _trusted(string: str) -> Markup:
    """A translation as a template's `_()` gives it: Jinja's autoescaping gettext trusts the catalog."""
    return Markup(_(string))


class ItemTexts:
    """What every timeline item says alike, translated once per locale: each item made about fifteen
    gettext calls through Jinja (8 µs each), most of a timeline's render time. Each text is what the
    template's `_()` gave; a pattern takes its variables with `%`, as `_()` does:
    `t.edit_label % {"subject": item.subject}` (the subject is escaped into it)."""

    def __init__(self):
        self.kinds = {kind: Markup(str(label)) for kind, label in KIND_LABELS.items()}
        self._icons = {(kind, done): self._icon(kind, done) for kind in KIND_LABELS for done in (False, True)}
        self._came_in_through, self._via = _trusted("Came in through %(door)s"), _trusted("via %(door)s")
        self._doors = {channel: self._door_texts(Markup(str(label))) for channel, label in CHANNEL_LABELS.items()}
        self.done = _trusted("done")
        self.mark_done, self.mark_not_done = _trusted("Mark done"), _trusted("Mark not done")
        self.edit, self.delete = _trusted("Edit"), _trusted("Delete")
        self.the_system, self.a_former_user = _trusted("the system"), _trusted("a former user")
        self.due, self.for_name = _trusted("due %(when)s"), _trusted("for %(name)s")
        self.edit_label, self.delete_label = _trusted("Edit “%(subject)s”"), _trusted("Delete “%(subject)s”")
        self.trash_question = _trusted("Move “%(subject)s” to the trash?")

    def _icon(self, kind: str, done: bool) -> Markup:
        symbol = ("☑" if done else "☐") if kind == "task" else _KIND_SYMBOLS.get(kind, "•")
        return Markup('<span class="activity-icon activity-icon-{}" aria-hidden="true">{}</span>\n'
                      '<span class="visually-hidden">{}:</span>').format(kind, symbol, self.kinds.get(kind, kind))

    def icon(self, kind: str, done_at) -> Markup:
        """An activity kind's icon (a text symbol: no external assets), hidden from screen readers, and its
        label for them instead. Made once per locale, kind and state: as a macro it cost each item some sixty
        Python calls."""
        return self._icons.get((kind, done_at is not None)) or self._icon(kind, done_at is not None)

    def _door_texts(self, door) -> tuple[Markup, Markup]:
        return self._came_in_through % {"door": door}, self._via % {"door": door}

    def door(self, channel: str) -> tuple[Markup, Markup]:
        """(title, text) of the door an activity came through; an unknown door by its name."""
        return self._doors.get(channel) or self._door_texts(channel)


@lru_cache(maxsize=8)
def _item_texts(locale: str) -> ItemTexts:
    return ItemTexts()  # in `locale`, the request's: it is part of the key


def item_texts() -> ItemTexts:
    """The timeline items' texts in the request's locale (a catalog never changes while the app runs)."""
    return _item_texts(request_locale_name())


class ItemParts:
    """What each item of one timeline shows that is not its own fields nor markup: its links, its time, who
    logged it, the door it came through, the record it hangs on. Made in one call per item: each function a
    template calls costs Jinja some eight Python calls of its own, and an item called ten."""

    def __init__(self, timeline: activities.Timeline, subject_type: str, subject_id):
        self._timeline, self._texts = timeline, item_texts()
        self._edit_url = url_with_id("activities.edit", "activity_id", subject_type=subject_type,
                                     subject_id=subject_id)
        self._delete_url = url_with_id("activities.delete", "activity_id")
        self.format_time = datetime_formatter("short")  # a task's due time too

    def __call__(self, item) -> tuple:
        """(id, icon, edit URL, delete URL, time as ISO 8601, time as text, who logged it, title and text of the
        door, the URL and name of the record it hangs on or two Nones)."""
        item_id, texts, user_id = str(item.id), self._texts, item.user_id
        by = self._timeline.names.get(user_id, texts.the_system if user_id is None else texts.a_former_user)
        link = self._timeline.link_of(item)
        return (item_id, texts.icon(item.kind, item.done_at), self._edit_url(item_id), self._delete_url(item_id),
                item.occurred_at.isoformat(), self.format_time(item.occurred_at), by, *texts.door(item.channel),
                *((record_url(link[0], link[1]), link[2]) if link else (None, None)))


@bp.app_context_processor
def _timeline_helpers():
    """What the timeline partials need wherever they are included (no queries until used)."""
    return {"record_url": record_url, "now_utc": utcnow, "default_due": default_due, "local_input": local_input,
            "item_texts": item_texts, "item_parts": ItemParts}


def _back_to_timeline(subject_type: str, subject_id) -> str:
    """Where a form sent without JavaScript returns: the record's page, on its timeline tab where it has tabs."""
    if subject_type in ("person", "organization"):
        return record_url(subject_type, subject_id, tab="timeline")
    return record_url(subject_type, subject_id)


def _subject_from(form) -> tuple[str, uuid.UUID]:
    subject_type = form.get("subject_type", "")
    try:
        subject_id = uuid.UUID(form.get("subject_id", ""))
    except ValueError:
        abort(400)
    if subject_type not in SUBJECT_TYPES:
        abort(400)
    return subject_type, subject_id


def _subject_of(activity, args) -> tuple[str | None, uuid.UUID | None]:
    """The timeline an activity is shown on: the one the form names, else the record it hangs on."""
    subject_type = args.get("subject_type", "")
    try:
        subject_id = uuid.UUID(args.get("subject_id", ""))
    except ValueError:
        subject_id = None
    if subject_type in SUBJECT_TYPES and subject_id is not None:
        return subject_type, subject_id
    for kind in ("person", "organization", "lead", "deal"):
        if getattr(activity, f"{kind}_id") is not None:
            return kind, getattr(activity, f"{kind}_id")
    return None, None


def _item(activity, subject_type, subject_id, *, status: int = 200):
    """One timeline item (HTMX), or back to where it is shown."""
    if subject_type is None:
        if request.htmx:
            return render("tasks/_task.html", task=activity, labels=activities.record_labels(g.ctx, [activity]),
                          status=status)
        return redirect(url_for("tasks.index"))
    if not request.htmx:
        return redirect(_back_to_timeline(subject_type, subject_id))
    entry = activities.timeline_entry(g.ctx, activity=activity, subject_type=subject_type, subject_id=subject_id)
    return render("activities/_item.html", item=activity, timeline=entry, subject_type=subject_type,
                  subject_id=subject_id, status=status)


@bp.get("/timeline/<any(person,organization,lead,deal):subject_type>/<uuid:subject_id>")
def timeline_page(subject_type: str, subject_id: uuid.UUID):
    """A record's whole timeline; HTMX asks it for the next older page."""
    page = activities.timeline(g.ctx, **{f"{subject_type}_id": subject_id}, before=request.args.get("before"))
    return render("activities/timeline.html", fragment="activities/_items.html", timeline=page,
                  subject_type=subject_type, subject_id=subject_id)


@bp.post("/activities")
def create():
    """Add an activity from a timeline's composer."""
    subject_type, subject_id = _subject_from(request.form)
    form = request.form.to_dict()
    form.pop("person_id", None), form.pop("organization_id", None), form.pop("lead_id", None), form.pop("deal_id", None)
    form[f"{subject_type}_id"] = str(subject_id)
    if form.get("kind") != "task":
        form.pop("due_at", None), form.pop("assignee_id", None)
    data, errors = parse(ActivityCreate, form)
    activity = None
    if not errors:
        try:
            activity = activities.log_activity(g.ctx, data=data)
        except Invalid as error:
            errors = form_errors(error)
    if errors:
        db.session.rollback()
        page = activities.timeline(g.ctx, **{f"{subject_type}_id": subject_id})
        return render("activities/timeline.html", fragment="activities/_composer.html", timeline=page,
                      subject_type=subject_type, subject_id=subject_id, composer_errors=errors,
                      composer_form=request.form, status=FORM_ERROR)
    if not request.htmx:
        flash(_("Added to the timeline."), "success")
        return redirect(_back_to_timeline(subject_type, subject_id))
    entry = activities.timeline_entry(g.ctx, activity=activity, subject_type=subject_type, subject_id=subject_id)
    return render("activities/_created.html", timeline=entry, subject_type=subject_type, subject_id=subject_id,
                  created=True)


@bp.get("/activities/<uuid:activity_id>")
def show(activity_id: uuid.UUID):
    """One activity as its timeline shows it (what Cancel on the edit form brings back)."""
    activity = activities.get_activity(g.ctx, activity_id=activity_id)
    return _item(activity, *_subject_of(activity, request.args))


@bp.route("/activities/<uuid:activity_id>/edit", methods=["GET", "POST"])
def edit(activity_id: uuid.UUID):
    """Edit an activity in place on its timeline (a page of its own without JavaScript)."""
    activity = activities.get_activity(g.ctx, activity_id=activity_id)
    subject_type, subject_id = _subject_of(activity, request.values)
    errors, form = {}, None
    if request.method == "POST":
        form = request.form
        fields = {k: v for k, v in form.items() if k in ActivityUpdate.model_fields}
        data, errors = parse(ActivityUpdate, fields)
        if not errors:
            try:
                activities.update_activity(g.ctx, activity_id=activity_id, data=data)
            except Invalid as error:
                errors = form_errors(error)
        if not errors:
            return _item(activity, subject_type, subject_id)
        db.session.rollback()
        activity = activities.get_activity(g.ctx, activity_id=activity_id)
    return render("activities/edit.html", fragment="activities/_edit.html", item=activity, form=form,
                  edit_errors=errors, subject_type=subject_type, subject_id=subject_id,
                  assignees=activities.assignee_options(g.ctx) if activity.kind == "task" else [],
                  status=FORM_ERROR if errors else 200)


@bp.post("/activities/<uuid:activity_id>/done")
def set_done(activity_id: uuid.UUID):
    """Mark a task done or not done; the task replaces itself (on a timeline or in My tasks)."""
    if request.form.get("done") == "false":
        task = activities.reopen_task(g.ctx, activity_id=activity_id)
    else:
        task = activities.complete_task(g.ctx, activity_id=activity_id)
    if request.form.get("view") == "tasks":
        return _item(task, None, None)
    return _item(task, *_subject_of(task, request.form))


@bp.post("/activities/<uuid:activity_id>/delete")
def delete(activity_id: uuid.UUID):
    """Move an activity to the trash; on a timeline it disappears in place."""
    activity = activities.get_activity(g.ctx, activity_id=activity_id)
    subject, (subject_type, subject_id) = activity.subject, _subject_of(activity, request.form)
    activities.delete_activity(g.ctx, activity_id=activity_id)
    if request.htmx:
        return "", 200
    flash(_("“%(subject)s” was moved to the trash.", subject=subject), "success")
    if subject_type is None:
        return redirect(url_for("tasks.index"))
    return redirect(_back_to_timeline(subject_type, subject_id))
