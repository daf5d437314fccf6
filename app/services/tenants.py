"""Tenants: sign-up, operator commands, and the organisation's settings."""
import re
import unicodedata
import uuid
from functools import cache
from zoneinfo import available_timezones

from babel import Locale, UnknownLocaleError
from babel.numbers import get_territory_currencies, list_currencies
from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import Invalid, NotFound
from app.extensions import db
from app.models import Tenant, User
from app.models.base import utcnow
from app.permissions import require
from app.schemas.accounts import SignUp, TenantSettings
from app.services import audit, pipelines, users
from app.services.passwords import hash_password
from app.tenancy import TenantContext, bind_session
from app.tenant_schemas import create_schema


@cache
def timezones() -> list[str]:
    """IANA time zone names, sorted, for menus and validation."""
    return sorted(available_timezones())


@cache
def countries() -> dict[str, str]:
    """ISO 3166 country codes and their English names, by name."""
    names = Locale("en").territories
    return dict(sorted(((code, name) for code, name in names.items() if code.isalpha() and len(code) == 2),
                       key=lambda pair: pair[1]))


@cache
def currencies() -> list[str]:
    """ISO 4217 codes Babel knows, sorted."""
    return sorted(list_currencies())


def guess_country(locale: str) -> str | None:
    """The country of a browser locale (en-GB -> GB), if it names one."""
    try:
        return Locale.parse(locale.replace("-", "_")).territory
    except (ValueError, UnknownLocaleError):
        return None


def guess_currency(country: str | None) -> str:
    """The main currency of a country (GB -> GBP), USD when unknown."""
    found = get_territory_currencies(country) if country else []
    return found[0] if found else "USD"


def _slug_for(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:48] or "org"
    taken = set(db.session.scalars(select(Tenant.slug).where(Tenant.slug.startswith(base))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_tenant(
    *, name: str, admin_name: str, admin_email: str, admin_password: str,
    timezone: str = "UTC", currency: str = "USD", country: str | None = None, channel: str = "web",
) -> tuple[Tenant, User, TenantContext]:
    """Create a tenant with its schema and first admin; binds the session to the new tenant."""
    if timezone not in timezones():
        timezone = "UTC"
    users.ensure_email_free(admin_email)
    now = utcnow()
    tenant_id = uuid.uuid4()
    tenant = Tenant(
        id=tenant_id, name=name, slug=_slug_for(name), schema_name=Tenant.schema_for(tenant_id),
        timezone=timezone, currency=currency, country=country, mfa_required_for_admins=True,
        mfa_required_since=now,
    )
    db.session.add(tenant)
    db.session.flush()
    bind_session(db.session, tenant)
    create_schema(db.session, tenant)
    admin = User(
        tenant_id=tenant.id, email=admin_email, name=admin_name, role="admin",
        password_hash=hash_password(admin_password), admin_since=now,
    )
    db.session.add(admin)
    db.session.flush()
    ctx = TenantContext(tenant_id=tenant.id, channel=channel, user_id=admin.id, role="admin")
    audit.record(ctx, "tenant.created", tenant, {"name": (None, name)})
    audit.record(ctx, "user.created", admin, {"email": (None, admin_email), "role": (None, "admin")})
    pipelines.create_default_pipeline(ctx)
    return tenant, admin, ctx


def sign_up(*, data: SignUp) -> User:
    """A new organisation signs itself up: tenant, schema and first admin in one transaction."""
    country = guess_country(data.locale)
    _, admin, _ = create_tenant(
        name=data.organization, admin_name=data.name, admin_email=data.email,
        admin_password=data.password, timezone=data.timezone, currency=guess_currency(country), country=country,
    )
    return admin


def get_tenant(ctx) -> Tenant:
    """The context's own tenant."""
    return db.session.get(Tenant, ctx.tenant_id)


def get_by_slug(slug: str) -> Tenant:
    """A tenant by slug, for operators' commands."""
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise NotFound(_("No organisation with the slug %(slug)s.", slug=slug))
    return tenant


def list_tenants() -> list[Tenant]:
    """Every tenant, oldest first (operators only: no tenant context)."""
    return list(db.session.scalars(select(Tenant).order_by(Tenant.created_at)))


def update_settings(ctx, *, data: TenantSettings) -> Tenant:
    """Change the organisation's name, time zone, currency and admin MFA requirement."""
    require(ctx, "tenant:settings")
    errors = {}
    if data.timezone not in timezones():
        errors["timezone"] = _("Choose a time zone from the list.")
    if data.currency.upper() not in currencies():
        errors["currency"] = _("Choose a currency from the list.")
    if data.country and data.country.upper() not in countries():
        errors["country"] = _("Choose a country from the list.")
    if errors:
        raise Invalid(_("Please correct the marked fields."), fields=errors)
    tenant = db.session.get(Tenant, ctx.tenant_id, with_for_update=True)
    was_required = tenant.mfa_required_for_admins
    changes = audit.diff(tenant, {
        "name": data.name, "timezone": data.timezone, "currency": data.currency.upper(),
        "country": data.country.upper() or None,
        "mfa_required_for_admins": data.mfa_required_for_admins,
    })
    if data.mfa_required_for_admins and not was_required:
        tenant.mfa_required_since = utcnow()  # a fresh grace period for admins without MFA
    if changes:
        audit.record(ctx, "tenant.settings_changed", tenant, changes)
    return tenant
