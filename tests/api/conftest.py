"""API fixtures: a personal access token per user, and a client that sends it."""
import pytest

from app.schemas.accounts import TokenCreate
from app.services import tokens
from app.tenancy import tenant_context
from tests.conftest import TenantMade

PREFIX = "/api/v1"


class ApiClient:
    """The test client with a bearer token and the API prefix: api.get("/contacts")."""

    def __init__(self, client, secret: str):
        self.client, self.secret = client, secret

    def request(self, method: str, path: str, *, headers=None, **kwargs):
        headers = {"Authorization": f"Bearer {self.secret}", **(headers or {})}
        return self.client.open(PREFIX + path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


def make_token(app, tenant: TenantMade, role: str = "admin") -> str:
    """A new token of the tenant's user with this role."""
    with app.app_context(), tenant_context(tenant.id, channel="cli", user_id=tenant.users[role].id) as ctx:
        return tokens.create_token(ctx, data=TokenCreate(name=f"test {role}"))[1]


@pytest.fixture
def api_as(app):
    """api_as(tenant, "rep") -> an ApiClient acting as that user through a token of their own."""
    def make(tenant: TenantMade, role: str = "admin") -> ApiClient:
        return ApiClient(app.test_client(), make_token(app, tenant, role))
    return make


@pytest.fixture
def acme(make_tenant):
    return make_tenant("Acme", roles=("head", "rep", "support", "marketing"))


@pytest.fixture
def api(api_as, acme) -> ApiClient:
    """Acme's admin through the API."""
    return api_as(acme)
