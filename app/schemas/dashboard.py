"""Inputs for the dashboard: whose numbers to show."""
from app.schemas.base import InputSchema
from app.schemas.blanks import OptionalId


class DashboardFilter(InputSchema):
    """`user_id`: one member of the team (heads and admins may choose); empty for the default."""

    user_id: OptionalId = None
