"""Sample data: a small poultry supplier's customers, orders, calls and tasks, loaded and removed in one click.

Every record it makes is noted in `sample_records`, so removing takes exactly those (with whatever
the user changed on them) and never a record the user added.
"""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.errors import Conflict
from app.extensions import db
from app.models import Activity, Deal, Organization, Person, SampleRecord
from app.models.base import utcnow
from app.permissions import require
from app.schemas.activities import ActivityCreate
from app.schemas.contacts import OrganizationInput, PersonInput
from app.schemas.deals import DealCreate
from app.services import activities, audit, deals, organizations, people, pipelines, tenants

SAMPLE_TAG = "Sample"
# Children first, so nothing removed still points at a record removed after it.
MODELS = {"activity": Activity, "deal": Deal, "person": Person, "organization": Organization}

# name, industry, phone
_ORGANIZATIONS = (
    ("Green Valley Farm Shop", "Retail", "+44 20 7946 0101"),
    ("The Corner Café", "Hospitality", "+44 20 7946 0102"),
    ("Riverside Bakery", "Food production", "+44 20 7946 0103"),
    ("Hilltop Hotel", "Hospitality", "+44 20 7946 0104"),
)
# first, last, title, organisation (index or None), email, phone
_PEOPLE = (
    ("Maria", "Lopez", "Owner", 0, "maria@greenvalley.example", "+44 7700 900101"),
    ("Aisha", "Khan", "Manager", 1, "aisha@cornercafe.example", "+44 7700 900102"),
    ("Tom", "Baker", "Head baker", 2, "tom@riversidebakery.example", "+44 7700 900103"),
    ("George", "Smith", "Head chef", 3, "george@hilltophotel.example", "+44 7700 900104"),
    ("Priya", "Patel", "Purchasing", 3, "priya@hilltophotel.example", None),
    ("Lena", "Novak", None, None, None, "+44 7700 900106"),
)
# name, value, person index, stage (index of the open stages, or "won")
_DEALS = (
    ("Weekly eggs, 60 trays", "540", 0, 0),
    ("Free-range chickens, 40 a month", "1200", 1, 1),
    ("Duck eggs trial order", "180", 2, 2),
    ("Christmas turkeys, 25 birds", "1875", 3, 3),
    ("Spring lamb and eggs", "950", 5, "won"),
)


def is_loaded(ctx) -> bool:
    """Whether the tenant has sample data in it now."""
    require(ctx, "contact:read")
    return bool(db.session.scalar(select(func.count()).select_from(SampleRecord)))


def load(ctx) -> int:
    """Add the sample business through the services (validated and audited like typed records); how many records."""
    require(ctx, "tenant:settings")
    if is_loaded(ctx):
        raise Conflict(_("The sample data is already loaded. Remove it first to load it again."))
    made = []
    orgs = [organizations.create_organization(ctx, data=OrganizationInput(
        name=name, industry=industry, phone=phone, tags=[SAMPLE_TAG])) for name, industry, phone in _ORGANIZATIONS]
    made += orgs
    persons = [people.create_person(ctx, data=PersonInput(
        first_name=first, last_name=last, title=title, email=email, phone=phone, tags=[SAMPLE_TAG],
        organization_id=orgs[org].id if org is not None else None, create_anyway=True))
        for first, last, title, org, email, phone in _PEOPLE]
    made += persons
    made += _deals(ctx, persons)
    made += _activities(ctx, persons, [record for record in made if isinstance(record, Deal)])
    for record in made:
        db.session.add(SampleRecord(entity_type=audit.entity_type_of(record), entity_id=record.id))
    audit.record(ctx, "sample_data.loaded", tenants.get_tenant(ctx), {"records": (None, len(made))})
    return len(made)


def _deals(ctx, persons: list[Person]) -> list[Deal]:
    pipeline = pipelines.list_pipelines(ctx)
    stages = pipeline[0].stages if pipeline else []
    open_stages = [stage for stage in stages if stage.kind == "open"] or stages[:1]
    won = next((stage for stage in stages if stage.kind == "won"), None)
    if not open_stages:
        return []  # no stage to put an order in: the sample has customers and calls only
    made = []
    for name, value, person, stage in _DEALS:
        chosen = won if stage == "won" else open_stages[min(stage, len(open_stages) - 1)]
        if chosen is None:
            continue
        made.append(deals.create_deal(ctx, data=DealCreate(
            name=name, value=value, person_id=persons[person].id, organization_id=persons[person].organization_id,
            pipeline_id=pipeline[0].id, stage_id=chosen.id)))
    return made


def _activities(ctx, persons: list[Person], orders: list[Deal]) -> list[Activity]:
    now = utcnow()
    items = [
        ActivityCreate(kind="call", subject=_("Asked about delivery days"), person_id=persons[0].id,
                       occurred_at=now - timedelta(days=2), duration_minutes=5, outcome=_("Tuesdays and Fridays")),
        ActivityCreate(kind="call", subject=_("Order for the Christmas menu"), person_id=persons[3].id,
                       occurred_at=now - timedelta(days=1), duration_minutes=12),
        ActivityCreate(kind="note", subject=_("Prefers brown eggs, size large"), person_id=persons[1].id,
                       occurred_at=now - timedelta(days=6)),
        ActivityCreate(kind="task", subject=_("Send the turkey price list"), person_id=persons[3].id,
                       due_at=now + timedelta(days=1)),
        ActivityCreate(kind="task", subject=_("Call about the trial order"), person_id=persons[2].id,
                       due_at=now - timedelta(days=1)),
    ]
    if orders:
        items.append(ActivityCreate(kind="meeting", subject=_("Tasting at the farm"), person_id=persons[0].id,
                                    deal_id=orders[0].id, occurred_at=now - timedelta(days=3), duration_minutes=45))
    return [activities.log_activity(ctx, data=item) for item in items]


def remove(ctx) -> int:
    """Delete for good every record the sample data made (also ones since moved to the trash); how many."""
    require(ctx, "tenant:settings")
    markers = list(db.session.scalars(select(SampleRecord)))
    if not markers:
        raise Conflict(_("There is no sample data to remove."))
    removed = 0
    for entity_type, model in MODELS.items():
        ids = [marker.entity_id for marker in markers if marker.entity_type == entity_type]
        stmt = select(model).where(model.id.in_(ids)).execution_options(include_deleted=True)
        for record in db.session.scalars(stmt):
            audit.record(ctx, f"{entity_type}.removed", record, {"sample_data": (True, None)})
            db.session.delete(record)
            removed += 1
        db.session.flush()
    for marker in markers:
        db.session.delete(marker)
    audit.record(ctx, "sample_data.removed", tenants.get_tenant(ctx), {"records": (len(markers), None)})
    return removed
