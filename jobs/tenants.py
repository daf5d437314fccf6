"""Running a job once for every tenant: what the daily cron jobs do."""
import logging

from app.services import tenants
from jobs import run, worker_app

log = logging.getLogger("roost.jobs")


def run_in_every_tenant(func) -> int:
    """Run `func(ctx)` for each tenant, each in its own transaction and session; how many tenants it ran for.

    One tenant's failure does not stop the others: it is logged, and the run fails at the end (rq keeps it
    in the failed registry), to be tried again next time.
    """
    with worker_app().app_context():
        tenant_ids = [tenant.id for tenant in tenants.list_tenants()]
    done = failed = 0
    for tenant_id in tenant_ids:
        try:
            run(f"{func.__module__}:{func.__qualname__}", tenant_id.hex, None, {})
            done += 1
        except Exception:
            failed += 1
            log.exception("%s failed for tenant %s", func.__qualname__, tenant_id)
    if failed:
        raise RuntimeError(f"{func.__qualname__} failed for {failed} of {len(tenant_ids)} tenants")
    return done
