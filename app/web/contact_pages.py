"""What the people and organisation pages share: list filters, the bulk bar, section edits, delete and merge."""
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from app.errors import Invalid
from app.extensions import db
from app.permissions import can, require
from app.schemas.contacts import BulkAssign, BulkTag, MergeChoice
from app.services import activities, custom_fields, deals, files, users
from app.services.contact_lists import ids_from
from app.services.records import StaleEdit
from app.web.locale import current_tenant
from app.web.rendering import FORM_ERROR, custom_form_values, form_errors, parse, render, section_form


@dataclass
class ListFilters:
    """What a list shows, read leniently from the query string (nonsense is ignored, never a 500)."""

    q: str = ""
    sort: str = "name"
    descending: bool = False
    owner_id: uuid.UUID | None = None
    tag: str = ""
    created_since: date | None = None
    updated_since: date | None = None
    args: dict = field(default_factory=dict)  # the query string to carry into links, without the cursor

    @classmethod
    def read(cls, args, sorts) -> "ListFilters":
        def day(name):
            try:
                return date.fromisoformat(args.get(name, ""))
            except ValueError:
                return None

        try:
            owner = uuid.UUID(args.get("owner", ""))
        except ValueError:
            owner = None
        sort = args.get("sort", "name")
        found = cls(q=args.get("q", "").strip()[:200], sort=sort if sort in sorts else "name",
                    descending=args.get("dir") == "desc", owner_id=owner, tag=args.get("tag", "").strip()[:50],
                    created_since=day("created_since"), updated_since=day("updated_since"))
        found.args = {k: v for k, v in args.items() if k != "after" and v}
        return found

    @property
    def active(self) -> bool:
        return bool(self.q or self.owner_id or self.tag or self.created_since or self.updated_since)

    def service_args(self) -> dict:
        zone = ZoneInfo(current_tenant().timezone)  # "since" a day means since its start where the tenant is

        def start(day):
            return datetime.combine(day, time.min, tzinfo=zone) if day else None

        return dict(q=self.q or None, sort=self.sort, descending=self.descending, owner_id=self.owner_id,
                    tag=self.tag or None, created_since=start(self.created_since),
                    updated_since=start(self.updated_since))

    def sorted_by(self, column: str) -> dict:
        """The query string that sorts by `column` (flipping the direction when it is already the sort)."""
        flip = column == self.sort and not self.descending
        return {**self.args, "sort": column, "dir": "desc" if flip else "asc"}


def owner_options() -> list[tuple[str, str]]:
    """(user id, name) of the team for an owner picker; deactivated users are marked."""
    return [(str(u.id), u.name if u.active else _("%(name)s (deactivated)", name=u.name))
            for u in users.list_users(g.ctx)]


def list_target(prefix: str) -> str | None:
    """Which part of a list an HTMX request asks for: "rows" (search, sort), "more" (next page) or None (the page).

    Only the list's own controls get the bare rows, so any other HTMX navigation still gets a whole page.
    """
    target = request.headers.get("HX-Target", "") if request.htmx else ""
    return {f"{prefix}-rows": "rows", f"{prefix}-more": "more"}.get(target)


def order_may_change(prefix: str) -> bool:
    """Whether an answer of the list's rows also swaps in the column headers and the order fields: a sort or the
    filters form may have changed the order, a keystroke in the search box (htmx names it in HX-Trigger) has not.
    Those headers were a tenth of the time of a search as you type."""
    return list_target(prefix) == "rows" and request.headers.get("HX-Trigger") != f"{prefix}-q"


def team_and_owners(items, *, whole_page: bool) -> tuple[list, dict]:
    """The team (the whole page's owner filter and bulk assign) and {owner id: name} for the rows. The team
    already names every owner, so a whole page asks once; the rows alone ask only for their owners."""
    if whole_page:
        team = users.list_users(g.ctx)
        return team, {user.id: user.name for user in team}
    return [], users.names_by_id(g.ctx, {item.owner_id for item in items})


def handle_bulk(service, *, index_endpoint: str, confirm_template: str, texts: dict):
    """A list's bulk action bar: `service` offers bulk_assign, bulk_tag, bulk_delete and get_many."""
    ids = ids_from(request.form.getlist("ids"))
    action = request.form.get("action")
    back = list_url(index_endpoint)
    try:
        if action == "assign":
            data, errors = parse(BulkAssign, request.form)
            if errors:
                raise Invalid(_("Choose someone from your team."))
            flash(texts["assign"](service.bulk_assign(g.ctx, ids=ids, owner_id=data.owner_id)), "success")
        elif action == "tag":
            data, errors = parse(BulkTag, request.form)
            if errors:
                raise Invalid(_("Type the tag to add first."))
            flash(texts["tag"](service.bulk_tag(g.ctx, ids=ids, tag=data.tag)), "success")
        elif action == "delete":
            require(g.ctx, "contact:delete")
            if request.form.get("confirmed") != "yes":
                return render(confirm_template, chosen=service.get_many(g.ctx, ids=ids), back=back)
            flash(texts["delete"](service.bulk_delete(g.ctx, ids=ids)), "success")
        else:
            raise Invalid(_("Choose what to do with the selected records."))
    except Invalid as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(back)


def list_url(index_endpoint: str) -> str:
    """The list as the user last saw it (search and sort live in the address since HTMX pushes them)."""
    index = url_for(index_endpoint)
    seen = urlsplit(request.referrer or "")
    if seen.netloc == request.host and seen.path == index:
        return f"{index}?{seen.query}" if seen.query else index
    return index


def form_values(record, schema) -> dict:
    """A record's saved values as its form shows them (tags joined, custom fields as custom.<key>)."""
    values = {name: getattr(record, name) for name in schema.model_fields if hasattr(record, name) and name != "custom"}
    values["tags"] = ", ".join(record.tags or [])
    values["version"] = record.version
    values.update(custom_form_values(record))
    return {k: ("" if v is None else str(v) if isinstance(v, uuid.UUID) else v) for k, v in values.items()}


def version_from(form) -> int | None:
    """The record version a form was showing (None when missing or unreadable: no stale check)."""
    try:
        return int(form.get("version", ""))
    except ValueError:
        return None


@dataclass(frozen=True)
class RecordPages:
    """How the shared pages reach one kind of record: its template variable, blueprint and id argument."""

    noun: str  # the template variable and URL argument stem: "person", "organization"
    blueprint: str  # also the template folder: "people", "organizations"
    load: Callable  # record id -> the record (NotFound otherwise)

    def detail_url(self, record_id) -> str:
        return url_for(f"{self.blueprint}.detail", **{f"{self.noun}_id": record_id})


TABS = ("overview", "timeline", "deals", "files")


def detail_tab(pages: RecordPages, record, *, known_labels: dict | None = None) -> tuple[str, dict]:
    """The tab of a record's page the query string asks for (Overview when unknown or not allowed) and what it shows.

    The Overview's own content is left to the caller; the other tabs are the same for people and organisations.
    `known_labels`: names of related records the page has read already, for the timeline (see record_labels).
    """
    tab = request.args.get("tab", "overview")
    if tab not in TABS or (tab == "deals" and not can(g.ctx, "deal:read")):
        tab = "overview"
    subject = {f"{pages.noun}_id": record.id}
    if tab == "timeline":
        return tab, {"timeline": activities.timeline_of(g.ctx, record, before=request.args.get("before"),
                                                        known_labels=known_labels)}
    if tab == "deals":
        return tab, {"deals": deals.list_for(g.ctx, **subject)}
    if tab == "files":
        return tab, {"files": files.list_files(g.ctx, subject_type=pages.noun, subject_id=record.id)}
    return tab, {}


def known_section(sections: dict, section: str) -> str:
    """`section` when the Overview has it; a 404 otherwise."""
    if section not in sections:
        abort(404)
    return section


def save_section(pages: RecordPages, record_id, section: str, *, names: tuple, parse_form: Callable,
                 update: Callable, show: Callable):
    """Save one section of the Overview; errors and stale versions re-render its form in place.

    `parse_form(form)` gives (data, errors), `update(data, version)` saves, `show(record, **how)` renders the section.
    """
    form = section_form(request.form, names)
    data, errors = parse_form(form)
    if not errors:
        try:
            record = update(data, version_from(request.form))
        except StaleEdit as stale:
            db.session.rollback()
            return show(pages.load(record_id), editing=True, errors={"__all__": stale.message}, status=409)
        except Invalid as error:
            errors = form_errors(error)
        else:
            if not request.htmx:
                return redirect(pages.detail_url(record_id))
            return show(record, message=_("Saved."))
    db.session.rollback()
    return show(pages.load(record_id), editing=True, errors=errors,
                form={**form, "version": request.form.get("version", "")}, status=FORM_ERROR)


def delete_page(pages: RecordPages, record_id, *, delete: Callable, done: Callable[[str], str]):
    """Confirm (GET), then send the record to the trash with `delete(record_id)` and say so with `done(name)`."""
    record = pages.load(record_id)
    if request.method == "GET":
        return render(f"{pages.blueprint}/delete.html", **{pages.noun: record})
    name = record.name
    delete(record_id)
    flash(done(name), "success")
    return redirect(url_for(f"{pages.blueprint}.index"))


def merge_page(pages: RecordPages, record_id, *, merge: Callable, candidates: Callable, default_q: Callable,
               done: str):
    """Choose a duplicate (searched with `candidates(q)`) and fold it in with `merge(keep_id, merge_id)`."""
    record = pages.load(record_id)
    errors = {}
    if request.method == "POST":
        data, errors = parse(MergeChoice, request.form)
        if not errors:
            try:
                merge(record.id, data.merge_id)
            except Invalid as error:
                db.session.rollback()
                errors = form_errors(error)
            else:
                flash(done, "success")
                return redirect(pages.detail_url(record_id))
        record = pages.load(record_id)
    q = request.values.get("q", "").strip()[:200] or default_q(record)
    found = [r for r in candidates(q) if r.id != record.id] if q else []
    return render(f"{pages.blueprint}/merge.html", **{pages.noun: record}, candidates=found, q=q, errors=errors,
                  status=FORM_ERROR if errors else 200)


def list_columns(entity: str, shown: tuple[str, ...]) -> tuple[list, tuple[str, ...]]:
    """(the custom fields a list shows as columns, the record columns it reads): `shown`, and the records'
    custom values when some custom field has a column."""
    custom_columns = custom_fields.list_columns(g.ctx, entity=entity)
    return custom_columns, shown + (("custom",) if custom_columns else ())
