"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""
from app.models.activities import Activity
from app.models.attachments import Attachment
from app.models.audit import AuditEvent
from app.models.base import Base, TenantOwned
from app.models.contacts import Organization, Person
from app.models.custom_fields import CustomField
from app.models.deals import Deal, Pipeline, Stage
from app.models.idempotency import IdempotencyKey
from app.models.imports import ImportRun
from app.models.leads import Lead
from app.models.records import Record, Trashable
from app.models.sample_data import SampleRecord
from app.models.telegram import TelegramBot, TelegramLink, TelegramLinkCode, TelegramPendingAction
from app.models.tenants import Tenant
from app.models.tokens import ApiToken
from app.models.trash import TrashEntry
from app.models.users import User
from app.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "ApiToken", "Activity", "Attachment", "AuditEvent", "Base", "CustomField", "Deal", "IdempotencyKey", "ImportRun",
    "Lead", "Organization", "Person", "Pipeline", "Record", "SampleRecord", "Stage", "TelegramBot", "TelegramLink",
    "TelegramLinkCode", "TelegramPendingAction", "Tenant", "TenantOwned", "Trashable", "TrashEntry", "User",
    "Webhook", "WebhookDelivery",
]
