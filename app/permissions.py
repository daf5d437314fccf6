"""Roles and the permission table. Services check it with `require`; templates only hide
what a service would refuse. `flask --app wsgi permissions` prints it for the README."""
from flask_babel import lazy_gettext as _l

from app.errors import Forbidden

ROLES = ("admin", "head", "rep", "support", "marketing")

ROLE_LABELS = {
    "admin": _l("Admin"),
    "head": _l("Head of sales"),
    "rep": _l("Sales rep"),
    "support": _l("Support"),
    "marketing": _l("Marketing"),
}

ALL = frozenset(ROLES)
MANAGERS = frozenset({"admin", "head"})
SELLERS = frozenset({"admin", "head", "rep"})

# permission -> the roles that hold it. Later features add their rows here.
PERMISSIONS: dict[str, frozenset[str]] = {
    "tenant:settings": frozenset({"admin"}),
    "user:read": ALL,
    "user:manage": frozenset({"admin"}),
    "audit:read": frozenset({"admin"}),
    "contact:read": ALL,
    "contact:create": frozenset({"admin", "head", "rep", "support", "marketing"}),
    "contact:update": frozenset({"admin", "head", "rep", "support"}),
    "contact:delete": MANAGERS,
    "lead:read": frozenset({"admin", "head", "rep", "marketing"}),
    "lead:write": frozenset({"admin", "head", "rep", "marketing"}),
    "deal:read": frozenset({"admin", "head", "rep"}),
    "deal:write": SELLERS,
    "deal:delete": MANAGERS,
    "pipeline:manage": MANAGERS,
    "activity:write": ALL,
    "ticket:read": frozenset({"admin", "head", "support"}),
    "ticket:write": frozenset({"admin", "head", "support"}),
    "custom_field:manage": frozenset({"admin"}),
    "trash:manage": MANAGERS,
    "import:run": frozenset({"admin", "head", "marketing"}),
    "export:run": frozenset({"admin", "head"}),
    "report:read": frozenset({"admin", "head", "marketing"}),
    "webhook:manage": frozenset({"admin"}),
    "dashboard:team": MANAGERS,
}


def can(ctx, permission: str) -> bool:
    """Whether the context's role holds `permission`; the system itself (jobs, operators) holds all."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return ctx.is_system or ctx.role in PERMISSIONS[permission]


def require(ctx, permission: str) -> None:
    """Raise Forbidden unless the context may do `permission`."""
    if not can(ctx, permission):
        raise Forbidden(str(_l("Your role does not allow this.")))


def markdown_table() -> str:
    """The permission table as Markdown (the README shows it)."""
    lines = ["| permission | " + " | ".join(ROLES) + " |", "|---|" + "---|" * len(ROLES)]
    for permission, roles in PERMISSIONS.items():
        marks = " | ".join("✓" if role in roles else "" for role in ROLES)
        lines.append(f"| `{permission}` | {marks} |")
    return "\n".join(lines)
