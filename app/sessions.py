"""Requests that never use the cookie session get an empty one: the API's (tokens, not cookies) and static
files'. The cookie a browser sends along is not verified and decoded (that cost 4% of a small API request), no
user is loaded for it (a query per static file), and no cookie is written back."""
from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface


class CookielessSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except under `prefixes`, where every request has an empty session, as a
    client without cookies has: the answer and its headers are the same, and an unmodified empty session writes
    no cookie."""

    def __init__(self, *prefixes: str):
        self.prefixes = tuple(prefix.rstrip("/") + "/" for prefix in prefixes)

    def open_session(self, app: Flask, request: Request):
        if request.path.startswith(self.prefixes):
            return self.session_class()
        return super().open_session(app, request)
