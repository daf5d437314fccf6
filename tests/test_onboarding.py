"""The first-run wizard, sample data, and the empty pages a new organisation sees."""
import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Activity, AuditEvent, Deal, Organization, Person, SampleRecord, Tenant, User
from app.schemas.contacts import PersonInput
from app.services import people
from app.tenancy import tenant_context
from tests.conftest import PASSWORD, login

SIGNUP = {"organization": "Hen House", "name": "Hana", "email": "hana@henhouse.example", "password": PASSWORD,
          "timezone": "Europe/London", "locale": "en-GB"}


def sign_up(client):
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 302 and response.headers["Location"] == "/welcome"
    return response


def tenant_of(app, email="hana@henhouse.example") -> Tenant:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        return db.session.get(Tenant, user.tenant_id)


def test_the_wizard_adds_the_first_customer_from_a_name_and_a_phone(app, client):
    sign_up(client)
    page = client.get("/welcome").get_data(as_text=True)
    assert "Step 1 of 3" in page and "Add your first customer" in page
    response = client.post("/welcome", data={"name": "Maria Lopez", "phone": "020 7946 0101", "email": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/welcome/spreadsheet"
    tenant = tenant_of(app)
    with app.app_context(), tenant_context(tenant.id, channel="cli"):
        maria = db.session.scalars(select(Person)).one()
        assert (maria.first_name, maria.last_name, maria.phone_e164) == ("Maria", "Lopez", "+442079460101")
    step_two = client.get("/welcome/spreadsheet").get_data(as_text=True)
    assert "Maria Lopez is your first customer." in step_two and "Import a spreadsheet" in step_two
    spreadsheet = io.BytesIO(b"Name,Phone\nTom Baker,020 7946 0102\n")
    run_url = client.post("/import", data={"entity": "person", "file": (spreadsheet, "farm.csv")},
                          content_type="multipart/form-data").headers["Location"]
    client.post(f"{run_url}/start", data={"map.0": "name", "map.1": "phone", "duplicates": "skip"})
    assert "Continue setting up: invite your team" in client.get(run_url).get_data(as_text=True)
    assert "Step 3 of 3" in client.get("/welcome/team").get_data(as_text=True)
    assert "Maria Lopez" in client.get("/people").get_data(as_text=True)


@pytest.mark.parametrize("form,field,message", [
    ({"name": "Maria Lopez", "phone": "", "email": ""}, "phone", "Give a phone number or an email address"),
    ({"name": "", "phone": "020 7946 0101"}, "name", "Please fill this in."),
    ({"name": "Maria", "email": "maria-at-example"}, "email", "Enter an email address like"),
    ({"name": "Maria", "phone": "12"}, "phone", "Enter a phone number like"),
])
def test_wizard_mistakes_show_next_to_the_field_and_add_nobody(app, client, form, field, message):
    sign_up(client)
    response = client.post("/welcome", data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in body and message in body
    with app.app_context(), tenant_context(tenant_of(app).id, channel="cli"):
        assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_finishing_or_skipping_the_wizard_is_remembered(app, client):
    sign_up(client)
    client.post("/logout")
    relogin = client.post("/login", data={"email": SIGNUP["email"], "password": PASSWORD})
    assert relogin.headers["Location"] == "/welcome"  # not finished yet: picked up again
    finished = client.post("/welcome/finish")
    assert finished.status_code == 302 and finished.headers["Location"] == "/"
    assert tenant_of(app).onboarded_at is not None
    client.post("/logout")
    assert client.post("/login", data={"email": SIGNUP["email"], "password": PASSWORD}).headers["Location"] == "/"
    with app.app_context(), tenant_context(tenant_of(app).id, channel="cli"):
        assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "tenant.onboarded")).all() \
            == ["tenant.onboarded"]


def test_the_team_step_invites_someone(app, client):
    sign_up(client)
    response = client.post("/welcome/team", data={"name": "Rosa Rep", "email": "rosa@henhouse.example",
                                                  "role": "rep", "method": "invite"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "/invite/" in body and "Finish and go to my home page" in body
    bad = client.post("/welcome/team", data={"name": "", "email": "nope", "role": "rep"})
    assert bad.status_code == 422 and 'id="email-error"' in bad.get_data(as_text=True)


def test_only_admins_are_led_through_the_wizard(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    response = login(client, acme.users["rep"])
    assert response.headers["Location"] == "/"
    assert client.post("/welcome/finish").status_code == 403


# --- sample data -----------------------------------------------------------------------------------

def counts(app, tenant_id) -> dict:
    with app.app_context(), tenant_context(tenant_id, channel="cli"):
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model)
                                                  .execution_options(include_deleted=True))
                for model in (Organization, Person, Deal, Activity, SampleRecord)}


def test_sample_data_loads_and_removes_exactly_what_it_added(app, client, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        people.create_person(ctx, data=PersonInput(first_name="My", last_name="Customer"))
    login(client, acme.admin)
    loaded = client.post("/settings/sample-data/load", data={"next": "/people"})
    assert loaded.status_code == 302 and loaded.headers["Location"] == "/people"
    listing = client.get("/people").get_data(as_text=True)
    assert "Maria" in listing and "sample records were added" in listing
    after_load = counts(app, acme.id)
    assert after_load["Organization"] == 4 and after_load["Person"] == 7 and after_load["Deal"] == 5
    assert after_load["Activity"] == 6 and after_load["SampleRecord"] == 4 + 6 + 5 + 6
    assert "Remove the sample data" in client.get("/settings/sample-data").get_data(as_text=True)
    twice = client.post("/settings/sample-data/load", follow_redirects=True).get_data(as_text=True)
    assert "already loaded" in twice and counts(app, acme.id) == after_load

    # a sample record sent to the trash still goes; the user's own record stays
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        maria_id = db.session.scalars(select(Person.id).where(Person.first_name == "Maria")).one()
    assert client.post(f"/people/{maria_id}/delete").status_code == 302
    removed = client.post("/settings/sample-data/remove", follow_redirects=True).get_data(as_text=True)
    assert "sample records were removed" in removed
    assert counts(app, acme.id) == {"Organization": 0, "Person": 1, "Deal": 0, "Activity": 0, "SampleRecord": 0}
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.scalars(select(Person.last_name)).one() == "Customer"
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"sample_data.loaded", "sample_data.removed", "person.removed", "deal.removed"} <= actions
    nothing = client.post("/settings/sample-data/remove", follow_redirects=True).get_data(as_text=True)
    assert "There is no sample data to remove." in nothing


def test_sample_data_is_an_admins_choice(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("head",))
    login(client, acme.users["head"])
    assert client.post("/settings/sample-data/load").status_code == 403
    assert client.get("/settings/sample-data").status_code == 403
    assert "Try it with sample data" not in client.get("/people").get_data(as_text=True)
    assert counts(app, acme.id)["Person"] == 0


# --- empty pages -----------------------------------------------------------------------------------

@pytest.mark.parametrize("url,action", [
    ("/people", "Add your first person"),
    ("/organizations", "Add your first organisation"),
    ("/leads", "Add a lead"),
    ("/deals", "Add your first deal"),
    ("/deals/board", "Add your first deal"),
    ("/tasks", "Set a task on a customer's timeline"),
])
def test_empty_pages_show_one_action_and_a_sentence_of_help(app, client, make_tenant, url, action):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    body = client.get(url).get_data(as_text=True)
    assert action in body and "empty-state" in body and "<table" not in body.split("empty-state", 1)[1][:2000]


def test_the_empty_people_page_offers_import_and_sample_data(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    body = client.get("/people").get_data(as_text=True)
    assert "Or import them from a spreadsheet" in body and "Try it with sample data" in body
