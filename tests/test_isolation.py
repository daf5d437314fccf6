"""Tenant isolation: every GET route, as tenant A, never shows tenant B's data.

Two tenants are filled with marker data. Every registered GET route is requested as
A's admin (whole page and HTMX fragment); B's markers must never appear, and a route
given B's record ids must answer 404. New routes join by themselves; a route with a
new kind of id needs a line in ID_PARAMS saying which record of a tenant fills it.
"""
import io
import uuid

import pytest

from app.api.operations import OPERATIONS
from app.extensions import db
from app.models import Tenant
from app.schemas.activities import ActivityCreate
from app.schemas.contacts import OrganizationInput, PersonInput
from app.schemas.custom_fields import FieldDefinition
from app.schemas.deals import DealCreate
from app.schemas.imports import ImportChoices, ImportUpload
from app.schemas.leads import LeadInput
from app.schemas.webhooks import WebhookInput
from app.services import activities, audit, custom_fields, deals, files, imports, leads, organizations, people, webhooks
from app.tenancy import tenant_context
from tests.conftest import TenantMade, login
from tests.mcp_support import TOOLS, call, make_token, serve, text_of
from tests.webhook_receiver import Receiver

MARKER_A, MARKER_B = "MARKER-ALPHA-7f3a", "MARKER-BRAVO-9c1e"

# Route parameter -> the record of a tenant that fills it.
ID_PARAMS = {
    "user_id": lambda made: made.users["rep"].id,
    "field_id": lambda made: made.records["field"],
    # the timeline page of a record: a person of the tenant whose timeline carries the marker
    "subject_type": lambda made: "person",
    "subject_id": lambda made: made.records["timeline_person"],
    "activity_id": lambda made: made.records["activity"],
    # people and organisations: records named with the marker; `section` is a part of their Overview
    "person_id": lambda made: made.records["person"],
    "organization_id": lambda made: made.records["organization"],
    "section": lambda made: "details",
    # deals and leads: records named with the marker (the deal also linked to the marked organisation)
    "deal_id": lambda made: made.records["deal"],
    "lead_id": lambda made: made.records["lead"],
    "stage_id": lambda made: made.records["stage"],  # a board column holding the marked deal
    "attachment_id": lambda made: made.records["attachment"],
    # webhooks: a hook whose URL carries the marker, and the logged delivery of its test event
    "webhook_id": lambda made: made.records["webhook"],
    "delivery_id": lambda made: made.records["delivery"],
    # a finished spreadsheet import whose file name, rows and bad row carry the marker
    "run_id": lambda made: made.records["import_run"],
}
# Routes not swept, and why.
NOT_SWEPT = {
    "static": "public files, the same for everyone",
    "auth.accept_invite": "public: the secret token in the link is the credential",
}
# The API answers bearer tokens only (a session cookie gets 401): tests/api/test_isolation.py sweeps it with tokens.
NOT_SWEPT.update({f"api.{op.endpoint}": "swept with tokens in tests/api/test_isolation.py" for op in OPERATIONS})


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
            # a deal field of the same key in both tenants, shown in the list: only the values carry the marker
            custom_fields.create_field(ctx, data=FieldDefinition(entity="deal", label="PO number", type="text",
                                                                 show_in_list=True))
        with app.app_context(), tenant_context(tenant.id, channel="web", user_id=tenant.admin.id) as ctx:
            # activities: one on the timeline, a task due for the admin, one in the trash; all with the marker
            person = people.create_person(ctx, data=PersonInput(first_name="Timeline", last_name=marker))
            tenant.records["timeline_person"] = person.id
            for kind, extra in (("note", {}), ("task", {"due_at": "2020-01-01T09:00"}), ("call", {})):
                activity = activities.log_activity(ctx, data=ActivityCreate(
                    kind=kind, subject=f"{kind} {marker}", person_id=person.id, **extra))
                tenant.records.setdefault("activity", activity.id)
            activities.delete_activity(ctx, activity_id=activity.id)
        with app.app_context(), tenant_context(tenant.id, channel="web", user_id=tenant.admin.id) as ctx:
            organization = organizations.create_organization(ctx, data=OrganizationInput(
                name=f"Company {marker}", tags=[marker]))
            tenant.records["organization"] = organization.id
            tenant.records["person"] = people.create_person(ctx, data=PersonInput(
                first_name="Person", last_name=marker, email=f"{marker.lower()}@example.com",
                organization_id=organization.id, tags=[marker])).id
            tenant.records["attachment"] = files.attach_file(
                ctx, subject_type="person", subject_id=tenant.records["person"], filename=f"contract {marker}.txt",
                stream=io.BytesIO(f"Contract for {marker}".encode())).id
        with app.app_context(), tenant_context(tenant.id, channel="web", user_id=tenant.admin.id) as ctx:
            deal = deals.create_deal(ctx, data=DealCreate(
                name=f"Deal {marker}", value="1000", organization_id=tenant.records["organization"],
                custom={"po_number": f"PO {marker}"}))
            tenant.records["deal"], tenant.records["stage"] = deal.id, deal.stage_id
            tenant.records["lead"] = leads.create_lead(ctx, data=LeadInput(
                name=f"Lead {marker}", company=f"Lead company {marker}")).id
        app.config.update(WEBHOOK_ALLOW_HTTP=True, WEBHOOK_ALLOW_PRIVATE=True)  # the receiver is on loopback
        with Receiver() as receiver:
            with app.app_context(), tenant_context(tenant.id, channel="web", user_id=tenant.admin.id) as ctx:
                tenant.records["webhook"] = webhooks.create_webhook(ctx, data=WebhookInput(
                    url=receiver.url(f"/hooks/{marker}"), events=["deal.won"])).id
                webhooks.send_test(ctx, webhook_id=tenant.records["webhook"])
            with app.app_context(), tenant_context(tenant.id, channel="web", user_id=tenant.admin.id) as ctx:
                tenant.records["delivery"] = webhooks.list_deliveries(
                    ctx, webhook_id=tenant.records["webhook"])[0][0].id
        with app.app_context(), tenant_context(tenant.id, channel="web", user_id=tenant.admin.id) as ctx:
            content = f"Name,Email\nImported {marker},imported-{marker.lower()}@example.com\nBad {marker},not-an-email\n"
            run = imports.upload(ctx, data=ImportUpload(entity="person"), filename=f"{marker}.csv",
                                 content=content.encode())
            imports.start(ctx, run_id=run.id, data=ImportChoices(mapping=dict(run.mapping)))
            for _batch in imports.import_batches(ctx, run_id=run.id):
                pass
            tenant.records["import_run"] = run.id
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
    assert MARKER_B in client.get("/settings/webhooks").get_data(as_text=True)
    delivery = f"/settings/webhooks/{b.records['webhook']}/deliveries/{b.records['delivery']}"
    assert MARKER_B in client.get(delivery).get_data(as_text=True)


def test_filters_with_another_tenants_ids_show_nothing(client, tenants):
    a, b = tenants
    login(client, a.admin)
    page = client.get(f"/settings/audit?actor={b.admin.id}").get_data(as_text=True)
    assert MARKER_B not in page and "Nothing recorded" in page
    assert client.get(f"/settings/users/{uuid.uuid4()}").status_code == 404
    for group in ("overdue", "today", "upcoming"):  # a further page of My tasks (each admin has a task overdue)
        page = client.get(f"/tasks?group={group}").get_data(as_text=True)
        assert MARKER_B not in page and (f"task {MARKER_A}" in page) == (group == "overdue"), group


def test_people_and_organizations_show_only_their_own_tenant(client, tenants):
    """B's people and organisations show for B, never for A, also when A searches or filters for them."""
    a, b = tenants
    login(client, b.admin)
    assert f"Person {MARKER_B}" in client.get(f"/people?tag={MARKER_B}").get_data(as_text=True)
    assert f"Company {MARKER_B}" in client.get("/organizations?q=BRAVO").get_data(as_text=True)
    client.post("/logout")
    login(client, a.admin)
    for url in ("/people?q=BRAVO", f"/people?tag={MARKER_B}", f"/people?owner={b.admin.id}",
                "/organizations?q=BRAVO", f"/organizations?tag={MARKER_B}",
                f"/people/new?organization_id={b.records['organization']}"):
        body = client.get(url).get_data(as_text=True)  # the query itself echoes the marker: look for B's records
        assert f"Person {MARKER_B}" not in body and f"Company {MARKER_B}" not in body, url
        assert f"{MARKER_B.lower()}@example.com" not in body, url


def test_deals_and_leads_show_only_their_own_tenant(client, tenants):
    """B's deal and lead show for B (list, board, pages), never for A, also when A searches, filters or moves.

    The deal's custom field value (same field key in both tenants, shown as a list column) goes with it.
    """
    a, b = tenants
    login(client, b.admin)
    assert f"Deal {MARKER_B}" in client.get("/deals").get_data(as_text=True)
    assert f"PO {MARKER_B}" in client.get("/deals").get_data(as_text=True)
    assert f"PO {MARKER_B}" in client.get(f"/deals/{b.records['deal']}").get_data(as_text=True)
    assert f"Deal {MARKER_B}" in client.get("/deals/board").get_data(as_text=True)
    assert f"Lead {MARKER_B}" in client.get("/leads").get_data(as_text=True)
    client.post("/logout")
    login(client, a.admin)
    assert f"PO {MARKER_A}" in client.get("/deals").get_data(as_text=True)
    for url in ("/deals", f"/deals/{a.records['deal']}", f"/deals/{a.records['deal']}/edit",
                "/deals?q=BRAVO", f"/deals?owner={b.admin.id}", f"/deals/board?owner={b.admin.id}",
                f"/deals/new?organization_id={b.records['organization']}&person_id={b.records['person']}",
                "/leads?q=BRAVO", f"/leads?owner={b.admin.id}"):
        body = client.get(url).get_data(as_text=True)
        assert f"Deal {MARKER_B}" not in body and f"Lead {MARKER_B}" not in body, url
        assert f"Company {MARKER_B}" not in body and f"Person {MARKER_B}" not in body, url
        assert f"PO {MARKER_B}" not in body, url
    stage_id = client.get("/deals/board").get_data(as_text=True).split('data-stage-id="')[1].split('"')[0]
    assert client.post(f"/deals/{b.records['deal']}/move", data={"stage_id": stage_id}).status_code == 404
    assert client.post(f"/deals/{b.records['deal']}/won").status_code == 404
    assert client.post(f"/leads/{b.records['lead']}/convert", data={"deal_name": "Stolen"}).status_code == 404
    assert client.post(f"/leads/{b.records['lead']}/delete").status_code == 404


def test_mcp_tools_never_reach_another_tenant(app, tenants):
    """Every MCP tool, called with A's token, finds none of B's records and changes none of them."""
    a, b = tenants
    secret = make_token(app, a.id, a.admin.id)
    other = {kind: str(b.records[kind]) for kind in ("person", "organization", "deal", "lead", "activity")}
    calls = [
        ("search_contacts", {"query": "BRAVO"}), ("search_contacts", {"tag": MARKER_B}), ("search_contacts", {}),
        ("list_my_tasks", {"include_done": True}),
        ("get_contact", {"contact_id": other["person"]}),
        ("update_contact", {"contact_id": other["person"], "title": "Taken over"}),
        ("delete_contact", {"contact_id": other["person"], "confirm": True}),
        ("create_contact", {"first_name": "Spy", "organization_id": other["organization"]}),
        ("log_activity", {"kind": "call", "subject": "Spying", "contact_id": other["person"]}),
        ("log_activity", {"kind": "note", "subject": "Spying", "deal_id": other["deal"], "lead_id": other["lead"]}),
        ("complete_task", {"task_id": other["activity"]}),
        ("create_deal", {"name": "Stolen", "contact_id": other["person"], "organization_id": other["organization"]}),
        ("move_deal_stage", {"deal_id": other["deal"], "stage": "Closed Won"}),
    ]
    with serve(app) as url:
        mine = call(url, secret, "get_contact", {"contact_id": str(a.records["person"])})
        assert MARKER_A in text_of(mine)  # the sweep is not vacuous: A's token sees A's data
        for tool, arguments in calls:
            result = call(url, secret, tool, arguments)
            assert MARKER_B not in text_of(result), f"{tool} shows tenant B's data to tenant A"
            if tool not in ("search_contacts", "list_my_tasks"):
                assert result.is_error, f"{tool} with B's ids did not fail"
                assert "does not exist" in text_of(result) or "Choose" in text_of(result), text_of(result)
    assert {tool for tool, _ in calls} == TOOLS
    with app.app_context(), tenant_context(b.id, channel="cli") as ctx:
        person = people.get_person(ctx, person_id=b.records["person"])
        assert (person.title, person.deleted_at) == (None, None)
        deal = deals.get_deal(ctx, deal_id=b.records["deal"])
        assert (deal.status, deal.stage.name) == ("open", "Lead")
        assert activities.get_activity(ctx, activity_id=b.records["activity"]).done_at is None
    with app.app_context(), tenant_context(a.id, channel="cli") as ctx:
        assert [p.first_name for p in people.list_people(ctx, q="Spy")[0]] == []
