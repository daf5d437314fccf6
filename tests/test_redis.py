"""Redis: login limits shared by every web process, and jobs run by a real RQ worker."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import select

import jobs
from app import create_app
from app.extensions import db, limiter
from app.models import AuditEvent, Tenant
from app.schemas.accounts import TokenCreate
from app.services import audit, tenants, tokens
from app.tenancy import tenant_context
from tests.conftest import PASSWORD, app_config, build_app, calls_to_redis

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app(request, tmp_path, redis_url):
    """PostgreSQL and Redis, as in production; limits counted in Redis (derived from REDIS_URL)."""
    return build_app(request, "postgresql", tmp_path, REDIS_URL=redis_url, RATELIMIT_STORAGE_URI=None)


def test_healthz_sees_redis(client):
    assert client.get("/healthz").json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_login_limits_are_counted_in_redis_across_processes(app, make_tenant, redis_url):
    acme = make_tenant("Acme")
    second_process = create_app(app_config(app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=redis_url,
                                            RATELIMIT_STORAGE_URI=None))
    clients = [app.test_client(), second_process.test_client()]
    for attempt in range(5):
        response = clients[attempt % 2].post("/login", data={"email": acme.admin.email, "password": "bad guess"})
        assert response.status_code == 422
    assert clients[1].post("/login", data={"email": acme.admin.email, "password": "bad guess"}).status_code == 429
    assert Redis.from_url(redis_url).keys("*login-account*")


def test_api_limits_and_their_headers_are_counted_in_redis_in_one_call(app, make_tenant, redis_url, monkeypatch):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        secret = tokens.create_token(ctx, data=TokenCreate(name="script"))[1]
    client = app.test_client()
    sent = calls_to_redis(limiter.storage, monkeypatch)
    answers = [client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {secret}"}) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert sent == ["EVALSHA", "EVALSHA"]
    assert [int(answer.headers["X-RateLimit-Remaining"]) for answer in answers] == [599, 598]
    assert all(0 < int(answer.headers["Retry-After"]) <= 60 for answer in answers)
    assert Redis.from_url(redis_url).keys("*token:*")


def test_pages_are_served_while_redis_is_down(tmp_path):
    """The limiter connects when it first counts, not when the app is made: a worker starting while Redis is
    down serves pages (a dedicated limiter connection, opened at start, made it fail to start)."""
    app = create_app(app_config(f"sqlite:///{tmp_path / 'down.db'}", REDIS_URL="redis://127.0.0.1:1/0",
                                RATELIMIT_STORAGE_URI=None))
    assert app.test_client().get("/login").status_code == 200


def record_job_ran(ctx, *, note: str) -> None:
    """A job for the test: leaves an audit event in its tenant."""
    audit.record(ctx, "job.ran", db.session.get(Tenant, ctx.tenant_id), {"note": (None, note)})


def run_worker(app, redis_url):
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": redis_url}
    rq = Path(sys.executable).parent / "rq"
    done = subprocess.run([str(rq), "worker", "--burst", "--url", redis_url, "--path", str(ROOT), jobs.QUEUE],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_jobs_run_on_a_real_worker_inside_their_tenant_after_commit(app, make_tenant, redis_url):
    a, b = make_tenant("Alpha"), make_tenant("Bravo")
    queue = jobs.queue(redis_url)
    with app.app_context(), tenant_context(a.id, channel="cli", user_id=a.admin.id) as ctx:
        jobs.enqueue(ctx, record_job_ran, note="from alpha")
        assert queue.count == 0  # not before the transaction commits
    assert queue.count == 1
    with pytest.raises(RuntimeError), app.app_context(), tenant_context(b.id, channel="cli") as ctx:
        jobs.enqueue(ctx, record_job_ran, note="rolled back")
        raise RuntimeError("the request failed")
    assert queue.count == 1  # a rolled-back transaction queues nothing

    run_worker(app, redis_url)

    with app.app_context(), tenant_context(a.id, channel="cli"):
        ran = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "job.ran")).one()
        assert (ran.channel, ran.actor_id, ran.changes) == ("job", a.admin.id, {"note": [None, "from alpha"]})
    with app.app_context(), tenant_context(b.id, channel="cli"):
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "job.ran")).all() == []


def test_without_redis_jobs_run_inline(request, tmp_path):
    inline = build_app(request, "sqlite", tmp_path)
    with inline.app_context():
        tenant, _admin, _ctx = tenants.create_tenant(
            name="Inline", admin_name="In", admin_email="in@inline.example", admin_password=PASSWORD)
        db.session.commit()
        tenant_id = tenant.id
        db.session.remove()
    with inline.app_context(), tenant_context(tenant_id, channel="cli") as ctx:
        jobs.enqueue(ctx, record_job_ran, note="inline")
    with inline.app_context(), tenant_context(tenant_id, channel="cli"):
        assert db.session.scalars(select(AuditEvent.channel).where(AuditEvent.action == "job.ran")).one() == "job"
