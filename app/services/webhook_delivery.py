"""Delivering webhook events: a signed JSON POST per attempt, logged, retried with exponential backoff.

`deliver` is the job: it runs on an RQ worker (inline without REDIS_URL) in the tenant's context.
It needs no permission of its own: the action that raised the event was checked when it happened.
"""
import hashlib
import hmac
import json
import logging
import time
import uuid
from datetime import timedelta

import urllib3
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

import jobs
from app.errors import Invalid
from app.extensions import db
from app.models import Webhook, WebhookDelivery
from app.models.base import utcnow
from app.services.webhook_urls import Target, check_url

log = logging.getLogger("roost.webhooks")
EXCERPT_BYTES = 1000
USER_AGENT = "Roost-Webhooks/1"
PING = "ping"  # the test event an admin sends to one hook, whatever it subscribed to


def sign(secret: str, body: bytes) -> str:
    """The X-Roost-Signature value: sha256=<hex HMAC-SHA256 of the raw body with the hook's secret>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload: dict) -> bytes:
    """The exact bytes sent (and signed)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def queue_delivery(ctx, webhook_id: uuid.UUID, payload: dict) -> None:
    """Send `payload` to a hook as a job (its first attempt): after the commit, or now without a queue."""
    jobs.enqueue(ctx, deliver, webhook_id=str(webhook_id), payload=payload, attempt=1)


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt `attempt`: the base, then four times longer each time."""
    return timedelta(seconds=current_app.config["WEBHOOK_RETRY_BASE_SECONDS"] * 4 ** (attempt - 1))


def deliver(ctx, *, webhook_id: str, payload: dict, attempt: int = 1) -> WebhookDelivery | None:
    """Make one attempt, log it, and schedule the next one after a failure; None when the hook is gone or paused."""
    hook = db.session.scalar(select(Webhook).where(Webhook.id == uuid.UUID(webhook_id)))
    if hook is None or not hook.active:
        log.info("webhook %s is deleted or paused: %s not sent", webhook_id, payload.get("event"))
        return None
    delivery = WebhookDelivery(id=uuid.uuid4(), webhook_id=hook.id, event=payload["event"], payload=payload,
                               attempt=attempt, created_at=utcnow())
    started = time.monotonic()
    try:
        target = check_url(hook.url)  # again: what the name resolves to may have changed since it was saved
    except Invalid as refused:
        delivery.error = refused.message[:500]  # a refused address is not retried: it needs an admin
    else:
        _post(target, hook, delivery)
        if not delivery.succeeded:
            _schedule_retry(ctx, hook, delivery)
    delivery.duration_ms = round((time.monotonic() - started) * 1000)
    db.session.add(delivery)
    db.session.flush()
    log.info("webhook %s %s attempt %d: %s", hook.id, delivery.event, attempt, delivery.status_code or delivery.error)
    return delivery


def _post(target: Target, hook: Webhook, delivery: WebhookDelivery) -> None:
    """POST the payload to the checked address (never following a redirect); fills the delivery's outcome."""
    body = encode(delivery.payload)
    headers = {
        "Host": target.host_header, "Content-Type": "application/json", "User-Agent": USER_AGENT,
        "X-Roost-Event": delivery.event, "X-Roost-Delivery": str(delivery.id),
        "X-Roost-Signature": sign(hook.secret, body),
    }
    timeout = urllib3.Timeout(total=current_app.config["WEBHOOK_TIMEOUT_SECONDS"])
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(target.address, target.port, timeout=timeout, retries=False,
                                           server_hostname=target.host, assert_hostname=target.host)
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeout, retries=False)
    try:
        response = pool.urlopen("POST", target.path, body=body, headers=headers, redirect=False, retries=False,
                                preload_content=False)
        delivery.status_code = response.status
        excerpt = response.read(EXCERPT_BYTES, decode_content=False).decode("utf-8", "replace")
        delivery.response_excerpt = excerpt.replace("\x00", "")  # PostgreSQL text cannot hold NUL
        response.release_conn()
        if not delivery.succeeded:
            delivery.error = _("The receiver answered HTTP %(status)d.", status=response.status)
    except (urllib3.exceptions.HTTPError, OSError) as error:
        delivery.error = _describe(error)[:500]
    except Exception as error:  # a receiver's oddity must never fail the save that raised the event (inline)
        log.exception("webhook %s: delivery failed unexpectedly", hook.id)
        delivery.error = _("The connection failed: %(reason)s", reason=error)[:500]
    finally:
        pool.close()


def _describe(error: Exception) -> str:
    if isinstance(error, urllib3.exceptions.NewConnectionError):  # before TimeoutError: it is a subclass
        return _("Could not connect.")
    if isinstance(error, urllib3.exceptions.TimeoutError):
        return _("No answer in time.")
    if isinstance(error, urllib3.exceptions.SSLError):
        return _("The secure connection failed: %(reason)s", reason=error)
    return _("The connection failed: %(reason)s", reason=error)


def _schedule_retry(ctx, hook: Webhook, delivery: WebhookDelivery) -> None:
    if delivery.event == PING or delivery.attempt >= current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
        return  # a test event is sent once: the admin is watching and can send another
    delay = retry_delay(delivery.attempt)
    if jobs.enqueue_in(ctx, delay, deliver, webhook_id=str(hook.id), payload=delivery.payload,
                       attempt=delivery.attempt + 1):
        delivery.next_attempt_at = utcnow() + delay
