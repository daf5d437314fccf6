"""Idempotency-Key on POST: a retried create returns the first result instead of a duplicate."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import IdempotencyKey, Person
from app.models.base import utcnow
from app.tenancy import tenant_context
from jobs.idempotency import purge_keys
from tests.api.conftest import ApiClient, make_token
from tests.conftest import build_app


def _count(app, tenant, model) -> int:
    with app.app_context(), tenant_context(tenant.id, channel="cli"):
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_retried_post_creates_one_record_and_answers_the_same(app, api, acme):
    body = {"first_name": "Ann", "email": "ann@example.com"}
    first = api.post("/contacts", json=body, headers={"Idempotency-Key": "create-ann-1"})
    again = api.post("/contacts", json=body, headers={"Idempotency-Key": "create-ann-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert _count(app, acme, Person) == 1

    other_body = api.post("/contacts", json={"first_name": "Bob"}, headers={"Idempotency-Key": "create-ann-1"})
    assert other_body.status_code == 422 and "Idempotency-Key" in other_body.get_json()["error"]["fields"]
    other_path = api.post("/organizations", json=body | {"name": "X"}, headers={"Idempotency-Key": "create-ann-1"})
    assert other_path.status_code == 422
    assert _count(app, acme, Person) == 1
    # without a key, or with another one, a POST creates again (the duplicate check speaks for itself)
    assert api.post("/contacts", json={"first_name": "Cy"}, headers={"Idempotency-Key": "create-cy"}).status_code == 201
    assert api.post("/contacts", json={"first_name": "Cy"}).status_code == 201
    assert _count(app, acme, Person) == 3


def test_keys_are_per_user_and_failures_are_not_kept(app, api_as, acme):
    admin, rep = api_as(acme), api_as(acme, "rep")
    assert admin.post("/contacts", json={"first_name": "Ann"}, headers={"Idempotency-Key": "k"}).status_code == 201
    assert rep.post("/contacts", json={"first_name": "Ann"}, headers={"Idempotency-Key": "k"}).status_code == 201
    refused = admin.post("/contacts", json={"email": "x"}, headers={"Idempotency-Key": "bad"})
    assert refused.status_code == 422
    retried = admin.post("/contacts", json={"email": "x"}, headers={"Idempotency-Key": "bad"})
    assert retried.status_code == 422  # the failed try was not stored: validated (and refused) again
    assert admin.post("/contacts", json={"first_name": "A"}, headers={"Idempotency-Key": "x" * 201}).status_code == 422
    assert _count(app, acme, Person) == 2


def test_keys_older_than_a_day_are_purged_by_the_daily_job(app, api, acme):
    api.post("/contacts", json={"first_name": "Ann"}, headers={"Idempotency-Key": "old"})
    api.post("/contacts", json={"first_name": "Bob"}, headers={"Idempotency-Key": "new"})
    with app.app_context(), tenant_context(acme.id, channel="job") as ctx:
        db.session.execute(update(IdempotencyKey).where(IdempotencyKey.key == "old")
                           .values(created_at=utcnow() - timedelta(hours=25)))
        assert purge_keys(ctx) == 1
        assert db.session.scalars(select(IdempotencyKey.key)).all() == ["new"]


@pytest.mark.redis
@pytest.mark.postgres
class TestOnARealWorker:
    @pytest.fixture
    def app(self, request, tmp_path, redis_url):
        """PostgreSQL and Redis, as in production."""
        return build_app(request, "postgresql", tmp_path, REDIS_URL=redis_url)

    def test_the_daily_job_forgets_each_tenants_old_keys(self, app, make_tenant, redis_url):
        import jobs
        from jobs.idempotency import purge_all_tenants
        from tests.test_redis import run_worker

        a, b = make_tenant("Alpha"), make_tenant("Bravo")
        for tenant in (a, b):
            client = ApiClient(app.test_client(), make_token(app, tenant))
            made = client.post("/contacts", json={"first_name": "Ann"}, headers={"Idempotency-Key": "k"})
            assert made.status_code == 201
        with app.app_context(), tenant_context(a.id, channel="cli"):
            db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=25)))
            db.session.commit()
        jobs.queue(redis_url).enqueue(purge_all_tenants)
        run_worker(app, redis_url)
        assert _count(app, a, IdempotencyKey) == 0 and _count(app, b, IdempotencyKey) == 1


def test_two_requests_with_one_key_at_once_create_one_record(app, api_as, acme):
    """Sent together (a client's retry racing its first try): one record; the other answer repeats it or is 409."""
    clients = [api_as(acme), api_as(acme)]
    clients[1].secret = clients[0].secret  # the same user: keys are per user
    barrier = threading.Barrier(2)
    answers = []

    def send(client):
        barrier.wait()
        answers.append(client.post("/contacts", json={"first_name": "Racer"}, headers={"Idempotency-Key": "race"}))

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) in ([201, 201], [201, 409])
    assert _count(app, acme, Person) == 1
    created = [answer.get_json() for answer in answers if answer.status_code == 201]
    assert all(body == created[0] for body in created)
