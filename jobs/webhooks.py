"""Keeping webhook delivery logs short: attempts older than 30 days are deleted, tenant by tenant."""
import logging

from app.services import webhooks
from jobs.tenants import run_in_every_tenant

log = logging.getLogger("roost.jobs")


def purge_deliveries(ctx) -> int:
    """Delete one tenant's old delivery attempts (inside that tenant's context, channel `job`)."""
    purged = webhooks.purge_old_deliveries(ctx)
    log.info("webhook log purge: %d old deliveries removed", purged)
    return purged


def purge_deliveries_all_tenants() -> int:
    """The daily cron job: shorten every tenant's webhook delivery logs."""
    return run_in_every_tenant(purge_deliveries)
