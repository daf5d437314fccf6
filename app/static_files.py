"""Static files under URLs that name their content, kept by browsers for a year.

A page links eight static files. Sent with `no-cache`, each page view asked for every one of them again (a
conditional request, answered 304 Not Modified), and each request cost the server as much as a small page.
Now a link to a static file carries a hash of its content (`app.css?v=1a2b3c4d5e6f`); a request with the
current hash is answered with a year's max-age, and a changed file gets a new link. A request without the
hash, or with an old one (a page saved offline), still gets the current file, marked `no-cache`.
"""
import hashlib
from functools import lru_cache

from flask import Flask, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=512)
def content_version(folder: str, filename: str) -> str | None:
    """A short hash of a static file's bytes; None when there is no such file in `folder`. Kept for the process's
    life, as templates are: a deployment restarts it."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        with open(path, "rb") as file:
            return hashlib.sha256(file.read()).hexdigest()[:12]
    except OSError:
        return None


class VersionedStatic(Flask):
    """Flask whose static files, asked for under their current version, may be kept for a year."""

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        asked = request.args.get("v")
        if asked and filename and asked == content_version(self.static_folder, filename):
            return YEAR
        return super().get_send_file_max_age(filename)


def init_app(app: Flask) -> None:
    @app.url_defaults
    def add_content_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            version = content_version(app.static_folder, values.get("filename", ""))
            if version:
                values["v"] = version
