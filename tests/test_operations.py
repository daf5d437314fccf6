"""Health, logs, security headers, friendly error pages."""
import logging

from tests.conftest import build_app, login


def test_healthz_reports_the_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_healthz_says_when_redis_is_down(request, tmp_path):
    app = build_app(request, "sqlite", tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["redis"] == "unreachable"


def test_security_headers_and_a_csp_without_inline_script(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)


def test_session_cookie_flags(request, tmp_path):
    app = build_app(request, "sqlite", tmp_path, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    client.post("/login", data={"email": "x@y.example", "password": "whatever"})
    cookie = client.get_cookie("session")
    assert cookie is None or (cookie.secure and cookie.http_only)


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_one_log_line_per_request_with_ids_and_no_personal_data(client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    collect, request_logger = Collect(), logging.getLogger("roost.request")
    request_logger.addHandler(collect)
    try:
        client.get("/settings/users?q=secret-search", headers={"X-Request-ID": "req-12345678"})
    finally:
        request_logger.removeHandler(collect)
    lines = collect.records
    assert len(lines) == 1
    record = lines[0]
    assert record.request_id == "req-12345678"
    assert record.tenant == acme.id.hex and record.user == acme.admin.id.hex
    text = record.getMessage()
    assert "/settings/users" in text and "secret-search" not in text and acme.admin.email not in text


def test_friendly_error_pages(client, make_tenant):
    assert "could not find that page" in client.get("/no-such-page").get_data(as_text=True)
    acme = make_tenant("Acme", roles=("rep",))
    login(client, acme.users["rep"])
    forbidden = client.get("/settings/audit")
    assert forbidden.status_code == 403 and "role does not allow" in forbidden.get_data(as_text=True)


def test_unexpected_errors_get_a_friendly_500(request, tmp_path):
    app = build_app(request, "sqlite", tmp_path, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500 and "went wrong on our side" in response.get_data(as_text=True)
