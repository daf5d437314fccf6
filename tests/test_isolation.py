"""Tenant isolation: every GET route, as tenant A, never shows tenant B's data.

Two tenants are filled with marker data. Every registered GET route is requested as
A's admin (whole page and HTMX fragment); B's markers must never appear, and a route
given B's record ids must answer 404. New routes join by themselves; a route with a
new kind of id needs a line in ID_PARAMS saying which record of a tenant fills it.
"""
import uuid

import pytest

from app.extensions import db
from app.models import Tenant
from app.schemas.custom_fields import FieldDefinition
from app.services import audit, custom_fields
from app.tenancy import tenant_context
from tests.conftest import TenantMade, login

MARKER_A, MARKER_B = "MARKER-ALPHA-7f3a", "MARKER-BRAVO-9c1e"

# Route parameter -> the record of a tenant that fills it.
ID_PARAMS = {
    "user_id": lambda made: made.users["rep"].id,
    "field_id": lambda made: made.records["field"],
}
# Routes not swept, and why.
NOT_SWEPT = {
    "static": "public files, the same for everyone",
    "auth.accept_invite": "public: the secret token in the link is the credential",
}


@pytest.fixture
def tenants(app, make_tenant):
    """Tenants A and B, each with an admin, a rep and audit events that carry its marker."""
    made = {}
    for key, marker in (("a", MARKER_A), ("b", MARKER_B)):
        tenant = make_tenant(f"Org {marker}", roles=("rep",), prefix=marker.lower())
        with app.app_context(), tenant_context(tenant.id, channel="cli") as ctx:
            audit.record(ctx, f"marker.{marker}", db.session.get(Tenant, tenant.id), {"note": (None, marker)})
            tenant.records["field"] = custom_fields.create_field(ctx, data=FieldDefinition(
                entity="person", label=f"Field {marker}", type="text")).id
        made[key] = tenant
    return made["a"], made["b"]


def swept_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint not in NOT_SWEPT:
            yield rule


def url_for_tenant(rule, made: TenantMade) -> str:
    missing = set(rule.arguments) - set(ID_PARAMS)
    assert not missing, f"{rule.rule}: add {missing} to ID_PARAMS in tests/test_isolation.py"
    return rule.build({arg: ID_PARAMS[arg](made) for arg in rule.arguments}, append_unknown=False)[1]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_tenant_a_never_sees_tenant_b(app, client, tenants, htmx):
    a, b = tenants
    headers = {"HX-Request": "true"} if htmx else {}
    login(client, a.admin)
    swept = 0
    for rule in swept_rules(app):
        own = client.get(url_for_tenant(rule, a), headers=headers)
        body = own.get_data(as_text=True)
        assert own.status_code < 500, f"{rule.rule}: {own.status_code}"
        assert MARKER_B not in body, f"{rule.rule} shows tenant B's data to tenant A"
        if rule.arguments:
            other = client.get(url_for_tenant(rule, b), headers=headers)
            assert other.status_code == 404, f"{rule.rule} with B's ids answered {other.status_code}"
            assert MARKER_B not in other.get_data(as_text=True)
        swept += 1
    assert swept >= 8


def test_markers_are_visible_to_their_own_tenant(client, tenants):
    """The sweep is not vacuous: B's markers do show up for B."""
    _, b = tenants
    login(client, b.admin)
    assert MARKER_B in client.get("/settings/users").get_data(as_text=True)
    assert MARKER_B in client.get("/settings/audit").get_data(as_text=True)


def test_filters_with_another_tenants_ids_show_nothing(client, tenants):
    a, b = tenants
    login(client, a.admin)
    page = client.get(f"/settings/audit?actor={b.admin.id}").get_data(as_text=True)
    assert MARKER_B not in page and "Nothing recorded" in page
    assert client.get(f"/settings/users/{uuid.uuid4()}").status_code == 404
