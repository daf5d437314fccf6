"""Settings page where admins define custom fields per entity."""
import uuid

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.errors import Invalid
from app.models.custom_fields import FIELD_ENTITIES, FIELD_TYPES
from app.permissions import require
from app.schemas.custom_fields import FieldChange, FieldDefinition
from app.services import custom_fields
from app.web.rendering import FORM_ERROR, form_errors, parse, render

bp = Blueprint("custom_fields", __name__, url_prefix="/settings/fields")

ENTITY_LABELS = {"person": _l("People"), "organization": _l("Organisations"), "lead": _l("Leads"), "deal": _l("Deals")}
TYPE_LABELS = {"text": _l("Short text"), "long_text": _l("Long text"), "number": _l("Number"), "date": _l("Date"),
               "select": _l("Choice from a list"), "checkbox": _l("Yes / no")}


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in admin; the services check the permission."""


def _page(status=200, **context):
    require(g.ctx, "custom_field:manage")
    context.setdefault("errors", {})
    context.setdefault("form", {})
    fields = {entity: custom_fields.list_fields(g.ctx, entity=entity, include_archived=True)
              for entity in FIELD_ENTITIES}
    return render("custom_fields/index.html", fields=fields, entity_labels=ENTITY_LABELS, type_labels=TYPE_LABELS,
                  entity_options=list(ENTITY_LABELS.items()), type_options=[(t, TYPE_LABELS[t]) for t in FIELD_TYPES],
                  status=status, **context)


@bp.get("")
def index():
    """Every entity's fields, with a form to add one."""
    return _page()


@bp.post("")
def create():
    """Add a field."""
    require(g.ctx, "custom_field:manage")
    data, errors = parse(FieldDefinition, request.form)
    if not errors:
        try:
            field = custom_fields.create_field(g.ctx, data=data)
        except Invalid as error:
            errors = form_errors(error)
        else:
            flash(_("The field %(label)s was added.", label=field.label), "success")
            return redirect(url_for("custom_fields.index"))
    return _page(status=FORM_ERROR, errors=errors, form=request.form)


@bp.route("/<uuid:field_id>", methods=["GET", "POST"])
def edit(field_id: uuid.UUID):
    """Rename a field, change its choices, make it required or a list column."""
    require(g.ctx, "custom_field:manage")
    field = custom_fields.get_field(g.ctx, field_id)
    errors = {}
    if request.method == "POST":
        data, errors = parse(FieldChange, request.form)
        if not errors:
            try:
                custom_fields.update_field(g.ctx, field_id=field_id, data=data)
            except Invalid as error:
                errors = form_errors(error)
            else:
                flash(_("The field %(label)s was saved.", label=data.label), "success")
                return redirect(url_for("custom_fields.index"))
    return render("custom_fields/edit.html", field=field, form=request.form if errors else None, errors=errors,
                  entity_labels=ENTITY_LABELS, type_labels=TYPE_LABELS, status=FORM_ERROR if errors else 200)


@bp.post("/<uuid:field_id>/archive")
def archive(field_id: uuid.UUID):
    """Hide a field or bring it back; stored values are kept either way."""
    archived = request.form.get("archived") == "true"
    field = custom_fields.set_archived(g.ctx, field_id=field_id, archived=archived)
    flash(_("%(label)s is hidden; its values are kept.", label=field.label) if archived
          else _("%(label)s is shown again.", label=field.label), "success")
    return redirect(url_for("custom_fields.index"))
