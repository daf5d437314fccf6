"""Custom fields: defined by admins, validated by type, archived without losing values."""
import pytest

from app.errors import Forbidden, Invalid
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
