"""Writing CRM records (people, organisations): validating input, adding, changing and merging duplicates."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import Invalid
from app.extensions import db
from app.models import Record, Tenant
from app.permissions import require
from app.phones import normalise
from app.services import audit, custom_fields, events, records, users


class Problems:
    """Field messages gathered from several checks, so a form shows every mistake at once."""

    def __init__(self):
        self.fields: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, message)

    def check(self, function, *args):
        """Run a check that may raise Invalid; keep its field messages and go on."""
        try:
            return function(*args)
        except Invalid as error:
            for field, message in (error.fields or {"__all__": error.message}).items():
                self.add(field, message)
            return None

    def raise_any(self) -> None:
        if self.fields:
            raise Invalid(_("Please correct the marked fields."), fields=self.fields)


def check_owner(ctx, owner_id) -> None:
    """Refuse an owner who is not a user of this tenant."""
    if owner_id is not None and not users.names_by_id(ctx, [owner_id]):
        raise Invalid(_("Please correct the marked fields."), fields={"owner_id": _("Choose someone from your team.")})


def tenant_country(ctx) -> str | None:
    """The tenant's country, which local phone numbers are read in."""
    return db.session.get(Tenant, ctx.tenant_id).country


def check_common_fields(ctx, problems: Problems, values: dict, *, entity: str, custom: dict | None, creating: bool,
                        current_custom: dict | None) -> None:
    """Check what every record's input may carry: the owner, the phone (adding its E.164 form), the custom fields."""
    if "owner_id" in values:
        problems.check(check_owner, ctx, values["owner_id"])
    if "phone" in values:
        values["phone_e164"] = problems.check(normalise, values["phone"], tenant_country(ctx))
    if custom is not None or creating:
        values["custom"] = problems.check(lambda: custom_fields.clean_values(
            ctx, entity=entity, raw=custom or {}, current=current_custom))


def add_record(ctx, model, values: dict, *, owner_given: bool, event: str):
    """Insert a record from validated `values` and audit it; whoever adds it owns it unless the input said otherwise."""
    if not owner_given and not ctx.is_system:
        values["owner_id"] = ctx.user_id
    record = model(**values)
    db.session.add(record)
    db.session.flush()
    audit.record(ctx, event, record,
                 {field: (None, value) for field, value in values.items() if value not in (None, "", [])})
    return record


def fill_blanks(keep: Record, other: Record, fields: tuple) -> dict:
    """Give `keep` the values of `other` for the fields it lacks, its tags and custom fields; the changes."""
    updates = {field: getattr(other, field) for field in fields
               if getattr(keep, field) in (None, "") and getattr(other, field) not in (None, "")}
    tags = list(keep.tags or [])
    known = {t.lower() for t in tags}
    tags += [t for t in other.tags or [] if t.lower() not in known]
    if tags != list(keep.tags or []):
        updates["tags"] = tags
    custom = {**(other.custom or {}), **{k: v for k, v in (keep.custom or {}).items() if v not in (None, "")}}
    if custom != dict(keep.custom or {}):
        updates["custom"] = custom
    return audit.diff(keep, updates)


def move_children(models_and_columns, from_id, to_id) -> None:
    """Point every row (trashed ones too) of the given (model, column name) pairs from one record to another.

    Rows are changed one by one, not in bulk, so deals' versions move on and the guard sees every write.
    """
    for model, column in models_and_columns:
        attribute = getattr(model, column)
        stmt = select(model).where(attribute == from_id).execution_options(include_deleted=True)
        for row in db.session.scalars(stmt):
            setattr(row, column, to_id)




def merge_records(ctx, model, *, keep_id, merge_id, fillable: tuple, children: tuple, same_message: str,
                  trash_other, extra_changes=None):
    """Fold the record `merge_id` into `keep_id`: blanks filled, `children` ((model, column) pairs) moved,
    the duplicate sent to the trash with `trash_other(ctx, other)`; the merge is audited on the kept record.

    `extra_changes(keep, other)` may apply and return more changes once the blanks are filled.
    """
    require(ctx, "contact:update")
    require(ctx, "contact:delete")
    keep = records.get_record(ctx, model, keep_id)
    other = records.get_record(ctx, model, merge_id)
    if keep.id == other.id:
        raise Invalid(same_message, fields={"merge_id": same_message})
    changes = fill_blanks(keep, other, fillable)
    if extra_changes is not None:
        changes.update(extra_changes(keep, other))
    move_children(children, other.id, keep.id)
    db.session.flush()
    changes["merged"] = (str(other.id), other.name)
    audit.record(ctx, f"{audit.entity_type_of(keep)}.merged", keep, changes)
    events.emit(ctx, events.name_for(keep, "updated"), keep, changes=changes)
    trash_other(ctx, other)
    return keep
