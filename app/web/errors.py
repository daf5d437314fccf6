"""Friendly error pages for the HTML doors, and the mapping of domain errors to them."""
import math
import time

from flask import Flask, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db, limiter
from app.web.rendering import render

_TITLES = {
    400: lambda: _("That request did not make sense"),
    403: lambda: _("You do not have access to this"),
    404: lambda: _("We could not find that page"),
    405: lambda: _("That action is not possible here"),
    409: lambda: _("That could not be done"),
    413: lambda: _("That file is too large"),
    422: lambda: _("Please check what you entered"),
    429: lambda: _("Too many attempts"),
    500: lambda: _("Something went wrong on our side"),
}


def error_page(status: int, message: str | None = None, **extra):
    """The error page (or, for HTMX, just its message) with the given status."""
    title = _TITLES.get(status, _TITLES[500])()
    return render("errors/error.html", fragment="errors/_message.html", status=status,
                  code=status, title=title, message=message, **extra)


def changed_meanwhile() -> str:
    """What a save that lost a race hears: another request saved the same record between this one's read and
    its write (the version it read is gone), so nothing of this one was kept."""
    return _("Someone else changed this at the same moment, so your change was not saved. "
             "Reload to see theirs, then try again.")


def retry_after_seconds() -> int:
    """How long a rate-limited client must wait: until the limit it hit resets."""
    current = limiter.current_limit
    return max(1, math.ceil(current.reset_at - time.time())) if current else 60


def init_app(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def not_found(error):
        return error_page(404, error.message)

    @app.errorhandler(Forbidden)
    def forbidden(error):
        return error_page(403, error.message)

    @app.errorhandler(Conflict)
    def conflict(error):
        return error_page(409, error.message)

    @app.errorhandler(StaleDataError)
    def lost_race(error):
        db.session.rollback()  # the failed write left the transaction unusable; the page still reads
        return error_page(409, changed_meanwhile())

    @app.errorhandler(Invalid)
    def invalid(error):  # views re-render their forms; this catches the rest
        return error_page(422, error.message)

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return error_page(400, _("Your session expired or the form was sent twice. Go back, reload the page and try again."))

    @app.errorhandler(429)
    def too_many(error):
        wait = retry_after_seconds()
        response, status = error_page(429, _("For your security, wait %(seconds)d seconds before trying again.",
                                             seconds=wait), retry_after=wait)
        return response, status, {"Retry-After": str(wait)}

    @app.errorhandler(HTTPException)
    def http_error(error):
        return error_page(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("unhandled error on %s", request.endpoint)
        return error_page(500, _("The error was logged. Please try again in a moment."))
