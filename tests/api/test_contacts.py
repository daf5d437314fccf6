"""Contacts through the API: CRUD, lists, versions, errors, and the audit trail of the `api` door."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.schemas import api_outputs as out
from app.schemas.contacts import OrganizationInput, PersonInput
from app.schemas.custom_fields import FieldDefinition
from app.services import custom_fields, organizations, people
from app.tenancy import tenant_context
from tests.conftest import login


def test_create_read_update_delete(app, api, acme):
    created = api.post("/contacts", json={"first_name": "Ann", "last_name": "Hen", "email": "ANN@example.com",
                                          "phone": "+44 20 7946 0000", "title": "Buyer", "tags": ["vip"]})
    assert created.status_code == 201, created.get_json()
    contact = created.get_json()
    assert contact["email"] == "ann@example.com" and contact["tags"] == ["vip"] and contact["version"] == 1
    assert contact["owner_id"] == str(acme.admin.id) and contact["custom_fields"] == {}
    assert created.headers["ETag"] == '"1"'

    read = api.get(f"/contacts/{contact['id']}")
    assert read.status_code == 200 and read.get_json() == contact

    changed = api.patch(f"/contacts/{contact['id']}", json={"title": "Head buyer"})
    assert changed.status_code == 200
    body = changed.get_json()
    assert (body["title"], body["first_name"], body["email"]) == ("Head buyer", "Ann", "ann@example.com")
    assert body["version"] == 2
    assert changed.headers["ETag"] == '"2"'

    assert api.delete(f"/contacts/{contact['id']}").status_code == 204
    assert api.get(f"/contacts/{contact['id']}").status_code == 404
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        actions = db.session.execute(select(AuditEvent.action, AuditEvent.channel).order_by(AuditEvent.created_at)
                                     .where(AuditEvent.entity_type == "person")).all()
    assert [tuple(row) for row in actions] == [("person.created", "api"), ("person.updated", "api"),
                                               ("person.deleted", "api")]


def test_custom_fields_are_read_and_written_as_custom_fields(app, api, acme):
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        custom_fields.create_field(ctx, data=FieldDefinition(entity="person", label="Shoe size", type="number"))
    created = api.post("/contacts", json={"first_name": "Bo", "custom_fields": {"shoe_size": "44"}})
    assert created.status_code == 201 and created.get_json()["custom_fields"] == {"shoe_size": 44}
    refused = api.patch(f"/contacts/{created.get_json()['id']}", json={"custom_fields": {"shoe_size": "big"}})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {"custom_fields.shoe_size": "Enter a number."}
    fields = api.get("/custom-fields?entity=person").get_json()["items"]
    assert [(f["key"], f["type"]) for f in fields] == [("shoe_size", "number")]


def test_lists_search_filter_sort_and_page(api, acme):
    for first, last, tag in (("Ann", "Archer", "vip"), ("Bob", "Baker", ""), ("Cy", "Cole", "vip")):
        made = api.post("/contacts", json={"first_name": first, "last_name": last, "tags": [tag] if tag else []})
        assert made.status_code == 201
    assert [c["last_name"] for c in api.get("/contacts").get_json()["items"]] == ["Archer", "Baker", "Cole"]
    assert [c["last_name"] for c in api.get("/contacts?sort=-name").get_json()["items"]] == ["Cole", "Baker", "Archer"]
    assert [c["last_name"] for c in api.get("/contacts?q=bak").get_json()["items"]] == ["Baker"]
    assert [c["last_name"] for c in api.get("/contacts?tag=vip").get_json()["items"]] == ["Archer", "Cole"]
    assert len(api.get(f"/contacts?owner_id={acme.admin.id}").get_json()["items"]) == 3
    assert api.get("/contacts?updated_since=2999-01-01T00:00:00Z").get_json()["items"] == []

    first = api.get("/contacts?limit=2").get_json()
    assert [c["last_name"] for c in first["items"]] == ["Archer", "Baker"] and first["next_cursor"]
    rest = api.get(f"/contacts?limit=2&cursor={first['next_cursor']}").get_json()
    assert [c["last_name"] for c in rest["items"]] == ["Cole"] and rest["next_cursor"] is None


def test_list_answers_exactly_what_the_entities_would(app, api, acme):
    """The list reads rows, not entities: its JSON must not change by a byte."""
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        custom_fields.create_field(ctx, data=FieldDefinition(entity="person", label="Shoe size", type="number"))
        hens = organizations.create_organization(ctx, data=OrganizationInput(name="Hen Farms"))
        for first, extra in (("Ann", {"organization_id": hens.id, "tags": "vip, eggs", "custom": {"shoe_size": "44"}}),
                             ("Bob", {"email": "bob@example.com", "phone": "+44 20 7946 0000", "notes": "Ünïcode “x”"}),
                             ("Cy", {"title": "Buyer", "address": "1 Lane\nTown"}), ("Dee", {})):
            made = people.create_person(ctx, data=PersonInput(first_name=first, last_name="Hen", **extra))
        people.delete_person(ctx, person_id=made.id)
    answers = [api.get("/contacts?limit=2"), api.get("/contacts?limit=2&sort=-updated_at&tag=vip")]
    answers.append(api.get(f"/contacts?limit=2&cursor={answers[0].get_json()['next_cursor']}"))
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        first, cursor = people.list_people(ctx, limit=2)
        pages = [(first, cursor), people.list_people(ctx, limit=2, sort="updated_at", descending=True, tag="vip"),
                 people.list_people(ctx, limit=2, after=cursor)]
        expected = [out.Page[out.Contact].model_validate({"items": items, "next_cursor": after}).model_dump_json()
                    for items, after in pages]
    assert [len(page[0]) for page in pages] == [2, 1, 1]  # Dee, in the trash, is in none of them
    assert [answer.data.decode() for answer in answers] == expected


def test_bad_input_is_refused_with_messages_and_changes_nothing(api):
    missing = api.post("/contacts", json={"email": "nobody@example.com"})
    assert missing.status_code == 422
    assert missing.get_json()["error"]["fields"] == {"first_name": "Give at least a first or a last name."}
    wrong = api.post("/contacts", json={"first_name": "Al", "email": "not-an-email", "owner_id": "x"})
    assert wrong.status_code == 422 and set(wrong.get_json()["error"]["fields"]) == {"email", "owner_id"}
    assert api.post("/contacts", data="{not json", content_type="application/json").status_code == 400
    form = api.post("/contacts", data="first_name=Al", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 400
    assert api.post("/contacts", json=["Al"]).status_code == 400
    assert api.post("/contacts", json={"first_name": "Al\x00"}).status_code == 422
    assert api.get("/contacts?limit=500").status_code == 422
    assert api.get("/contacts?sort=shoe_size").status_code == 422
    assert api.get("/contacts").get_json()["items"] == []


def test_duplicates_are_a_conflict_unless_asked_for(api):
    assert api.post("/contacts", json={"first_name": "Ann", "email": "ann@example.com"}).status_code == 201
    duplicate = api.post("/contacts", json={"first_name": "Annie", "email": "ann@example.com"})
    assert duplicate.status_code == 409 and "email" in duplicate.get_json()["error"]["fields"]
    assert api.post("/contacts", json={"first_name": "Annie", "email": "ann@example.com",
                                       "create_anyway": True}).status_code == 201


def test_stale_versions_are_refused(api):
    contact = api.post("/contacts", json={"first_name": "Ann"}).get_json()
    path = f"/contacts/{contact['id']}"
    assert api.patch(path, json={"title": "A", "version": 1}).status_code == 200
    stale = api.patch(path, json={"title": "B", "version": 1})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "conflict"
    precondition = api.patch(path, json={"title": "B"}, headers={"If-Match": '"1"'})
    assert precondition.status_code == 412 and precondition.get_json()["error"]["code"] == "precondition_failed"
    assert api.delete(path, headers={"If-Match": '"1"'}).status_code == 412
    current = api.get(path)
    assert current.get_json()["title"] == "A"
    assert api.patch(path, json={"title": "B"}, headers={"If-Match": current.headers["ETag"]}).status_code == 200


def test_tokens_only_no_cookies(client, api, acme):
    """A signed-in browser session is not a credential for the API; a wrong or revoked token is 401."""
    login(client, acme.admin)
    assert client.get("/api/v1/contacts").status_code == 401
    assert client.get("/api/v1/contacts", headers={"Authorization": "Bearer roost_wrong"}).status_code == 401
    unauthorized = client.get("/api/v1/contacts", headers={"Authorization": "Basic abc"})
    assert unauthorized.status_code == 401 and unauthorized.headers["WWW-Authenticate"].startswith("Bearer")
    assert unauthorized.get_json()["error"]["code"] == "unauthorized"
    assert api.get("/contacts").status_code == 200


def test_a_browsers_cookie_sent_along_changes_nothing_and_is_not_rewritten(app, client, api, acme):
    """The API opens no cookie session: a signed-in browser's cookie changes nothing in the answer, the answer
    sets or clears no cookie, and the browser stays signed in."""
    cookieless = app.test_client()
    alone = cookieless.get("/api/v1/contacts", headers=api.headers())
    login(client, acme.admin)
    along = client.get("/api/v1/contacts", headers=api.headers())
    assert along.status_code == alone.status_code == 200 and along.data == alone.data
    assert "Set-Cookie" not in along.headers and along.headers["Vary"] == alone.headers["Vary"] == "Cookie"
    created = client.post("/api/v1/contacts", headers=api.headers(), json={"first_name": "Cookie"})
    assert created.status_code == 201 and "Set-Cookie" not in created.headers
    assert client.get("/people").status_code == 200  # still signed in: not sent to the login page


def test_unknown_ids_and_urls_are_json_404(api):
    assert api.get("/contacts/6b1c7bfe-8e4f-4f43-9a53-4f1a6b0c0d0e").get_json()["error"]["code"] == "not_found"
    assert api.get("/contacts/not-a-uuid").status_code == 404
    assert api.get("/no-such-thing").get_json()["error"]["code"] == "not_found"
    wrong_method = api.request("PUT", "/contacts")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]


def test_bodies_a_database_could_not_store_are_refused(api):
    deep = "[" * 5000 + "]" * 5000
    assert api.post("/contacts", data='{"tags": ' + deep + "}", content_type="application/json").status_code == 400
    assert api.post("/contacts", data='{"first_name": "\\ud800"}', content_type="application/json").status_code == 422
    assert api.get("/contacts?q=a%00b").status_code == 422
    assert api.get("/contacts").get_json()["items"] == []


def test_no_csrf_token_is_needed_with_a_bearer_token(app, api):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production
    assert api.post("/contacts", json={"first_name": "Ann"}).status_code == 201
    assert app.test_client().post("/people/new", data={"first_name": "Ann"}).status_code == 400  # the pages still check
