"""Background jobs on RQ: thin wrappers over services, each run inside one tenant's context.

`enqueue` is what services and doors call. Jobs are handed to Redis only after the
current transaction commits (a worker must see what the request wrote, and nothing
of a request that rolled back); with no REDIS_URL they run inline, in the caller's
transaction, and say so in the log.
"""
import importlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from flask import Flask, current_app
from redis import Redis
from rq import Queue
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.tenancy import TenantContext, tenant_context
from app.transactions import waits_for_commit

log = logging.getLogger("roost.jobs")
QUEUE = "roost"
PENDING = "pending_jobs"
waits_for_commit(PENDING)


@dataclass(frozen=True)
class PendingJob:
    path: str  # "module:function"; the function takes (ctx, **kwargs)
    tenant_id: uuid.UUID
    user_id: uuid.UUID | None
    kwargs: dict = field(default_factory=dict)
    delay: timedelta | None = None  # run this long after the commit (rq's scheduler holds it until then)


def _path(func) -> str:
    return f"{func.__module__}:{func.__qualname__}"


def enqueue(ctx: TenantContext, func, **kwargs) -> None:
    """Run `func(ctx, **kwargs)` as a job for the context's tenant and user."""
    if not current_app.config["REDIS_URL"]:
        log.info("job %s runs inline (no REDIS_URL)", _path(func))
        func(TenantContext(tenant_id=ctx.tenant_id, channel="job", user_id=ctx.user_id, role=ctx.role), **kwargs)
        return
    db.session().info.setdefault(PENDING, []).append(PendingJob(_path(func), ctx.tenant_id, ctx.user_id, kwargs))


def enqueue_in(ctx: TenantContext, delay: timedelta, func, **kwargs) -> bool:
    """Run `func(ctx, **kwargs)` as a job `delay` after the commit; False without REDIS_URL, where
    nothing waits to run it later (an inline job cannot be put off)."""
    if not current_app.config["REDIS_URL"]:
        log.info("job %s not scheduled: no REDIS_URL, nothing can run it later", _path(func))
        return False
    pending = PendingJob(_path(func), ctx.tenant_id, ctx.user_id, kwargs, delay=delay)
    db.session().info.setdefault(PENDING, []).append(pending)
    return True


def queue(redis_url: str) -> Queue:
    return Queue(QUEUE, connection=Redis.from_url(redis_url))


@event.listens_for(Session, "after_commit")
def _send_pending(session):
    pending = session.info.pop(PENDING, [])
    if pending:
        target = queue(current_app.config["REDIS_URL"])
        for job in pending:
            args = (run, job.path, job.tenant_id.hex, job.user_id.hex if job.user_id else None, job.kwargs)
            if job.delay is None:
                target.enqueue(*args)
            else:
                target.enqueue_in(job.delay, *args)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session):
    session.info.pop(PENDING, None)


@cache
def worker_app() -> Flask:
    """The one app of a worker process, configured from its environment."""
    from app import create_app  # deferred: the web process imports this module while building its app

    return create_app()


def run(path: str, tenant_id: str, user_id: str | None, kwargs: dict) -> None:
    """What the worker executes: the job function inside its tenant's context, channel `job`."""
    module, _, name = path.partition(":")
    func = getattr(importlib.import_module(module), name)
    with worker_app().app_context(), tenant_context(
        uuid.UUID(tenant_id), channel="job", user_id=uuid.UUID(user_id) if user_id else None
    ) as ctx:
        func(ctx, **kwargs)
