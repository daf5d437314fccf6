"""People pages: the searchable list with bulk actions, forms, the detail page with its tabs, merging."""
import uuid

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_required

from app.errors import Invalid
from app.extensions import db
from app.schemas.contacts import PersonInput
from app.services import custom_fields, organizations, people, users
from app.services.records import StaleEdit
from app.web.contact_pages import (
    ListFilters,
    RecordPages,
    delete_page,
    detail_tab,
    form_values,
    handle_bulk,
    known_section,
    list_columns,
    list_target,
    merge_page,
    order_may_change,
    owner_options,
    save_section,
    team_and_owners,
    version_from,
)
from app.web.locale import day_formatter
from app.web.rendering import FORM_ERROR, custom_value, form_errors, parse, render
from app.web.urls import url_with_id

bp = Blueprint("people", __name__, url_prefix="/people")

# The Overview tab edits one section at a time; each lists the form fields it carries.
SECTIONS = {
    "details": ("first_name", "last_name", "title", "organization_id", "owner_id", "tags"),
    "contact": ("email", "phone", "address"),
    "notes": ("source", "notes"),
    "more": ("custom",),  # the custom fields; shown only when the tenant defined some
}
SECTION_TITLES = {"details": _l("Details"), "contact": _l("Contact"), "notes": _l("Notes"),
                  "more": _l("More details")}
SORT_LABELS = {"name": _l("Name"), "email": _l("Email"), "created_at": _l("Added"), "updated_at": _l("Updated")}
# What a row of the list shows (templates/people/_rows.html); "custom" is read too when custom fields have columns.
LIST_COLUMNS = ("id", "first_name", "last_name", "title", "email", "phone", "phone_e164", "organization_id",
                "organization_name", "owner_id", "tags", "created_at", "updated_at")
PAGES = RecordPages(noun="person", blueprint="people",
                    load=lambda person_id: people.get_person(g.ctx, person_id=person_id))


@bp.before_request
@login_required
def _signed_in():
    """People are for the tenant's signed-in users; the services check each permission."""


@bp.get("")
def index():
    """Everyone, searchable as you type, sortable, filterable, in keyset pages."""
    filters = ListFilters.read(request.args, people.SORTS)
    after = request.args.get("after")
    custom_columns, columns = list_columns("person", LIST_COLUMNS)
    items, cursor = people.list_people(g.ctx, **filters.service_args(), after=after, columns=columns)
    fragment = "people/_rows.html" if list_target("people") else None
    team, owners = team_and_owners(items, whole_page=fragment is None)
    empty = not items and not filters.active and not after
    return render("people/index.html", fragment=fragment, rows=_rows(items, owners, custom_columns),
                  next_cursor=cursor, filters=filters, custom_columns=custom_columns, sort_labels=SORT_LABELS,
                  head_oob=order_may_change("people"), team=team, empty=empty)


def _rows(items, owners: dict, custom_columns) -> list[tuple]:
    """What each row of the list writes, in the order templates/people/_rows.html unpacks it: read, linked and
    formatted here. In the template each attribute read and call costs Jinja several Python calls of its own,
    some 20 per row: a fifth of the list's calls."""
    person_url = url_with_id("people.detail", "person_id")
    organization_url = url_with_id("organizations.detail", "organization_id")
    day, no_name = day_formatter(), _("(no name)")
    rows = []
    for p in items:
        id = str(p.id)
        rows.append((id, person_url(id), p.name or no_name, p.title, p.email, p.phone, p.phone_e164 or p.phone,
                     p.organization_name and organization_url(p.organization_id), p.organization_name,
                     owners.get(p.owner_id, ""), p.tags, day(p.created_at), day(p.updated_at),
                     [(f.label, custom_value(f, (p.custom or {}).get(f.key))) for f in custom_columns]))
    return rows


@bp.post("/bulk")
def bulk():
    """Assign, tag or delete the selected people; deleting asks for confirmation first."""
    return handle_bulk(people, index_endpoint="people.index", confirm_template="people/confirm_bulk_delete.html", texts={
        "assign": lambda n: ngettext("%(num)d person was reassigned.", "%(num)d people were reassigned.", n),
        "tag": lambda n: ngettext("The tag was added to %(num)d person.", "The tag was added to %(num)d people.", n),
        "delete": lambda n: ngettext(
            "%(num)d person was moved to the trash. It can be restored from the trash for 30 days.",
            "%(num)d people were moved to the trash. They can be restored from the trash for 30 days.", n),
    })


def _form_page(template, *, person=None, form=None, errors=None, status=200, **extra):
    return render(template, person=person, form=form if form is not None else {}, errors=errors or {},
                  owner_options=owner_options(), org_options=organizations.choices(g.ctx), status=status,
                  custom_fields=custom_fields.list_fields(g.ctx, entity="person"), **extra)


def _person_form(person) -> dict:
    """A person's saved values as the form shows them."""
    return form_values(person, PersonInput)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Add a person; a known email or phone offers the existing person or "create anyway"."""
    if request.method == "GET":
        return _form_page("people/new.html", form={"organization_id": request.args.get("organization_id", ""),
                                                        "owner_id": str(g.ctx.user_id)})
    data, errors = _parse(request.form)
    duplicate = None
    if not errors:
        try:
            person = people.create_person(g.ctx, data=data)
        except people.DuplicatePerson as found:
            duplicate, errors = found.existing, found.fields
        except Invalid as error:
            errors = form_errors(error)
        else:
            flash(_("%(name)s was added.", name=person.name), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return _form_page("people/new.html", form=request.form, errors=errors, duplicate=duplicate, status=FORM_ERROR)


@bp.route("/<uuid:person_id>/edit", methods=["GET", "POST"])
def edit(person_id: uuid.UUID):
    """Edit every field of a person; a stale save shows the current values and says why."""
    person = people.get_person(g.ctx, person_id=person_id)
    if request.method == "GET":
        return _form_page("people/edit.html", person=person, form=_person_form(person))
    data, errors = _parse(request.form)
    if not errors:
        try:
            people.update_person(g.ctx, person_id=person_id, data=data, version=version_from(request.form))
        except StaleEdit as stale:
            db.session.rollback()
            current = people.get_person(g.ctx, person_id=person_id)
            return _form_page("people/edit.html", person=current, form=_person_form(current),
                              errors={"__all__": stale.message}, status=409)
        except Invalid as error:
            errors = form_errors(error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("people.detail", person_id=person_id))
    db.session.rollback()
    # Keep the version the form was opened with: a resubmit must still be refused if someone saved meanwhile.
    return _form_page("people/edit.html", person=person, form=request.form, errors=errors, status=FORM_ERROR)


def _parse(form, fields=None):
    """Validate a person form; a missing name is reported with the other field errors, not after them."""
    data, errors = parse(PersonInput, form)
    names = ("first_name", "last_name")
    if errors and (fields is None or "first_name" in fields) and not any(form.get(n, "").strip() for n in names):
        errors.setdefault("first_name", _("Give at least a first or a last name."))
    return data, errors


@bp.get("/<uuid:person_id>")
def detail(person_id: uuid.UUID):
    """A person: Overview (fields, editable in place), Timeline and Deals tabs."""
    person, org_name = people.get_person_and_organization_name(g.ctx, person_id=person_id)
    tab, context = detail_tab(PAGES, person, known_labels={("organization", person.organization_id): org_name})
    if tab == "overview":  # the only tab that shows the owner
        context["owner_name"] = _owner_name(person)
    return render("people/detail.html", person=person, tab=tab, sections=SECTIONS, titles=SECTION_TITLES,
                  custom_fields=custom_fields.list_fields(g.ctx, entity="person"), org_name=org_name, **context)


def _owner_name(person) -> str | None:
    return users.names_by_id(g.ctx, [person.owner_id]).get(person.owner_id)


def _names(person) -> dict:
    """The names of the person's organisation and owner, which the Overview's sections show."""
    return dict(org_name=organizations.names_by_id(g.ctx, [person.organization_id]).get(person.organization_id),
                owner_name=_owner_name(person))


def _section(person, section, *, editing=False, errors=None, form=None, status=200, message=None):
    return render("people/_section.html", person=person, section=section, fields=SECTIONS[section],
                  custom_fields=custom_fields.list_fields(g.ctx, entity="person"),
                  title=SECTION_TITLES[section], editing=editing, errors=errors or {},
                  form=form if form is not None else _person_form(person), message=message,
                  owner_options=owner_options() if editing else [],
                  org_options=organizations.choices(g.ctx) if editing else [],
                  status=status, **_names(person))


@bp.get("/<uuid:person_id>/sections/<section>")
def section_show(person_id: uuid.UUID, section: str):
    """One section of the Overview, as shown (Cancel swaps the form back to this)."""
    return _section(people.get_person(g.ctx, person_id=person_id), known_section(SECTIONS, section))


@bp.get("/<uuid:person_id>/sections/<section>/edit")
def section_edit(person_id: uuid.UUID, section: str):
    """One section of the Overview as a form, with the version it edits."""
    return _section(people.get_person(g.ctx, person_id=person_id), known_section(SECTIONS, section), editing=True)


@bp.post("/<uuid:person_id>/sections/<section>")
def section_save(person_id: uuid.UUID, section: str):
    """Save one section; errors and stale versions re-render the form in place."""
    section = known_section(SECTIONS, section)
    return save_section(
        PAGES, person_id, section, names=SECTIONS[section],
        parse_form=lambda form: _parse(form, SECTIONS[section]),
        update=lambda data, version: people.update_person(g.ctx, person_id=person_id, data=data, version=version),
        show=lambda person, **how: _section(person, section, **how))


@bp.route("/<uuid:person_id>/delete", methods=["GET", "POST"])
def delete(person_id: uuid.UUID):
    """Confirm, then send the person (with their activities and files) to the trash."""
    return delete_page(PAGES, person_id, delete=lambda record_id: people.delete_person(g.ctx, person_id=record_id),
                       done=lambda name: _("%(name)s was moved to the trash with their activities and files. "
                                           "It can be restored from the trash for 30 days.", name=name))


@bp.route("/<uuid:person_id>/merge", methods=["GET", "POST"])
def merge(person_id: uuid.UUID):
    """Choose a duplicate and fold it into this person."""
    return merge_page(
        PAGES, person_id,
        merge=lambda keep_id, merge_id: people.merge_people(g.ctx, keep_id=keep_id, merge_id=merge_id),
        candidates=lambda q: people.list_people(g.ctx, q=q, limit=20)[0],
        default_q=lambda person: person.last_name or person.first_name,
        done=_("Merged. The other record is in the trash; its activities, deals and files are now here."))
