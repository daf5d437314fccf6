"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""
from app.models.audit import AuditEvent
from app.models.base import Base, TenantOwned
from app.models.tenants import Tenant
from app.models.users import User

__all__ = ["AuditEvent", "Base", "Tenant", "TenantOwned", "User"]
