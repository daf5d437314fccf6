"""The OpenAPI 3.1 document, built from the registered operations and their pydantic schemas."""
from functools import cache

from flask import jsonify
from pydantic.json_schema import models_json_schema

from app.api.operations import OPERATIONS, Operation, bp
from app.schemas.api_outputs import Error

REF = "#/components/schemas/{model}"
ERROR_DESCRIPTIONS = {
    400: "The body is not JSON, not an object, or not sent as application/json.",
    401: "No working token in Authorization: Bearer.",
    403: "Your role does not allow this (see the permission).",
    404: "No such record in your organization (another organization's records are not found either).",
    409: "A conflict: the `version` sent is stale, a duplicate exists, or the record's state forbids it.",
    412: "If-Match names a version that is no longer the record's.",
    422: "The input is not valid; `fields` says what is wrong with each field or parameter.",
    429: "Too many requests for this token; wait the seconds in Retry-After.",
    500: "An unexpected error, logged on our side.",
}
SUCCESS_DESCRIPTIONS = {200: "OK", 201: "Created", 204: "Done; no body."}
VERSION = {"type": "integer", "minimum": 1,
           "description": "The record's version as you read it; a record changed since is refused with 409."}


def _models() -> list[tuple]:
    """Every (schema, mode) the operations use: bodies and queries as validated, responses as serialised."""
    wanted = [(Error, "serialization")]
    for op in OPERATIONS:
        wanted += [(op.body, "validation")] if op.body else []
        wanted += [(op.query, "validation")] if op.query else []
        wanted += [(op.response, "serialization")] if op.response else []
    return list(dict.fromkeys(wanted))


def _without_null(schema: dict) -> dict:
    """A query parameter's schema without its `null` choice: a parameter is either sent or not."""
    choices = [choice for choice in schema.get("anyOf", []) if choice.get("type") != "null"]
    if len(choices) == 1:
        rest = {key: value for key, value in schema.items() if key not in ("anyOf", "default")}
        return {**choices[0], **rest}
    return {key: value for key, value in schema.items() if key != "default" or value is not None}


def _parameters(op: Operation, refs: dict, schemas: dict) -> list[dict]:
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
              for name in op.path_params]
    if op.query is not None:
        query = schemas[refs[(op.query, "validation")]["$ref"].rsplit("/", 1)[1]]
        for name, schema in query["properties"].items():
            params.append({"name": name, "in": "query", "required": False,
                           "description": schema.get("description", ""), "schema": _without_null(schema)})
    if op.method == "POST":
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "description": "Retrying with the same key and body returns the first response and "
                                      "creates nothing; the same key with another body is 422. Kept 24 hours.",
                       "schema": {"type": "string", "minLength": 1, "maxLength": 200}})
    if op.if_match:
        params.append({"name": "If-Match", "in": "header", "required": False,
                       "description": "The ETag of the record as you read it; a changed record answers 412.",
                       "schema": {"type": "string"}})
    return params


def _responses(op: Operation, refs: dict) -> dict:
    success: dict = {"description": SUCCESS_DESCRIPTIONS.get(op.status, "OK")}
    if op.response is not None:
        success["content"] = {"application/json": {"schema": refs[(op.response, "serialization")]}}
    if op.etag:
        success["headers"] = {"ETag": {"description": "The record's version.", "schema": {"type": "string"}}}
    status = op.status if op.response is not None else 204
    responses = {str(status): success}
    error = {"application/json": {"schema": refs[(Error, "serialization")]}}
    for code in op.errors:
        responses[str(code)] = {"description": ERROR_DESCRIPTIONS[code], "content": error}
    responses["429"]["headers"] = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
    return responses


def _operation(op: Operation, refs: dict, schemas: dict) -> dict:
    permission = ("\n\nPermission: " + ", ".join(f"`{name}`" for name in op.permissions) + "."
                  if op.permissions else "")
    spec = {"operationId": op.endpoint, "summary": op.summary, "description": op.description + permission,
            "tags": [op.tag], "parameters": _parameters(op, refs, schemas), "responses": _responses(op, refs)}
    if op.body is not None:
        content = {"schema": refs[(op.body, "validation")]} | ({"example": op.example} if op.example else {})
        spec["requestBody"] = {"required": True, "content": {"application/json": content}}
    return spec


@cache
def document() -> dict:
    """The whole document (built once: the operations are fixed when the app starts)."""
    refs, definitions = models_json_schema(_models(), ref_template=REF)
    schemas = definitions.get("$defs", {})
    for op in OPERATIONS:
        if op.if_match and op.body is not None:  # read from the body before the schema validates the rest
            name = refs[(op.body, "validation")]["$ref"].rsplit("/", 1)[1]
            schemas[name]["properties"]["version"] = VERSION
    paths: dict = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Roost API", "version": "1",
                 "description": "The JSON API of Roost. Authenticate with a personal access token from your "
                                "profile page: `Authorization: Bearer <token>`. See /api/docs."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "A personal access token."}}},
    }


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI document (public: it describes the API, it holds no data)."""
    return jsonify(document())
