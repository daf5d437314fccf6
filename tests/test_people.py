"""People: the service (lists, duplicates, versions, bulk actions, trash, merge) and its pages."""
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import Activity, AuditEvent, Deal, Person, TrashEntry
from app.models.base import utcnow
from app.schemas.contacts import OrganizationInput, PersonInput
from app.schemas.custom_fields import FieldDefinition
from app.services import custom_fields, organizations, people, pipelines, trash
from app.services.records import StaleEdit
from app.tenancy import tenant_context
from tests.conftest import login


def person(ctx, first, last="", **fields):
    return people.create_person(ctx, data=PersonInput(first_name=first, last_name=last, **fields))


def actions(entity_id=None):
    stmt = select(AuditEvent.action).order_by(AuditEvent.created_at)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    return list(db.session.scalars(stmt))


# --- service --------------------------------------------------------------------------------------


def test_create_normalises_and_audits(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        ada = person(ctx, "Ada", "Lovelace", email="ADA@Example.com", phone="+44 20 7946 0000",
                     tags="vip, VIP, eggs")
        assert (ada.email, ada.phone, ada.phone_e164) == ("ada@example.com", "+44 20 7946 0000", "+442079460000")
        assert ada.tags == ["vip", "eggs"] and ada.owner_id == acme.admin.id and ada.version == 1
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.created")).one()
        assert event.entity_id == ada.id and event.changes["email"] == [None, "ada@example.com"]
        with pytest.raises(Invalid) as nameless:
            people.create_person(ctx, data=PersonInput(email="x@example.com"))
        assert "first_name" in nameless.value.fields
        with pytest.raises(Invalid) as bad_phone:
            person(ctx, "Bob", phone="12")
        assert "phone" in bad_phone.value.fields
        with pytest.raises(Invalid) as stranger:
            person(ctx, "Bob", owner_id=uuid.uuid4())
        assert "owner_id" in stranger.value.fields
        with pytest.raises(Invalid) as no_org:
            person(ctx, "Bob", organization_id=uuid.uuid4())
        assert "organization_id" in no_org.value.fields
        assert db.session.scalar(select(db.func.count()).select_from(Person)) == 1


def test_duplicate_email_or_phone_is_offered_unless_created_anyway(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        ada = person(ctx, "Ada", email="ada@example.com", phone="+44 20 7946 0000")
        with pytest.raises(people.DuplicatePerson) as by_email:
            person(ctx, "Other", email="Ada@Example.com")
        assert by_email.value.existing.id == ada.id and by_email.value.field == "email"
        with pytest.raises(people.DuplicatePerson) as by_phone:
            person(ctx, "Other", phone="+442079460000")
        assert by_phone.value.existing.id == ada.id and by_phone.value.field == "phone"
        twin = person(ctx, "Ada", email="ada@example.com", create_anyway="on")
        assert twin.id != ada.id
    other = make_tenant("Other")
    with app.app_context(), tenant_context(other.id, channel="cli", user_id=other.admin.id) as ctx:
        assert person(ctx, "Ada", email="ada@example.com")  # another tenant's people are not duplicates


def test_search_filters_and_keyset_pages(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"].id
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        person(ctx, "Ada", "Lovelace", email="ada@analytical.example", phone="+44 20 7946 0000", tags="vip")
        person(ctx, "Grace", "Hopper", email="grace@navy.example", owner_id=rep)
        person(ctx, "Alan", "Turing", tags=["vip", "maths"])
        for i in range(7):
            person(ctx, f"P{i}", f"Filler{i:02d}", email=f"p{i}@fill.example")

        def names(**kwargs):
            items, _ = people.list_people(ctx, **kwargs)
            rows, _ = people.list_people(ctx, **kwargs, columns=("first_name", "last_name"))
            assert [p.name for p in rows] == [p.name for p in items], kwargs  # rows filter as entities do
            return [p.name for p in items]

        assert names(q="LOVE") == ["Ada Lovelace"]
        assert names(q="navy") == ["Grace Hopper"]
        assert names(q="020 7946") == ["Ada Lovelace"] and names(q="7946") == ["Ada Lovelace"]
        assert names(q="ada love") == ["Ada Lovelace"]
        assert names(q="%") == [] and names(q="p_") == [] and names(q="fill/") == []  # wildcards are letters
        # A word of one or two letters matches where a word starts: a name, the email, a part of the phone.
        assert names(q="tu") == ["Alan Turing"] and names(q="ur") == []
        assert names(q="gr") == ["Grace Hopper"] and names(q="an") == []  # not inside "analytical"
        assert names(q="h") == ["Grace Hopper"] and names(q="20") == ["Ada Lovelace"]
        assert names(q="al tu") == ["Alan Turing"] and names(q="ada lo") == ["Ada Lovelace"]
        assert names(owner_id=rep) == ["Grace Hopper"]
        assert names(tag="vip") == ["Ada Lovelace", "Alan Turing"]
        assert names(tag="vi") == []
        assert names(q="Filler", updated_since=utcnow() + timedelta(days=1)) == []
        assert len(names(created_since=(utcnow() - timedelta(days=1)).date())) == 10
        assert len(names()) == 10  # the page statement is built once per sort and columns: no filter sticks to it

        for sort in ("name", "email", "created_at", "updated_at"):
            for descending in (False, True):
                seen, cursor = [], None
                while True:
                    items, cursor = people.list_people(ctx, sort=sort, descending=descending, after=cursor, limit=3)
                    seen += [p.id for p in items]
                    if cursor is None:
                        break
                full, end = people.list_people(ctx, sort=sort, descending=descending, limit=100)
                assert end is None and seen == [p.id for p in full] and len(set(seen)) == 10, (sort, descending)
                for after in (None, people.list_people(ctx, sort=sort, descending=descending, limit=4)[1]):
                    entities, cursor = people.list_people(ctx, sort=sort, descending=descending, after=after, limit=4)
                    rows, row_cursor = people.list_people(ctx, sort=sort, descending=descending, after=after,
                                                          limit=4, columns=("id",))
                    assert ([r.id for r in rows], row_cursor) == ([p.id for p in entities], cursor), (sort, after)
        by_name, _ = people.list_people(ctx, limit=3)
        assert [p.last_name for p in by_name] == ["Filler00", "Filler01", "Filler02"]
        assert people.list_people(ctx, after="not-a-cursor", limit=3)[0] == by_name  # unreadable: first page
        with pytest.raises(Invalid):
            people.list_people(ctx, sort="password")


def test_stale_update_is_refused_with_current_values(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        ada = person(ctx, "Ada", "Lovelace", email="ada@example.com")
        person_id = ada.id
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        saved = people.update_person(ctx, person_id=person_id, data=PersonInput(title="Countess"), version=1)
        assert saved.title == "Countess" and saved.first_name == "Ada" and saved.email == "ada@example.com"
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        with pytest.raises(StaleEdit) as stale:
            people.update_person(ctx, person_id=person_id, data=PersonInput(title="Lady"), version=1)
        assert stale.value.current.title == "Countess" and stale.value.current.version == 2
        with pytest.raises(Invalid):
            people.update_person(ctx, person_id=person_id, data=PersonInput(first_name="", last_name=""), version=2)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        assert people.get_person(ctx, person_id=person_id).title == "Countess"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.updated")).one()
        assert event.changes == {"title": [None, "Countess"]}


def test_delete_trashes_with_activities_and_restores(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        ada = person(ctx, "Ada")
        db.session.add(Activity(kind="note", subject="Called", occurred_at=utcnow(), channel="cli", person_id=ada.id))
        db.session.flush()
        entry = people.delete_person(ctx, person_id=ada.id)
        assert db.session.scalars(select(Activity)).all() == []
        with pytest.raises(NotFound):
            people.get_person(ctx, person_id=ada.id)
        assert people.list_people(ctx)[0] == []
        trash.restore(ctx, entry_id=entry.id)
        assert people.get_person(ctx, person_id=ada.id).name == "Ada"
        assert len(db.session.scalars(select(Activity)).all()) == 1
        assert "person.deleted" in actions(ada.id) and "person.restored" in actions(ada.id)


def test_bulk_assign_tag_and_delete(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"].id
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        ids = [person(ctx, name).id for name in ("A", "B", "C")]
        assert people.bulk_assign(ctx, ids=ids[:2], owner_id=rep) == 2
        assert people.bulk_tag(ctx, ids=ids, tag=" hot  lead ") == 3
        assert people.bulk_tag(ctx, ids=ids, tag="HOT LEAD") == 0
        with pytest.raises(Invalid):
            people.bulk_assign(ctx, ids=ids, owner_id=uuid.uuid4())
        with pytest.raises(Invalid):
            people.bulk_delete(ctx, ids=[])
        assert people.bulk_delete(ctx, ids=[ids[0], uuid.uuid4()]) == 1
        left, _ = people.list_people(ctx)
        assert [(p.name, p.owner_id, p.tags) for p in left] == [("B", rep, ["hot lead"]), ("C", acme.admin.id, ["hot lead"])]
        assert len(db.session.scalars(select(TrashEntry)).all()) == 1


def test_merge_keeps_both_histories(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        org = organizations.create_organization(ctx, data=OrganizationInput(name="Analytical Engines"))
        keep = person(ctx, "Ada", "Lovelace", email="ada@example.com", tags="vip")
        dup = person(ctx, "Ada", "", email="countess@example.com", phone="+44 20 7946 0000", title="Countess",
                     organization_id=org.id, tags="maths", create_anyway=True)
        stage = pipelines.create_default_pipeline(ctx).stages[0]
        deal = Deal(name="Engine", currency="GBP", pipeline_id=stage.pipeline_id, stage_id=stage.id, person_id=dup.id)
        db.session.add_all([deal, Activity(kind="call", subject="Old call", occurred_at=utcnow(), channel="cli",
                                           person_id=dup.id),
                            Activity(kind="note", subject="Own note", occurred_at=utcnow(), channel="cli",
                                     person_id=keep.id)])
        db.session.flush()
        with pytest.raises(Invalid):
            people.merge_people(ctx, keep_id=keep.id, merge_id=keep.id)
        merged = people.merge_people(ctx, keep_id=keep.id, merge_id=dup.id)
        assert (merged.email, merged.phone_e164, merged.title, merged.organization_id) == (
            "ada@example.com", "+442079460000", "Countess", org.id)
        assert merged.last_name == "Lovelace" and merged.tags == ["vip", "maths"]
        assert merged.other_emails == ["countess@example.com"]
        subjects = {a.subject for a in db.session.scalars(select(Activity).where(Activity.person_id == keep.id))}
        assert subjects == {"Old call", "Own note"}
        assert db.session.get(Deal, deal.id).person_id == keep.id
        with pytest.raises(NotFound):
            people.get_person(ctx, person_id=dup.id)
        assert "person.merged" in actions(keep.id) and "person.deleted" in actions(dup.id)


def test_roles_are_checked(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep", "marketing"))
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.users["rep"].id) as ctx:
        ada = person(ctx, "Ada").id
        with pytest.raises(Forbidden):
            people.delete_person(ctx, person_id=ada)
        with pytest.raises(Forbidden):
            people.bulk_delete(ctx, ids=[ada])
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.users["marketing"].id) as ctx:
        with pytest.raises(Forbidden):
            people.update_person(ctx, person_id=ada, data=PersonInput(title="X"), version=None)
        assert people.get_person(ctx, person_id=ada).title is None


def test_another_tenants_person_is_not_found(app, make_tenant):
    acme, other = make_tenant("Acme"), make_tenant("Other")
    with app.app_context(), tenant_context(other.id, channel="cli", user_id=other.admin.id) as ctx:
        theirs = person(ctx, "Secret").id
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        with pytest.raises(NotFound):
            people.get_person(ctx, person_id=theirs)
        with pytest.raises(NotFound):
            people.update_person(ctx, person_id=theirs, data=PersonInput(title="X"), version=None)
        with pytest.raises(NotFound):
            people.delete_person(ctx, person_id=theirs)
        assert people.bulk_tag(ctx, ids=[theirs], tag="x") == 0
        mine = person(ctx, "Mine")
        with pytest.raises(NotFound):
            people.merge_people(ctx, keep_id=mine.id, merge_id=theirs)


# --- pages ----------------------------------------------------------------------------------------

HX = {"HX-Request": "true"}
ROWS = {"HX-Request": "true", "HX-Target": "people-rows"}  # what the list's search, sort and filters send
MORE = {"HX-Request": "true", "HX-Target": "people-more"}  # what "Show more" sends


ROW_COLUMNS = ("id", "first_name", "last_name", "email", "tags", "custom", "organization_id", "created_at",
               "organization_name")


def test_list_rows_hold_the_entities_values_and_their_organisations_name(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        hens = organizations.create_organization(ctx, data=OrganizationInput(name="Hen Farms"))
        gone = organizations.create_organization(ctx, data=OrganizationInput(name="Gone Ltd"))
        person(ctx, "Ada", "Archer", email="ada@example.com", tags="vip, eggs", organization_id=hens.id)
        person(ctx, "Bob", "Baker", organization_id=gone.id)
        person(ctx, "Cy", "Cole")
        trashed = person(ctx, "Dee", "Able")
        people.delete_person(ctx, person_id=trashed.id)
        organizations.delete_organization(ctx, organization_id=gone.id)
        entities, cursor = people.list_people(ctx, limit=2)
        rows, row_cursor = people.list_people(ctx, limit=2, columns=ROW_COLUMNS)
        assert row_cursor == cursor
        for row, entity in zip(rows, entities, strict=True):
            assert {name: getattr(row, name) for name in ROW_COLUMNS[:-1]} == \
                   {name: getattr(entity, name) for name in ROW_COLUMNS[:-1]}
        assert [(r.name, r.organization_name) for r in rows] == [("Ada Archer", "Hen Farms"), ("Bob Baker", None)]
        rest, end = people.list_people(ctx, after=cursor, columns=ROW_COLUMNS)
        assert [(r.name, r.organization_id, r.organization_name) for r in rest] == [("Cy Cole", None, None)]
        assert end is None
        with pytest.raises(KeyError):
            people.list_people(ctx, columns=("tenant", "password"))


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_list_rows_see_only_the_tenants_people_and_organisations(app, make_tenant):
    """SQLite keeps every tenant in one table: only the guard's criteria, on the join too, keep B out."""
    a, b = make_tenant("Alpha"), make_tenant("Bravo")
    with app.app_context(), tenant_context(b.id, channel="cli", user_id=b.admin.id) as ctx:
        bravo_org = organizations.create_organization(ctx, data=OrganizationInput(name="Bravo Marker Ltd")).id
        person(ctx, "Bravo", "Marker", organization_id=bravo_org)
    with app.app_context(), tenant_context(a.id, channel="cli", user_id=a.admin.id) as ctx:
        mine = person(ctx, "Alpha", "Marker")
        mine.organization_id = bravo_org  # a broken link no service makes: the join must not follow it
        db.session.flush()
        rows, _ = people.list_people(ctx, columns=("id", "last_name", "organization_id", "organization_name"))
        assert [(r.id, r.organization_id, r.organization_name) for r in rows] == [(mine.id, bravo_org, None)]


def make_people(app, tenant, *names, **fields):
    with app.app_context(), tenant_context(tenant.id, channel="cli", user_id=tenant.admin.id) as ctx:
        return [person(ctx, *name.split(" ", 1), **fields).id for name in names]


def test_empty_list_offers_one_clear_action(client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    page = client.get("/people").get_data(as_text=True)
    assert "Add your first person" in page and "<table" not in page


def test_add_person_then_search_sort_and_show_more(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    added = client.post("/people/new", data={"first_name": "Ada", "last_name": "Lovelace",
                                             "email": "ada@example.com", "phone": "+44 20 7946 0000"})
    assert added.status_code == 302
    detail = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "Ada Lovelace" in detail and "ada@example.com" in detail and 'id="person-section-contact"' in detail
    make_people(app, acme, *[f"Filler Person{i:02d}" for i in range(55)])

    page = client.get("/people").get_data(as_text=True)
    assert "Show more" in page and page.count('name="ids"') == 50
    found = client.get("/people?q=lovel", headers=ROWS)
    body = found.get_data(as_text=True)
    assert found.status_code == 200 and body.lstrip().startswith("<tr") and "Ada Lovelace" in body
    assert "Filler" not in body and 'hx-swap-oob="true"' in body
    typed = client.get("/people?q=lovel", headers={**ROWS, "HX-Trigger": "people-q"}).get_data(as_text=True)
    assert "Ada Lovelace" in typed and "hx-swap-oob" not in typed  # a keystroke leaves the order and its headers
    assert "No one matches" in client.get("/people?q=zzz", headers=ROWS).get_data(as_text=True)
    assert client.get("/people?q=lovel", headers=HX).get_data(as_text=True).startswith("<!doctype html>")

    first = client.get("/people?sort=name&dir=desc", headers=ROWS).get_data(as_text=True)
    assert first.index("Person54") < first.index("Person53") and "Ada Lovelace" not in first
    cursor = first.split("after=")[1].split('"')[0]
    more = client.get(f"/people?sort=name&dir=desc&after={cursor}", headers=MORE).get_data(as_text=True)
    assert "Ada Lovelace" in more and "Person54" not in more and "hx-swap-oob" not in more
    assert client.get("/people?sort=nonsense&created_since=yesterday&owner=x").status_code == 200
    later, earlier = (utcnow() + timedelta(days=2)).date(), (utcnow() - timedelta(days=2)).date()
    assert "No one matches" in client.get(f"/people?updated_since={later}", headers=ROWS).get_data(as_text=True)
    assert "Ada Lovelace" in client.get(f"/people?created_since={earlier}&q=ada", headers=ROWS).get_data(as_text=True)
    mine = client.get(f"/people?owner={acme.admin.id}&q=ada", headers=ROWS).get_data(as_text=True)
    assert "Ada Lovelace" in mine


def test_the_list_reads_its_rows_with_their_organisations_in_one_statement(app, client, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        custom_fields.create_field(ctx, data=FieldDefinition(entity="person", label="Shoe size", type="number",
                                                             show_in_list=True))
        hens = organizations.create_organization(ctx, data=OrganizationInput(name="Hen Farms")).id
        person(ctx, "Ada", "Archer", organization_id=hens, custom={"shoe_size": "44"})
        person(ctx, "Bob", "Baker")
        person(ctx, "<b>Cy</b>", "O'Hen")
    login(client, acme.admin)
    with app.app_context():
        engine = db.engine
    for headers in ({}, {"HX-Request": "true", "HX-Target": "people-rows"}):
        client.get("/people", headers=headers)  # warm up: first-request work is not what is measured
        seen = []

        def record(conn, cursor, statement, *rest):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            page = client.get("/people", headers=headers).get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert f'/organizations/{hens}">Hen Farms</a>' in page and ">44</td>" in page and "Bob Baker" in page
        assert 'aria-label="Select &lt;b&gt;Cy&lt;/b&gt; O&#39;Hen"' in page  # labelled per list, escaped per row
        assert len([statement for statement in seen if "organizations" in statement or "people" in statement]) == 1


def test_form_errors_and_duplicate_offer(app, client, make_tenant):
    acme = make_tenant("Acme")
    [ada] = make_people(app, acme, "Ada Lovelace", email="ada@example.com")
    login(client, acme.admin)
    blank = client.post("/people/new", data={"first_name": "", "email": "nope"})
    page = blank.get_data(as_text=True)
    assert blank.status_code == 422 and 'id="first_name-error"' in page and 'id="email-error"' in page
    twin = client.post("/people/new", data={"first_name": "Ada", "email": "ADA@example.com"})
    page = twin.get_data(as_text=True)
    assert twin.status_code == 422 and "Ada Lovelace already has this email" in page
    assert f"/people/{ada}" in page and "Create anyway" in page
    anyway = client.post("/people/new", data={"first_name": "Ada", "email": "ada@example.com", "create_anyway": "on"})
    assert anyway.status_code == 302
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.scalar(select(db.func.count()).select_from(Person)) == 2


def test_edit_refuses_a_stale_version_and_shows_current_values(app, client, make_tenant):
    acme = make_tenant("Acme")
    [ada] = make_people(app, acme, "Ada Lovelace")
    login(client, acme.admin)
    form = client.get(f"/people/{ada}/edit").get_data(as_text=True)
    assert 'name="version" value="1"' in form
    assert client.post(f"/people/{ada}/edit", data={"first_name": "Ada", "last_name": "Lovelace", "title": "Countess",
                                                    "version": "1"}).status_code == 302
    stale = client.post(f"/people/{ada}/edit", data={"first_name": "Ada", "last_name": "L", "title": "Lady",
                                                     "version": "1"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Someone else changed this record" in page
    assert 'value="Countess"' in page and 'name="version" value="2"' in page
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.get(Person, ada).title == "Countess"


def test_inline_section_editing(app, client, make_tenant):
    acme = make_tenant("Acme")
    [ada] = make_people(app, acme, "Ada Lovelace")
    login(client, acme.admin)
    form = client.get(f"/people/{ada}/sections/contact/edit", headers=HX).get_data(as_text=True)
    assert form.lstrip().startswith('<section id="person-section-contact"') and 'name="phone"' in form
    assert 'name="first_name"' not in form
    saved = client.post(f"/people/{ada}/sections/contact", headers=HX,
                        data={"email": "ada@example.com", "phone": "", "address": "London", "version": "1"})
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "ada@example.com" in body and "<form" not in body
    bad = client.post(f"/people/{ada}/sections/contact", headers=HX, data={"email": "nope", "version": "2"})
    assert bad.status_code == 422 and 'id="email-error"' in bad.get_data(as_text=True)
    stale = client.post(f"/people/{ada}/sections/details", headers=HX,
                        data={"first_name": "Augusta", "last_name": "", "version": "1"})
    assert stale.status_code == 409 and "Someone else changed" in stale.get_data(as_text=True)
    assert client.get(f"/people/{ada}/sections/secrets/edit", headers=HX).status_code == 404
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        saved = db.session.get(Person, ada)
        assert (saved.first_name, saved.last_name, saved.email, saved.address) == (
            "Ada", "Lovelace", "ada@example.com", "London")


def test_bulk_actions_from_the_list(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    ids = make_people(app, acme, "Ann A", "Ben B", "Cat C")
    login(client, acme.admin)
    rep = str(acme.users["rep"].id)
    assert client.post("/people/bulk", data={"action": "assign", "owner_id": rep, "ids": ids[:2]}).status_code == 302
    assert client.post("/people/bulk", data={"action": "tag", "tag": "fair 2026", "ids": ids}).status_code == 302
    confirm = client.post("/people/bulk", data={"action": "delete", "ids": [ids[2]]})
    assert confirm.status_code == 200 and "Cat C" in confirm.get_data(as_text=True)
    done = client.post("/people/bulk", data={"action": "delete", "confirmed": "yes", "ids": [ids[2]]},
                       follow_redirects=True)
    assert "restored from the trash" in done.get_data(as_text=True)
    nothing = client.post("/people/bulk", data={"action": "tag", "tag": "x"}, follow_redirects=True)
    assert "Select at least one record first" in nothing.get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        rows = {p.first_name: p for p in db.session.scalars(select(Person))}
        assert set(rows) == {"Ann", "Ben"}
        assert all(str(p.owner_id) == rep and p.tags == ["fair 2026"] for p in rows.values())


def test_delete_and_merge_pages(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    ada, dup, bob = make_people(app, acme, "Ada Lovelace", "Ada Lovelace", "Bob Byron")
    login(client, acme.admin)
    merge_page = client.get(f"/people/{ada}/merge").get_data(as_text=True)
    assert str(dup) in merge_page and str(bob) not in merge_page
    assert client.post(f"/people/{ada}/merge", data={"merge_id": str(ada)}).status_code == 422
    assert client.post(f"/people/{ada}/merge", data={"merge_id": str(dup)}).status_code == 302
    assert client.get(f"/people/{dup}").status_code == 404
    assert "Move to the trash" in client.get(f"/people/{bob}/delete").get_data(as_text=True)
    gone = client.post(f"/people/{bob}/delete", follow_redirects=True)
    assert "restored from the trash for 30 days" in gone.get_data(as_text=True)
    assert client.get(f"/people/{bob}").status_code == 404
    for tab in ("overview", "timeline", "deals"):
        assert client.get(f"/people/{ada}?tab={tab}").status_code == 200

    rep = app.test_client()
    login(rep, acme.users["rep"])
    assert rep.post(f"/people/{ada}/delete").status_code == 403
    assert "Delete…" not in rep.get(f"/people/{ada}").get_data(as_text=True)


def test_bulk_returns_to_the_list_as_it_was_and_checks_roles(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    ids = make_people(app, acme, "Ann A", "Ben B")
    login(client, acme.admin)
    back = client.post("/people/bulk", data={"action": "tag", "tag": "x", "ids": ids},
                       headers={"Referer": "http://localhost/people?q=ann&sort=email"})
    assert back.headers["Location"] == "/people?q=ann&sort=email"
    elsewhere = client.post("/people/bulk", data={"action": "tag", "tag": "x", "ids": ids},
                            headers={"Referer": "https://evil.example/people?q=1"})
    assert elsewhere.headers["Location"] == "/people"
    rep = app.test_client()
    login(rep, acme.users["rep"])
    assert rep.post("/people/bulk", data={"action": "delete", "ids": ids}).status_code == 403
    assert "Delete…" not in rep.get("/people").get_data(as_text=True)


def test_timeline_and_deals_tabs_show_the_persons_history(app, client, make_tenant):
    from app.schemas.activities import ActivityCreate
    from app.services import activities

    acme = make_tenant("Acme", roles=("support",))
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        ada = person(ctx, "Ada", "Lovelace").id
        activities.log_activity(ctx, data=ActivityCreate(kind="call", subject="Asked about engines", person_id=ada))
        stage = pipelines.create_default_pipeline(ctx).stages[0]
        db.session.add(Deal(name="Difference engine", currency="GBP", pipeline_id=stage.pipeline_id,
                            stage_id=stage.id, person_id=ada))
    login(client, acme.admin)
    assert "Asked about engines" in client.get(f"/people/{ada}?tab=timeline").get_data(as_text=True)
    assert "Difference engine" in client.get(f"/people/{ada}?tab=deals").get_data(as_text=True)
    support = app.test_client()
    login(support, acme.users["support"])  # support may not read deals: no tab, and asking for it shows the overview
    page = support.get(f"/people/{ada}?tab=deals").get_data(as_text=True)
    assert "Difference engine" not in page and 'id="person-section-details"' in page


def test_keyset_pages_through_ties(app, make_tenant):
    """Many people with the same name and email: the id breaks the tie, nobody is skipped or repeated."""
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        made = {person(ctx, "Sam", "Same", email="same@example.com", create_anyway=True).id for _ in range(7)}
        for sort in ("name", "email"):
            for descending in (False, True):
                seen, cursor = [], None
                while True:
                    items, cursor = people.list_people(ctx, sort=sort, descending=descending, after=cursor, limit=2)
                    seen += [p.id for p in items]
                    if cursor is None:
                        break
                assert len(seen) == 7 and set(seen) == made, (sort, descending)


def test_a_refused_edit_keeps_the_version_it_started_from(app, client, make_tenant):
    """Bad input, then a colleague saves, then a corrected resubmit: refused as stale, nothing overwritten."""
    from app.schemas.contacts import PersonInput
    from app.services import people
    from app.tenancy import tenant_context
    from tests.conftest import login

    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        person = people.create_person(ctx, data=PersonInput(first_name="Vera", email="vera@acme.example"))
        person_id, version = person.id, person.version
    login(client, acme.admin)
    bad = client.post(f"/people/{person_id}/edit", data={"first_name": "Vera", "email": "nope", "version": version})
    assert bad.status_code == 422 and f'name="version" value="{version}"' in bad.get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        people.update_person(ctx, person_id=person_id, data=PersonInput(title="Buyer"), version=version)
    stale = client.post(f"/people/{person_id}/edit", data={"first_name": "Vera", "email": "vera@new.example",
                                                           "version": version})
    assert stale.status_code == 409
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        saved = people.get_person(ctx, person_id=person_id)
        assert (saved.email, saved.title) == ("vera@acme.example", "Buyer")


def test_person_page_names_the_owner_on_the_overview_and_the_organisation_on_every_tab(app, client, make_tenant):
    """The owner's name is asked for only where it is shown (the Overview's details), not on the other tabs."""
    from tests.test_activities import statements_during

    acme = make_tenant("Acme", roles=("rep",))
    rep = acme.users["rep"]
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        org = organizations.create_organization(ctx, data=OrganizationInput(name="Analytical Engines"))
        ada = person(ctx, "Ada", "Lovelace", organization_id=org.id, owner_id=rep.id).id
    login(client, acme.admin)
    overview = client.get(f"/people/{ada}").get_data(as_text=True)
    assert rep.name in overview and "Analytical Engines" in overview
    with app.app_context():
        seen = statements_during(lambda: client.get(f"/people/{ada}?tab=timeline"))
        timeline = client.get(f"/people/{ada}?tab=timeline").get_data(as_text=True)
    assert "Analytical Engines" in timeline
    assert not [s for s in seen if "users.id IN" in s], "\n".join(seen)  # the owner's name is not shown here



def test_person_page_reads_the_person_with_their_organisations_name(app, client, make_tenant):
    """One statement for both on every tab; the timeline's links to that organisation reuse the name."""
    from app.schemas.activities import ActivityCreate
    from app.services import activities, records
    from tests.test_activities import statements_during

    acme, other = make_tenant("Acme"), make_tenant("Other")
    with app.app_context(), tenant_context(other.id, channel="cli", user_id=other.admin.id) as ctx:
        theirs = person(ctx, "Secret").id
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        org = organizations.create_organization(ctx, data=OrganizationInput(name="Analytical Engines")).id
        gone = organizations.create_organization(ctx, data=OrganizationInput(name="Gone Ltd"))
        ada = person(ctx, "Ada", "Lovelace", organization_id=org).id
        bob = person(ctx, "Bob", organization_id=gone.id).id
        nobody = person(ctx, "Cy").id
        activities.log_activity(ctx, data=ActivityCreate(kind="call", subject="Engines", person_id=ada,
                                                         organization_id=org))
        records.trash(ctx, gone, label=gone.name)  # trashed, but Bob still points at it
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        found, name = people.get_person_and_organization_name(ctx, person_id=ada)
        assert (found.id, name) == (ada, "Analytical Engines")
        assert people.get_person_and_organization_name(ctx, person_id=bob)[1] is None
        assert people.get_person_and_organization_name(ctx, person_id=nobody)[1] is None
        with pytest.raises(NotFound):
            people.get_person_and_organization_name(ctx, person_id=theirs)
    login(client, acme.admin)
    link = f'<a href="/organizations/{org}">Analytical Engines</a>'
    for tab in ("overview", "timeline", "files"):
        client.get(f"/people/{ada}?tab={tab}")  # warm up
        with app.app_context():
            seen = statements_during(lambda: client.get(f"/people/{ada}?tab={tab}"))
        page = client.get(f"/people/{ada}?tab={tab}").get_data(as_text=True)
        assert page.count(link) == (2 if tab in ("overview", "timeline") else 1), tab  # + the item's or the section's
        assert len([s for s in seen if "organizations" in s]) == 1, "\n".join(seen)
    assert "Gone Ltd" not in client.get(f"/people/{bob}?tab=timeline").get_data(as_text=True)

def test_list_rows_markup_is_pinned(app, client, make_tenant):
    """The rows' exact markup (links, labels, escaping, empty cells, custom columns), so rewriting the row
    template for speed cannot change what the list shows."""
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        custom_fields.create_field(ctx, data=FieldDefinition(entity="person", label="Shoe size", type="number",
                                                             show_in_list=True))
        hens = organizations.create_organization(ctx, data=OrganizationInput(name="Hen & Co")).id
        full = person(ctx, "<b>Ada</b>", "O'Hen", title="Buyer", email="ada@example.com", phone="+44 20 7946 0000",
                      organization_id=hens, owner_id=acme.admin.id, tags=["vip", "a<b"], custom={"shoe_size": "44"})
        full_id, full_phone, bare_id = full.id, full.phone_e164, person(ctx, "", "Zed").id
        owner = acme.admin.name
    login(client, acme.admin)
    for headers in ({}, ROWS):
        page = client.get("/people?sort=name&dir=asc", headers=headers).get_data(as_text=True)
        start, end = page.index('\n<tr id="person-'), page.rindex("</tr>\n") + len("</tr>\n")
        rows = re.sub(r'(data-label="(?:Added|Updated)">)[A-Z][a-z]{2} \d{1,2}, \d{4}<', r"\1DAY<", page[start:end])
        assert rows == f"""
<tr id="person-{full_id}">
  <td><input type="checkbox" name="ids" value="{full_id}" form="people-bulk" aria-label="Select &lt;b&gt;Ada&lt;/b&gt; O&#39;Hen"></td>
  <td data-label="Name"><a href="/people/{full_id}">&lt;b&gt;Ada&lt;/b&gt; O&#39;Hen</a><br><small>Buyer</small></td>
  <td data-label="Email"><a href="mailto:ada@example.com">ada@example.com</a></td>
  <td data-label="Phone"><a href="tel:{full_phone}">+44 20 7946 0000</a></td>
  <td data-label="Organisation"><a href="/organizations/{hens}">Hen &amp; Co</a></td>
  <td data-label="Owner">{owner}</td>
  <td data-label="Tags"><span class="tag">vip</span> <span class="tag">a&lt;b</span> </td>
  <td data-label="Added">DAY</td>
  <td data-label="Updated">DAY</td>
  <td data-label="Shoe size">44</td>
</tr>

<tr id="person-{bare_id}">
  <td><input type="checkbox" name="ids" value="{bare_id}" form="people-bulk" aria-label="Select Zed"></td>
  <td data-label="Name"><a href="/people/{bare_id}">Zed</a></td>
  <td data-label="Email"></td>
  <td data-label="Phone"></td>
  <td data-label="Organisation"></td>
  <td data-label="Owner">{owner}</td>
  <td data-label="Tags"></td>
  <td data-label="Added">DAY</td>
  <td data-label="Updated">DAY</td>
  <td data-label="Shoe size"><span class="muted">—</span></td>
</tr>
""", rows
