"""Ending a door's transaction: what wrote is committed (and its after-commit hooks run); what only read
is closed without a commit."""
from contextlib import contextmanager

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import event, func, select, text, update
from sqlalchemy.orm import Session

import jobs
from app.extensions import db
from app.models import Activity, Tenant, User
from app.schemas.accounts import TokenCreate
from app.schemas.contacts import PersonInput
from app.services import people, tokens, tenants
from app.tenancy import tenant_context
from app.transactions import finish
from tests.conftest import build_app, login


@contextmanager
def counting_commits():
    """A list that gets one item per commit while the block runs."""
    commits = []

    def count(session):
        commits.append(session)

    event.listen(Session, "after_commit", count)
    try:
        yield commits
    finally:
        event.remove(Session, "after_commit", count)


def test_a_page_that_only_reads_ends_its_transaction_without_a_commit(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    ended = []

    def note_end(session, transaction):
        if transaction.parent is None:
            ended.append(transaction)

    event.listen(Session, "after_transaction_end", note_end)
    try:
        with counting_commits() as commits:
            assert client.get("/people").status_code == 200
    finally:
        event.remove(Session, "after_transaction_end", note_end)
    assert commits == [] and ended  # ended, by closing the session


def test_a_page_that_writes_with_the_orm_commits(app, client, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        person_id = people.create_person(ctx, data=PersonInput(first_name="Ann", last_name="Hen")).id
    login(client, acme.admin)
    with counting_commits() as commits:
        answer = client.post("/activities", headers={"HX-Request": "true"}, data={
            "subject_type": "person", "subject_id": str(person_id), "kind": "note", "subject": "Called"})
    assert answer.status_code == 200 and len(commits) == 1
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.scalar(select(func.count()).select_from(Activity)) == 1


def test_an_api_read_commits_only_when_it_notes_the_tokens_use(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        secret = tokens.create_token(ctx, data=TokenCreate(name="script"))[1]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    with counting_commits() as commits:
        assert client.get("/api/v1/contacts", headers=headers).status_code == 200
    assert len(commits) == 1  # the first use writes last_used_at with an UPDATE
    with counting_commits() as commits:
        assert client.get("/api/v1/contacts", headers=headers).status_code == 200
    assert commits == []  # within the minute nothing is written


@pytest.mark.parametrize("write", [
    lambda: db.session.execute(update(User).values(name="Renamed")),
    lambda: db.session.execute(text("UPDATE users SET name = 'Renamed'")),
    lambda: db.session.connection().execute(User.__table__.update().values(name="Renamed")),
    lambda: db.session.connection().exec_driver_sql("UPDATE users SET name = 'Renamed'"),
    lambda: db.session.get(User, db.session.scalar(select(User.id))).__setattr__("name", "Renamed"),
], ids=["orm-update", "text", "core-on-connection", "driver-sql", "unflushed-change"])
def test_any_write_is_committed(app, make_tenant, write):
    assert_committed(app, make_tenant, write)


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)  # SQLite has no data-modifying CTEs
def test_an_update_inside_a_select_is_committed(app, make_tenant):
    assert_committed(app, make_tenant, lambda: db.session.execute(
        select(update(User).values(name="Renamed").returning(User.id).cte().c.id)))


def assert_committed(app, make_tenant, write):
    """After a read, `write()` then finish(): the write is in the database."""
    make_tenant("Acme")
    with app.app_context():
        db.session.scalar(select(func.count()).select_from(User))
        write()
        finish(db.session)
        db.session.remove()
        assert db.session.scalars(select(User.name)).all() == ["Renamed"]


def test_reads_and_row_locks_are_not_committed(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context(), counting_commits() as commits:
        db.session.scalars(select(User)).all()
        db.session.get(Tenant, acme.id, with_for_update=True)
        finish(db.session)
    assert commits == []


@pytest.mark.redis
@pytest.mark.postgres
def test_a_job_queued_by_a_unit_that_wrote_nothing_still_goes_out_after_the_commit(request, tmp_path, redis_url):
    app = build_app(request, "postgresql", tmp_path, REDIS_URL=redis_url)
    with app.app_context():
        tenant = tenants.create_tenant(name="Acme", admin_name="Ann", admin_email="ann@acme.example",
                                       admin_password="correct horse battery")[0]
        db.session.commit()
        tenant_id = tenant.id
        db.session.remove()
        with tenant_context(tenant_id, channel="cli") as ctx:
            jobs.enqueue(ctx, tokens.list_tokens)  # nothing written: only the job waits for the commit
    assert Queue(jobs.QUEUE, connection=Redis.from_url(redis_url)).count == 1
