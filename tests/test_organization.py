"""Organisation settings: time zone and currency used for display, the admin MFA rule."""
from datetime import timedelta

from app.extensions import db
from app.models import Tenant, User
from app.models.base import utcnow
from tests.conftest import login


def settings(**overrides):
    return {"name": "Acme Farm", "timezone": "Asia/Tokyo", "currency": "JPY", "country": "JP",
            "mfa_required_for_admins": "true",
            **overrides}


def test_admin_changes_time_zone_and_currency(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    assert client.post("/settings/organization", data=settings()).status_code == 302
    with app.app_context():
        tenant = db.session.get(Tenant, acme.id)
        assert (tenant.name, tenant.timezone, tenant.currency, tenant.country) == ("Acme Farm", "Asia/Tokyo", "JPY", "JP")
    home = client.get("/").get_data(as_text=True)
    assert "Asia/Tokyo" in home and "JPY" in home
    audit = client.get("/settings/audit").get_data(as_text=True)
    assert "tenant.settings_changed" in audit and "Asia/Tokyo" in audit


def test_times_show_in_the_tenants_time_zone(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    client.post("/settings/organization", data=settings(timezone="Pacific/Kiritimati"))  # UTC+14
    with app.app_context():
        user = db.session.get(User, acme.admin.id)
        user.last_login_at = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
        db.session.commit()
    page = client.get(f"/settings/users/{acme.admin.id}").get_data(as_text=True)
    assert "2:00:00\u202fAM" in page or "2:00:00 AM" in page


def test_bad_settings_are_refused_next_to_the_field(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    response = client.post("/settings/organization", data=settings(timezone="Mars/Olympus", currency="XXQ"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="timezone-error"' in page and 'id="currency-error"' in page
    with app.app_context():
        assert db.session.get(Tenant, acme.id).timezone == "UTC"


def test_switching_the_mfa_rule_back_on_starts_a_new_grace_period(app, client, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context():
        tenant = db.session.get(Tenant, acme.id)
        tenant.mfa_required_since = utcnow() - timedelta(days=30)
        db.session.get(User, acme.admin.id).admin_since = utcnow() - timedelta(days=30)
        db.session.commit()
    login(client, acme.admin)
    assert client.get("/settings/organization").headers["Location"] == "/profile/mfa"  # overdue
    with app.app_context():
        db.session.get(Tenant, acme.id).mfa_required_for_admins = False
        db.session.commit()
    client.post("/settings/organization", data=settings())  # back on: 7 new days
    assert client.get("/settings/organization").status_code == 200
    assert "Set it up before" in client.get("/").get_data(as_text=True)
