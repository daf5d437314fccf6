"""Organisations: the service (lists, versions, trash, merge) and its pages."""
import uuid

import pytest
from sqlalchemy import select

from app.errors import Invalid, NotFound
from app.extensions import db
from app.models import Activity, AuditEvent, Organization, Person
from app.models.base import utcnow
from app.schemas.contacts import OrganizationInput, PersonInput
from app.services import organizations, people, trash
from app.services.records import StaleEdit
from app.tenancy import tenant_context
from tests.conftest import login


def org(ctx, name, **fields):
    return organizations.create_organization(ctx, data=OrganizationInput(name=name, **fields))


def test_create_list_update_and_stale_edit(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        eggs = org(ctx, "Sunny Eggs", domain="SunnyEggs.example", phone="+1 415 555 0100", tags="farm")
        org(ctx, "beta Consulting")
        org(ctx, "Acme Repairs", tags=["farm", "repair"])
        assert eggs.domain == "sunnyeggs.example" and eggs.phone_e164 == "+14155550100"
        with pytest.raises(Invalid) as blank:
            organizations.create_organization(ctx, data=OrganizationInput(name=""))
        assert "name" in blank.value.fields
        names = [o.name for o in organizations.list_organizations(ctx)[0]]
        assert names == ["Acme Repairs", "beta Consulting", "Sunny Eggs"]
        assert [o.name for o in organizations.list_organizations(ctx, q="sunnyeggs")[0]] == ["Sunny Eggs"]
        # Each word somewhere; two letters where a word starts; digits in the stored phone too.
        for q, found in (("su", ["Sunny Eggs"]), ("BETA cons", ["beta Consulting"]), ("ul", []),
                         ("(415) 555", ["Sunny Eggs"]), ("%", []), ("sunny zzz", [])):
            assert [o.name for o in organizations.list_organizations(ctx, q=q)[0]] == found, q
        assert [o.name for o in organizations.list_organizations(ctx, tag="farm", descending=True)[0]] == [
            "Sunny Eggs", "Acme Repairs"]
        page, cursor = organizations.list_organizations(ctx, sort="created_at", limit=2)
        rest, end = organizations.list_organizations(ctx, sort="created_at", limit=2, after=cursor)
        assert len(page) == 2 and len(rest) == 1 and end is None
        assert {o.id for o in page} | {o.id for o in rest} == {o.id for o in organizations.list_organizations(ctx)[0]}
        eggs_id = eggs.id
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        organizations.update_organization(ctx, organization_id=eggs_id, data=OrganizationInput(industry="Food"),
                                          version=1)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        with pytest.raises(StaleEdit) as stale:
            organizations.update_organization(ctx, organization_id=eggs_id, data=OrganizationInput(industry="X"),
                                              version=1)
        assert stale.value.current.industry == "Food"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "organization.updated")).one()
        assert event.changes == {"industry": [None, "Food"]}


def test_list_rows_hold_the_entities_values_in_the_same_pages(app, make_tenant):
    acme = make_tenant("Acme")
    columns = ("id", "name", "domain", "tags", "custom", "owner_id", "updated_at")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        for name in ("Cedar", "acorn", "Birch", "Dead"):
            made = org(ctx, name, domain=f"{name.lower()}.example", tags="farm")
        organizations.delete_organization(ctx, organization_id=made.id)
        for sort in organizations.SORTS:
            after = None
            while True:
                entities, cursor = organizations.list_organizations(ctx, sort=sort, after=after, limit=2)
                rows, row_cursor = organizations.list_organizations(ctx, sort=sort, after=after, limit=2,
                                                                    columns=columns)
                assert row_cursor == cursor
                assert [{c: getattr(r, c) for c in columns} for r in rows] == \
                       [{c: getattr(e, c) for c in columns} for e in entities]
                if cursor is None:
                    break
                after = cursor
        assert [r.name for r in organizations.list_organizations(ctx, tag="farm", columns=("name",))[0]] == \
               ["acorn", "Birch", "Cedar"]


def test_delete_trashes_activities_and_unlinks_people(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        eggs = org(ctx, "Sunny Eggs")
        ada = people.create_person(ctx, data=PersonInput(first_name="Ada", organization_id=eggs.id))
        assert [p.id for p in people.list_people(ctx, organization_id=eggs.id)[0]] == [ada.id]
        db.session.add(Activity(kind="note", subject="Visit", occurred_at=utcnow(), channel="cli",
                                organization_id=eggs.id))
        db.session.flush()
        entry = organizations.delete_organization(ctx, organization_id=eggs.id)
        assert db.session.get(Person, ada.id).organization_id is None
        assert db.session.scalars(select(Activity)).all() == []
        with pytest.raises(NotFound):
            organizations.get_organization(ctx, organization_id=eggs.id)
        trash.restore(ctx, entry_id=entry.id)
        assert organizations.get_organization(ctx, organization_id=eggs.id).name == "Sunny Eggs"
        assert len(db.session.scalars(select(Activity)).all()) == 1


def test_merge_moves_people_and_fills_blanks(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        keep = org(ctx, "Sunny Eggs", tags="farm")
        dup = org(ctx, "Sunny Eggs Ltd", website="https://sunny.example", industry="Food", tags="eggs")
        ada = people.create_person(ctx, data=PersonInput(first_name="Ada", organization_id=dup.id))
        merged = organizations.merge_organizations(ctx, keep_id=keep.id, merge_id=dup.id)
        assert (merged.name, merged.website, merged.industry, merged.tags) == (
            "Sunny Eggs", "https://sunny.example", "Food", ["farm", "eggs"])
        assert db.session.get(Person, ada.id).organization_id == keep.id
        assert db.session.scalar(select(Organization).where(Organization.id == dup.id)) is None
        assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == keep.id)).all()[-1] == (
            "organization.merged")


def test_another_tenants_organization_is_not_found(app, make_tenant):
    acme, other = make_tenant("Acme"), make_tenant("Other")
    with app.app_context(), tenant_context(other.id, channel="cli", user_id=other.admin.id) as ctx:
        theirs = org(ctx, "Secret").id
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        assert organizations.list_organizations(ctx)[0] == []
        with pytest.raises(NotFound):
            organizations.get_organization(ctx, organization_id=theirs)
        with pytest.raises(NotFound):
            organizations.delete_organization(ctx, organization_id=theirs)
        with pytest.raises(Invalid):  # and cannot be linked to a person either
            people.create_person(ctx, data=PersonInput(first_name="Ada", organization_id=theirs))
        assert organizations.names_by_id(ctx, [theirs, uuid.uuid4()]) == {}


# --- pages ----------------------------------------------------------------------------------------

HX = {"HX-Request": "true"}


def test_organization_pages(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    assert "Add your first organisation" in client.get("/organizations").get_data(as_text=True)
    blank = client.post("/organizations/new", data={"name": "", "phone": "12"})
    page = blank.get_data(as_text=True)
    assert blank.status_code == 422 and 'id="name-error"' in page and 'id="phone-error"' in page
    added = client.post("/organizations/new", data={"name": "Sunny Eggs", "industry": "Food"})
    assert added.status_code == 302
    org_id = added.headers["Location"].rsplit("/", 1)[1]
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        people.create_person(ctx, data=PersonInput(first_name="Ada", organization_id=org_id))
        organizations.create_organization(ctx, data=OrganizationInput(name="Sunny Eggs Ltd"))
    detail = client.get(f"/organizations/{org_id}").get_data(as_text=True)
    assert "Sunny Eggs" in detail and "Ada" in detail and "Food" in detail
    rows = client.get("/organizations?q=ltd", headers={**HX, "HX-Target": "orgs-rows"}).get_data(as_text=True)
    assert rows.lstrip().startswith("<tr") and "Sunny Eggs Ltd" in rows
    for tab in ("timeline", "deals"):
        assert client.get(f"/organizations/{org_id}?tab={tab}").status_code == 200

    saved = client.post(f"/organizations/{org_id}/sections/notes", headers=HX, data={"notes": "Call early", "version": "1"})
    assert saved.status_code == 200 and "Call early" in saved.get_data(as_text=True)
    stale = client.post(f"/organizations/{org_id}/edit", data={"name": "Sunny", "version": "1"})
    assert stale.status_code == 409 and "Someone else changed" in stale.get_data(as_text=True)

    merge_page = client.get(f"/organizations/{org_id}/merge").get_data(as_text=True)
    assert "Sunny Eggs Ltd" in merge_page
    gone = client.post(f"/organizations/{org_id}/delete", follow_redirects=True)
    assert "its people stay" in gone.get_data(as_text=True)
    assert client.get(f"/organizations/{org_id}").status_code == 404
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.scalars(select(Person)).one().organization_id is None


def test_bulk_actions_on_organizations(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"].id
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        ids = [org(ctx, name).id for name in ("Alpha", "Beta", "Gamma")]
        ada = people.create_person(ctx, data=PersonInput(first_name="Ada", organization_id=ids[2])).id
        assert organizations.bulk_assign(ctx, ids=ids[:2], owner_id=rep) == 2
        assert organizations.bulk_tag(ctx, ids=ids, tag="supplier") == 3
        with pytest.raises(Invalid):
            organizations.bulk_tag(ctx, ids=ids, tag="  ")
    login(client, acme.admin)
    confirm = client.post("/organizations/bulk", data={"action": "delete", "ids": [str(ids[2])]})
    assert confirm.status_code == 200 and "Gamma" in confirm.get_data(as_text=True)
    done = client.post("/organizations/bulk", data={"action": "delete", "confirmed": "yes", "ids": [str(ids[2])]},
                       follow_redirects=True)
    assert "1 organisation was moved to the trash" in done.get_data(as_text=True)
    tagged = client.post("/organizations/bulk", data={"action": "tag", "tag": "eggs", "ids": [str(ids[0])]},
                         follow_redirects=True)
    assert "The tag was added to 1 organisation." in tagged.get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        left = organizations.list_organizations(ctx)[0]
        assert [(o.name, o.owner_id, o.tags) for o in left] == [("Alpha", rep, ["supplier", "eggs"]),
                                                               ("Beta", rep, ["supplier"])]
        assert people.get_person(ctx, person_id=ada).organization_id is None
        updates = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "organization.updated")).all()
        assert len(updates) == 6
