"""Inputs for deals: creating, editing, moving on the board, winning and losing."""
import uuid
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from pydantic import BeforeValidator, Field

from app.models.deals import STAGE_KINDS
from app.schemas.base import InputSchema, Required
from app.schemas.blanks import Blank, OptionalDate, OptionalId, blank_to_none, optional_text
from app.schemas.contacts import Tags


def _money(value):
    """A non-negative amount with at most two decimals; thousands separators and blanks are forgiven."""
    if value is None or isinstance(value, Decimal):
        amount = value
    else:
        text = str(value).strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("Enter an amount like 1200 or 1200.50.")) from None
    if amount is not None:
        if not amount.is_finite() or amount < 0:
            raise ValueError(_("Enter an amount of zero or more."))
        if amount >= Decimal("1e12"):
            raise ValueError(_("This amount is too large."))
        if amount != amount.quantize(Decimal("0.01")):
            raise ValueError(_("Use at most two decimals."))
    return amount


def _percent(value):
    value = blank_to_none(value)
    if value is None:
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(_("Enter a whole number from 0 to 100.")) from None
    if not 0 <= number <= 100:
        raise ValueError(_("Enter a whole number from 0 to 100."))
    return number


def _currency(value):
    value = blank_to_none(value)
    if value is None:
        return None
    value = str(value).strip().upper()
    if len(value) != 3 or not value.isalpha():
        raise ValueError(_("Use a three-letter currency code like EUR."))
    return value


Money = Annotated[Decimal | None, BeforeValidator(_money)]
Percent = Annotated[int | None, BeforeValidator(_percent)]
Currency = Annotated[str | None, BeforeValidator(_currency)]
DealName = Annotated[Required, Field(max_length=200)]


class DealUpdate(InputSchema):
    """The editable fields of a deal (its stage changes by moving it)."""

    name: DealName
    value: Money = None
    currency: Currency = None
    probability: Percent = None
    expected_close: OptionalDate = None
    person_id: OptionalId = None
    organization_id: OptionalId = None
    owner_id: OptionalId = None
    tags: Tags = []
    notes: optional_text(10000) = None
    custom: dict[str, Any] | None = None  # custom field values as submitted; the service validates them


class DealCreate(DealUpdate):
    """A new deal; the pipeline defaults to the first, the stage to the pipeline's first."""

    pipeline_id: OptionalId = None
    stage_id: OptionalId = None


class DealMove(InputSchema):
    """A move on the board: the target stage and, optionally, the place in its column (0 = top)."""

    stage_id: uuid.UUID
    # The board says "the end" with 1000000; a bound keeps a huge number out of the column's OFFSET.
    position: Annotated[Annotated[int, Field(ge=0, le=1_000_000)] | None, Blank] = None
    before_id: OptionalId = None  # the card it was dropped above (board filters hide some cards)


class DealLost(InputSchema):
    """Why a deal was lost."""

    reason: Annotated[Required, Field(max_length=2000)]


def _color(value):
    value = (value if isinstance(value, str) else "").strip().lower()
    if len(value) != 7 or value[0] != "#" or any(c not in "0123456789abcdef" for c in value[1:]):
        raise ValueError(_("Choose a colour like #2563eb."))
    return value


class PipelineInput(InputSchema):
    """A pipeline's name."""

    name: Annotated[Required, Field(max_length=100)]


class StageInput(InputSchema):
    """A pipeline stage's settings."""

    name: Annotated[Required, Field(max_length=100)]
    color: Annotated[str, BeforeValidator(_color)] = "#64748b"
    probability: Annotated[int, BeforeValidator(lambda v: 0 if blank_to_none(v) is None else _percent(v))] = 0
    kind: Literal[STAGE_KINDS] = "open"  # type: ignore[valid-type]
