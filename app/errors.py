"""Domain errors raised by services. Each door maps them to its own output; no HTTP here."""


class DomainError(Exception):
    """Base class: a human-readable message a door can show as it is."""

    def __init__(self, message: str = "", *, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def summary(self, names: dict[str, str] | None = None) -> str:
        """The message with each field's message, for doors that show text only (CLI, MCP); `names` renames fields."""
        names = names or {}
        details = "; ".join(f"{names.get(field, field)}: {message}" for field, message in self.fields.items())
        return f"{self.message} {details}".strip()


class NotFound(DomainError):
    """The record does not exist in this tenant (another tenant's record is not found too)."""


class Forbidden(DomainError):
    """The user's role does not allow the action."""


class Invalid(DomainError):
    """The input is wrong; `fields` maps field names to messages."""


class Conflict(DomainError):
    """The action clashes with the current state (a duplicate, a stale version, the last admin)."""


class NoTenantContext(RuntimeError):
    """A programming error: tenant data was touched with no tenant in context."""
