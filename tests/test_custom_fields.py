"""Custom fields: defined by admins, validated by type, archived without losing values."""
import uuid

import pytest
from sqlalchemy import select

from app.errors import Forbidden, Invalid
from app.extensions import db
from app.schemas.custom_fields import FieldChange, FieldDefinition
from app.services import custom_fields
from app.tenancy import tenant_context
from tests.conftest import login


def define(ctx, label, type_, **extra):
    return custom_fields.create_field(ctx, data=FieldDefinition(entity="person", label=label, type=type_, **extra))


def test_values_are_validated_by_type(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        define(ctx, "Customer number", "number", required=True)
        define(ctx, "First order", "date")
        define(ctx, "Delivery day", "select", options="Monday\nThursday")
        define(ctx, "Organic", "checkbox")
        define(ctx, "Notes for the driver", "long_text")
        good = custom_fields.clean_values(ctx, entity="person", raw={
            "custom.customer_number": "1042", "custom.first_order": "2026-03-01", "custom.delivery_day": "Thursday",
            "custom.organic": "true", "custom.notes_for_the_driver": "Ring twice", "custom.__form__": "1"})
        assert good == {"customer_number": 1042, "first_order": "2026-03-01", "delivery_day": "Thursday",
                        "organic": True, "notes_for_the_driver": "Ring twice"}
        with pytest.raises(Invalid) as refused:
            custom_fields.clean_values(ctx, entity="person", raw={
                "custom.customer_number": "many", "custom.first_order": "31/02/2026", "custom.delivery_day": "Sunday"})
        assert set(refused.value.fields) == {"custom.customer_number", "custom.first_order", "custom.delivery_day"}
        with pytest.raises(Invalid) as missing:
            custom_fields.clean_values(ctx, entity="person", raw={"custom.customer_number": ""})
        assert missing.value.fields == {"custom.customer_number": "Please fill this in."}
        unticked = custom_fields.clean_values(ctx, entity="person", raw={"custom.__form__": "1"},
                                              current={"customer_number": 7, "organic": True})
        assert unticked["organic"] is False and unticked["customer_number"] == 7
        api_patch = custom_fields.clean_values(ctx, entity="person", raw={"first_order": "2026-04-02"},
                                               current={"customer_number": 7, "organic": True})
        assert api_patch == {"customer_number": 7, "organic": True, "first_order": "2026-04-02"}


def test_archived_fields_keep_their_values(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        field = define(ctx, "Farm size", "text")
        custom_fields.set_archived(ctx, field_id=field.id, archived=True)
        assert custom_fields.list_fields(ctx, entity="person") == []
        kept = custom_fields.clean_values(ctx, entity="person", raw={"custom.farm_size": "ignored"},
                                          current={"farm_size": "40 ha"})
        assert kept == {"farm_size": "40 ha"}


def test_only_admins_define_fields(app, make_tenant):
    acme = make_tenant("Acme", roles=("head",))
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.users["head"].id) as ctx:
        with pytest.raises(Forbidden):
            define(ctx, "Nope", "text")


def test_select_needs_choices_and_keys_stay_unique(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        with pytest.raises(Invalid) as refused:
            define(ctx, "Size", "select", options="Only one")
        assert "options" in refused.value.fields
        assert define(ctx, "Size", "text").key == "size"
        assert define(ctx, "Size", "text").key == "size_2"
        renamed = custom_fields.update_field(ctx, field_id=custom_fields.list_fields(ctx, entity="person")[0].id,
                                             data=FieldChange(label="Size of farm"))
        assert (renamed.label, renamed.key) == ("Size of farm", "size")


def test_settings_page_adds_and_hides_fields(client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    login(client, acme.admin)
    assert client.post("/settings/fields", data={"entity": "deal", "label": "", "type": "text"}).status_code == 422
    assert client.post("/settings/fields", data={"entity": "deal", "label": "PO number", "type": "text",
                                                 "required": "true"}).status_code == 302
    page = client.get("/settings/fields").get_data(as_text=True)
    assert "PO number" in page
    client.post("/logout")
    login(client, acme.users["rep"])
    assert client.get("/settings/fields").status_code == 403


def test_people_forms_validate_save_and_show_custom_fields(app, client, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        define(ctx, "Customer number", "number", required=True)
        define(ctx, "Delivery day", "select", options="Monday\nThursday")
    login(client, acme.admin)
    form = client.get("/people/new").get_data(as_text=True)
    assert 'name="custom.customer_number"' in form and "Thursday" in form

    refused = client.post("/people/new", data={"first_name": "Cara", "custom.__form__": "1",
                                               "custom.customer_number": "lots", "custom.delivery_day": "Sunday"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="custom.customer_number-error"' in page and "Enter a number." in page
    assert "Choose one of the options." in page

    saved = client.post("/people/new", data={"first_name": "Cara", "custom.__form__": "1",
                                             "custom.customer_number": "1042", "custom.delivery_day": "Thursday"})
    assert saved.status_code == 302
    detail = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "More details" in detail and "1042" in detail and "Thursday" in detail

    person_id = saved.headers["Location"].rsplit("/", 1)[-1]
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        from app.services import people
        version = people.get_person(ctx, person_id=person_id).version
    section = client.post(f"/people/{person_id}/sections/more", headers={"HX-Request": "true"},
                          data={"version": version, "custom.__form__": "1", "custom.customer_number": "7",
                                "custom.delivery_day": "Monday"})
    assert section.status_code == 200 and "Monday" in section.get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert people.get_person(ctx, person_id=person_id).custom == {"customer_number": 7, "delivery_day": "Monday"}


def define_for(ctx, entity, label, type_, **extra):
    return custom_fields.create_field(ctx, data=FieldDefinition(entity=entity, label=label, type=type_, **extra))


def test_deal_custom_values_are_validated_and_saved(app, make_tenant):
    from app.models import AuditEvent
    from app.schemas.deals import DealCreate, DealUpdate
    from app.services import deals
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        define_for(ctx, "deal", "PO number", "text", required=True)
        define_for(ctx, "deal", "Seats", "number")
        define_for(ctx, "person", "Seats", "number")  # another entity's field of the same key is not the deal's
        with pytest.raises(Invalid) as missing:
            deals.create_deal(ctx, data=DealCreate(name="Tractors"))
        assert missing.value.fields == {"custom.po_number": "Please fill this in."}
        with pytest.raises(Invalid) as wrong:
            deals.create_deal(ctx, data=DealCreate(name="Tractors", owner_id=uuid.uuid4(),
                                                   custom={"custom.po_number": "PO-1", "custom.seats": "many"}))
        assert wrong.value.fields == {"custom.seats": "Enter a number.", "owner_id": "Choose someone from your team."}
        deal = deals.create_deal(ctx, data=DealCreate(name="Tractors", custom={"custom.po_number": "PO-1",
                                                                               "custom.seats": "12"}))
        assert deal.custom == {"po_number": "PO-1", "seats": 12}
        created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "deal.created"))
        assert created.changes["custom"][1] == {"po_number": "PO-1", "seats": 12}
        # an edit without custom input keeps the values; with it, only the sent keys change
        deals.update_deal(ctx, deal_id=deal.id, data=DealUpdate(name="Tractors x2"), version=deal.version)
        assert deal.custom == {"po_number": "PO-1", "seats": 12}
        deals.update_deal(ctx, deal_id=deal.id, data=DealUpdate(name="Tractors x2", custom={"seats": "14"}),
                          version=deal.version)
        assert deal.custom == {"po_number": "PO-1", "seats": 14}
        with pytest.raises(Invalid) as blanked:
            deals.update_deal(ctx, deal_id=deal.id, data=DealUpdate(name="Tractors", custom={"custom.po_number": ""}),
                              version=deal.version)
        assert blanked.value.fields == {"custom.po_number": "Please fill this in."}


def test_lead_custom_values_are_validated_and_saved(app, make_tenant):
    from app.schemas.leads import LeadInput
    from app.services import leads
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        define_for(ctx, "lead", "Fair", "select", options="Agritechnica\nEIMA", required=True)
        define_for(ctx, "lead", "Met on", "date")
        with pytest.raises(Invalid) as missing:
            leads.create_lead(ctx, data=LeadInput(name="Hof Berger"))
        assert missing.value.fields == {"custom.fair": "Please fill this in."}
        with pytest.raises(Invalid) as wrong:
            leads.create_lead(ctx, data=LeadInput(name="Hof Berger", custom={"custom.fair": "Expo",
                                                                             "custom.met_on": "yesterday"}))
        assert set(wrong.value.fields) == {"custom.fair", "custom.met_on"}
        lead = leads.create_lead(ctx, data=LeadInput(name="Hof Berger", custom={"custom.fair": "EIMA",
                                                                                "custom.met_on": "2026-02-03"}))
        assert lead.custom == {"fair": "EIMA", "met_on": "2026-02-03"}
        leads.update_lead(ctx, lead_id=lead.id, data=LeadInput(name="Hof Berger", custom={"custom.fair": "Agritechnica"}),
                          version=lead.version)
        assert lead.custom == {"fair": "Agritechnica", "met_on": "2026-02-03"}


def test_deal_forms_show_inputs_and_detail_shows_values(app, client, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        define_for(ctx, "deal", "PO number", "text", required=True)
        define_for(ctx, "deal", "Leasing", "checkbox")
    login(client, acme.admin)
    form = client.get("/deals/new").get_data(as_text=True)
    assert 'name="custom.po_number"' in form and 'name="custom.leasing"' in form

    refused = client.post("/deals/new", data={"name": "Tractors", "custom.__form__": "1", "custom.po_number": "",
                                              "custom.leasing": "true"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="custom.po_number-error"' in page
    assert 'name="custom.leasing" value="true" checked' in page  # the ticked box stays ticked

    saved = client.post("/deals/new", data={"name": "Tractors", "custom.__form__": "1", "custom.po_number": "PO-77",
                                            "custom.leasing": "true"})
    assert saved.status_code == 302
    detail = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "More details" in detail and "PO-77" in detail and "Yes" in detail

    deal_id = saved.headers["Location"].rsplit("/", 1)[-1]
    edit = client.get(f"/deals/{deal_id}/edit").get_data(as_text=True)
    assert 'value="PO-77"' in edit
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        from app.services import deals
        version = deals.get_deal(ctx, deal_id=deal_id).version
    bad = client.post(f"/deals/{deal_id}/edit", data={"name": "Tractors", "version": version, "custom.__form__": "1",
                                                      "custom.po_number": "PO-78", "notes": "x" * 10001})
    assert bad.status_code == 422 and 'value="PO-78"' in bad.get_data(as_text=True)  # the typed value is kept
    client.post(f"/deals/{deal_id}/edit", data={"name": "Tractors", "version": version, "custom.__form__": "1",
                                                "custom.po_number": "PO-78"})
    stale = client.post(f"/deals/{deal_id}/edit", data={"name": "Tractors", "version": version,
                                                        "custom.__form__": "1", "custom.po_number": "PO-79"})
    assert stale.status_code == 409 and 'value="PO-78"' in stale.get_data(as_text=True)  # the current value
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert deals.get_deal(ctx, deal_id=deal_id).custom == {"po_number": "PO-78", "leasing": False}


def test_deal_page_has_no_more_details_without_fields(client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    saved = client.post("/deals/new", data={"name": "Tractors"})
    assert saved.status_code == 302
    assert "More details" not in client.get(saved.headers["Location"]).get_data(as_text=True)


def test_lead_forms_show_inputs_and_detail_shows_values(app, client, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        define_for(ctx, "lead", "Fair", "select", options="Agritechnica\nEIMA")
        define_for(ctx, "lead", "Met on", "date")
    login(client, acme.admin)
    form = client.get("/leads/new").get_data(as_text=True)
    assert 'name="custom.fair"' in form and "Agritechnica" in form and 'name="custom.met_on"' in form

    refused = client.post("/leads/new", data={"name": "Hof Berger", "custom.fair": "EIMA", "custom.met_on": "soon"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Enter a date like 2026-01-31." in page
    assert '<option value="EIMA" selected>' in page

    saved = client.post("/leads/new", data={"name": "Hof Berger", "custom.fair": "EIMA", "custom.met_on": "2026-02-03"})
    assert saved.status_code == 302
    detail = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "More details" in detail and "EIMA" in detail and "Feb 3, 2026" in detail
    lead_id = saved.headers["Location"].rsplit("/", 1)[-1]
    assert '<option value="EIMA" selected>' in client.get(f"/leads/{lead_id}/edit").get_data(as_text=True)


def test_fields_shown_in_lists_become_columns(app, client, make_tenant):
    from app.schemas.contacts import OrganizationInput, PersonInput
    from app.schemas.deals import DealCreate
    from app.schemas.leads import LeadInput
    from app.services import deals, leads, organizations, people
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        for entity in ("person", "organization", "lead", "deal"):
            define_for(ctx, entity, "Region", "text", show_in_list=True)
            define_for(ctx, entity, "Organic", "checkbox", show_in_list=True)
            define_for(ctx, entity, "Since", "date", show_in_list=True)
            define_for(ctx, entity, "Hidden note", "text")
        values = {"custom.region": "Tyrol", "custom.organic": "true", "custom.since": "2025-06-01",
                  "custom.hidden_note": "not in lists"}
        people.create_person(ctx, data=PersonInput(first_name="Cara", custom=values))
        organizations.create_organization(ctx, data=OrganizationInput(name="Hof", custom=values))
        leads.create_lead(ctx, data=LeadInput(name="Hof Berger", custom=values))
        deals.create_deal(ctx, data=DealCreate(name="Tractors", custom={**values, "custom.organic": "false"}))
    login(client, acme.admin)
    for url, ticked in (("/people", "Yes"), ("/organizations", "Yes"), ("/leads", "Yes"), ("/deals", "No")):
        page = client.get(url).get_data(as_text=True)
        assert '<th scope="col">Region</th>' in page and '<th scope="col">Organic</th>' in page, url
        assert '<td data-label="Region">Tyrol</td>' in page, url
        assert f'<td data-label="Organic">{ticked}</td>' in page, url
        assert '<td data-label="Since">Jun 1, 2025</td>' in page, url
        assert "Hidden note" not in page and "not in lists" not in page, url


def test_list_columns_need_no_query_per_row(app, client, make_tenant):
    from sqlalchemy import event

    from app.schemas.deals import DealCreate
    from app.services import deals
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        define_for(ctx, "deal", "Region", "text", show_in_list=True)
        for n in range(3):
            deals.create_deal(ctx, data=DealCreate(name=f"Deal {n}", custom={"region": f"R{n}"}))
    login(client, acme.admin)

    def count(url):
        with app.app_context():
            statements = []
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                body = client.get(url).get_data(as_text=True)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements), body

    client.get("/deals")  # warm up: the first request reads the tenant's settings into the process
    few, _ = count("/deals")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        for n in range(3, 9):
            deals.create_deal(ctx, data=DealCreate(name=f"Deal {n}", custom={"region": f"R{n}"}))
    many, body = count("/deals")
    assert few > 0 and "R8" in body and many == few


def test_converting_a_lead_names_required_deal_fields_it_cannot_fill(app, client, make_tenant):
    from app.schemas.leads import LeadInput
    from app.services import leads
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        define_for(ctx, "deal", "PO number", "text", required=True)
        lead_id = leads.create_lead(ctx, data=LeadInput(name="Hof Berger")).id
    login(client, acme.admin)
    refused = client.post(f"/leads/{lead_id}/convert", data={"deal_name": "Tractors"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "A new deal needs PO number" in page
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert leads.get_lead(ctx, lead_id=lead_id).status == "new"
