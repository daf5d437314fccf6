"""Form fields that may be left empty: an empty or blank value means "not given" (None)."""
import uuid
from datetime import date
from typing import Annotated

from pydantic import BeforeValidator, Field


def blank_to_none(value):
    """An empty form field means "not given"."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


Blank = BeforeValidator(blank_to_none)  # put first in Annotated[...] so "" never reaches the type's checks
OptionalId = Annotated[uuid.UUID | None, Blank]
OptionalDate = Annotated[date | None, Blank]


def optional_text(max_length: int):
    """Text that may be left empty (stored as None), at most `max_length` characters."""
    return Annotated[Annotated[str, Field(max_length=max_length)] | None, Blank]
