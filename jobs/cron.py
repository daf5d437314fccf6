"""The periodic jobs, for `rq cron jobs/cron.py` (rq 3.0's cron scheduler)."""
from rq import cron

from jobs import QUEUE
from jobs.idempotency import purge_all_tenants as purge_idempotency_keys
from jobs.trash import purge_all_tenants
from jobs.webhooks import purge_deliveries_all_tenants

# Every day at 04:17 UTC: forget API idempotency keys older than a day.
cron.register(purge_idempotency_keys, QUEUE, cron="17 4 * * *", name="purge-idempotency-keys", job_timeout=3600)
# Every day at 03:17 UTC: empty what has been in the trash longer than 30 days.
cron.register(purge_all_tenants, QUEUE, cron="17 3 * * *", name="purge-trash", job_timeout=3600)
# Every day at 03:47 UTC: forget webhook delivery attempts older than 30 days.
cron.register(purge_deliveries_all_tenants, QUEUE, cron="47 3 * * *", name="purge-webhook-deliveries",
              job_timeout=3600)
