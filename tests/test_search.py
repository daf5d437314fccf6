"""The search box: people, organisations and deals of the tenant, by fragment, as the role allows."""
from app.extensions import db
from app.models import Deal, Lead, Organization, Person
from app.services import pipelines, search
from app.tenancy import tenant_context
from tests.conftest import login


def fill(app, tenant):
    with app.app_context(), tenant_context(tenant.id, channel="cli") as ctx:
        org = Organization(name="Henhouse Feeds Ltd")
        db.session.add(org)
        db.session.flush()
        db.session.add(Person(first_name="Annabel", last_name="Hennessy", email="annabel@henhouse.example",
                              phone="020 7946 0001", phone_e164="+442079460001", organization_id=org.id))
        stage = pipelines.list_pipelines(ctx)[0].stages[0]
        db.session.add(Deal(name="Hen feed, spring order", currency="GBP", pipeline_id=stage.pipeline_id,
                            stage_id=stage.id, organization_id=org.id))
        db.session.add(Lead(name="Henrietta Brown", company="Brown's Bakery"))


def test_fragments_find_every_kind(app, make_tenant):
    acme = make_tenant("Acme", roles=("support",))
    fill(app, acme)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        found = search.search(ctx, q="  hen ")
        assert [p.name for p in found.people] == ["Annabel Hennessy"]
        assert [o.name for o in found.organizations] == ["Henhouse Feeds Ltd"]
        assert [d.name for d in found.deals] == ["Hen feed, spring order"]
        assert [lead.name for lead in found.leads] == ["Henrietta Brown"]
        assert search.search(ctx, q="7946").people  # a phone fragment
        assert search.search(ctx, q="h").empty  # too short to search
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.users["support"].id) as ctx:
        assert search.search(ctx, q="hen").deals == []  # support cannot read deals


def test_another_tenants_records_are_never_found(app, make_tenant):
    acme, other = make_tenant("Acme"), make_tenant("Other")
    fill(app, other)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        assert search.search(ctx, q="hen").empty


def test_search_box_answers_as_you_type_and_as_a_page(app, client, make_tenant):
    acme = make_tenant("Acme")
    fill(app, acme)
    login(client, acme.admin)
    fragment = client.get("/search?q=anna", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Annabel Hennessy" in fragment and "<html" not in fragment
    page = client.get("/search?q=zzzz").get_data(as_text=True)
    assert "Nothing matches" in page and "<html" in page
