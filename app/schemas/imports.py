"""Inputs for spreadsheet imports: the upload, then the mapping and duplicate choice."""
from typing import Literal

from app.models.imports import DUPLICATE_CHOICES, IMPORT_ENTITIES
from app.schemas.base import InputSchema

Entity = Literal[IMPORT_ENTITIES]  # type: ignore[valid-type]
DuplicateChoice = Literal[DUPLICATE_CHOICES]  # type: ignore[valid-type]


class ImportUpload(InputSchema):
    """What the uploaded file holds."""

    entity: Entity = "person"


class ImportChoices(InputSchema):
    """Which field each column fills (by column number; blank: not imported) and what to do with duplicates."""

    mapping: dict[str, str] = {}
    duplicates: DuplicateChoice = "skip"
