"""The periodic jobs are registered as `rq cron jobs/cron.py` loads them, at their hours, on Roost's queue."""
import pytest
from rq.cron import CronScheduler

from jobs.idempotency import purge_all_tenants as purge_idempotency_keys
from jobs.trash import purge_all_tenants as purge_trash
from jobs.webhooks import purge_deliveries_all_tenants


@pytest.mark.parametrize(("func", "schedule"), [
    (purge_trash, "17 3 * * *"),
    (purge_deliveries_all_tenants, "47 3 * * *"),
    (purge_idempotency_keys, "17 4 * * *"),
])
def test_cron_registers_each_daily_job(func, schedule):
    scheduler = CronScheduler(connection=None)
    scheduler.load_config_from_file("jobs/cron.py")  # as `rq cron jobs/cron.py` does, whatever ran before
    [job] = [j for j in scheduler.get_jobs() if j.func is func]
    assert job.cron == schedule and job.queue_name == "roost"
