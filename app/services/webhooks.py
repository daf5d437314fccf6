"""Webhooks admins register: adding, changing, pausing and deleting hooks, test events, the delivery log."""
import secrets
import uuid
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, select

from app.errors import Invalid, NotFound
from app.extensions import db
from app.models import Webhook, WebhookDelivery
from app.models.base import utcnow
from app.permissions import require
from app.schemas.webhooks import WebhookInput
from app.services import audit, keyset
from app.services.events import build_payload
from app.services.webhook_delivery import PING, queue_delivery
from app.services.webhook_urls import check_url

LOG_PAGE_SIZE = 50
LOG_KEEP_DAYS = 30


def new_secret() -> str:
    """A signing secret: 32 random bytes, URL-safe, with a prefix that says what it is."""
    return "whsec_" + secrets.token_urlsafe(32)


def _id(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound(_("This webhook does not exist.")) from None


def list_webhooks(ctx) -> list[Webhook]:
    """The tenant's hooks, oldest first."""
    require(ctx, "webhook:manage")
    return list(db.session.scalars(select(Webhook).order_by(Webhook.created_at, Webhook.id)))


def get_webhook(ctx, *, webhook_id) -> Webhook:
    """One hook of the tenant; another tenant's is not found."""
    require(ctx, "webhook:manage")
    hook = db.session.scalar(select(Webhook).where(Webhook.id == _id(webhook_id)))
    if hook is None:
        raise NotFound(_("This webhook does not exist."))
    return hook


def create_webhook(ctx, *, data: WebhookInput) -> Webhook:
    """Register a URL for some events; its signing secret is generated here."""
    require(ctx, "webhook:manage")
    check_url(data.url)  # raises Invalid on the url field: not https, an unknown host, a private address
    hook = Webhook(url=data.url, events=list(data.events), secret=new_secret(), active=True, created_by=ctx.user_id)
    db.session.add(hook)
    db.session.flush()
    audit.record(ctx, "webhook.created", hook, {"url": (None, hook.url), "events": (None, hook.events)})
    return hook


def update_webhook(ctx, *, webhook_id, data: WebhookInput) -> Webhook:
    """Change a hook's URL or events (the secret stays)."""
    hook = get_webhook(ctx, webhook_id=webhook_id)
    if data.url != hook.url:
        check_url(data.url)
    return audit.apply_changes(ctx, hook, {"url": data.url, "events": list(data.events)}, event="webhook.updated")


def set_active(ctx, *, webhook_id, active: bool) -> Webhook:
    """Pause a hook (nothing is sent, queued retries stop) or resume it."""
    hook = get_webhook(ctx, webhook_id=webhook_id)
    return audit.apply_changes(ctx, hook, {"active": active}, event="webhook.resumed" if active else "webhook.paused")


def roll_secret(ctx, *, webhook_id) -> Webhook:
    """Replace a hook's signing secret (after a leak); deliveries from now on use the new one."""
    hook = get_webhook(ctx, webhook_id=webhook_id)
    hook.secret = new_secret()
    audit.record(ctx, "webhook.secret_rolled", hook)  # never the secret itself
    return hook


def delete_webhook(ctx, *, webhook_id) -> None:
    """Delete a hook and its delivery log; retries still queued find it gone and stop."""
    hook = get_webhook(ctx, webhook_id=webhook_id)
    audit.record(ctx, "webhook.deleted", hook, {"url": (hook.url, None)})
    db.session.delete(hook)
    db.session.flush()


def send_test(ctx, *, webhook_id) -> None:
    """Send the hook a `ping` event, whatever events it subscribed to."""
    hook = get_webhook(ctx, webhook_id=webhook_id)
    if not hook.active:
        raise Invalid(_("This webhook is paused. Resume it to send a test event."))
    payload = build_payload(ctx, PING, {"webhook_id": str(hook.id), "url": hook.url,
                                        "message": _("This is a test event from Roost.")})
    queue_delivery(ctx, hook.id, payload)
    audit.record(ctx, "webhook.tested", hook)


def list_deliveries(ctx, *, webhook_id, before: str | None = None, limit: int = LOG_PAGE_SIZE):
    """A page of a hook's delivery log, newest first, and the cursor of the next (older) page."""
    hook = get_webhook(ctx, webhook_id=webhook_id)
    stmt = select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
    stmt = keyset.ordered_after(stmt, WebhookDelivery.created_at, WebhookDelivery.id,
                                keyset.read_cursor(before, datetime.fromisoformat), descending=True)
    found, last = keyset.cut(db.session.scalars(stmt.limit(limit + 1)), limit)
    return found, keyset.write_cursor(last.created_at.isoformat(), last.id) if last else None


def latest_deliveries(ctx) -> dict[uuid.UUID, WebhookDelivery]:
    """{hook id: its most recent delivery attempt}, for the list of hooks: one query (the guard filters its subquery)."""
    require(ctx, "webhook:manage")
    latest = (select(WebhookDelivery.webhook_id, func.max(WebhookDelivery.created_at).label("created_at"))
              .group_by(WebhookDelivery.webhook_id).subquery())
    stmt = select(WebhookDelivery).join(latest, and_(WebhookDelivery.webhook_id == latest.c.webhook_id,
                                                     WebhookDelivery.created_at == latest.c.created_at))
    return {delivery.webhook_id: delivery for delivery in db.session.scalars(stmt)}


def get_delivery(ctx, *, webhook_id, delivery_id) -> WebhookDelivery:
    """One logged attempt of one of the tenant's hooks."""
    hook = get_webhook(ctx, webhook_id=webhook_id)
    delivery = db.session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.id == _id(delivery_id), WebhookDelivery.webhook_id == hook.id))
    if delivery is None:
        raise NotFound(_("This delivery does not exist."))
    return delivery


def redeliver(ctx, *, webhook_id, delivery_id) -> None:
    """Send a logged event again, unchanged (same event id), as a new series of attempts."""
    delivery = get_delivery(ctx, webhook_id=webhook_id, delivery_id=delivery_id)
    hook = get_webhook(ctx, webhook_id=webhook_id)
    if not hook.active:
        raise Invalid(_("This webhook is paused. Resume it to redeliver."))
    queue_delivery(ctx, hook.id, delivery.payload)
    audit.record(ctx, "webhook.redelivered", hook,
                 {"delivery_id": (None, delivery.id), "event": (None, delivery.event)})


def purge_old_deliveries(ctx, *, keep_days: int = LOG_KEEP_DAYS) -> int:
    """Delete delivery attempts older than `keep_days` (the daily job); how many."""
    require(ctx, "webhook:manage")
    cutoff = utcnow() - timedelta(days=keep_days)
    result = db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.created_at < cutoff)
                                .execution_options(synchronize_session=False))
    return result.rowcount
