"""Settings, Pipelines: editing, adding, reordering and deleting stages; who may."""
import pytest
from sqlalchemy import select

from app.errors import Conflict, Forbidden
from app.extensions import db
from app.models import AuditEvent, Stage
from app.schemas.deals import DealCreate, StageInput
from app.services import deals, pipelines
from app.tenancy import tenant_context
from tests.conftest import login


def names(ctx):
    return [s.name for s in pipelines.list_pipelines(ctx)[0].stages]


def actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "stage"))]


def test_manage_stages(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        pipeline = pipelines.list_pipelines(ctx)[0]
        lead = pipeline.stages[0]
        pipelines.update_stage(ctx, stage_id=lead.id, data=StageInput(name="New enquiry", color="#112233", probability="5"))
        assert (lead.name, lead.color, lead.probability) == ("New enquiry", "#112233", 5)
        added = pipelines.add_stage(ctx, pipeline_id=pipeline.id, data=StageInput(name="Trial", probability="60"))
        assert added.position == 4  # before the closing stages
        pipelines.move_stage(ctx, stage_id=added.id, offset=-1)
        db.session.expire_all()
        assert names(ctx) == ["New enquiry", "Qualified", "Proposal", "Trial", "Negotiation", "Closed Won", "Closed Lost"]
        pipelines.delete_stage(ctx, stage_id=added.id)
        db.session.expire_all()
        assert "Trial" not in names(ctx)
        assert sorted(actions()) == ["stage.created", "stage.deleted", "stage.moved", "stage.updated"]


def test_a_stage_with_deals_is_not_deleted(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        deal = deals.create_deal(ctx, data=DealCreate(name="Eggs"))
        with pytest.raises(Conflict) as refused:
            pipelines.delete_stage(ctx, stage_id=deal.stage_id)
        assert "still has 1 deal" in refused.value.message
        deals.delete_deal(ctx, deal_id=deal.id)  # a trashed deal still needs its stage to come back
        with pytest.raises(Conflict):
            pipelines.delete_stage(ctx, stage_id=deal.stage_id)


def test_reps_cannot_manage_stages(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep", "head"))
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.users["rep"].id) as ctx:
        stage_id = pipelines.list_pipelines(ctx)[0].stages[0].id
        with pytest.raises(Forbidden):
            pipelines.update_stage(ctx, stage_id=stage_id, data=StageInput(name="X"))
    login(client, acme.users["rep"])
    assert client.get("/settings/pipelines").status_code == 403
    assert client.post(f"/settings/pipelines/stages/{stage_id}", data={"name": "X"}).status_code == 403


def test_pipeline_settings_page(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("head",))
    login(client, acme.users["head"])
    page = client.get("/settings/pipelines")
    assert page.status_code == 200 and "Closed Won" in page.get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        pipeline_id = pipelines.list_pipelines(ctx)[0].id
        first = pipelines.list_pipelines(ctx)[0].stages[0].id
        deals.create_deal(ctx, data=DealCreate(name="Eggs"))
    bad = client.post(f"/settings/pipelines/stages/{first}", data={"name": "", "color": "red", "probability": "300"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Please fill this in." in text and "Choose a colour like" in text and "from 0 to 100" in text
    saved = client.post(f"/settings/pipelines/stages/{first}",
                        data={"name": "Enquiry", "color": "#aabbcc", "probability": "15", "kind": "open"},
                        follow_redirects=True)
    assert "Stage Enquiry saved." in saved.get_data(as_text=True)
    added = client.post(f"/settings/pipelines/{pipeline_id}/stages", data={"name": "Trial", "color": "#000000",
                                                                          "probability": "", "kind": "open"},
                        follow_redirects=True)
    assert "Stage Trial added." in added.get_data(as_text=True)
    refused = client.post(f"/settings/pipelines/stages/{first}/delete", follow_redirects=True)
    assert "still has 1 deal" in refused.get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert db.session.scalar(select(Stage.name).where(Stage.id == first)) == "Enquiry"
        assert "Trial" in names(ctx)


def test_changing_a_stage_kind_closes_or_reopens_its_deals(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        deal = deals.create_deal(ctx, data=DealCreate(name="Eggs"))
        stage = pipelines.list_pipelines(ctx)[0].stages[0]
        pipelines.update_stage(ctx, stage_id=stage.id, data=StageInput(name=stage.name, color=stage.color,
                                                                       probability=stage.probability, kind="won"))
        assert deal.status == "won" and deal.closed_at is not None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "stage.updated"))
        assert event.changes["kind"] == ["open", "won"] and event.changes["deals_changed"] == [None, 1]
        pipelines.update_stage(ctx, stage_id=stage.id, data=StageInput(name=stage.name, color=stage.color,
                                                                       probability=stage.probability, kind="open"))
        assert deal.status == "open" and deal.closed_at is None
