"""Custom fields: admins define them per entity; records keep the values in their `custom` JSON."""
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.errors import Invalid, NotFound
from app.extensions import db
from app.models import CustomField
from app.models.base import utcnow
from app.permissions import require
from app.schemas.custom_fields import FieldChange, FieldDefinition
from app.services import audit, tenant_settings

MAX_TEXT, MAX_LONG_TEXT, MAX_OPTIONS = 500, 10_000, 100
FORM_PREFIX = "custom."  # form inputs are named custom.<key>
FORM_MARKER = "custom.__form__"  # a hidden input: this input came from a form showing every field


@dataclass(frozen=True)
class FieldSpec:
    """A field's definition as forms, lists and validation read it: plain data a process may keep."""

    id: uuid.UUID
    entity: str
    key: str
    label: str
    type: str
    options: tuple[str, ...]
    required: bool
    show_in_list: bool
    position: int
    archived_at: datetime | None


tenant_settings.watch(CustomField)


def _all_fields(ctx) -> tuple[FieldSpec, ...]:
    """Every field of every entity in form order; kept per process until an admin changes one."""
    def load():
        stmt = select(*tenant_settings.spec_columns(CustomField, FieldSpec)).order_by(CustomField.position,
                                                                                    CustomField.label)
        return tuple(FieldSpec(**{**row._asdict(), "options": tuple(row.options)})
                     for row in db.session.execute(stmt))
    return tenant_settings.read(ctx, "custom_fields", load)


def list_fields(ctx, *, entity: str, include_archived: bool = False) -> list[FieldSpec]:
    """The fields of an entity in their order; archived ones only when asked."""
    return [field for field in _all_fields(ctx)
            if field.entity == entity and (include_archived or field.archived_at is None)]


def list_columns(ctx, *, entity: str) -> list[FieldSpec]:
    """The fields an entity's list shows as extra columns (their values are on each record: no query per row)."""
    return [field for field in list_fields(ctx, entity=entity) if field.show_in_list]


def get_field(ctx, field_id: uuid.UUID) -> CustomField:
    field = db.session.get(CustomField, field_id)
    if field is None:
        raise NotFound(_("This field does not exist."))
    return field


def _options(text: str) -> list[str]:
    seen: list[str] = []
    for line in text.splitlines():
        option = line.strip()
        if option and option not in seen:
            seen.append(option[:100])
    return seen[:MAX_OPTIONS]


def _key_for(entity: str, label: str) -> str:
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_label.lower()).strip("_")[:40] or "field"
    taken = set(db.session.scalars(select(CustomField.key).where(CustomField.entity == entity)))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def create_field(ctx, *, data: FieldDefinition) -> CustomField:
    """Add a field to an entity; it shows in forms, detail pages and (if chosen) list columns."""
    require(ctx, "custom_field:manage")
    options = _options(data.options)
    if data.type == "select" and len(options) < 2:
        raise Invalid(_("Please correct the marked fields."), fields={"options": _("Give at least two choices, one per line.")})
    position = db.session.scalar(select(func.count()).select_from(CustomField).where(CustomField.entity == data.entity))
    field = CustomField(entity=data.entity, key=_key_for(data.entity, data.label), label=data.label, type=data.type,
                        options=options if data.type == "select" else [], required=data.required,
                        show_in_list=data.show_in_list, position=position)
    db.session.add(field)
    db.session.flush()
    audit.record(ctx, "custom_field.created", field, {"label": (None, field.label), "type": (None, field.type)})
    return field


def update_field(ctx, *, field_id: uuid.UUID, data: FieldChange) -> CustomField:
    """Rename a field or change its choices and flags (its type and key stay: stored values keep meaning)."""
    require(ctx, "custom_field:manage")
    field = get_field(ctx, field_id)
    options = _options(data.options) if field.type == "select" else []
    if field.type == "select" and len(options) < 2:
        raise Invalid(_("Please correct the marked fields."), fields={"options": _("Give at least two choices, one per line.")})
    changes = audit.diff(field, {"label": data.label, "options": options, "required": data.required,
                                 "show_in_list": data.show_in_list})
    if changes:
        audit.record(ctx, "custom_field.updated", field, changes)
    return field


def set_archived(ctx, *, field_id: uuid.UUID, archived: bool) -> CustomField:
    """Hide a field (stored values stay on the records) or bring it back."""
    require(ctx, "custom_field:manage")
    field = get_field(ctx, field_id)
    if (field.archived_at is not None) != archived:
        field.archived_at = utcnow() if archived else None
        audit.record(ctx, "custom_field.archived" if archived else "custom_field.restored", field)
    return field


def clean_values(ctx, *, entity: str, raw: Mapping, current: Mapping | None = None) -> dict:
    """The record's new `custom` dict from form or API input, validated by each field's type.

    `raw` maps keys (or `custom.<key>` form names) to submitted values; archived fields and keys
    not submitted keep their current values. Raises Invalid with `custom.<key>` field errors.
    """
    values = dict(current or {})
    errors = {}
    for field in list_fields(ctx, entity=entity):
        name = FORM_PREFIX + field.key
        if field.type == "checkbox":
            if name in raw or field.key in raw:
                values[field.key] = _as_bool(raw.get(name, raw.get(field.key)))
            elif FORM_MARKER in raw:  # a form sends nothing for an unticked box
                values[field.key] = False
            continue
        if name not in raw and field.key not in raw:
            if field.required and values.get(field.key) in (None, ""):
                errors[name] = _("Please fill this in.")
            continue
        try:
            value = _convert(field, raw.get(name, raw.get(field.key)))
        except ValueError as error:
            errors[name] = str(error)
            continue
        if value is None and field.required:
            errors[name] = _("Please fill this in.")
        values[field.key] = value
    if errors:
        raise Invalid(_("Please correct the marked fields."), fields=errors)
    return values


def _as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "on", "yes"}


def _convert(field: FieldSpec, value):
    """A submitted value as stored in JSON, or ValueError with a message for the person."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if field.type in ("text", "long_text"):
        limit = MAX_TEXT if field.type == "text" else MAX_LONG_TEXT
        if len(text) > limit:
            raise ValueError(_("Use at most %(n)d characters.", n=limit))
        return text
    if field.type == "number":
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if field.type == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date like 2026-01-31.")) from None
    if field.type == "select":
        if text not in field.options:
            raise ValueError(_("Choose one of the options."))
        return text
    raise ValueError(_("This value is not valid."))
