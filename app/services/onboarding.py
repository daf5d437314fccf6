"""The first-run wizard: the first customer, then the spreadsheet and the team (both skippable), then done."""
from flask_babel import gettext as _

from app.errors import Invalid
from app.models import Person
from app.models.base import utcnow
from app.names import split_name
from app.permissions import can, require
from app.schemas.contacts import PersonInput
from app.schemas.onboarding import FirstCustomer
from app.services import audit, people, tenants


def needs_wizard(ctx) -> bool:
    """Whether this user should be led through the wizard: an admin of a tenant that has not finished or skipped it."""
    return can(ctx, "tenant:settings") and tenants.get_tenant(ctx).onboarded_at is None


def add_first_customer(ctx, *, data: FirstCustomer) -> Person:
    """Add a customer from a name and a phone number or email (either is enough)."""
    if not data.phone and not data.email:
        message = _("Give a phone number or an email address, so you can reach them.")
        raise Invalid(_("Please correct the marked fields."), fields={"phone": message})
    first, last = split_name(data.name)
    try:
        return people.create_person(ctx, data=PersonInput(first_name=first, last_name=last, phone=data.phone,
                                                          email=data.email))
    except Invalid as error:  # the person form names its fields first_name/last_name; this one has one name
        fields = {("name" if key in ("first_name", "last_name") else key): message
                  for key, message in (error.fields or {}).items()}
        raise Invalid(error.message, fields=fields) from None


def finish(ctx) -> None:
    """Mark the wizard finished (or skipped): sign-up and login lead straight to the home page from now on."""
    require(ctx, "tenant:settings")
    tenant = tenants.get_tenant(ctx)
    if tenant.onboarded_at is None:
        tenant.onboarded_at = utcnow()
        audit.record(ctx, "tenant.onboarded", tenant, {"onboarded_at": (None, tenant.onboarded_at)})
