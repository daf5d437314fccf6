"""Settings for admins: the organisation, its users, and the audit log."""
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_name
from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from app.errors import Conflict, Invalid
from app.extensions import db
from app.permissions import ROLE_LABELS, ROLES, can, require
from app.schemas.accounts import RoleChange, TenantSettings, UserCreate
from app.services import audit, tenants, users
from app.tenancy import CHANNELS
from app.web.locale import current_tenant
from app.web.rendering import FORM_ERROR, form_errors, parse, render

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.before_request
@login_required
def _signed_in():
    """Every settings page needs a signed-in user; each page checks its own permission."""


@bp.get("")
def index():
    """The first settings page this user may see."""
    if can(g.ctx, "tenant:settings"):
        return redirect(url_for("settings.organization"))
    return redirect(url_for("settings.users_list"))


@bp.route("/organization", methods=["GET", "POST"])
def organization():
    """Name, time zone, currency and the admin MFA rule."""
    require(g.ctx, "tenant:settings")
    tenant = current_tenant()
    errors, form = {}, None
    if request.method == "POST":
        form = request.form
        data, errors = parse(TenantSettings, form)
        if not errors:
            try:
                tenants.update_settings(g.ctx, data=data)
            except Invalid as error:
                errors = form_errors(error)
            else:
                flash(_("Settings saved."), "success")
                return redirect(url_for("settings.organization"))
    return render("settings/organization.html", tenant=tenant, form=form, errors=errors,
                  timezones=[(zone, zone) for zone in tenants.timezones()],
                  currency_options=[(code, f"{code} — {get_currency_name(code, locale=get_locale())}")
                                    for code in tenants.currencies()],
                  country_options=[("", _("Not set"))] + list(tenants.countries().items()),
                  status=FORM_ERROR if errors else 200)


def _users_page(status=200, **context):
    context.setdefault("errors", {})
    context.setdefault("form", {})
    return render("settings/users.html", users=users.list_users(g.ctx), status=status,
                  role_options=[(role, ROLE_LABELS[role]) for role in ROLES], **context)


@bp.get("/users")
def users_list():
    """The team, with a form to add someone."""
    require(g.ctx, "user:read")
    return _users_page()


@bp.post("/users")
def users_add():
    """Add a user; the invite link or temporary password is shown once."""
    require(g.ctx, "user:manage")
    data, errors = parse(UserCreate, request.form)
    if not errors:
        try:
            created = users.add_user(g.ctx, data=data)
        except Invalid as error:
            errors = form_errors(error)
        else:
            return _users_page(created=created, invite_url=invite_url(created))
    return _users_page(status=FORM_ERROR, errors=errors, form=request.form)


def invite_url(created) -> str | None:
    if created.invite_token is None:
        return None
    return url_for("auth.accept_invite", token=created.invite_token, _external=True)


@bp.get("/users/<uuid:user_id>")
def user_detail(user_id: uuid.UUID):
    """One user: role, status, and what they did lately."""
    user = users.get_user(g.ctx, user_id)
    recent = []
    if can(g.ctx, "audit:read"):
        recent, _cursor = audit.list_events(g.ctx, filters=audit.AuditFilter(actor_id=user.id),
                                            tz=ZoneInfo(current_tenant().timezone), limit=10)
    return render("settings/user.html", user=user, recent=recent, errors={})


@bp.post("/users/<uuid:user_id>/role")
def user_role(user_id: uuid.UUID):
    """Change a user's role (the row updates in place)."""
    require(g.ctx, "user:manage")
    data, errors = parse(RoleChange, request.form)
    if errors:
        return _user_changed(user_id, error=errors["role"])
    try:
        users.change_role(g.ctx, user_id=user_id, role=data.role)
    except Conflict as refused:
        return _user_changed(user_id, error=refused.message)
    return _user_changed(user_id)


@bp.post("/users/<uuid:user_id>/active")
def user_active(user_id: uuid.UUID):
    """Deactivate or reactivate a user."""
    require(g.ctx, "user:manage")
    try:
        users.set_active(g.ctx, user_id=user_id, active=request.form.get("active") == "true")
    except Conflict as refused:
        return _user_changed(user_id, error=refused.message)
    return _user_changed(user_id)


def _user_changed(user_id: uuid.UUID, *, error: str | None = None):
    """The user's row for HTMX, else back to the user's page with a message."""
    if error:
        db.session.rollback()  # a refused change leaves nothing behind, even on a redirect
    user = users.get_user(g.ctx, user_id)
    if request.htmx:
        return render("settings/_user_row.html", user=user, row_error=error, status=409 if error else 200)
    if error:
        flash(error, "error")
    else:
        flash(_("%(name)s was updated.", name=user.name), "success")
    return redirect(url_for("settings.user_detail", user_id=user_id))


@bp.post("/users/<uuid:user_id>/invite")
def user_invite(user_id: uuid.UUID):
    """A new sign-in link for a user who lost theirs or forgot their password."""
    created = users.reissue_invite(g.ctx, user_id=user_id)
    return _users_page(created=created, invite_url=invite_url(created))


@bp.get("/audit")
def audit_log():
    """Who did what, filterable, newest first."""
    tz = ZoneInfo(current_tenant().timezone)
    filters = _audit_filter(request.args)
    before = _cursor(request.args.get("before"))
    events, cursor = audit.list_events(g.ctx, filters=filters, tz=tz, before=before)
    team = users.list_users(g.ctx)
    names = {u.id: u.name for u in team}
    next_cursor = f"{cursor[0].isoformat()}|{cursor[1]}" if cursor else None
    return render("settings/audit.html", fragment="settings/_audit_rows.html", events=events, names=names,
                  team=team, actions=audit.list_actions(g.ctx), channels=CHANNELS, filters=filters,
                  next_cursor=next_cursor, args=request.args)


def _audit_filter(args) -> audit.AuditFilter:
    def day(name):
        try:
            return date.fromisoformat(args.get(name, ""))
        except ValueError:
            return None

    def actor():
        try:
            return uuid.UUID(args.get("actor", ""))
        except ValueError:
            return None

    return audit.AuditFilter(
        action=args.get("action") or None, actor_id=actor(), entity_type=args.get("entity") or None,
        channel=args.get("channel") or None, since=day("since"), until=day("until"),
    )


def _cursor(raw: str | None):
    if not raw:
        return None
    stamp, _sep, event_id = raw.partition("|")
    try:
        return datetime.fromisoformat(stamp), uuid.UUID(event_id)
    except ValueError:
        return None
