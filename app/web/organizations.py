"""Organisation pages: the searchable list, forms, the detail page with its people and tabs, merging."""
import uuid

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_required

from app.errors import Invalid
from app.extensions import db
from app.schemas.contacts import OrganizationInput
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
from app.web.rendering import FORM_ERROR, form_errors, parse, render

bp = Blueprint("organizations", __name__, url_prefix="/organizations")

SECTIONS = {
    "details": ("name", "website", "domain", "industry", "owner_id", "tags"),
    "contact": ("phone", "address"),
    "notes": ("notes",),
    "more": ("custom",),  # the custom fields; shown only when the tenant defined some
}
SECTION_TITLES = {"details": _l("Details"), "contact": _l("Contact"), "notes": _l("Notes"),
                  "more": _l("More details")}
SORT_LABELS = {"name": _l("Name"), "created_at": _l("Added"), "updated_at": _l("Updated")}
PEOPLE_SHOWN = 100
# What a row of the list shows (templates/organizations/_rows.html); "custom" too when custom fields have columns.
LIST_COLUMNS = ("id", "name", "website", "domain", "phone", "phone_e164", "industry", "owner_id", "tags",
                "created_at", "updated_at")
PAGES = RecordPages(noun="organization", blueprint="organizations",
                    load=lambda organization_id: organizations.get_organization(g.ctx, organization_id=organization_id))


@bp.before_request
@login_required
def _signed_in():
    """Organisations are for the tenant's signed-in users; the services check each permission."""


@bp.get("")
def index():
    """Every organisation, searchable as you type, sortable, filterable, in keyset pages."""
    filters = ListFilters.read(request.args, organizations.SORTS)
    after = request.args.get("after")
    custom_columns, columns = list_columns("organization", LIST_COLUMNS)
    items, cursor = organizations.list_organizations(g.ctx, **filters.service_args(), after=after, columns=columns)
    fragment = "organizations/_rows.html" if list_target("orgs") else None
    team, owners = team_and_owners(items, whole_page=fragment is None)
    empty = not items and not filters.active and not after
    return render("organizations/index.html", fragment=fragment, items=items, next_cursor=cursor, filters=filters,
                  custom_columns=custom_columns, owners=owners, head_oob=order_may_change("orgs"),
                  sort_labels=SORT_LABELS, team=team, empty=empty)


@bp.post("/bulk")
def bulk():
    """Assign, tag or delete the selected organisations; deleting asks for confirmation first."""
    return handle_bulk(organizations, index_endpoint="organizations.index",
                       confirm_template="organizations/confirm_bulk_delete.html", texts={
        "assign": lambda n: ngettext("%(num)d organisation was reassigned.",
                                     "%(num)d organisations were reassigned.", n),
        "tag": lambda n: ngettext("The tag was added to %(num)d organisation.",
                                  "The tag was added to %(num)d organisations.", n),
        "delete": lambda n: ngettext(
            "%(num)d organisation was moved to the trash (its people stay). "
            "It can be restored from the trash for 30 days.",
            "%(num)d organisations were moved to the trash (their people stay). "
            "They can be restored from the trash for 30 days.", n),
    })


def _form(organization) -> dict:
    """An organisation's saved values as the form shows them."""
    return form_values(organization, OrganizationInput)


def _form_page(template, *, organization=None, form=None, errors=None, status=200):
    return render(template, organization=organization, form=form if form is not None else {}, errors=errors or {},
                  owner_options=owner_options(), status=status,
                  custom_fields=custom_fields.list_fields(g.ctx, entity="organization"))


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Add an organisation."""
    if request.method == "GET":
        return _form_page("organizations/new.html", form={"owner_id": str(g.ctx.user_id)})
    data, errors = parse(OrganizationInput, request.form)
    if not errors:
        try:
            organization = organizations.create_organization(g.ctx, data=data)
        except Invalid as error:
            errors = form_errors(error)
        else:
            flash(_("%(name)s was added.", name=organization.name), "success")
            return redirect(url_for("organizations.detail", organization_id=organization.id))
    db.session.rollback()
    return _form_page("organizations/new.html", form=request.form, errors=errors, status=FORM_ERROR)


@bp.route("/<uuid:organization_id>/edit", methods=["GET", "POST"])
def edit(organization_id: uuid.UUID):
    """Edit every field; a stale save shows the current values and says why."""
    organization = organizations.get_organization(g.ctx, organization_id=organization_id)
    if request.method == "GET":
        return _form_page("organizations/edit.html", organization=organization, form=_form(organization))
    data, errors = parse(OrganizationInput, request.form)
    if not errors:
        try:
            organizations.update_organization(g.ctx, organization_id=organization_id, data=data,
                                              version=version_from(request.form))
        except StaleEdit as stale:
            db.session.rollback()
            current = organizations.get_organization(g.ctx, organization_id=organization_id)
            return _form_page("organizations/edit.html", organization=current, form=_form(current),
                              errors={"__all__": stale.message}, status=409)
        except Invalid as error:
            errors = form_errors(error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("organizations.detail", organization_id=organization_id))
    db.session.rollback()
    organization = organizations.get_organization(g.ctx, organization_id=organization_id)
    return _form_page("organizations/edit.html", organization=organization,
                      form={**request.form, "version": request.form.get("version", "")}, errors=errors,
                      status=FORM_ERROR)


@bp.get("/<uuid:organization_id>")
def detail(organization_id: uuid.UUID):
    """An organisation: Overview (fields editable in place, its people), Timeline and Deals tabs."""
    organization = organizations.get_organization(g.ctx, organization_id=organization_id)
    tab, context = detail_tab(PAGES, organization)
    if tab == "overview":
        members, more = people.list_people(g.ctx, organization_id=organization.id, limit=PEOPLE_SHOWN)
        context.update(members=members, more_members=more is not None)
    return render("organizations/detail.html", organization=organization, tab=tab, sections=SECTIONS,
                  titles=SECTION_TITLES, owner_name=_owner_name(organization),
                  custom_fields=custom_fields.list_fields(g.ctx, entity="organization"), **context)


def _owner_name(organization) -> str | None:
    return users.names_by_id(g.ctx, [organization.owner_id]).get(organization.owner_id)


def _section(organization, section, *, editing=False, errors=None, form=None, status=200, message=None):
    return render("organizations/_section.html", organization=organization, section=section,
                  custom_fields=custom_fields.list_fields(g.ctx, entity="organization"),
                  fields=SECTIONS[section], title=SECTION_TITLES[section], editing=editing, errors=errors or {},
                  form=form if form is not None else _form(organization), message=message,
                  owner_options=owner_options() if editing else [], owner_name=_owner_name(organization),
                  status=status)


@bp.get("/<uuid:organization_id>/sections/<section>")
def section_show(organization_id: uuid.UUID, section: str):
    """One section of the Overview, as shown."""
    organization = organizations.get_organization(g.ctx, organization_id=organization_id)
    return _section(organization, known_section(SECTIONS, section))


@bp.get("/<uuid:organization_id>/sections/<section>/edit")
def section_edit(organization_id: uuid.UUID, section: str):
    """One section of the Overview as a form."""
    organization = organizations.get_organization(g.ctx, organization_id=organization_id)
    return _section(organization, known_section(SECTIONS, section), editing=True)


@bp.post("/<uuid:organization_id>/sections/<section>")
def section_save(organization_id: uuid.UUID, section: str):
    """Save one section; errors and stale versions re-render the form in place."""
    section = known_section(SECTIONS, section)
    return save_section(
        PAGES, organization_id, section, names=SECTIONS[section],
        parse_form=lambda form: parse(OrganizationInput, form),
        update=lambda data, version: organizations.update_organization(
            g.ctx, organization_id=organization_id, data=data, version=version),
        show=lambda organization, **how: _section(organization, section, **how))


@bp.route("/<uuid:organization_id>/delete", methods=["GET", "POST"])
def delete(organization_id: uuid.UUID):
    """Confirm, then send the organisation (with its activities and files) to the trash."""
    return delete_page(
        PAGES, organization_id,
        delete=lambda record_id: organizations.delete_organization(g.ctx, organization_id=record_id),
        done=lambda name: _("%(name)s was moved to the trash with its activities and files; its people stay. "
                            "It can be restored from the trash for 30 days.", name=name))


@bp.route("/<uuid:organization_id>/merge", methods=["GET", "POST"])
def merge(organization_id: uuid.UUID):
    """Choose a duplicate and fold it into this organisation."""
    return merge_page(
        PAGES, organization_id,
        merge=lambda keep_id, merge_id: organizations.merge_organizations(g.ctx, keep_id=keep_id, merge_id=merge_id),
        candidates=lambda q: organizations.list_organizations(g.ctx, q=q, limit=20)[0],
        default_q=lambda organization: organization.name.split()[0],
        done=_("Merged. The other record is in the trash; its people, activities, deals and files are now here."))
