"""Forgetting idempotency keys older than a day, tenant by tenant."""
import logging

from app.services import idempotency
from jobs.tenants import run_in_every_tenant

log = logging.getLogger("roost.jobs")


def purge_keys(ctx) -> int:
    """Forget one tenant's expired idempotency keys (runs inside that tenant's context, channel `job`)."""
    purged = idempotency.purge_expired(ctx)
    log.info("idempotency keys: %d expired keys forgotten", purged)
    return purged


def purge_all_tenants() -> int:
    """The daily cron job: forget every tenant's expired idempotency keys."""
    return run_in_every_tenant(purge_keys)
