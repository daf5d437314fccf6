"""The base input schema, friendly field messages, and `validate` used by every door."""
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from app.errors import Invalid


class InputSchema(BaseModel):
    """Strips surrounding blanks and ignores unknown keys (forms carry a CSRF token, say)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValueError(_("Enter an email address like name@example.com.")) from None


def _nonblank(value: str) -> str:
    if not value:
        raise ValueError(_("Please fill this in."))
    return value


Email = Annotated[str, AfterValidator(_email)]
Required = Annotated[str, AfterValidator(_nonblank)]


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "value_error":
        return str(ctx.get("error", _("This value is not valid.")))
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return _("Please fill this in.")
    if kind == "string_too_short":
        return _("Use at least %(n)d characters.", n=ctx["min_length"])
    if kind == "string_too_long":
        return _("Use at most %(n)d characters.", n=ctx["max_length"])
    if kind in {"literal_error", "enum"}:
        return _("Choose one of the options.")
    if kind.startswith("bool"):
        return _("Choose yes or no.")
    if kind.startswith(("int", "float", "decimal")):
        return _("Enter a number.")
    if kind.startswith(("date", "datetime")):
        return _("Enter a date like 2026-01-31.")
    if kind.startswith("uuid"):
        return _("This is not a valid reference.")
    return _("This value is not valid.")


def field_errors(error: ValidationError) -> dict[str, str]:
    """{field: first message} from a pydantic error, in words a person understands."""
    fields: dict[str, str] = {}
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or "__all__"
        fields.setdefault(name, _message(item))
    return fields


CUSTOM_PREFIX = "custom."  # form inputs of custom fields are named custom.<key>


def validate(schema: type[BaseModel], data) -> BaseModel:
    """Validate `data` (a dict or a form's MultiDict) or raise Invalid with per-field messages.

    A form's `custom.<key>` inputs go into the schema's `custom` dict when it has one.
    """
    if hasattr(data, "to_dict"):
        data = data.to_dict()
    custom = {name: value for name, value in data.items() if str(name).startswith(CUSTOM_PREFIX)}
    if custom and "custom" in schema.model_fields:
        data = {name: value for name, value in data.items() if name not in custom} | {"custom": custom}
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise Invalid(_("Please correct the marked fields."), fields=field_errors(error)) from None
