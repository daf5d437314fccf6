"""Leads: the list, one lead's pages, and converting a lead into a customer and a deal."""
import uuid

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.errors import Conflict, Invalid
from app.extensions import db
from app.models.leads import LEAD_STATUSES
from app.permissions import require
from app.schemas.leads import LeadConvert, LeadInput
from app.services import custom_fields, leads, users
from app.services.people import DuplicatePerson
from app.web.locale import current_tenant
from app.web.rendering import FORM_ERROR, custom_form_values, form_errors, parse, render
from app.web.sales_pages import create_from_form, edit_from_form, more_args, optional_uuid, team, timeline

bp = Blueprint("leads", __name__, url_prefix="/leads")


@bp.before_request
@login_required
def _signed_in():
    """Every lead page needs a signed-in user; the services check permissions."""


def status_labels() -> dict:
    return {"new": _("New"), "contacted": _("Contacted"), "qualified": _("Qualified"),
            "unqualified": _("Unqualified"), "converted": _("Converted")}


@bp.get("")
def index():
    """All leads: search, status and owner filters, "Show more" (keyset)."""
    status = request.args.get("status")
    filters = leads.LeadFilter(q=(request.args.get("q") or "").strip() or None,
                               status=status if status in LEAD_STATUSES else None,
                               owner_id=optional_uuid(request.args.get("owner")))
    found, cursor = leads.list_leads(g.ctx, filters=filters, after=request.args.get("after") or None)
    owners = users.names_by_id(g.ctx, {lead.owner_id for lead in found})
    fragment = "leads/_rows.html" if request.args.get("after") else "leads/_results.html"
    return render("leads/index.html", fragment=fragment, leads=found, cursor=cursor, owners=owners,
                  filters=filters, args=request.args, more_args=more_args(), team=team(), statuses=status_labels(),
                  custom_columns=custom_fields.list_columns(g.ctx, entity="lead"))


def _form_page(template, *, lead=None, form=None, errors=None, status=200):
    options = [(key, label) for key, label in status_labels().items() if key != "converted"]
    return render(template, lead=lead, form=form or {}, errors=errors or {}, team=team(),
                  status_options=options, custom_fields=custom_fields.list_fields(g.ctx, entity="lead"), status=status)


def _values(lead) -> dict:
    return {"name": lead.name, "company": lead.company or "", "email": lead.email or "", "phone": lead.phone or "",
            "source": lead.source or "", "status": lead.status,
            "estimated_value": f"{lead.estimated_value:.2f}" if lead.estimated_value is not None else "",
            "owner_id": lead.owner_id or "", "notes": lead.notes or "", "version": lead.version,
            **custom_form_values(lead)}


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Add a lead."""
    require(g.ctx, "lead:write")
    if request.method == "GET":
        return _form_page("leads/new.html", form={"owner_id": g.ctx.user_id, "status": "new"})
    return create_from_form(
        LeadInput, lambda data: leads.create_lead(g.ctx, data=data),
        show_form=lambda **page: _form_page("leads/new.html", **page),
        added=lambda lead: (_("Lead %(name)s added.", name=lead.name), url_for("leads.detail", lead_id=lead.id)))


@bp.get("/<uuid:lead_id>")
def detail(lead_id: uuid.UUID):
    """One lead: its fields, its history, and the conversion form."""
    lead = leads.get_lead(g.ctx, lead_id=lead_id)
    return _detail_page(lead, convert_form=_convert_defaults(lead))


def _convert_defaults(lead) -> dict:
    return {"create_organization": bool(lead.company), "deal_name": lead.company or lead.name,
            "deal_value": f"{lead.estimated_value:.2f}" if lead.estimated_value is not None else ""}


def _detail_page(lead, *, convert_form, errors=None, duplicate=None, status=200):
    owners = users.names_by_id(g.ctx, {lead.owner_id})
    return render("leads/detail.html", lead=lead, owners=owners, tenant_currency=current_tenant().currency, statuses=status_labels(), convert_form=convert_form,
                  errors=errors or {}, duplicate=duplicate, status=status,
                  custom_fields=custom_fields.list_fields(g.ctx, entity="lead"), **timeline("lead", lead.id))


@bp.route("/<uuid:lead_id>/edit", methods=["GET", "POST"])
def edit(lead_id: uuid.UUID):
    """Edit a lead; a save made on an older version is refused with the current values."""
    lead = leads.get_lead(g.ctx, lead_id=lead_id)
    require(g.ctx, "lead:write")
    if request.method == "GET":
        return _edit_page(lead, form=_values(lead))
    return edit_from_form(
        LeadInput, lead, values=_values, show_form=_edit_page,
        update=lambda data, version: leads.update_lead(g.ctx, lead_id=lead_id, data=data, version=version),
        reload=lambda: leads.get_lead(g.ctx, lead_id=lead_id),
        saved=_("Lead saved."), back=url_for("leads.detail", lead_id=lead_id))


def _edit_page(lead, **page):
    return _form_page("leads/edit.html", lead=lead, **page)


@bp.post("/<uuid:lead_id>/convert")
def convert(lead_id: uuid.UUID):
    """Convert the lead: a person (and organisation) and a deal, with the lead's history."""
    lead = leads.get_lead(g.ctx, lead_id=lead_id)
    data, errors = parse(LeadConvert, request.form)
    duplicate = None
    if not errors:
        try:
            result = leads.convert_lead(g.ctx, lead_id=lead_id, data=data)
        except DuplicatePerson as clash:
            db.session.rollback()
            errors, duplicate = {"__all__": clash.message}, clash.existing
        except Conflict as refused:
            db.session.rollback()
            flash(refused.message, "error")
            return redirect(url_for("leads.detail", lead_id=lead_id))
        except Invalid as error:
            db.session.rollback()
            errors = form_errors(error)
        else:
            flash(_("%(name)s is now a customer, with the deal %(deal)s.", name=result.person.name,
                    deal=result.deal.name), "success")
            return redirect(url_for("deals.detail", deal_id=result.deal.id))
    lead = leads.get_lead(g.ctx, lead_id=lead_id)
    return _detail_page(lead, convert_form=request.form, errors=errors, duplicate=duplicate, status=FORM_ERROR)


@bp.post("/<uuid:lead_id>/delete")
def delete(lead_id: uuid.UUID):
    """Move the lead (with its activities and files) to the trash."""
    lead = leads.get_lead(g.ctx, lead_id=lead_id)
    leads.delete_lead(g.ctx, lead_id=lead_id)
    flash(_("%(name)s was moved to the trash.", name=lead.name), "success")
    return redirect(url_for("leads.index"))
