"""The permission table: consistent, enforced by `require`, and shown in the README."""
from pathlib import Path

import pytest

from app.errors import Forbidden
from app.permissions import PERMISSIONS, ROLES, can, markdown_table, require
from app.tenancy import TenantContext


def ctx(role):
    import uuid
    return TenantContext(tenant_id=uuid.uuid4(), channel="web", user_id=uuid.uuid4(), role=role)


def test_every_permission_names_known_roles():
    for permission, roles in PERMISSIONS.items():
        assert roles <= set(ROLES), permission
        assert "admin" in roles, f"admins hold every permission: {permission}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_require_follows_the_table(role, permission):
    if role in PERMISSIONS[permission]:
        require(ctx(role), permission)
    else:
        with pytest.raises(Forbidden):
            require(ctx(role), permission)


def test_unknown_permission_is_a_programming_error():
    with pytest.raises(KeyError):
        can(ctx("admin"), "contact:teleport")


def test_readme_shows_the_current_table():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert markdown_table() in readme, "regenerate with: flask --app wsgi permissions"
