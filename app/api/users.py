"""/api/v1/users: the organization's members (read only)."""
from flask import g

from app.api.operations import operation
from app.schemas import api_outputs as out
from app.services import users

TAG = "Users"


@operation("GET", "/users", summary="List users", tag=TAG, permission="user:read", response=out.Page[out.User])
def list_users():
    """Every member, active first, by name (one page: next_cursor is always null)."""
    return users.list_users(g.ctx), None


@operation("GET", "/users/<uuid:user_id>", summary="Get a user", tag=TAG, permission="user:read", response=out.User)
def get_user(user_id):
    """One member of the organization; another organization's user is not found."""
    return users.get_user(g.ctx, user_id)


@operation("GET", "/users/me", summary="The token's user", tag=TAG, permission="user:read", response=out.User)
def get_me():
    """Who the token acts as."""
    return users.current_user(g.ctx)
