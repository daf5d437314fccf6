"""Inputs for people and organisations, shared by the web forms, the API, the bot and MCP.

Every field has a default so a form that edits one section of a record sends only that
section: services apply only the fields the input actually carried (`model_fields_set`).
"""
import uuid
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field

from app.schemas.base import Email, InputSchema

MAX_TAGS = 30
MAX_TAG_LENGTH = 50


def _blank_to_none(value):
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _split_tags(value):
    """Tags come as a list (API) or as one comma-separated string (forms)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return value


def _clean_tags(values: list[str]) -> list[str]:
    tags, seen = [], set()
    for raw in values:
        tag = " ".join(str(raw).split())
        if not tag or tag.lower() in seen:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValueError(_("Keep each tag under %(n)d characters.", n=MAX_TAG_LENGTH))
        seen.add(tag.lower())
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValueError(_("Use at most %(n)d tags.", n=MAX_TAGS))
    return tags


def _tag(value: str) -> str:
    tags = _clean_tags([value])
    if not tags:
        raise ValueError(_("Please fill this in."))
    return tags[0]


def Blankable(kind, max_length: int | None = None):
    """An optional field where a blank form value means "none"."""
    if max_length is not None:
        kind = Annotated[kind, Field(max_length=max_length)]
    return Annotated[kind | None, BeforeValidator(_blank_to_none)]


Tags = Annotated[list[str], BeforeValidator(_split_tags), AfterValidator(_clean_tags)]
Tag = Annotated[str, AfterValidator(_tag)]


def _checkbox(value):
    """An HTML checkbox sends "on", "true", "1" or "yes" when ticked."""
    if isinstance(value, str):
        return value.strip().lower() in {"on", "true", "1", "yes"}
    return bool(value)


Checkbox = Annotated[bool, BeforeValidator(_checkbox)]


class PersonInput(InputSchema):
    """A person's fields; a name (first or last) is required when creating."""

    first_name: Annotated[str, Field(max_length=100)] = ""
    last_name: Annotated[str, Field(max_length=100)] = ""
    email: Blankable(Email, 254) = None
    phone: Blankable(str, 50) = None
    title: Blankable(str, 200) = None
    organization_id: Blankable(uuid.UUID) = None
    owner_id: Blankable(uuid.UUID) = None
    tags: Tags = []
    address: Blankable(str, 2000) = None
    source: Blankable(str, 100) = None
    notes: Blankable(str, 10000) = None
    create_anyway: Checkbox = False  # create even when the email or phone is already known
    custom: dict[str, Any] | None = None  # custom field values as submitted; the service validates them


class OrganizationInput(InputSchema):
    """An organisation's fields; the name is required when creating."""

    name: Annotated[str, Field(max_length=200)] = ""
    website: Blankable(str, 300) = None
    domain: Blankable(str, 200) = None
    phone: Blankable(str, 50) = None
    industry: Blankable(str, 100) = None
    owner_id: Blankable(uuid.UUID) = None
    tags: Tags = []
    address: Blankable(str, 2000) = None
    notes: Blankable(str, 10000) = None
    custom: dict[str, Any] | None = None  # custom field values as submitted; the service validates them


class BulkAssign(InputSchema):
    """Give the selected records to one owner (blank: nobody)."""

    owner_id: Blankable(uuid.UUID) = None


class BulkTag(InputSchema):
    """Add one tag to the selected records."""

    tag: Tag


class MergeChoice(InputSchema):
    """The other record to merge into this one."""

    merge_id: uuid.UUID
