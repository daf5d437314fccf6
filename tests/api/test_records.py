"""Organizations, activities, users and custom fields through the API."""
from app.schemas import api_outputs as out
from app.schemas.contacts import OrganizationInput
from app.schemas.custom_fields import FieldDefinition
from app.services import custom_fields, organizations
from app.tenancy import tenant_context


def test_organizations_crud_and_lists(api):
    made = api.post("/organizations", json={"name": "Hen Farms", "domain": "HEN.example", "tags": ["poultry"]})
    assert made.status_code == 201 and made.get_json()["domain"] == "hen.example"
    org = made.get_json()
    api.post("/organizations", json={"name": "Acorn Ltd"})
    assert [o["name"] for o in api.get("/organizations").get_json()["items"]] == ["Acorn Ltd", "Hen Farms"]
    assert [o["name"] for o in api.get("/organizations?sort=-name").get_json()["items"]] == ["Hen Farms", "Acorn Ltd"]
    assert [o["name"] for o in api.get("/organizations?q=hen").get_json()["items"]] == ["Hen Farms"]
    assert [o["name"] for o in api.get("/organizations?tag=poultry").get_json()["items"]] == ["Hen Farms"]
    blank = api.post("/organizations", json={"name": ""})
    assert blank.get_json()["error"]["fields"] == {"name": "Please fill this in."}
    person = api.post("/contacts", json={"first_name": "Ann", "organization_id": org["id"]}).get_json()
    assert [c["first_name"] for c in api.get(f"/contacts?organization_id={org['id']}").get_json()["items"]] == ["Ann"]
    assert api.patch(f"/organizations/{org['id']}", json={"industry": "Farming"}).get_json()["name"] == "Hen Farms"
    assert api.delete(f"/organizations/{org['id']}").status_code == 204
    assert api.get(f"/contacts/{person['id']}").get_json()["organization_id"] is None


def test_organization_list_answers_exactly_what_the_entities_would(app, api, acme):
    """The list reads rows, not entities: its JSON must not change by a byte."""
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        custom_fields.create_field(ctx, data=FieldDefinition(entity="organization", label="Size", type="number"))
        for name, extra in (("Acorn Ltd", {"tags": "farm, eggs", "custom": {"size": "12"}, "notes": "Ünïcode “x”"}),
                            ("Birch plc", {"domain": "birch.example", "phone": "+44 20 7946 0000"}),
                            ("Cedar & Co", {"industry": "Wood", "address": "1 Lane\nTown"}), ("Dead Ltd", {})):
            made = organizations.create_organization(ctx, data=OrganizationInput(name=name, **extra))
        organizations.delete_organization(ctx, organization_id=made.id)
    first = api.get("/organizations?limit=2")
    answers = [first, api.get(f"/organizations?limit=2&cursor={first.get_json()['next_cursor']}")]
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        items, cursor = organizations.list_organizations(ctx, limit=2)
        pages = [(items, cursor), organizations.list_organizations(ctx, limit=2, after=cursor)]
        expected = [out.Page[out.Organization].model_validate({"items": items, "next_cursor": after})
                    .model_dump_json() for items, after in pages]
    assert [len(page[0]) for page in pages] == [2, 1]  # Dead Ltd, in the trash, is in neither
    assert [answer.data.decode() for answer in answers] == expected


def test_activities_log_list_update_complete_and_delete(api, acme):
    person = api.post("/contacts", json={"first_name": "Ann"}).get_json()
    call = api.post("/activities", json={"kind": "call", "subject": "Intro call", "person_id": person["id"],
                                         "occurred_at": "2026-11-30T10:00:00Z", "duration_minutes": 15})
    assert call.status_code == 201, call.get_json()
    assert (call.get_json()["channel"], call.get_json()["user_id"]) == ("api", str(acme.admin.id))
    task = api.post("/activities", json={"kind": "task", "subject": "Send offer", "person_id": person["id"],
                                         "due_at": "2030-01-01T09:00:00Z"}).get_json()
    assert task["assignee_id"] == str(acme.admin.id)
    assert api.post("/activities", json={"kind": "task", "subject": "No date"}).get_json()["error"]["fields"] == {
        "due_at": "When is this due?"}
    assert api.post("/activities", json={"kind": "note", "subject": "Loose"}).status_code == 422

    listed = api.get(f"/activities?person_id={person['id']}").get_json()["items"]
    assert [a["subject"] for a in listed] == ["Send offer", "Intro call"]  # most recent first
    assert [a["subject"] for a in api.get("/activities?kind=call").get_json()["items"]] == ["Intro call"]
    changed = api.patch(f"/activities/{call.get_json()['id']}", json={"outcome": "Interested"}).get_json()
    assert (changed["subject"], changed["outcome"]) == ("Intro call", "Interested")
    assert api.post(f"/activities/{task['id']}/complete").get_json()["done_at"] is not None
    assert api.post(f"/activities/{call.get_json()['id']}/complete").status_code == 422
    assert api.delete(f"/activities/{task['id']}").status_code == 204
    assert [a["subject"] for a in api.get("/activities").get_json()["items"]] == ["Intro call"]


def test_activities_on_deals_are_hidden_from_roles_without_deals(api, api_as, acme):
    deal = api.post("/deals", json={"name": "Secret deal"}).get_json()
    note = api.post("/activities", json={"kind": "note", "subject": "On the deal", "deal_id": deal["id"]}).get_json()
    support = api_as(acme, "support")
    assert support.get("/activities").get_json()["items"] == []
    assert support.get(f"/activities/{note['id']}").status_code == 403


def test_users_and_custom_fields_are_readable(app, api, api_as, acme):
    users = api.get("/users").get_json()["items"]
    assert {u["role"] for u in users} == {"admin", "head", "rep", "support", "marketing"}
    rep = api_as(acme, "rep")
    assert rep.get("/users/me").get_json()["email"] == acme.users["rep"].email
    assert rep.get(f"/users/{acme.admin.id}").get_json()["role"] == "admin"
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        field = custom_fields.create_field(ctx, data=FieldDefinition(
            entity="deal", label="Size", type="select", options="S\nM\nL"))
        field_id = field.id
    got = rep.get(f"/custom-fields/{field_id}").get_json()
    assert (got["key"], got["options"], got["archived_at"]) == ("size", ["S", "M", "L"], None)
    assert [f["key"] for f in rep.get("/custom-fields?entity=deal").get_json()["items"]] == ["size"]
    assert rep.get("/custom-fields?entity=person").get_json()["items"] == []
    assert rep.get("/custom-fields?entity=spaceship").status_code == 422
