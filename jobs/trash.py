"""Emptying the trash: what has been there longer than 30 days is deleted for good, tenant by tenant."""
import logging

from app.services import trash
from jobs.tenants import run_in_every_tenant

log = logging.getLogger("roost.jobs")


def purge_trash(ctx) -> int:
    """Purge one tenant's expired trash (runs inside that tenant's context, channel `job`)."""
    purged = trash.purge_expired(ctx)
    log.info("trash purge: %d deletions removed for good", purged)
    return purged


def purge_all_tenants() -> int:
    """The daily cron job: purge every tenant's trash, each in its own transaction and session."""
    return run_in_every_tenant(purge_trash)
