"""Sign-up, login, the rate limit, MFA with TOTP and recovery codes, invitations, CSRF."""
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Tenant, User
from app.models.base import utcnow
from app.tenancy import tenant_context
from tests.conftest import PASSWORD, build_app, login


def signup(client, **overrides):
    form = {"organization": "Hen House", "name": "Hana", "email": "hana@henhouse.example",
            "password": PASSWORD, "timezone": "Europe/Berlin", "locale": "de-DE", **overrides}
    return client.post("/signup", data=form)


def test_signup_creates_tenant_and_admin_and_lands_inside(app, client):
    response = signup(client)
    assert response.status_code == 302 and response.headers["Location"] == "/welcome"  # the first-run wizard
    home = client.get("/")
    assert home.status_code == 200
    assert "Hen House" in home.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == "hana@henhouse.example")).one()
        assert user.role == "admin" and user.password_hash != PASSWORD
        tenant = db.session.get(Tenant, user.tenant_id)
        assert (tenant.timezone, tenant.currency, tenant.country, tenant.slug) == ("Europe/Berlin", "EUR", "DE", "hen-house")
    with app.app_context(), tenant_context(user.tenant_id, channel="cli"):
        assert {"tenant.created", "user.created"} <= set(db.session.scalars(select(AuditEvent.action)))


@pytest.mark.parametrize("field,value,message", [
    ("email", "not-an-email", "Enter an email address"),
    ("password", "short", "at least 8 characters"),
    ("organization", "   ", "Please fill this in"),
])
def test_signup_errors_show_next_to_the_field_and_create_nothing(app, client, field, value, message):
    response = signup(client, **{field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    with app.app_context():
        assert db.session.scalar(select(Tenant.id)) is None


def test_signup_with_a_taken_email_is_refused(app, client, make_tenant):
    acme = make_tenant("Acme")
    response = signup(client, email=acme.admin.email.upper())
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Tenant)).all()[0].id == acme.id


def test_wrong_password_gets_a_clear_message(client, make_tenant):
    acme = make_tenant("Acme")
    response = client.post("/login", data={"email": acme.admin.email, "password": "wrong password"})
    assert response.status_code == 422
    assert "email or password is not right" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_sixth_wrong_password_in_a_minute_is_refused_with_429(client, make_tenant):
    acme = make_tenant("Acme")
    for _ in range(5):
        assert client.post("/login", data={"email": acme.admin.email, "password": "nope nope"}).status_code == 422
    response = client.post("/login", data={"email": acme.admin.email, "password": "nope nope"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "wait" in response.get_data(as_text=True) and "seconds" in response.get_data(as_text=True)
    # Even the right password waits: the limit is on the account.
    assert client.post("/login", data={"email": acme.admin.email, "password": PASSWORD}).status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(client, make_tenant):
    acme = make_tenant("Acme")
    for _ in range(7):
        login(client, acme.admin)
        client.post("/logout")


def enable_mfa(client) -> str:
    """Turn MFA on for the signed-in user through the profile pages; returns the secret."""
    page = client.get("/profile/mfa").get_data(as_text=True)
    secret = page.split('<code class="secret">')[1].split("<")[0]
    response = client.post("/profile/mfa", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and "recovery codes" in response.get_data(as_text=True)
    return secret


def test_admin_with_mfa_cannot_finish_login_without_a_valid_code(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    page = client.get("/profile/mfa").get_data(as_text=True)
    assert "data:image/svg+xml" in page  # the QR code
    secret = enable_mfa(client)
    client.post("/logout")

    response = client.post("/login", data={"email": acme.admin.email, "password": PASSWORD})
    assert response.headers["Location"].startswith("/login/code")
    assert client.get("/").status_code == 302  # not signed in yet
    assert client.post("/login/code", data={"code": "000000"}).status_code == 422
    assert client.get("/settings/users").status_code == 302
    # A code from the enrolment step cannot be replayed: wait for the next one.
    with app.app_context():
        user = db.session.get(User, acme.admin.id)
        user.mfa_last_timecode -= 2
        db.session.commit()
    assert client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/").status_code == 200


def test_recovery_code_works_once(client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    enable_mfa(client)
    codes_page = client.post("/profile/mfa/recovery-codes").get_data(as_text=True)
    code = codes_page.split("<li><code>")[1].split("<")[0]
    client.post("/logout")
    client.post("/login", data={"email": acme.admin.email, "password": PASSWORD})
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")
    client.post("/login", data={"email": acme.admin.email, "password": PASSWORD})
    assert client.post("/login/code", data={"code": code}).status_code == 422


def test_admin_gets_a_banner_during_the_grace_period_then_must_enrol(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    assert "Set it up before" in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, acme.admin.id)
        user.admin_since = utcnow() - timedelta(days=8)
        user.tenant.mfa_required_since = utcnow() - timedelta(days=8)
        db.session.commit()
    client.post("/logout")
    login(client, acme.admin)
    response = client.get("/settings/users")
    assert response.status_code == 302 and response.headers["Location"] == "/profile/mfa"
    enable_mfa(client)
    assert client.get("/settings/users").status_code == 200


def test_reps_are_not_asked_for_mfa(client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    login(client, acme.users["rep"])
    assert "Set it up before" not in client.get("/").get_data(as_text=True)


def test_invited_user_sets_a_password_and_the_link_then_stops_working(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    page = client.post("/settings/users", data={"name": "Ivy", "email": "ivy@acme.example", "role": "support",
                                                "method": "invite"}).get_data(as_text=True)
    link = page.split("/invite/")[1].split("<")[0]
    client.post("/logout")
    assert client.post(f"/invite/{link}", data={"password": "123"}).status_code == 422
    assert client.post(f"/invite/{link}", data={"password": PASSWORD}).status_code == 302
    assert "Welcome, Ivy" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert client.get(f"/invite/{link}").status_code == 404


def test_temporary_password_must_be_replaced_first(client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    page = client.post("/settings/users", data={"name": "Tom", "email": "tom@acme.example", "role": "rep",
                                                "method": "password"}).get_data(as_text=True)
    temporary = page.split('<code class="secret">')[1].split("<")[0]
    client.post("/logout")
    client.post("/login", data={"email": "tom@acme.example", "password": temporary})
    assert client.get("/").headers["Location"] == "/profile/password"
    response = client.post("/profile/password", data={"current_password": temporary, "new_password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_password_change_needs_the_current_one(client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    response = client.post("/profile/password", data={"current_password": "guess", "new_password": "another pass"})
    assert response.status_code == 422 and "not your current password" in response.get_data(as_text=True)


@pytest.fixture
def csrf_app(request, tmp_path):
    return build_app(request, "sqlite", tmp_path, WTF_CSRF_ENABLED=True)


def test_unsafe_requests_need_the_csrf_token_htmx_sends_it_in_a_header(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/signup").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    form = {"organization": "Csrf Co", "name": "Cy", "email": "cy@csrf.example", "password": PASSWORD}
    refused = client.post("/signup", data=form)
    assert refused.status_code == 400 and "session expired" in refused.get_data(as_text=True)
    assert client.post("/signup", data=form, headers={"X-CSRFToken": token, "HX-Request": "true"}).status_code == 302
