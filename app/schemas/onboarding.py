"""Inputs for the first-run wizard."""
from typing import Annotated

from pydantic import Field

from app.schemas.base import Email, InputSchema, Required
from app.schemas.blanks import Blank, optional_text


class FirstCustomer(InputSchema):
    """The first customer: a name and a phone number or an email address (the service asks for one of them)."""

    name: Annotated[Required, Field(max_length=200)]
    phone: optional_text(50) = None
    email: Annotated[Email | None, Blank] = None
