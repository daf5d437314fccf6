"""The team and the custom field definitions are kept in each process, and stay exact: a change made by
any process shows at the next request everywhere, never to another tenant, and at once to the request
that made it."""
import uuid

import pytest
from sqlalchemy import update

from app import create_app
from app.extensions import db
from app.models import Tenant, User
from app.schemas.accounts import ProfileUpdate
from app.schemas.contacts import PersonInput
from app.schemas.custom_fields import FieldChange, FieldDefinition
from app.schemas.deals import PipelineInput, StageInput
from app.services import custom_fields, dashboard, people, pipelines, users
from app.services.tenant_settings import SettingsCache
from app.tenancy import tenant_context
from tests.api.conftest import ApiClient, make_token
from tests.conftest import app_config, login
from tests.test_query_counts import statements_for


def settings_reads(statements) -> list[str]:
    """The statements that read the team or the custom field definitions."""
    return [s for s in statements if "custom_fields" in s or "lower(users.name)" in s]


@pytest.fixture
def other_app(app):
    """A second app on the same database: its own memory, as another worker process has."""
    other = create_app(app_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    yield other
    with other.app_context():
        db.engine.dispose()


def add_field(ctx, label, entity="person", **extra):
    return custom_fields.create_field(ctx, data=FieldDefinition(entity=entity, label=label, type="text", **extra))


def add_person(app, tenant):
    with app.app_context(), tenant_context(tenant.id, channel="cli", user_id=tenant.admin.id) as ctx:
        people.create_person(ctx, data=PersonInput(first_name="Ann", last_name="Lee"))


def version_of(app, tenant) -> int:
    with app.app_context():
        version = db.session.get(Tenant, tenant.id).settings_version
        db.session.remove()
        return version


def test_another_process_sees_a_renamed_user_and_a_new_field_at_its_next_request(app, other_app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    add_person(app, acme)
    client = other_app.test_client()
    login(client, acme.admin)
    page = client.get("/people").get_data(as_text=True)
    assert "Acme Rep" in page and "Shoe size" not in page
    assert settings_reads(statements_for(other_app, client, "/people")) == []  # kept in memory now

    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.users["rep"].id) as ctx:
        users.update_profile(ctx, data=ProfileUpdate(name="Renamed Rep"))
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        add_field(ctx, "Shoe size", show_in_list=True)

    page = client.get("/people").get_data(as_text=True)
    assert "Renamed Rep" in page and "Acme Rep" not in page and "Shoe size" in page


def test_a_deactivated_user_leaves_the_pickers_of_every_process(app, other_app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    admin = app.test_client()
    login(admin, acme.admin)
    client = other_app.test_client()
    login(client, acme.admin)
    assert "Acme Rep" in client.get("/deals/new").get_data(as_text=True)

    assert admin.post(f"/settings/users/{acme.users['rep'].id}/active", data={"active": "false"}).status_code == 302

    assert "Acme Rep" not in client.get("/deals/new").get_data(as_text=True)
    assert "Acme Rep (deactivated)" in client.get("/people/new").get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert not users.is_active_member(ctx, acme.users["rep"].id)


def test_one_tenants_settings_are_never_served_to_another_at_the_same_version(app, make_tenant):
    acme, globex = make_tenant("Acme"), make_tenant("Globex")
    for tenant, label in ((acme, "Acme only"), (globex, "Globex only")):
        with app.app_context(), tenant_context(tenant.id, channel="cli") as ctx:
            add_field(ctx, label)
    assert version_of(app, acme) == version_of(app, globex)

    for tenant, label, name in ((acme, "Acme only", "Acme Admin"), (globex, "Globex only", "Globex Admin")):
        with app.app_context(), tenant_context(tenant.id, channel="cli") as ctx:
            assert [f.label for f in custom_fields.list_fields(ctx, entity="person")] == [label]
            assert [m.name for m in users.list_users(ctx)] == [name]


def test_a_unit_of_work_that_changes_fields_reads_its_own_changes_and_only_commits_share_them(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert custom_fields.list_columns(ctx, entity="person") == []  # kept in memory at this version
    with pytest.raises(RuntimeError), app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        add_field(ctx, "Region", show_in_list=True)
        assert [f.label for f in custom_fields.list_columns(ctx, entity="person")] == ["Region"]
        raise RuntimeError("rolled back")
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert custom_fields.list_columns(ctx, entity="person") == []  # the rolled-back field was never kept
        field_id = add_field(ctx, "Region", show_in_list=True).id
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert [f.label for f in custom_fields.list_columns(ctx, entity="person")] == ["Region"]
        custom_fields.update_field(ctx, field_id=field_id, data=FieldChange(label="Area", show_in_list=True))
        assert [f.label for f in custom_fields.list_columns(ctx, entity="person")] == ["Area"]  # not yet flushed


def test_the_people_list_reads_no_settings_once_they_are_kept(app, other_app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        add_field(ctx, "Shoe size", show_in_list=True)
    add_person(app, acme)
    client = other_app.test_client()  # a process that has read nothing of this tenant yet
    login(client, acme.admin)
    first = statements_for(other_app, client, "/people")
    kept = statements_for(other_app, client, "/people")
    assert len(settings_reads(first)) == 2 and settings_reads(kept) == []
    assert len(kept) == len(first) - 3  # and the overdue count, which now rides on loading the user
    page = client.get("/people").get_data(as_text=True)
    assert "Shoe size" in page and "Acme Rep" in page


def test_bulk_writes_to_users_change_the_version(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert "Acme Rep" in [m.name for m in users.list_users(ctx)]
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        db.session.execute(update(User).where(User.id == acme.users["rep"].id).values(name="Bulk Rep"))
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert "Bulk Rep" in [m.name for m in users.list_users(ctx)]


def test_signing_in_leaves_the_version_alone_and_a_rename_raises_it(app, client, make_tenant):
    acme = make_tenant("Acme")
    before = version_of(app, acme)
    login(client, acme.admin)
    assert version_of(app, acme) == before
    client.post("/profile", data={"name": "Acme Boss"})
    assert version_of(app, acme) == before + 1


def test_the_process_keeps_the_most_recently_used_tenants_only():
    cache = SettingsCache(max_tenants=2)
    loads = []

    def load(tenant):
        return lambda: loads.append(tenant) or f"team of {tenant}"

    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for tenant in (a, b, a, c, a, b):
        assert cache.get(tenant, 1, "team", load(tenant)) == f"team of {tenant}"
    assert loads == [a, b, c, b] and len(cache) == 2
    assert cache.get(a, 2, "team", load(a)) == f"team of {a}" and loads[-1] == a  # a new version reads afresh


def test_the_api_reads_the_version_with_its_token_and_sees_another_process_change(app, other_app, make_tenant):
    acme = make_tenant("Acme")
    api = ApiClient(other_app.test_client(), make_token(app, acme))
    api.get("/custom-fields")  # now kept, and the token was used (its once-a-minute write is done)
    statements = statements_for(other_app, api.client, "/api/v1/custom-fields", headers=api.headers())
    # One statement: the token's, which brings the version along; neither the tenant row nor the fields.
    assert len(statements) == 1 and "api_tokens" in statements[0]

    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        add_field(ctx, "Shoe size")

    assert [field["label"] for field in api.get("/custom-fields").get_json()["items"]] == ["Shoe size"]


def test_the_board_keeps_the_pipeline_layout_and_another_process_sees_a_stage_change(app, other_app, make_tenant):
    acme = make_tenant("Acme")
    client = other_app.test_client()
    login(client, acme.admin)
    assert "Qualified" in client.get("/deals/board").get_data(as_text=True)
    assert not [s for s in statements_for(other_app, client, "/deals/board") if "stages" in s]  # kept now

    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        sales = pipelines.list_pipelines(ctx)[0]
        qualified = next(stage for stage in sales.stages if stage.name == "Qualified")
        qualified_id, lead_id = qualified.id, sales.stages[0].id
        pipelines.update_stage(ctx, stage_id=qualified.id, data=StageInput(name="Vetted", color="#123456"))
        pipelines.move_stage(ctx, stage_id=qualified.id, offset=-1)  # before "Lead" now
        pipelines.create_pipeline(ctx, data=PipelineInput(name="Renewals"))

    board = client.get("/deals/board").get_data(as_text=True)
    heading = board.split(f'id="stage-{qualified_id}-name">')[1].split("</h2>")[0]
    assert 'fill="#123456"/></svg> Vetted' in heading
    assert board.index(f'id="column-{qualified_id}"') < board.index(f'id="column-{lead_id}"')
    assert "Renewals" in board  # the pipeline switcher
    with other_app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        stages = next(c for c in dashboard.build_dashboard(ctx).charts if c.key == "deals-by-stage").labels
    assert stages[:2] == ["Sales: Vetted", "Sales: Lead"]  # two pipelines now: each stage names its own
