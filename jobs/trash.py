"""Emptying the trash: what has been there longer than 30 days is deleted for good, tenant by tenant."""
import logging

from app.services import tenants, trash
from jobs import run, worker_app

log = logging.getLogger("roost.jobs")


def purge_trash(ctx) -> int:
    """Purge one tenant's expired trash (runs inside that tenant's context, channel `job`)."""
    purged = trash.purge_expired(ctx)
    log.info("trash purge: %d deletions removed for good", purged)
    return purged


def purge_all_tenants() -> int:
    """The daily cron job: purge every tenant's trash, each in its own transaction and session."""
    with worker_app().app_context():
        tenant_ids = [tenant.id for tenant in tenants.list_tenants()]
    purged = failed = 0
    for tenant_id in tenant_ids:
        try:
            run(f"{purge_trash.__module__}:{purge_trash.__qualname__}", tenant_id.hex, None, {})
            purged += 1
        except Exception:  # one tenant's failure must not stop the others; it is logged and retried tomorrow
            failed += 1
            log.exception("trash purge failed for tenant %s", tenant_id)
    if failed:
        raise RuntimeError(f"trash purge failed for {failed} of {len(tenant_ids)} tenants")
    return purged
