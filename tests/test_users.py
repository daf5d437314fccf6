"""User administration: who may do it, roles, deactivation, the last admin, the audit trail."""
import pytest
from sqlalchemy import select

from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.models import AuditEvent, User
from app.schemas.accounts import ProfileUpdate, UserCreate
from app.services import users
from app.tenancy import tenant_context
from tests.conftest import login


@pytest.mark.parametrize("role", ["head", "rep", "support", "marketing"])
def test_only_admins_administer_users(client, make_tenant, role):
    acme = make_tenant("Acme", roles=(role,))
    login(client, acme.users[role])
    assert client.get("/settings/users").status_code == 200  # everyone sees the team
    add = client.post("/settings/users", data={"name": "X", "email": "x@acme.example", "role": "rep"})
    assert add.status_code == 403
    assert client.post(f"/settings/users/{acme.admin.id}/role", data={"role": "rep"}).status_code == 403
    assert client.post(f"/settings/users/{acme.admin.id}/active", data={"active": "false"}).status_code == 403
    assert client.get("/settings/organization").status_code == 403
    assert client.get("/settings/audit").status_code == 403
    assert "Add someone" not in client.get("/settings/users").get_data(as_text=True)


def test_admin_adds_a_user_and_changes_a_role(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    page = client.post("/settings/users", data={"name": "Rita Rep", "email": "rita@acme.example", "role": "rep",
                                                "method": "password"})
    assert page.status_code == 200 and "Rita Rep" in page.get_data(as_text=True)
    with app.app_context():
        rita = db.session.scalars(select(User).where(User.email == "rita@acme.example")).one()
    row = client.post(f"/settings/users/{rita.id}/role", data={"role": "head"}, headers={"HX-Request": "true"})
    assert row.status_code == 200
    assert row.get_data(as_text=True).lstrip().startswith(f'<tr id="user-{rita.id}"')
    with app.app_context():
        assert db.session.get(User, rita.id).role == "head"
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        change = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.role_changed")).one()
        assert change.changes == {"role": ["rep", "head"]} and change.actor_id == acme.admin.id
        assert change.channel == "web"


def test_add_user_form_errors_stay_next_to_fields(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    response = client.post("/settings/users", data={"name": "", "email": acme.admin.email, "role": "king"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="name-error"' in page and 'id="role-error"' in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_the_last_admin_cannot_be_demoted_or_deactivated(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    login(client, acme.admin)
    refused = client.post(f"/settings/users/{acme.admin.id}/role", data={"role": "rep"},
                          headers={"HX-Request": "true"})
    assert refused.status_code == 409 and "last active admin" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, acme.admin.id).role == "admin"
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        with pytest.raises(Conflict):
            users.set_active(ctx, user_id=acme.admin.id, active=False)
        users.change_role(ctx, user_id=acme.users["rep"].id, role="admin")
        users.change_role(ctx, user_id=acme.admin.id, role="rep")  # now someone else is admin


def test_deactivated_user_is_signed_out_and_cannot_sign_in(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    admin_client, rep_client = app.test_client(), app.test_client()
    login(admin_client, acme.admin)
    login(rep_client, acme.users["rep"])
    assert rep_client.get("/people").status_code == 200  # from now on the rep and their overdue count load together
    assert admin_client.post(f"/settings/users/{acme.users['rep'].id}/active", data={"active": "false"}).status_code == 302
    assert rep_client.get("/").status_code == 302
    response = rep_client.post("/login", data={"email": acme.users["rep"].email, "password": acme.users["rep"].password})
    assert response.status_code == 422 and "deactivated" in response.get_data(as_text=True)


def test_services_check_permissions_without_http(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.users["rep"].id) as rep:
        with pytest.raises(Forbidden):
            users.add_user(rep, data=UserCreate(name="N", email="n@acme.example", role="rep"))
        with pytest.raises(Forbidden):
            users.change_role(rep, user_id=acme.admin.id, role="rep")
        assert users.update_profile(rep, data=ProfileUpdate(name="Renamed")).name == "Renamed"


def test_another_tenants_user_is_not_found(app, make_tenant):
    acme, other = make_tenant("Acme"), make_tenant("Other")
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        with pytest.raises(NotFound):
            users.get_user(ctx, other.admin.id)
        with pytest.raises(NotFound):
            users.change_role(ctx, user_id=other.admin.id, role="rep")


def test_profile_name_change_is_validated_and_saved(client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    assert client.post("/profile", data={"name": " "}).status_code == 422
    assert client.post("/profile", data={"name": "New Name"}).status_code == 302
    assert "New Name" in client.get("/profile").get_data(as_text=True)


def test_audit_log_lists_and_filters(client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    login(client, acme.admin)
    client.post(f"/settings/users/{acme.users['rep'].id}/role", data={"role": "support"})
    everything = client.get("/settings/audit").get_data(as_text=True)
    assert "user.role_changed" in everything and "tenant.created" in everything
    filtered = client.get("/settings/audit?action=user.role_changed", headers={"HX-Request": "true"})
    rows = filtered.get_data(as_text=True)
    assert "<html" not in rows and "user.role_changed" in rows and "tenant.created" not in rows
    assert "Nothing recorded" in client.get("/settings/audit?since=2999-01-01").get_data(as_text=True)


def test_audit_log_pages_with_a_keyset_cursor(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        for n in range(60):
            users.change_role(ctx, user_id=acme.users["rep"].id, role="support" if n % 2 == 0 else "rep")
    login(client, acme.admin)
    first = client.get("/settings/audit").get_data(as_text=True)
    row = '<td data-label="When">'
    assert first.count(row) == 50
    cursor = first.split("before=")[1].split('"')[0].replace("&amp;", "&")
    second = client.get(f"/settings/audit?before={cursor}", headers={"HX-Request": "true"}).get_data(as_text=True)
    # 63 events in all: the tenant, two users, sixty role changes. The second page holds the rest.
    assert second.count(row) == 13 and "audit-more" not in second
    assert "tenant.created" in second
