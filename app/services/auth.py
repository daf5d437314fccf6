"""Signing in: passwords, TOTP second factor, recovery codes, and the admin MFA requirement."""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import Conflict, Invalid
from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.services import audit
from app.services.passwords import check_password, hash_token
from app.services.users import current_user

RECOVERY_CODES = 10


def authenticate(*, email: str, password: str) -> User:
    """The active user with this email and password, or Invalid with one message for both fields."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if not check_password(password, user.password_hash if user else None):
        raise Invalid(_("The email or password is not right. Check both and try again."))
    if not user.active:
        raise Invalid(_("This account has been deactivated. Ask your administrator to reactivate it."))
    return user


def record_sign_in(user: User) -> None:
    user.last_login_at = utcnow()


@dataclass(frozen=True)
class MfaRequirement:
    """Whether the user must set up MFA, by when, and whether that time has passed."""

    deadline: datetime | None

    @property
    def pending(self) -> bool:
        return self.deadline is not None

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and utcnow() >= self.deadline


def mfa_requirement(user: User) -> MfaRequirement:
    """Admins of a tenant that requires MFA have a grace period from when the rule began to apply."""
    tenant = user.tenant
    if user.role != "admin" or user.mfa_enabled or not tenant.mfa_required_for_admins:
        return MfaRequirement(None)
    starts = [t for t in (tenant.mfa_required_since, user.admin_since) if t is not None]
    start = max(starts) if starts else utcnow()
    return MfaRequirement(start + timedelta(days=current_app.config["MFA_GRACE_DAYS"]))


def new_mfa_secret() -> str:
    return pyotp.random_base32()


def enrolment_qr(user: User, secret: str) -> str:
    """The otpauth:// URI as a QR code (an SVG data URI) for authenticator apps."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=f"Roost ({user.tenant.name})")
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def enable_mfa(ctx, *, secret: str, code: str) -> list[str]:
    """Turn on TOTP for the current user once they prove their app shows `code`; returns recovery codes."""
    user = current_user(ctx)
    if user.mfa_enabled:
        raise Conflict(_("Two-factor authentication is already on."))
    totp = pyotp.TOTP(secret)
    if not totp.verify(code.replace(" ", ""), valid_window=1):
        raise Invalid(_("Please correct the marked fields."),
                      fields={"code": _("This code is not right. Enter the 6 digits your app shows now.")})
    user.mfa_secret = secret
    user.mfa_enabled_at = utcnow()
    user.mfa_last_timecode = totp.timecode(utcnow())
    codes = _new_recovery_codes(user)
    audit.record(ctx, "user.mfa_enabled", user)
    return codes


def disable_mfa(ctx, *, password: str) -> None:
    """Turn off TOTP for the current user (not for an admin whose tenant requires it)."""
    user = current_user(ctx)
    if user.role == "admin" and user.tenant.mfa_required_for_admins:
        raise Conflict(_("Your organisation requires two-factor authentication for admins."))
    if not check_password(password, user.password_hash):
        raise Invalid(_("Please correct the marked fields."), fields={"password": _("This is not your password.")})
    user.mfa_secret = user.mfa_enabled_at = user.mfa_last_timecode = None
    user.recovery_code_hashes = []
    audit.record(ctx, "user.mfa_disabled", user)


def regenerate_recovery_codes(ctx) -> list[str]:
    """New recovery codes for the current user; the old ones stop working."""
    user = current_user(ctx)
    if not user.mfa_enabled:
        raise Conflict(_("Turn on two-factor authentication first."))
    codes = _new_recovery_codes(user)
    audit.record(ctx, "user.recovery_codes_regenerated", user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    user.recovery_code_hashes = [hash_token(code) for code in codes]
    return codes


def verify_second_factor(user: User, code: str) -> bool:
    """Check a TOTP code (each accepted once) or use up a recovery code."""
    code = code.strip().replace(" ", "").lower()
    if code.isdigit():
        totp = pyotp.TOTP(user.mfa_secret)
        now = utcnow()
        for offset in (0, -1, 1):  # one 30-second step of clock drift either way
            timecode = totp.timecode(now) + offset
            if secrets.compare_digest(totp.generate_otp(timecode), code):
                if user.mfa_last_timecode is not None and timecode <= user.mfa_last_timecode:
                    return False  # replayed
                user.mfa_last_timecode = timecode
                return True
        return False
    hashed = hash_token(code)
    if hashed in (user.recovery_code_hashes or []):
        user.recovery_code_hashes = [h for h in user.recovery_code_hashes if h != hashed]
        return True
    return False
