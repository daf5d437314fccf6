"""Which record field a spreadsheet column fills: the fields of each kind of record, guessed from headers."""
import re
from collections.abc import Mapping

from flask_babel import gettext as _

from app.names import split_name
from app.services import custom_fields

CUSTOM_PREFIX = "custom."

# field -> the headers (lower-cased, letters and digits only) that mean it.
_HEADERS = {
    "name": ("name", "fullname", "contact", "contactname", "customer", "customername", "person", "leadname"),
    "first_name": ("firstname", "first", "givenname", "forename"),
    "last_name": ("lastname", "last", "surname", "familyname"),
    "email": ("email", "emailaddress", "mail", "emails"),
    "phone": ("phone", "phonenumber", "mobile", "mobilephone", "mobilenumber", "cell", "cellphone", "tel",
              "telephone", "telephonenumber", "landline", "whatsapp"),
    "title": ("title", "jobtitle", "position", "role"),
    "organization": ("company", "companyname", "organisation", "organization", "organisationname",
                     "organizationname", "org", "business", "employer", "account"),
    "company": ("company", "companyname", "organisation", "organization", "business", "employer", "account"),
    "website": ("website", "web", "url", "site", "homepage", "www"),
    "domain": ("domain",),
    "industry": ("industry", "sector"),
    "tags": ("tags", "tag", "labels", "label", "groups", "group", "category", "categories"),
    "address": ("address", "streetaddress", "postaladdress", "street"),
    "source": ("source", "leadsource", "channel"),
    "status": ("status", "leadstatus", "stage"),
    "estimated_value": ("value", "estimatedvalue", "amount", "budget", "dealvalue"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "description", "details"),
}
# An organisation's own name may also be headed "company".
_ORGANIZATION_NAME = _HEADERS["name"] + _HEADERS["organization"]
# Several columns filling these are joined; for the others the first non-empty one wins.
_JOINED = {"tags": ", ", "notes": "\n", "address": "\n"}


def _labels() -> dict[str, str]:
    return {
        "name": _("Name"), "first_name": _("First name"), "last_name": _("Last name"), "email": _("Email"),
        "phone": _("Phone"), "title": _("Job title"), "organization": _("Organisation"), "company": _("Company"),
        "website": _("Website"), "domain": _("Domain"), "industry": _("Industry"), "tags": _("Tags"),
        "address": _("Address"), "source": _("Source"), "status": _("Status"),
        "estimated_value": _("Estimated value"), "notes": _("Notes"),
    }


_FIELDS = {
    "person": ("name", "first_name", "last_name", "email", "phone", "title", "organization", "tags", "address",
               "source", "notes"),
    "organization": ("name", "website", "domain", "phone", "industry", "tags", "address", "notes"),
    "lead": ("name", "first_name", "last_name", "company", "email", "phone", "source", "status", "estimated_value",
             "notes"),
}


def targets(ctx, *, entity: str) -> dict[str, str]:
    """{field: label} a column of this kind of record can fill, custom fields last (as custom.<key>)."""
    labels = _labels()
    fields = {name: labels[name] for name in _FIELDS[entity]}
    for field in custom_fields.list_fields(ctx, entity=entity):
        fields[CUSTOM_PREFIX + field.key] = field.label
    return fields


def _plain(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def guess(ctx, *, entity: str, headers: list[str]) -> dict[str, str]:
    """{column number: field} for the headers that name a field (English, or a custom field's label)."""
    known = {name: _HEADERS[name] for name in _FIELDS[entity]}
    if entity == "organization":
        known["name"] = _ORGANIZATION_NAME
    for field in custom_fields.list_fields(ctx, entity=entity):
        known[CUSTOM_PREFIX + field.key] = (_plain(field.label), _plain(field.key))
    mapping, taken = {}, set()
    for column, header in enumerate(headers):
        plain = _plain(header)
        for name, spellings in known.items():
            # One column per field, except phones: "Phone" and "Mobile" both fill the phone, first one given wins.
            if plain in spellings and (name not in taken or name == "phone"):
                mapping[str(column)] = name
                taken.add(name)
                break
    return mapping


def row_values(entity: str, mapping: Mapping[str, str], row: list[str]) -> dict:
    """The input a row gives its record: only non-empty cells; custom fields under `custom`; names combined."""
    values: dict = {}
    for column, name in mapping.items():
        index = int(column)
        cell = row[index].strip() if index < len(row) else ""
        if not cell:
            continue
        if name.startswith(CUSTOM_PREFIX):
            values.setdefault("custom", {}).setdefault(name.removeprefix(CUSTOM_PREFIX), cell)
        elif name in _JOINED and name in values:
            values[name] += _JOINED[name] + cell
        else:
            values.setdefault(name, cell)
    if entity == "person" and "name" in values:
        full = values.pop("name")
        if "first_name" not in values and "last_name" not in values:
            values["first_name"], values["last_name"] = split_name(full)
    if entity == "lead":
        parts = [values.pop(part) for part in ("first_name", "last_name") if part in values]
        if "name" not in values and parts:
            values["name"] = " ".join(parts)
        if "status" in values:
            values["status"] = values["status"].lower()
    return values


def names_the_record(entity: str, mapping: Mapping[str, str]) -> bool:
    """Whether the mapping fills the field a new record of this kind cannot do without: its name."""
    chosen = set(mapping.values())
    if entity == "organization":
        return "name" in chosen
    return bool(chosen & {"name", "first_name", "last_name"})
