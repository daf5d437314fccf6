"""The API's operations: each route registers what it takes and answers, for the wrapper and the OpenAPI document."""
import functools
import hashlib
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import Blueprint, current_app, g, jsonify, request
from pydantic import BaseModel

from app.api.requests import parse_body, parse_query
from app.permissions import require
from app.services import idempotency

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@dataclass(frozen=True)
class Operation:
    """One endpoint: its method and rule, the schemas of its input and output, and its documented answers."""

    method: str
    rule: str  # Flask's, e.g. /contacts/<uuid:contact_id>
    endpoint: str
    summary: str
    description: str
    tag: str
    permissions: tuple[str, ...]  # every one of them is needed
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None  # None: 204 No Content
    status: int
    etag: bool  # the answer carries the record's version as ETag
    if_match: bool  # a stale If-Match header is refused with 412
    errors: tuple[int, ...] = field(default=())
    example: dict | None = None

    @property
    def path(self) -> str:
        """The OpenAPI path: /contacts/{contact_id}."""
        return bp.url_prefix + re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", self.rule)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"<(?:[^:>]+:)?([^>]+)>", self.rule)


OPERATIONS: list[Operation] = []


def operation(method: str, rule: str, *, summary: str, tag: str, permission: str | tuple[str, ...] = (),
              body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
              response: type[BaseModel] | None = None, status: int = 200, etag: bool = False,
              if_match: bool | None = None, example: dict | None = None):
    """Register a view as an API operation.

    The view gets the path parameters, `data` (the validated body, with `version` from it) and `args` (the
    validated query) as keyword arguments, and returns what `response` describes (a model instance, or the
    (items, next_cursor) of a page); the wrapper serialises it. `if_match` (by default: a change answering with
    an ETag, of a record named in the path) says the view checks If-Match. `example` is a body for the docs.
    """
    def decorator(view):
        permissions = (permission,) if isinstance(permission, str) else tuple(permission)
        errors = [401, 429, 500]
        if permissions:
            errors.append(403)
        if body is not None:
            errors += [400, 422]
        if query is not None:
            errors.append(422)
        if "<" in rule:
            errors.append(404)
        checks_if_match = etag and method != "GET" and "<" in rule if if_match is None else if_match
        if checks_if_match:
            errors.append(412)
        if method in ("POST", "PATCH", "DELETE"):
            errors.append(409)
        if method == "POST":
            errors.append(422)  # an Idempotency-Key reused with another request
        op = Operation(method, rule, view.__name__, summary, (view.__doc__ or "").strip(), tag, permissions,
                       body, query, response, status, etag, checks_if_match, tuple(sorted(set(errors))), example)
        OPERATIONS.append(op)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=_wrap(op, view), methods=[method])
        return view
    return decorator


def _wrap(op: Operation, view):
    @functools.wraps(view)
    def handle(**path):
        for permission in op.permissions:  # a refused role hears so before its input is read, as on the pages
            require(g.ctx, permission)
        kwargs = dict(path)
        if op.body is not None:
            kwargs["data"], kwargs["version"] = parse_body(op.body)
        if op.query is not None:
            kwargs["args"] = parse_query(op.query)
        if op.method == "POST" and request.headers.get("Idempotency-Key") is not None:
            return _idempotent(op, view, kwargs)
        return _answer(op, view(**kwargs))
    return handle


def _answer(op: Operation, result):
    """The view's result as JSON in the shape `op.response` documents (204 with no body when it has none)."""
    if op.response is None:
        return "", 204
    if isinstance(result, tuple):  # a page of a list
        items, cursor = result
        # Rows of just the columns a list reads (contact_lists.page_select) validate from their dicts: reading them
        # as attributes took a third longer.
        items = [vars(item) if isinstance(item, SimpleNamespace) else item for item in items]
        payload = op.response.model_validate({"items": items, "next_cursor": cursor}, from_attributes=True)
    else:
        payload = op.response.model_validate(result, from_attributes=True)
    # pydantic writes the JSON itself: a page of 50 contacts dumped to dicts, then encoded, cost twice as much.
    response = current_app.response_class(payload.model_dump_json(), status=op.status, mimetype="application/json")
    if op.etag:
        response.set_etag(str(result.version))
    return response


def _idempotent(op: Operation, view, kwargs):
    """Run a POST once per Idempotency-Key: a retry with the same key and body gets the first answer again.

    Every POST answers with a body, so the stored body and status are the whole answer.
    """
    key = idempotency.check_key(request.headers["Idempotency-Key"])
    request_line = f"{request.method} {request.path}"
    fingerprint = hashlib.sha256(request.get_data()).hexdigest()
    stored = idempotency.find_response(g.ctx, key=key, request_line=request_line, fingerprint=fingerprint)
    if stored is not None:
        response = jsonify(stored.response_body)
        response.status_code = stored.status_code
        response.headers["Idempotent-Replayed"] = "true"
        if op.etag:
            response.set_etag(str(stored.response_body["version"]))
    else:
        response = _answer(op, view(**kwargs))
        idempotency.remember_response(g.ctx, key=key, request_line=request_line, fingerprint=fingerprint,
                                      status_code=response.status_code, body=response.get_json())
    return response
