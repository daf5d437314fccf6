"""Inputs for defining custom fields."""
from typing import Annotated, Literal

from pydantic import Field

from app.models.custom_fields import FIELD_ENTITIES, FIELD_TYPES
from app.schemas.base import InputSchema, Required


class FieldDefinition(InputSchema):
    entity: Literal[FIELD_ENTITIES]  # type: ignore[valid-type]
    label: Annotated[Required, Field(max_length=100)]
    type: Literal[FIELD_TYPES]  # type: ignore[valid-type]
    options: str = ""  # for select fields: one choice per line
    required: bool = False
    show_in_list: bool = False


class FieldChange(InputSchema):
    label: Annotated[Required, Field(max_length=100)]
    options: str = ""
    required: bool = False
    show_in_list: bool = False
