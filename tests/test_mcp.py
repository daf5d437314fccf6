"""The MCP server through the `mcp` SDK's own client, over streamable HTTP (/mcp) and stdio (`flask mcp`).

Every call acts as the token's user in the token's tenant, goes through the services (so
permissions and the tenant guard hold), is audited with channel mcp, and shows on the timeline.
"""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx2
import pytest
from mcp import Client, ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Person
from app.schemas.contacts import PersonInput
from app.services import activities, deals, people, tokens, users
from app.tenancy import tenant_context
from tests.mcp_support import TOOLS, call, http_session, make_token, run_async, serve, text_of

ROOT = Path(__file__).resolve().parent.parent


async def create_contact_and_log_a_call(session: ClientSession) -> tuple[set, str, str]:
    """What an assistant does first: look at the tools, add a contact, log a call on them."""
    listed = await session.list_tools()
    created = await session.call_tool("create_contact", {
        "first_name": "Grace", "last_name": "Hopper", "email": "grace@navy.example", "tags": ["admiral"]})
    assert not created.is_error, text_of(created)
    contact_id = created.structured_content["id"]
    logged = await session.call_tool("log_activity", {
        "kind": "call", "subject": "Called about COBOL training", "contact_id": contact_id,
        "duration_minutes": 15, "outcome": "Interested"})
    assert not logged.is_error, text_of(logged)
    assert logged.structured_content["channel"] == "mcp"
    assert logged.structured_content["about"] == {"type": "contact", "id": contact_id, "name": "Grace Hopper"}
    return {tool.name: tool for tool in listed.tools}, contact_id, logged.structured_content["id"]


def assert_done_through_mcp(app, tenant, user, contact_id: str, activity_id: str, secret: str) -> None:
    """The contact and the call exist, on the timeline and in the audit log, as the user through mcp,
    and the REST API shows both to the same token."""
    api = app.test_client()
    auth = {"Authorization": f"Bearer {secret}"}
    contact = api.get(f"/api/v1/contacts/{contact_id}", headers=auth).get_json()
    assert (contact["first_name"], contact["last_name"], contact["email"]) == ("Grace", "Hopper", "grace@navy.example")
    calls = api.get(f"/api/v1/activities?person_id={contact_id}", headers=auth).get_json()["items"]
    assert [(c["id"], c["kind"], c["channel"]) for c in calls] == [(activity_id, "call", "mcp")]
    with app.app_context(), tenant_context(tenant.id, channel="cli") as ctx:
        person = people.get_person(ctx, person_id=uuid.UUID(contact_id))
        assert (person.name, person.email, person.tags, person.owner_id) == (
            "Grace Hopper", "grace@navy.example", ["admiral"], user.id)
        entries = activities.timeline(ctx, person_id=person.id).items
        assert [(e.id, e.kind, e.channel, e.user_id, e.duration_minutes) for e in entries] == [
            (uuid.UUID(activity_id), "call", "mcp", user.id, 15)]
        events = db.session.execute(select(AuditEvent.action, AuditEvent.channel, AuditEvent.actor_id).where(
            AuditEvent.entity_id.in_([person.id, uuid.UUID(activity_id)]))).all()
        assert sorted(events) == [("activity.created", "mcp", user.id), ("person.created", "mcp", user.id)]


@pytest.mark.postgres
@pytest.mark.parametrize("app", ["postgresql"], indirect=True)  # where production runs
def test_over_http_an_assistant_lists_tools_creates_a_contact_and_logs_a_call(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"]
    secret = make_token(app, acme.id, rep.id)

    async def scenario(url):
        async with http_session(url, secret) as session:
            return await create_contact_and_log_a_call(session)

    with serve(app) as url:
        tools, contact_id, activity_id = run_async(scenario(url))
    assert set(tools) == TOOLS
    assert all(tool.description and tool.input_schema["type"] == "object" for tool in tools.values())
    assert tools["delete_contact"].annotations.destructive_hint is True
    assert "confirm" in tools["delete_contact"].input_schema["properties"]
    assert tools["search_contacts"].annotations.read_only_hint is True
    assert tools["update_contact"].annotations.destructive_hint is False
    assert tools["log_activity"].input_schema["required"] == ["kind", "subject"]
    assert_done_through_mcp(app, acme, rep, contact_id, activity_id, secret)


def test_over_stdio_flask_mcp_serves_the_same_tools(app, make_tenant, tmp_path):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"]
    secret = make_token(app, acme.id, rep.id)
    parameters = StdioServerParameters(
        command=sys.executable, args=["-m", "flask", "--app", "wsgi", "mcp"], cwd=str(ROOT),
        env=stdio_environment(app, tmp_path, ROOST_API_TOKEN=secret))

    async def scenario():
        async with stdio_client(parameters) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await create_contact_and_log_a_call(session)

    tools, contact_id, activity_id = run_async(scenario())
    assert set(tools) == TOOLS
    assert_done_through_mcp(app, acme, rep, contact_id, activity_id, secret)


def test_the_sdks_client_on_the_newer_protocol_works_too(app, make_tenant):
    """`mcp.Client` negotiates the 2026-07-28 protocol (no initialize handshake); the tools answer the same."""
    acme = make_tenant("Acme")
    secret = make_token(app, acme.id, acme.admin.id)
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        people.create_person(ctx, data=PersonInput(first_name="Barbara", last_name="Liskov"))

    async def scenario(url):
        async with (httpx2.AsyncClient(headers={"Authorization": f"Bearer {secret}"}) as http,
                    Client(streamable_http_client(url, http_client=http)) as client):
            return client.protocol_version, await client.call_tool("search_contacts", {"query": "liskov"})

    with serve(app) as url:
        version, found = run_async(scenario(url))
    assert version == "2026-07-28"
    assert [c["name"] for c in found.structured_content["contacts"]] == ["Barbara Liskov"]


def stdio_environment(app, tmp_path, **extra) -> dict:
    """The environment of `flask mcp` as a client would start it: this test's database, no token unless given."""
    environment = {key: value for key, value in os.environ.items() if key != "ROOST_API_TOKEN"}
    environment.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="test-secret-key",
                       ROOST_INSTANCE_PATH=str(tmp_path / "instance"), **extra)
    environment.pop("REDIS_URL", None)
    return environment


@pytest.mark.parametrize("token, message", [
    (None, "Set ROOST_API_TOKEN"),
    ("roost_not-a-real-token", "not a working token"),
])
def test_stdio_without_a_working_token_exits_with_a_message(app, tmp_path, token, message):
    extra = {"ROOST_API_TOKEN": token} if token else {}
    finished = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "mcp"], cwd=ROOT, input="",
                              env=stdio_environment(app, tmp_path, **extra), capture_output=True, text=True,
                              timeout=60)
    assert finished.returncode != 0
    assert message in finished.stderr and finished.stdout == ""


@pytest.mark.parametrize("authorization", [None, "Bearer roost_wrong", "Basic dXNlcjpwYXNz", "Bearer "])
def test_http_without_a_working_token_is_401_json(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    error = response.get_json()["error"]
    assert error["code"] == "unauthorized" and "Bearer" in error["message"]


def test_a_revoked_token_stops_working(app, make_tenant):
    acme = make_tenant("Acme")
    secret = make_token(app, acme.id, acme.admin.id)
    with serve(app) as url:
        assert not call(url, secret, "search_contacts").is_error
        with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
            tokens.revoke_token(ctx, token_id=tokens.list_tokens(ctx)[0].id)
        assert app.test_client().post("/mcp", json={}, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_delete_contact_without_confirm_changes_nothing(app, make_tenant):
    acme = make_tenant("Acme")
    secret = make_token(app, acme.id, acme.admin.id)
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        person_id = str(people.create_person(ctx, data=PersonInput(first_name="Ada", last_name="Lovelace")).id)
    with serve(app) as url:
        refused = call(url, secret, "delete_contact", {"contact_id": person_id})
        assert refused.is_error
        assert "Nothing was deleted" in text_of(refused) and "Ada Lovelace" in text_of(refused)
        assert "confirm: true" in text_of(refused)
        assert not call(url, secret, "get_contact", {"contact_id": person_id}).is_error
        with app.app_context(), tenant_context(acme.id, channel="cli"):
            assert db.session.scalars(select(AuditEvent.action).where(
                AuditEvent.entity_id == uuid.UUID(person_id))).all() == ["person.created"]

        deleted = call(url, secret, "delete_contact", {"contact_id": person_id, "confirm": True})
        assert not deleted.is_error and deleted.structured_content["deleted"] == person_id
        gone = call(url, secret, "get_contact", {"contact_id": person_id})
        assert gone.is_error and "does not exist" in text_of(gone)
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert ("person.deleted", "mcp") in db.session.execute(select(AuditEvent.action, AuditEvent.channel).where(
            AuditEvent.entity_id == uuid.UUID(person_id))).all()


def test_bad_input_gets_a_clear_tool_error_and_writes_nothing(app, make_tenant):
    acme = make_tenant("Acme")
    secret = make_token(app, acme.id, acme.admin.id)
    with serve(app) as url:
        cases = [
            ("create_contact", {"title": "Nobody"}, "Give at least a first or a last name."),
            ("create_contact", {"first_name": "Bo", "email": "not-an-email"},
             "email: Enter an email address like name@example.com."),
            ("create_contact", {"first_name": "Bo", "organization_id": str(uuid.uuid4())},
             "organization_id: Choose an organisation from the list."),
            ("log_activity", {"kind": "task", "subject": "Follow up"}, "due_at: When is this due?"),
            ("log_activity", {"kind": "call", "subject": "Called"}, "Choose the person, organisation, lead or deal"),
            ("log_activity", {"kind": "fax", "subject": "Faxed"}, "kind"),
            ("log_activity", {"kind": "call", "subject": "Called", "contact_id": "garbage"},
             "contact_id: This is not a valid reference."),
            ("create_deal", {"name": "Big one", "value": "a lot"}, "value: Enter an amount like 1200 or 1200.50."),
            ("create_deal", {"name": "Big one", "stage": "Nowhere"}, "stage: Choose one of the stages of Sales"),
            ("get_contact", {"contact_id": "garbage"}, "This record does not exist."),
            ("complete_task", {"task_id": str(uuid.uuid4())}, "does not exist"),
        ]
        for tool, arguments, expected in cases:
            result = call(url, secret, tool, arguments)
            assert result.is_error, (tool, arguments)
            assert expected in text_of(result), (tool, text_of(result))
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert people.list_people(ctx)[0] == [] and deals.list_deals(ctx)[0] == []
        assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.channel == "mcp")).all() == []


def test_tools_update_contacts_move_deals_and_do_tasks(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"]
    secret = make_token(app, acme.id, rep.id)
    with serve(app) as url:
        contact = call(url, secret, "create_contact", {"first_name": "Alan", "last_name": "Turing",
                                                       "phone": "+44 20 7946 0000", "notes": "Bletchley"})
        contact_id = contact.structured_content["id"]
        duplicate = call(url, secret, "create_contact", {"first_name": "Al", "phone": "+44 20 7946 0000"})
        assert duplicate.is_error and contact_id in text_of(duplicate) and "create_anyway" in text_of(duplicate)

        updated = call(url, secret, "update_contact", {"contact_id": contact_id, "title": "Mathematician",
                                                       "notes": ""}).structured_content
        assert (updated["title"], updated["notes"], updated["phone"], updated["version"]) == (
            "Mathematician", None, "+44 20 7946 0000", 2)
        found = call(url, secret, "search_contacts", {"query": "turing"}).structured_content
        assert [c["id"] for c in found["contacts"]] == [contact_id] and found["more"] is False

        deal = call(url, secret, "create_deal", {"name": "Enigma support", "value": 1200.5, "contact_id": contact_id,
                                                 "stage": "qualified"}).structured_content
        assert (deal["stage"]["name"], deal["value"], deal["status"]) == ("Qualified", "1200.50", "open")
        won = call(url, secret, "move_deal_stage", {"deal_id": deal["id"], "stage": "Closed Won"}).structured_content
        assert (won["stage"]["name"], won["status"]) == ("Closed Won", "won")

        task = call(url, secret, "log_activity", {"kind": "task", "subject": "Send the contract",
                                                  "contact_id": contact_id, "due_at": "2020-01-31T09:00"})
        task_id = task.structured_content["id"]
        mine = call(url, secret, "list_my_tasks").structured_content
        assert [t["id"] for t in mine["overdue"]] == [task_id] and "done" not in mine
        assert mine["totals"] == {"overdue": 1, "today": 0, "upcoming": 0}
        assert mine["overdue"][0]["about"] == {"type": "contact", "id": contact_id, "name": "Alan Turing"}
        done = call(url, secret, "complete_task", {"task_id": task_id}).structured_content
        assert done["done"] is True
        mine = call(url, secret, "list_my_tasks", {"include_done": True}).structured_content
        assert mine["overdue"] == [] and [t["id"] for t in mine["done"]] == [task_id]

        shown = call(url, secret, "get_contact", {"contact_id": contact_id}).structured_content
        assert [d["id"] for d in shown["deals"]] == [deal["id"]]
        assert {(e["kind"], e["channel"]) for e in shown["timeline"]} == {("task", "mcp")}
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        actions = db.session.execute(select(AuditEvent.action, AuditEvent.channel, AuditEvent.actor_id)).all()
        mcp_actions = {action for action, channel, actor in actions if channel == "mcp" and actor == rep.id}
        assert {"person.created", "person.updated", "deal.created", "deal.stage_changed", "activity.created",
                "activity.completed"} <= mcp_actions


def test_each_role_gets_the_permission_errors_it_gets_in_the_ui(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep", "support", "marketing"))
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        person_id = str(people.create_person(ctx, data=PersonInput(first_name="Kept", last_name="Safe")).id)
    secrets = {role: make_token(app, acme.id, acme.users[role].id) for role in ("rep", "support", "marketing")}
    refused = [
        ("marketing", "update_contact", {"contact_id": person_id, "title": "Changed"}),
        ("marketing", "create_deal", {"name": "Not mine to sell"}),
        ("support", "create_deal", {"name": "Not mine to sell"}),
        ("rep", "delete_contact", {"contact_id": person_id, "confirm": True}),
        ("rep", "delete_contact", {"contact_id": person_id}),
    ]
    with serve(app) as url:
        for role, tool, arguments in refused:
            result = call(url, secrets[role], tool, arguments)
            assert result.is_error and "Your role does not allow this." in text_of(result), (role, tool)
        # what the role may do, it may do through MCP too
        assert not call(url, secrets["marketing"], "create_contact", {"first_name": "Lead"}).is_error
        shown = call(url, secrets["support"], "get_contact", {"contact_id": person_id}).structured_content
        assert shown["name"] == "Kept Safe" and "deals" not in shown  # support does not read deals
        assert not call(url, secrets["support"], "update_contact", {"contact_id": person_id, "title": "VIP"}).is_error
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        person = db.session.get(Person, uuid.UUID(person_id))
        assert (person.title, person.deleted_at) == ("VIP", None)
        assert deals.list_deals(ctx)[0] == []


def test_a_deactivated_users_token_is_refused(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    secret = make_token(app, acme.id, acme.users["rep"].id)
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        users.set_active(ctx, user_id=acme.users["rep"].id, active=False)
    response = app.test_client().post("/mcp", json={}, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
