"""Users of a tenant: administration by admins, and each user's own profile.

Users live in a shared table (login comes before any tenant is known), so every query
here names the context's tenant itself; the guard covers tenant-owned tables only.
"""
import secrets
import uuid
from dataclasses import dataclass, fields
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import Tenant, User
from app.models.base import utcnow
from app.permissions import require
from app.schemas.accounts import PasswordChange, PasswordSet, ProfileUpdate, UserCreate
from app.services import audit, tenant_settings
from app.services.passwords import check_password, hash_password, hash_token, new_token
from app.tenancy import TenantContext, bind_session


@dataclass(frozen=True)
class NewUser:
    """A user just added, with the one secret to pass on: an invite token or a temporary password."""

    user: User
    invite_token: str | None = None
    temporary_password: str | None = None


def ensure_email_free(email: str) -> None:
    """Raise Invalid if any tenant already has a user with this email (emails sign in everywhere)."""
    if db.session.scalar(select(User.id).where(User.email == email.lower())):
        raise Invalid(_("Please correct the marked fields."),
                      fields={"email": _("An account with this email already exists.")})


def find_by_email(email: str) -> User:
    """The active user with this email, in any tenant (for operators' commands, not for doors)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower(), User.active.is_(True)))
    if user is None:
        raise NotFound(_("No active user has this email."))
    return user


@dataclass(frozen=True)
class Member:
    """A user as the team's lists and pickers show them: plain data a process may keep between requests."""

    id: uuid.UUID
    name: str
    email: str
    role: str
    active: bool


# A login or a new password changes no list: only the columns a Member shows are settings.
tenant_settings.watch(User, attributes=[field.name for field in fields(Member)])


def _team(ctx) -> tuple[Member, ...]:
    """Every user of the tenant, active first, by name; kept per process until the team changes."""
    def load():
        stmt = (select(*tenant_settings.spec_columns(User, Member)).where(User.tenant_id == ctx.tenant_id)
                .order_by(User.active.desc(), func.lower(User.name)))
        return tuple(Member(*row) for row in db.session.execute(stmt))
    return tenant_settings.read(ctx, "team", load)


def list_users(ctx) -> list[Member]:
    """The tenant's users, active first, by name."""
    require(ctx, "user:read")
    return list(_team(ctx))


def get_user(ctx, user_id) -> User:
    """One of the tenant's users; another tenant's user is not found. By primary key, so a user already in
    the session (the signed-in one, which the web door loads) costs no query."""
    require(ctx, "user:read")
    user = db.session.get(User, user_id)
    if user is None or user.tenant_id != ctx.tenant_id:
        raise NotFound(_("This user does not exist."))
    return user


def current_user(ctx) -> User:
    """The user the context acts for."""
    return get_user(ctx, ctx.user_id)


def _as_id(value) -> uuid.UUID | None:
    """A user id as a UUID: doors may pass it as text; what is not an id names no one."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def is_active_member(ctx, user_id) -> bool:
    """Whether `user_id` is an active user of the tenant (one records may be given to)."""
    user_id = _as_id(user_id)
    return any(member.id == user_id and member.active for member in _team(ctx))


def names_by_id(ctx, ids) -> dict[uuid.UUID, str]:
    """{user id: name} for the given ids within the tenant (for showing who did what)."""
    ids = {_as_id(i) for i in ids if i is not None} - {None}
    if not ids:
        return {}
    return {member.id: member.name for member in _team(ctx) if member.id in ids}


def add_user(ctx, *, data: UserCreate, password: str | None = None) -> NewUser:
    """Add a user with an invite link (they choose a password) or a temporary password.

    Operators' scripts may give the password itself (`password`, already validated).
    """
    require(ctx, "user:manage")
    ensure_email_free(data.email)
    user = User(tenant_id=ctx.tenant_id, email=data.email, name=data.name, role=data.role,
                admin_since=utcnow() if data.role == "admin" else None)
    invite_token = temporary_password = None
    if password is not None:
        user.password_hash = hash_password(password)
    elif data.method == "invite":
        invite_token = _issue_invite(user)
    else:
        temporary_password = secrets.token_urlsafe(9)
        user.password_hash = hash_password(temporary_password)
        user.must_change_password = True
    db.session.add(user)
    db.session.flush()
    audit.record(ctx, "user.created", user, {"email": (None, user.email), "role": (None, user.role)})
    return NewUser(user, invite_token=invite_token, temporary_password=temporary_password)


def reissue_invite(ctx, *, user_id) -> NewUser:
    """A fresh invite link for a user who lost theirs or forgot their password; old links stop working."""
    require(ctx, "user:manage")
    user = get_user(ctx, user_id)
    token = _issue_invite(user)
    audit.record(ctx, "user.invite_reissued", user)
    return NewUser(user, invite_token=token)


def _issue_invite(user: User) -> str:
    token, token_hash = new_token()
    user.invite_token_hash = token_hash
    user.invite_expires_at = utcnow() + timedelta(days=current_app.config["INVITE_VALID_DAYS"])
    return token


def change_role(ctx, *, user_id, role: str) -> User:
    """Give a user another role; the last active admin keeps theirs."""
    require(ctx, "user:manage")
    user = get_user(ctx, user_id)
    if user.role == role:
        return user
    if user.role == "admin":
        _keep_an_admin(ctx, user, _("%(name)s is the last active admin. Make someone else an admin first.", name=user.name))
    before = user.role
    user.role = role
    user.admin_since = utcnow() if role == "admin" else None
    audit.record(ctx, "user.role_changed", user, {"role": (before, role)})
    return user


def set_active(ctx, *, user_id, active: bool) -> User:
    """Deactivate a user (they can no longer sign in; their records stay) or reactivate them."""
    require(ctx, "user:manage")
    user = get_user(ctx, user_id)
    if user.active == active:
        return user
    if not active and user.role == "admin":
        _keep_an_admin(ctx, user, _("%(name)s is the last active admin and cannot be deactivated.", name=user.name))
    user.active = active
    user.session_epoch += 1  # a deactivated user's open sessions end now
    audit.record(ctx, "user.activated" if active else "user.deactivated", user, {"active": (not active, active)})
    return user


def _keep_an_admin(ctx, leaving: User, message: str) -> None:
    # Lock the tenant row so two admins demoting each other at once cannot both succeed.
    db.session.get(Tenant, ctx.tenant_id, with_for_update=True)
    others = db.session.scalar(
        select(func.count()).select_from(User).where(
            User.tenant_id == ctx.tenant_id, User.role == "admin", User.active.is_(True), User.id != leaving.id
        )
    )
    if not others:
        raise Conflict(message)


def update_profile(ctx, *, data: ProfileUpdate) -> User:
    """The current user changes their own name."""
    user = current_user(ctx)
    changes = audit.diff(user, {"name": data.name})
    if changes:
        audit.record(ctx, "user.profile_changed", user, changes)
    return user


def change_password(ctx, *, data: PasswordChange) -> User:
    """The current user changes their password, proving they know the current one."""
    user = current_user(ctx)
    if not check_password(data.current_password, user.password_hash):
        raise Invalid(_("Please correct the marked fields."),
                      fields={"current_password": _("This is not your current password.")})
    _set_password(user, data.new_password)
    audit.record(ctx, "user.password_changed", user)
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.must_change_password = False
    user.session_epoch += 1  # other sessions end; the door logs this one in again


def user_for_invite(token: str) -> User:
    """The user an unexpired invite token belongs to."""
    user = db.session.scalar(select(User).where(User.invite_token_hash == hash_token(token)))
    if user is None or not user.active or user.invite_expires_at is None or user.invite_expires_at < utcnow():
        raise NotFound(_("This invitation link is not valid any more. Ask your administrator for a new one."))
    return user


def accept_invite(*, token: str, data: PasswordSet, channel: str = "web") -> User:
    """An invited user sets their password; the link then stops working."""
    user = user_for_invite(token)
    _set_password(user, data.password)
    user.invite_token_hash = user.invite_expires_at = None
    bind_session(db.session, user.tenant)
    ctx = TenantContext(tenant_id=user.tenant_id, channel=channel, user_id=user.id, role=user.role)
    audit.record(ctx, "user.invite_accepted", user)
    return user
