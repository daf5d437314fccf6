"""Leads: create, edit, trash, list, and converting one into a person, organisation and deal."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.models import Activity, AuditEvent, Deal, Lead, Organization, Person
from app.models.base import utcnow
from app.schemas.leads import LeadConvert, LeadInput
from app.services import leads
from app.services.people import DuplicatePerson
from app.services.records import StaleEdit
from app.tenancy import tenant_context
from tests.conftest import login


def events(action, entity_id):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                            AuditEvent.entity_id == entity_id)))


@pytest.fixture
def acme(make_tenant):
    return make_tenant("Acme", roles=("rep", "support", "marketing"))


def as_user(tenant, role="admin"):
    return tenant_context(tenant.id, channel="cli", user_id=tenant.users[role].id)


def test_create_update_and_stale_edit(app, acme):
    with app.app_context(), as_user(acme, "marketing") as ctx:
        lead = leads.create_lead(ctx, data=LeadInput(name="Ann Hen", company="Hen House", email="ANN@hen.example",
                                                     phone="+44 20 7946 0000", estimated_value="1500"))
        assert (lead.email, lead.phone_e164, lead.owner_id) == ("ann@hen.example", "+442079460000",
                                                                acme.users["marketing"].id)
        assert events("lead.created", lead.id)[0].changes["name"] == [None, "Ann Hen"]
        version = lead.version
        leads.update_lead(ctx, lead_id=lead.id, data=LeadInput(name="Ann Hen", status="contacted",
                                                               estimated_value="1500.00"), version=version)
        db.session.flush()
        [event] = events("lead.updated", lead.id)
        assert event.changes["status"] == ["new", "contacted"] and "estimated_value" not in event.changes
        with pytest.raises(StaleEdit):
            leads.update_lead(ctx, lead_id=lead.id, data=LeadInput(name="Late"), version=version)


def test_support_cannot_touch_leads(app, acme):
    with app.app_context(), as_user(acme, "support") as ctx:
        with pytest.raises(Forbidden):
            leads.create_lead(ctx, data=LeadInput(name="X"))
        with pytest.raises(Forbidden):
            leads.list_leads(ctx)


def test_delete_trashes_lead_and_activities(app, acme):
    with app.app_context(), as_user(acme) as ctx:
        lead = leads.create_lead(ctx, data=LeadInput(name="Gone"))
        lead_id = lead.id
        db.session.add(Activity(kind="call", subject="Rang", occurred_at=utcnow(), channel="cli", lead_id=lead_id))
        db.session.flush()
        leads.delete_lead(ctx, lead_id=lead_id)
        assert events("lead.deleted", lead_id)
        assert db.session.scalar(select(Activity.id)) is None
        with pytest.raises(NotFound):
            leads.get_lead(ctx, lead_id=lead_id)


def test_list_search_filters_and_keyset(app, acme):
    with app.app_context(), as_user(acme) as ctx:
        for index in range(5):
            leads.create_lead(ctx, data=LeadInput(name=f"Lead {index}", company="Coop Co" if index == 3 else None))
        leads.create_lead(ctx, data=LeadInput(name="Rep's lead", status="qualified", owner_id=acme.users["rep"].id))
        found, _ = leads.list_leads(ctx, filters=leads.LeadFilter(q="coop"))
        assert [lead.name for lead in found] == ["Lead 3"]
        leads.create_lead(ctx, data=LeadInput(name="Phoned", phone="+44 20 7946 0000"))
        found, _ = leads.list_leads(ctx, filters=leads.LeadFilter(q="020 7946"))
        assert [lead.name for lead in found] == ["Phoned"]
        # A search pages as the list does, the most recently updated first, each lead once.
        everyone = [lead.name for lead in leads.list_leads(ctx, filters=leads.LeadFilter(q="le"))[0]]
        paged, cursor = [], None
        for _ in range(10):
            page, cursor = leads.list_leads(ctx, filters=leads.LeadFilter(q="le"), after=cursor, limit=2)
            paged += [lead.name for lead in page]
            if cursor is None:
                break
        assert paged == everyone and len(everyone) == 6 and everyone[0] == "Rep's lead"
        found, _ = leads.list_leads(ctx, filters=leads.LeadFilter(status="qualified"))
        assert [lead.name for lead in found] == ["Rep's lead"]
        found, _ = leads.list_leads(ctx, filters=leads.LeadFilter(owner_id=acme.users["rep"].id))
        assert [lead.name for lead in found] == ["Rep's lead"]
        seen, cursor = [], None
        while True:
            page, cursor = leads.list_leads(ctx, after=cursor, limit=4)
            seen += [lead.id for lead in page]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 7  # with "Phoned"


def test_convert_makes_person_organisation_and_deal_and_moves_history(app, acme):
    with app.app_context(), as_user(acme, "rep") as ctx:
        lead = leads.create_lead(ctx, data=LeadInput(name="Ann Marie Hen", company="Hen House", email="ann@hen.example",
                                                     estimated_value="2400", source="Fair"))
        lead_id = lead.id
        db.session.add(Activity(kind="call", subject="First call", occurred_at=utcnow(), channel="cli", lead_id=lead_id))
        db.session.flush()
        result = leads.convert_lead(ctx, lead_id=lead_id, data=LeadConvert(create_organization=True, deal_name="Hens"))
        person, org, deal = result.person, result.organization, result.deal
        assert (person.first_name, person.last_name, person.email, person.organization_id) == (
            "Ann Marie", "Hen", "ann@hen.example", org.id)
        assert org.name == "Hen House"
        assert (deal.name, deal.value, deal.person_id, deal.organization_id, deal.lead_id) == (
            "Hens", Decimal("2400.00"), person.id, org.id, lead_id)
        assert db.session.get(Deal, deal.id).status == "open"
        activity = db.session.scalar(select(Activity))
        assert (activity.person_id, activity.deal_id, activity.lead_id) == (person.id, deal.id, lead_id)
        assert (lead.status, lead.converted_person_id, lead.converted_organization_id, lead.converted_deal_id) == (
            "converted", person.id, org.id, deal.id)
        [event] = events("lead.converted", lead_id)
        assert event.changes["converted_deal_id"] == [None, str(deal.id)]
        assert events("person.created", person.id) and events("deal.created", deal.id)
        with pytest.raises(Conflict):
            leads.convert_lead(ctx, lead_id=lead_id, data=LeadConvert(deal_name="Again"))
        assert db.session.query(Deal).count() == 1


def test_convert_without_organisation_and_reuses_a_known_company(app, acme):
    with app.app_context(), as_user(acme) as ctx:
        db.session.add(Organization(name="Hen House"))
        db.session.flush()
        solo = leads.create_lead(ctx, data=LeadInput(name="Solo", company="Elsewhere"))
        result = leads.convert_lead(ctx, lead_id=solo.id, data=LeadConvert(create_organization=False, deal_name="Solo deal"))
        assert result.organization is None and result.deal.organization_id is None
        known = leads.create_lead(ctx, data=LeadInput(name="Bo Hen", company="hen house"))
        result = leads.convert_lead(ctx, lead_id=known.id, data=LeadConvert(create_organization=True, deal_name="D"))
        assert result.organization_existed and db.session.query(Organization).count() == 1


def test_convert_refuses_a_duplicate_person_unless_asked(app, acme):
    with app.app_context(), as_user(acme) as ctx:
        db.session.add(Person(first_name="Ann", last_name="Hen", email="ann@hen.example"))
        db.session.flush()
        lead = leads.create_lead(ctx, data=LeadInput(name="Ann Hen", email="ann@hen.example"))
        with pytest.raises(DuplicatePerson):
            leads.convert_lead(ctx, lead_id=lead.id, data=LeadConvert(deal_name="D"))
        result = leads.convert_lead(ctx, lead_id=lead.id, data=LeadConvert(deal_name="D", create_anyway=True))
        assert result.person.email == "ann@hen.example"


def test_lead_pages(app, client, acme):
    login(client, acme.users["rep"])
    assert "No leads yet" in client.get("/leads").get_data(as_text=True)
    bad = client.post("/leads/new", data={"name": "", "email": "nope", "estimated_value": "x"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Please fill this in." in text and "Enter an email address" in text
    made = client.post("/leads/new", data={"name": "Ann Hen", "company": "Hen House", "status": "new",
                                           "estimated_value": "900"})
    assert made.status_code == 302
    with app.app_context(), as_user(acme):
        lead_id = db.session.scalar(select(Lead.id))
    page = client.get(f"/leads/{lead_id}").get_data(as_text=True)
    assert "Convert to a customer" in page and "Hen House" in page and "$900.00" in page
    assert "Ann Hen" in client.get("/leads?q=hen").get_data(as_text=True)
    assert 'name="version" value="1"' in client.get(f"/leads/{lead_id}/edit").get_data(as_text=True)
    assert client.post(f"/leads/{lead_id}/edit", data={"name": "Ann Hen", "company": "Hen House", "status": "qualified",
                                                       "version": "1"}).status_code == 302
    stale = client.post(f"/leads/{lead_id}/edit", data={"name": "Old", "status": "new", "version": "1"})
    assert stale.status_code == 409 and "Someone else changed" in stale.get_data(as_text=True)
    empty = client.post(f"/leads/{lead_id}/convert", data={"deal_name": ""})
    assert empty.status_code == 422 and "Please fill this in." in empty.get_data(as_text=True)
    converted = client.post(f"/leads/{lead_id}/convert", data={"deal_name": "Hens", "create_organization": "on"})
    assert converted.status_code == 302 and "/deals/" in converted.headers["Location"]
    page = client.get(f"/leads/{lead_id}").get_data(as_text=True)
    assert "Converted on" in page and "Convert to a customer" not in page
    again = client.post(f"/leads/{lead_id}/convert", data={"deal_name": "Hens"}, follow_redirects=True)
    assert "already converted" in again.get_data(as_text=True)
    with app.app_context(), as_user(acme):
        assert db.session.query(Deal).count() == 1


def test_support_gets_403_on_lead_pages(client, acme):
    login(client, acme.users["support"])
    assert client.get("/leads").status_code == 403
    assert client.get("/leads/new").status_code == 403


def test_lead_history_shows_on_the_lead_and_then_on_the_deal(app, client, acme):
    from app.schemas.activities import ActivityCreate
    from app.services import activities
    with app.app_context(), as_user(acme) as ctx:
        lead_id = leads.create_lead(ctx, data=LeadInput(name="Cat Coop")).id
        activities.log_activity(ctx, data=ActivityCreate(kind="note", subject="Wants 40 hens", lead_id=lead_id))
    login(client, acme.admin)
    assert "Wants 40 hens" in client.get(f"/leads/{lead_id}").get_data(as_text=True)
    converted = client.post(f"/leads/{lead_id}/convert", data={"deal_name": "Forty hens"})
    deal_page = client.get(converted.headers["Location"]).get_data(as_text=True)
    assert "Forty hens" in deal_page and "Wants 40 hens" in deal_page
    assert "Wants 40 hens" in client.get(f"/leads/{lead_id}").get_data(as_text=True)  # the lead keeps its history
