"""One log line per request with request id, tenant id and user id; no personal data."""
import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request

logger = logging.getLogger("roost.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestFields(logging.Filter):
    """Adds request_id, tenant and user to every record logged during a request."""

    def filter(self, record):
        ctx = g.get("ctx") if has_request_context() else None
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        record.tenant = ctx.tenant_id.hex if ctx else "-"
        record.user = ctx.user_id.hex if ctx and ctx.user_id else "-"
        return True


def _configure_once() -> None:
    roost = logging.getLogger("roost")
    if any(isinstance(f, RequestFields) for f in logger.filters):
        return
    handler = logging.StreamHandler()
    handler.addFilter(RequestFields())
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s request=%(request_id)s tenant=%(tenant)s user=%(user)s %(message)s"
    ))
    roost.addHandler(handler)
    roost.setLevel(logging.INFO)
    roost.propagate = False
    logger.addFilter(RequestFields())  # the request line carries the fields to every handler


def init_app(app: Flask) -> None:
    _configure_once()
    app.logger.addFilter(RequestFields())

    @app.before_request
    def start_timer():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response):
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        # The route's pattern, not the path: paths and query strings can carry search
        # terms, emails or invite tokens.
        route = request.url_rule.rule if request.url_rule else "(no route)"
        logger.info("%s %s %s %.1fms", request.method, route, response.status_code, elapsed_ms)
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response
