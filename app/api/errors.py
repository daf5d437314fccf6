"""The API's errors: one JSON shape, {"error": {"code", "message", "fields"}}, for every failure."""
from flask import Flask, current_app, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from app import errors
from app.extensions import db
from app.schemas.base import CUSTOM_PREFIX
from app.web.errors import changed_meanwhile, retry_after_seconds

API_PREFIX = "/api/"
CUSTOM_FIELDS = "custom_fields."


class ApiError(Exception):
    """An error only the API door has (no token, a malformed body, a failed If-Match)."""

    def __init__(self, status: int, code: str, message: str, *, fields: dict | None = None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, fields: dict | None = None, headers=None):
    """The JSON answer for an error."""
    response = jsonify(error={"code": code, "message": message, "fields": fields or {}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


# Domain errors from services, and what they are on the wire.
DOMAIN = ((errors.NotFound, 404, "not_found"), (errors.Forbidden, 403, "forbidden"),
          (errors.Invalid, 422, "invalid"), (errors.Conflict, 409, "conflict"))
# Names for the plain HTTP errors Flask and Werkzeug raise themselves.
HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large", 500: "server_error"}


def init_blueprint(bp) -> None:
    """Answer every error of the API's own routes as JSON."""

    @bp.errorhandler(ApiError)
    def api_error(error: ApiError):
        return error_response(error.status, error.code, error.message, error.fields, error.headers)

    for exception, status, code in DOMAIN:
        bp.register_error_handler(exception, _domain_handler(status, code))

    @bp.errorhandler(StaleDataError)
    def lost_race(error):
        db.session.rollback()
        return error_response(409, "conflict", changed_meanwhile())

    @bp.errorhandler(429)
    def too_many(error):
        wait = retry_after_seconds()
        return error_response(429, "rate_limited", _("Too many requests. Wait %(seconds)d seconds and try again.",
                                                     seconds=wait), headers={"Retry-After": str(wait)})

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return http_error_response(error)

    @bp.errorhandler(Exception)
    def unexpected(error):
        current_app.logger.exception("unhandled API error on %s", request.endpoint)
        return error_response(500, "server_error", _("Something went wrong on our side. The error was logged."))


def _domain_handler(status: int, code: str):
    def handle(error: errors.DomainError):
        return error_response(status, code, error.message, api_field_names(error.fields))
    return handle


def api_field_names(fields: dict) -> dict:
    """Field messages under the API's names: services name custom fields as the forms do (custom.<key>)."""
    return {(CUSTOM_FIELDS + name.removeprefix(CUSTOM_PREFIX) if name.startswith(CUSTOM_PREFIX) else name): message
            for name, message in fields.items()}


def http_error_response(error: HTTPException):
    """A plain HTTP error (bad JSON, unknown URL, wrong method) as JSON."""
    status = error.code or 500
    allowed = error.valid_methods if isinstance(error, MethodNotAllowed) else None
    headers = {"Allow": ", ".join(allowed)} if allowed else {}
    messages = {404: _("There is no such endpoint."), 405: _("This endpoint does not take this method."),
                413: _("The request body is too large.")}
    message = messages.get(status) or _("The request could not be understood.")
    return error_response(status, HTTP_CODES.get(status, "error"), message, headers=headers)


def init_app(app: Flask) -> None:
    """Unknown URLs and wrong methods under /api/ answer JSON too (routing fails before any blueprint is known)."""
    web_handler = app.error_handler_spec[None][None].get(HTTPException)

    def routing_error(error: HTTPException):
        if request.path.startswith(API_PREFIX):
            return http_error_response(error)
        return web_handler(error) if web_handler else error

    app.register_error_handler(NotFound, routing_error)
    app.register_error_handler(MethodNotAllowed, routing_error)
