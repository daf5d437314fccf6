"""Inputs for sign-up, login, MFA, users and profiles."""
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import AfterValidator, Field

from app.permissions import ROLES
from app.schemas.base import Email, InputSchema, Required

Role = Literal[ROLES]  # type: ignore[valid-type]


def _strong_enough(value: str) -> str:
    if len(value) < 8:
        raise ValueError(_("Use at least 8 characters."))
    if len(value) > 128:
        raise ValueError(_("Use at most 128 characters."))
    if value.isdigit() or len(set(value)) < 4:
        raise ValueError(_("This password is too easy to guess."))
    return value


NewPassword = Annotated[str, AfterValidator(_strong_enough)]
Name = Annotated[Required, Field(max_length=200)]


class SignUp(InputSchema):
    organization: Name
    name: Name
    email: Email
    password: NewPassword
    timezone: str = "UTC"  # guessed by the browser
    locale: str = "en"  # the browser's language, used to guess the currency


class Login(InputSchema):
    email: Required
    password: Required


class Code(InputSchema):
    code: Required


class UserCreate(InputSchema):
    name: Name
    email: Email
    role: Role
    method: Literal["invite", "password"] = "invite"


class RoleChange(InputSchema):
    role: Role


class ProfileUpdate(InputSchema):
    name: Name


class PasswordChange(InputSchema):
    current_password: Required
    new_password: NewPassword


class PasswordSet(InputSchema):
    password: NewPassword


class TenantSettings(InputSchema):
    name: Name
    timezone: Required
    currency: Annotated[Required, Field(min_length=3, max_length=3)]
    country: str = ""
    mfa_required_for_admins: bool = False


class TokenCreate(InputSchema):
    name: Annotated[Required, Field(max_length=100)]
