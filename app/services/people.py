"""People (contacts): listing with keyset pages, duplicates, editing, bulk actions, trash and merge."""
from functools import lru_cache
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import Activity, Attachment, Deal, Lead, Organization, Person
from app.permissions import require
from app.schemas.contacts import PersonInput
from app.services import audit, events, records, search_words
from app.services.contact_edits import (
    Problems,
    add_record,
    check_common_fields,
    merge_records,
)
from app.services.contact_lists import (
    PAGE_SIZE,
    add_tag,
    assign_owner,
    filter_common,
    keyset_page,
    load_many,
    matches_first,
    page_select,
    sort_keys,
    trash_many,
)

SORTS = {
    "name": (lambda: [func.lower(Person.last_name), func.lower(Person.first_name), Person.id],
             ("str", "str", "uuid")),
    "email": (lambda: [func.coalesce(Person.email, ""), Person.id], ("str", "uuid")),
    "created_at": (lambda: [Person.created_at, Person.id], ("datetime", "uuid")),
    "updated_at": (lambda: [Person.updated_at, Person.id], ("datetime", "uuid")),
}
# What a list row may read besides Person's own columns: the name of the person's organisation (outer join).
JOINED_COLUMNS = {"organization_name": Organization.name}
FILLABLE = ("first_name", "last_name", "email", "phone", "phone_e164", "title", "organization_id", "address",
            "source", "notes", "owner_id")


class DuplicatePerson(Conflict):
    """A person with the same email or phone exists already; `existing` is that person, `field` which matched."""

    def __init__(self, message: str, *, existing: Person, field: str):
        super().__init__(message, fields={field: message})
        self.existing = existing
        self.field = field


class PersonRow(SimpleNamespace):
    """A person as a list reads them: only the columns asked for, plus `name` made as Person makes it."""

    name = Person.name


def list_people(ctx, *, q=None, sort="name", descending=False, owner_id=None, tag=None, updated_since=None,
                created_since=None, organization_id=None, after=None, limit=PAGE_SIZE, columns=None):
    """A page of people and the cursor of the next page (None at the end).

    `q` matches fragments of first or last name, email and phone, each word somewhere, ignoring case; a word of
    one or two letters where a word starts ("sm" finds Smith, not Kosmos); see search_words.
    With `columns` (names of Person's columns or of JOINED_COLUMNS) the page holds PersonRows of just those,
    read in the same one statement: no entities to load and track, for lists that only show them.
    """
    require(ctx, "contact:read")
    columns = tuple(columns) if columns is not None else None
    word_kinds, values = search_words.read(q)
    keys, kinds, stmt, item = _page_select(sort, descending, columns, searched=bool(word_kinds))
    if word_kinds:
        stmt = _search_select(sort, descending, columns, word_kinds)
    # Whatever its words, a search reads its matches and sorts them (matches_first): until a filter joins it, no
    # value changes its best plan, as none changes an unfiltered page's.
    planned_once = stmt
    if organization_id is not None:
        stmt = stmt.where(Person.organization_id == organization_id)
    stmt = filter_common(stmt, Person, owner_id=owner_id, tag=tag, updated_since=updated_since,
                         created_since=created_since)
    return keyset_page(stmt, keys, kinds, descending=descending, after=after, limit=limit, item=item,
                       plan_once_as=planned_once, values=values)


@lru_cache(maxsize=256)
def _search_select(sort: str, descending: bool, columns: tuple | None, word_kinds: tuple[str, ...]):
    """The page statement of a search whose words are of `word_kinds` (see search_words): built once per shape."""
    return _page_select(sort, descending, columns, searched=True)[2].where(*search_words.conditions(Person, word_kinds))


@lru_cache(maxsize=64)
def _page_select(sort: str, descending: bool, columns: tuple | None, searched: bool = False) -> tuple:
    """The sort keys and kinds, the unfiltered, ordered page statement and the row maker of a list of people: built
    once per sort, direction and columns (statements are immutable), as building them cost 7% of an API list
    request. A search's order is the same, its matches read first (`matches_first`)."""
    keys, kinds = sort_keys(SORTS, sort)
    if searched:
        keys = matches_first(keys)
    stmt, item = page_select(Person, keys, columns, descending=descending, joined=JOINED_COLUMNS, row=PersonRow)
    if columns and "organization_name" in columns:
        stmt = stmt.outerjoin(Person.organization)
    return keys, kinds, stmt, item


def get_person(ctx, *, person_id) -> Person:
    """One person of the tenant."""
    require(ctx, "contact:read")
    return records.get_record(ctx, Person, person_id)


def get_person_and_organization_name(ctx, *, person_id) -> tuple[Person, str | None]:
    """One person of the tenant and the name of their organisation (None without one), in one statement:
    every tab of a person's page shows both."""
    require(ctx, "contact:read")
    return records.get_record(ctx, Person, person_id, joined=(Person.organization, Organization.name))


def get_many(ctx, *, ids) -> list[Person]:
    """The tenant's people among `ids` (for confirming a bulk action), by name."""
    require(ctx, "contact:read")
    return sorted(load_many(ctx, Person, ids), key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.id))


def find_duplicate(ctx, *, email=None, phone_e164=None, exclude_id=None) -> tuple[Person, str] | None:
    """An existing person with this email or phone, and which of the two matched."""
    require(ctx, "contact:read")
    for field, value in (("email", email), ("phone", phone_e164)):
        if not value:
            continue
        column = Person.email if field == "email" else Person.phone_e164
        stmt = select(Person).where(column == value)
        if exclude_id is not None:
            stmt = stmt.where(Person.id != exclude_id)
        found = db.session.scalars(stmt.order_by(Person.created_at, Person.id).limit(1)).first()
        if found is not None:
            return found, field
    return None


def find_duplicates(ctx, *, emails, phones) -> dict[tuple[str, str], Person]:
    """Many checks at once (an import's batch): {("email" or "phone", value): the oldest person with it}.

    The same rule as find_duplicate; phones are E.164.
    """
    require(ctx, "contact:read")
    found = {}
    for field, column, values in (("email", Person.email, emails), ("phone", Person.phone_e164, phones)):
        values = {value for value in values if value}
        if values:
            stmt = select(Person).where(column.in_(values)).order_by(Person.created_at.desc(), Person.id.desc())
            for person in db.session.scalars(stmt):  # the oldest comes last and stays
                found[field, getattr(person, column.key)] = person
    return found


def _values(ctx, data: PersonInput, *, creating: bool, current_custom: dict | None = None) -> dict:
    """The columns to write from the fields the input carried, validated (every problem at once)."""
    fields = set(PersonInput.model_fields) - {"create_anyway", "custom"}
    values = data.model_dump(include=fields if creating else data.model_fields_set & fields)
    problems = Problems()
    if creating and not values["first_name"] and not values["last_name"]:
        problems.add("first_name", _("Give at least a first or a last name."))
    if values.get("organization_id") is not None:
        try:
            records.get_record(ctx, Organization, values["organization_id"])
        except NotFound:  # say so next to the field rather than as a missing page
            problems.add("organization_id", _("Choose an organisation from the list."))
    check_common_fields(ctx, problems, values, entity="person", custom=data.custom, creating=creating,
                        current_custom=current_custom)
    problems.raise_any()
    return values


def create_person(ctx, *, data: PersonInput) -> Person:
    """Add a person; a known email or phone raises DuplicatePerson unless the input says create anyway."""
    require(ctx, "contact:create")
    values = _values(ctx, data, creating=True)
    if not data.create_anyway:
        duplicate = find_duplicate(ctx, email=values["email"], phone_e164=values["phone_e164"])
        if duplicate:
            existing, field = duplicate
            message = (_("%(name)s already has this email.", name=existing.name) if field == "email"
                       else _("%(name)s already has this phone number.", name=existing.name))
            raise DuplicatePerson(message, existing=existing, field=field)
    person = add_record(ctx, Person, values, owner_given="owner_id" in data.model_fields_set, event="person.created")
    events.emit(ctx, "contact.created", person)
    return person


def update_person(ctx, *, person_id, data: PersonInput, version: int | None) -> Person:
    """Change the fields the input carries; refused (StaleEdit) when the person changed since the form showed it."""
    require(ctx, "contact:update")
    person = records.get_record(ctx, Person, person_id)
    records.check_version(person, version)
    values = _values(ctx, data, creating=False, current_custom=person.custom)
    names = {k: values.get(k, getattr(person, k)) for k in ("first_name", "last_name")}
    if not any(n.strip() for n in names.values()):
        raise Invalid(_("Please correct the marked fields."),
                      fields={"first_name": _("Give at least a first or a last name.")})
    return audit.apply_changes(ctx, person, values, event="person.updated", emit="contact.updated")


def delete_person(ctx, *, person_id):
    """Send a person with their activities and attachments to the trash (restorable for 30 days)."""
    require(ctx, "contact:delete")
    person = records.get_record(ctx, Person, person_id)
    return _trash(ctx, person)


def _trash(ctx, person: Person):
    entry = records.trash(ctx, person, label=person.name or person.email or str(person.id), linked=(
        (Activity, Activity.person_id == person.id),
        (Attachment, Attachment.person_id == person.id),
    ))
    events.emit(ctx, "contact.deleted", person)
    return entry


def bulk_assign(ctx, *, ids, owner_id) -> int:
    """Give the selected people to one owner (None: nobody); how many changed."""
    require(ctx, "contact:update")
    return assign_owner(ctx, Person, ids, owner_id)


def bulk_tag(ctx, *, ids, tag: str) -> int:
    """Add a tag to the selected people; how many gained it."""
    require(ctx, "contact:update")
    return add_tag(ctx, Person, ids, tag)


def bulk_delete(ctx, *, ids) -> int:
    """Send the selected people to the trash, each restorable on its own; how many."""
    require(ctx, "contact:delete")
    return trash_many(ctx, Person, ids, _trash)


def merge_people(ctx, *, keep_id, merge_id) -> Person:
    """Fold a duplicate into `keep`: blanks filled, activities, deals and files moved, the duplicate trashed."""
    return merge_records(
        ctx, Person, keep_id=keep_id, merge_id=merge_id, fillable=FILLABLE,
        children=((Activity, "person_id"), (Deal, "person_id"), (Attachment, "person_id"),
                  (Lead, "converted_person_id")),
        same_message=_("Choose another person to merge with."), trash_other=_trash, extra_changes=_other_contacts)


def _other_contacts(keep: Person, other: Person) -> dict:
    """The duplicate's own email and phone stay reachable on the kept person."""
    emails = [e for e in [*keep.other_emails, other.email, *other.other_emails] if e and e != keep.email]
    phones = [p for p in [*keep.other_phones, other.phone, *other.other_phones] if p and p != keep.phone]
    return audit.diff(keep, {"other_emails": list(dict.fromkeys(emails)),
                             "other_phones": list(dict.fromkeys(phones))})
