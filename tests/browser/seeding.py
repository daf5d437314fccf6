"""A signed-up tenant filled through the services, so pages in the browser have something on them."""
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Tenant, User
from app.models.base import utcnow
from app.schemas.activities import ActivityCreate
from app.schemas.contacts import OrganizationInput, PersonInput
from app.schemas.custom_fields import FieldDefinition
from app.schemas.deals import DealCreate
from app.schemas.leads import LeadInput
from app.services import activities, custom_fields, deals, leads, organizations, people
from app.tenancy import tenant_context


def seed_business(live_app) -> dict:
    """A poultry supplier's first records (for the only tenant, as its first user); their ids by name."""
    with live_app.app_context():
        tenant_id = db.session.scalars(select(Tenant.id)).one()
        user_id = db.session.scalars(select(User.id)).first()
    with live_app.app_context(), tenant_context(tenant_id, channel="web", user_id=user_id) as ctx:
        custom_fields.create_field(ctx, data=FieldDefinition(entity="person", label="Flock size", type="number"))
        farm = organizations.create_organization(ctx, data=OrganizationInput(name="Green Acre Farm"))
        ann = people.create_person(ctx, data=PersonInput(
            first_name="Ann", last_name="Lee", email="ann@greenacre.example", phone="+44 20 7946 0000",
            organization_id=farm.id))
        for first, last in (("Bob", "Ray"), ("Cleo", "Dunn"), ("Dev", "Patel")):
            people.create_person(ctx, data=PersonInput(first_name=first, last_name=last))
        layers = deals.create_deal(ctx, data=DealCreate(name="200 point-of-lay hens", value="1200", person_id=ann.id,
                                                        expected_close=date.today() + timedelta(days=1)))
        deals.create_deal(ctx, data=DealCreate(name="Feed contract", value="3400", organization_id=farm.id))
        won = deals.create_deal(ctx, data=DealCreate(name="Coop repair", value="300", person_id=ann.id))
        deals.mark_won(ctx, deal_id=won.id)
        lead = leads.create_lead(ctx, data=LeadInput(name="Village shop eggs", company="Village Shop"))
        activities.log_activity(ctx, data=ActivityCreate(kind="call", subject="Asked about prices", person_id=ann.id))
        activities.log_activity(ctx, data=ActivityCreate(kind="meeting", subject="Farm visit", person_id=ann.id))
        activities.log_activity(ctx, data=ActivityCreate(
            kind="task", subject="Send the quote", due_at=utcnow() - timedelta(hours=1), deal_id=layers.id))
        return {"tenant": tenant_id, "user": user_id, "person": ann.id, "organization": farm.id, "deal": layers.id,
                "lead": lead.id}
