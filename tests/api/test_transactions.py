"""One transaction per API request: kept when it succeeds, dropped as a whole when it fails."""
import logging

from sqlalchemy import func, select

from app.extensions import db
from app.models import Organization, Person
from app.schemas.custom_fields import FieldDefinition
from app.services import custom_fields, people
from app.tenancy import tenant_context


def test_a_refused_conversion_leaves_nothing_half_made(app, api, acme):
    """Converting makes the contact and organisation first; a deal field it cannot fill refuses it all."""
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        custom_fields.create_field(ctx, data=FieldDefinition(entity="deal", label="PO", type="text", required=True))
    lead = api.post("/leads", json={"name": "Ann Hen", "company": "Hen Farms"}).get_json()
    refused = api.post(f"/leads/{lead['id']}/convert", json={"deal_name": "Order", "create_organization": True})
    assert refused.status_code == 422 and "PO" in refused.get_json()["error"]["message"]
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.scalar(select(func.count()).select_from(Person)) == 0
        assert db.session.scalar(select(func.count()).select_from(Organization)) == 0
    assert api.get(f"/leads/{lead['id']}").get_json()["status"] == "new"


def test_an_unexpected_error_is_logged_and_answered_as_json(api, monkeypatch, caplog):
    def broken(ctx, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(people, "list_people", broken)
    with caplog.at_level(logging.ERROR):
        response = api.get("/contacts")
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "server_error"
    assert "a bug" not in response.get_data(as_text=True)
    assert any("unhandled API error" in record.getMessage() for record in caplog.records)
