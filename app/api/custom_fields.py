"""/api/v1/custom-fields: the fields admins defined, whose values records carry in custom_fields (read only)."""
from flask import g

from app.api.operations import operation
from app.models.custom_fields import FIELD_ENTITIES
from app.schemas import api_outputs as out
from app.schemas.api_inputs import CustomFieldQuery
from app.services import custom_fields

TAG = "Custom fields"


@operation("GET", "/custom-fields", summary="List custom fields", tag=TAG, query=CustomFieldQuery,
           response=out.Page[out.CustomField])
def list_custom_fields(args):
    """The fields in form order, archived ones included (their values stay on records); one page."""
    entities = [args.entity] if args.entity else list(FIELD_ENTITIES)
    return [field for entity in entities
            for field in custom_fields.list_fields(g.ctx, entity=entity, include_archived=True)], None


@operation("GET", "/custom-fields/<uuid:field_id>", summary="Get a custom field", tag=TAG,
           response=out.CustomField)
def get_custom_field(field_id):
    """One field definition."""
    return custom_fields.get_field(g.ctx, field_id)
