"""Webhooks on a real RQ worker: delivered after the commit, signed; a failing receiver gets retries with backoff."""
import json
import time

import pytest
from redis import Redis
from rq import SimpleWorker

import jobs
from app.schemas.contacts import PersonInput
from app.schemas.webhooks import WebhookInput
from app.services import people, webhooks
from app.tenancy import tenant_context
from tests.conftest import build_app
from tests.webhook_receiver import Receiver

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def app(request, tmp_path, redis_url, monkeypatch):
    """PostgreSQL and Redis as in production; the in-process worker builds its app from the same settings."""
    settings = {"WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_RETRY_BASE_SECONDS": 0.2}
    web = build_app(request, "postgresql", tmp_path, REDIS_URL=redis_url, **settings)
    for name, value in {"DATABASE_URL": web.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": redis_url,
                        "WEBHOOK_ALLOW_HTTP": "true", "WEBHOOK_ALLOW_PRIVATE": "true",
                        "WEBHOOK_RETRY_BASE_SECONDS": "0.2"}.items():
        monkeypatch.setenv(name, value)
    jobs.worker_app.cache_clear()  # the worker's app reads the environment set above
    request.addfinalizer(jobs.worker_app.cache_clear)
    return web


def work_until(redis_url, done, *, seconds: float = 30) -> None:
    """Run a real worker in bursts, with its scheduler moving due retries onto the queue, until `done()`."""
    connection = Redis.from_url(redis_url)
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the deliveries did not happen in time"
        SimpleWorker([jobs.QUEUE], connection=connection).work(burst=True, with_scheduler=True)
        time.sleep(0.2)


def add_hook_and_person(app, tenant, url):
    with app.app_context(), tenant_context(tenant.id, channel="web", user_id=tenant.admin.id) as ctx:
        hook = webhooks.create_webhook(ctx, data=WebhookInput(url=url, events=["contact.created"]))
        hook_id, secret = hook.id, hook.secret
    with app.app_context(), tenant_context(tenant.id, channel="web", user_id=tenant.admin.id) as ctx:
        person_id = people.create_person(ctx, data=PersonInput(first_name="Ann", last_name="Hen")).id
    return hook_id, secret, person_id


def test_contact_created_reaches_the_receiver_signed(app, make_tenant, redis_url):
    acme = make_tenant("Acme")
    with Receiver() as receiver:
        hook_id, secret, person_id = add_hook_and_person(app, acme, receiver.url())
        assert receiver.received == []  # queued after the commit, sent by the worker
        work_until(redis_url, lambda: receiver.received)
        [got] = receiver.received
    assert got.signed_with(secret) and got.headers["X-Roost-Event"] == "contact.created"
    body = json.loads(got.body)
    assert (body["event"], body["data"]["id"], body["data"]["first_name"]) == ("contact.created", str(person_id), "Ann")
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        [delivery] = webhooks.list_deliveries(ctx, webhook_id=hook_id)[0]
        assert (delivery.attempt, delivery.status_code, delivery.next_attempt_at) == (1, 200, None)


def test_two_failures_then_the_third_attempt_is_delivered(app, make_tenant, redis_url):
    acme = make_tenant("Acme")
    with Receiver(statuses=(500, 500, 200)) as receiver:
        hook_id, secret, _person = add_hook_and_person(app, acme, receiver.url())
        started = time.monotonic()
        work_until(redis_url, lambda: len(receiver.received) >= 3)
        took = time.monotonic() - started
        time.sleep(0.5)
        SimpleWorker([jobs.QUEUE], connection=Redis.from_url(redis_url)).work(burst=True, with_scheduler=True)
        assert len(receiver.received) == 3  # delivered: no fourth attempt
    assert all(got.signed_with(secret) for got in receiver.received)
    assert len({json.loads(got.body)["id"] for got in receiver.received}) == 1  # one event, three attempts
    assert len({got.headers["X-Roost-Delivery"] for got in receiver.received}) == 3
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        log = webhooks.list_deliveries(ctx, webhook_id=hook_id)[0]
        assert [(d.attempt, d.status_code) for d in log] == [(3, 200), (2, 500), (1, 500)]  # newest first
        third, second, first = log
        assert first.next_attempt_at is not None and second.next_attempt_at is not None
        assert third.next_attempt_at is None and third.error is None and "500" in first.error
        # backoff: the second retry waited longer than the first (base 0.2 s, then 0.8 s)
        assert (second.next_attempt_at - second.created_at) > (first.next_attempt_at - first.created_at)
        assert [str(d.id) for d in log] == [got.headers["X-Roost-Delivery"] for got in reversed(receiver.received)]
    assert took < 30
