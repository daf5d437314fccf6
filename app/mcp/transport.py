"""How MCP clients reach the tools: streamable HTTP at /mcp beside the Flask app, and stdio.

The SDK's HTTP transport is an ASGI app and Flask is WSGI. `McpMount` wraps the Flask app's
WSGI callable: /mcp is authenticated here (a personal access token, as for the API) and handed
to the ASGI app through a2wsgi; every other path goes to Flask. So one process and one port
serve both under `flask run`, gunicorn and the test client. The transport is stateless with
JSON responses: one HTTP request is one tool call and one transaction.
"""
import asyncio
import concurrent.futures
import json
import threading

from a2wsgi import ASGIMiddleware
from flask import Flask
from flask_babel import gettext as _
from mcp.server.mcpserver import Context
from mcp.server.transport_security import TransportSecuritySettings

from app.extensions import db
from app.mcp.tools import Caller, create_server
from app.services import tokens
from app.transactions import finish

PATH = "/mcp"
CALLER = "roost.mcp.caller"  # the WSGI environ key that carries the authenticated Caller to the tools
STARTUP_TIMEOUT = 10  # seconds


def caller_for(app: Flask, secret: str) -> Caller | None:
    """Who a personal access token acts as, or None for a missing, revoked or unknown one."""
    with app.app_context():
        token = tokens.authenticate(secret)
        caller = Caller(tenant_id=token.tenant_id, user_id=token.user_id) if token else None
        finish(db.session)  # authenticate() notes when the token was last used, once a minute
        return caller


def serve_stdio(app: Flask, caller: Caller) -> None:
    """Serve the tools over stdin/stdout as `caller` until the client closes the pipe."""
    create_server(app, identify=lambda _context: caller).run("stdio")


def _caller_of_request(context: Context) -> Caller:
    """The Caller McpMount put into the request's WSGI environ (a2wsgi passes the environ on in the scope)."""
    return context.request_context.request.scope["wsgi_environ"][CALLER]


class McpMount:
    """WSGI middleware: /mcp goes to the MCP server once its Bearer token checks out; the rest to Flask."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self._bridge: ASGIMiddleware | None = None
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            return self.wsgi_app(environ, start_response)
        scheme, _space, secret = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        caller = caller_for(self.app, secret.strip()) if scheme.lower() == "bearer" else None
        if caller is None:
            return self._unauthorized(start_response)
        environ[CALLER] = caller
        return self._server()(environ, start_response)

    def _unauthorized(self, start_response):
        with self.app.app_context():
            message = _("Send a personal access token as 'Authorization: Bearer <token>'. "
                        "Make one on your profile page.")
        body = json.dumps({"error": {"code": "unauthorized", "message": message}}).encode()
        start_response("401 Unauthorized", [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                            ("WWW-Authenticate", 'Bearer realm="Roost"')])
        return [body]

    def _server(self) -> ASGIMiddleware:
        """The ASGI side, made on first use: a2wsgi's event loop thread must start after a server forks."""
        with self._lock:
            if self._bridge is None:
                asgi = create_server(self.app, identify=_caller_of_request).streamable_http_app(
                    streamable_http_path=PATH, stateless_http=True, json_response=True,
                    # Every request must carry a token a rebinding page cannot have; hosts are the proxy's business.
                    transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
                )
                bridge = ASGIMiddleware(asgi)
                _start_lifespan(asgi, bridge.loop)
                self._bridge = bridge
            return self._bridge


def _start_lifespan(asgi, loop: asyncio.AbstractEventLoop) -> None:
    """Run the ASGI app's startup on the bridge's event loop (a2wsgi speaks HTTP only) and keep it up.

    The SDK's session manager lives in that lifespan. No shutdown is sent: it lasts as long as the process.
    """
    started = concurrent.futures.Future()
    events = iter([{"type": "lifespan.startup"}])

    async def receive():
        event = next(events, None)
        if event is None:
            await asyncio.Event().wait()  # never set: the app stays up until the process ends
        return event

    async def send(message):
        if message["type"] == "lifespan.startup.complete":
            started.set_result(None)
        elif message["type"] == "lifespan.startup.failed":
            started.set_exception(RuntimeError(message.get("message") or "MCP server failed to start"))

    asyncio.run_coroutine_threadsafe(asgi({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
                                          receive, send), loop)
    started.result(timeout=STARTUP_TIMEOUT)
