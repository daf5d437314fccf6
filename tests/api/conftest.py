"""API fixtures: a personal access token per user, and a client that sends it."""
import pytest

from app.schemas.accounts import TokenCreate
from app.schemas.activities import ActivityCreate
from app.schemas.contacts import OrganizationInput, PersonInput
from app.schemas.custom_fields import FieldDefinition
from app.schemas.deals import DealCreate
from app.schemas.leads import LeadInput
from app.services import activities, custom_fields, deals, leads, organizations, people, pipelines, tokens
from app.tenancy import tenant_context
from tests.conftest import TenantMade

PREFIX = "/api/v1"


class ApiClient:
    """The test client with a bearer token and the API prefix: api.get("/contacts")."""

    def __init__(self, client, secret: str):
        self.client, self.secret = client, secret

    def headers(self, **more) -> dict:
        return {"Authorization": f"Bearer {self.secret}", **more}

    def request(self, method: str, path: str, *, headers=None, **kwargs):
        return self.client.open(PREFIX + path, method=method, headers=self.headers(**(headers or {})), **kwargs)

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


def pipeline_ids(app, tenant: TenantMade) -> tuple:
    """(the first pipeline's id, its first stage's id) of a tenant."""
    with app.app_context(), tenant_context(tenant.id, channel="cli") as ctx:
        pipeline = pipelines.list_pipelines(ctx)[0]
        return pipeline.id, pipeline.stages[0].id


def make_records(app, tenant: TenantMade) -> dict:
    """One record of each kind, made by the tenant's admin; {path parameter: id} for every API route."""
    with app.app_context(), tenant_context(tenant.id, channel="web", user_id=tenant.admin.id) as ctx:
        organization = organizations.create_organization(ctx, data=OrganizationInput(name="Sweep Ltd"))
        person = people.create_person(ctx, data=PersonInput(first_name="Sweep", organization_id=organization.id))
        deal = deals.create_deal(ctx, data=DealCreate(name="Sweep deal", person_id=person.id))
        lead = leads.create_lead(ctx, data=LeadInput(name="Sweep lead"))
        activity = activities.log_activity(ctx, data=ActivityCreate(
            kind="task", subject="Sweep task", person_id=person.id, due_at="2030-01-01T09:00"))
        field = custom_fields.create_field(ctx, data=FieldDefinition(entity="person", label="Sweep", type="text"))
        ids = {"contact_id": person.id, "organization_id": organization.id, "deal_id": deal.id, "lead_id": lead.id,
               "activity_id": activity.id, "field_id": field.id, "user_id": tenant.admin.id}
    ids["pipeline_id"], ids["stage_id"] = pipeline_ids(app, tenant)
    return ids


def body_for(op, ids: dict) -> dict | None:
    """A valid body for an operation (so that what it answers is about permission or tenancy, not input)."""
    if op.body is None:
        return None
    return {
        "create_contact": {"first_name": "Sweep"},
        "create_organization": {"name": "Sweep"},
        "create_lead": {"name": "Sweep"},
        "create_deal": {"name": "Sweep"},
        "log_activity": {"kind": "note", "subject": "Sweep", "person_id": str(ids["contact_id"])},
        "convert_lead": {"deal_name": "Sweep"},
        "move_deal": {"stage_id": str(ids["stage_id"])},
        "lose_deal": {"reason": "Sweep"},
        "add_stage": {"name": "Sweep"},
        "create_pipeline": {"name": "Sweep"},
        "rename_pipeline": {"name": "Sweep"},
    }.get(op.endpoint, {})


def url_for_op(op, ids: dict) -> str:
    """The operation's path (without /api/v1) with its parameters filled from `ids`."""
    path = op.path.removeprefix(PREFIX)
    for name in op.path_params:
        path = path.replace("{" + name + "}", str(ids[name]))
    return path
