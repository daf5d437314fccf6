"""Reading an API request: the JSON body, the query string, the version a client expects."""
import json

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel

from app.api.errors import ApiError
from app.errors import Invalid
from app.schemas.base import validate
from app.services import records


def _unstorable(value, path="") -> str | None:
    """The path of the first string a database cannot store (NUL characters, lone surrogates), if any."""
    if isinstance(value, str):
        if "\x00" in value:
            return path or "__all__"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "__all__"
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and _unstorable(key, path):
            return path or "__all__"
        found = _unstorable(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


def _refuse_unstorable(value) -> None:
    where = _unstorable(value)
    if where:
        raise Invalid(_("Please correct the marked fields."),
                      fields={where: _("This text contains characters that cannot be stored.")})


def json_body() -> dict:
    """The request's JSON object; 400 when it is not JSON or not an object."""
    if request.mimetype != "application/json":
        raise ApiError(400, "bad_request", _("Send the body as JSON with Content-Type: application/json."))
    try:
        payload = json.loads(request.get_data(as_text=True) or "null")
    except (ValueError, RecursionError):
        raise ApiError(400, "bad_request", _("The body is not valid JSON.")) from None
    if not isinstance(payload, dict):
        raise ApiError(400, "bad_request", _("The body must be a JSON object."))
    try:
        _refuse_unstorable(payload)
    except RecursionError:
        raise ApiError(400, "bad_request", _("The body is nested too deeply.")) from None
    return payload


def parse_body(schema: type[BaseModel]) -> tuple[BaseModel, int | None]:
    """The body validated by `schema`, and the record version it says it was based on (if any)."""
    payload = json_body()
    version = payload.pop("version", None)
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        raise Invalid(_("Please correct the marked fields."),
                      fields={"version": _("Send the record's version, a whole number.")})
    return validate(schema, payload), version


def parse_query(schema: type[BaseModel]) -> BaseModel:
    """The query string validated by `schema` (422 with per-parameter messages)."""
    args = request.args.to_dict()
    _refuse_unstorable(args)
    return validate(schema, args)


def check_if_match(record, version: int | None = None) -> None:
    """412 when the client sent If-Match and the record's version is no longer the one it names;
    409 when the body's `version` (for actions, whose services take none) is stale."""
    records.check_version(record, version)
    if "If-Match" in request.headers and not request.if_match.contains(str(record.version)):
        raise ApiError(412, "precondition_failed",
                       _("The record changed since you read it (its ETag is now \"%(version)s\"). "
                         "Read it again and repeat your change.", version=record.version))
