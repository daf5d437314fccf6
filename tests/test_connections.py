"""The app's PostgreSQL connections: autocommit until a unit of work needs a transaction, which then holds
its writes and row locks together; a ping only for connections that idled; jsonb decoded as before."""
import json

import psycopg
import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event, func, select, text, update
from sqlalchemy.exc import IntegrityError

from app import connections
from app.extensions import db
from app.models import Tenant, User
from app.transactions import finish
from tests.conftest import build_app, login

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(request, tmp_path):
    return build_app(request, "postgresql", tmp_path)


def server_status():
    """The transaction status PostgreSQL reports for the session's connection."""
    return db.session.connection().connection.dbapi_connection.info.transaction_status


def outside_connection() -> psycopg.Connection:
    """A connection to the app's database from outside its pool."""
    return psycopg.connect(db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False),
                           autocommit=True)


def test_reads_open_no_transaction_and_a_write_opens_one_that_holds_what_follows(app, make_tenant):
    make_tenant("Acme")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        assert server_status() == TransactionStatus.IDLE  # no BEGIN was sent for the read
        db.session.execute(update(User).values(name="Renamed"))
        assert server_status() == TransactionStatus.INTRANS
        assert db.session.scalar(select(User.name)) == "Renamed"  # a read after the write sees it
        db.session.rollback()
        assert db.session.scalar(select(User.name)) != "Renamed"  # the write and what followed rolled back
        db.session.execute(update(User).values(name="Renamed"))
        finish(db.session)
        db.session.remove()
        assert db.session.scalar(select(User.name)) == "Renamed"


def test_a_failed_unit_leaves_none_of_its_writes(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context():
        db.session.execute(update(User).values(name="Renamed"))
        with pytest.raises(IntegrityError):
            db.session.execute(update(Tenant).where(Tenant.id == acme.id).values(name=None))  # NOT NULL
        db.session.rollback()
        assert db.session.scalar(select(User.name)) == "Acme Admin"


def test_a_row_lock_lasts_until_the_unit_ends(app, make_tenant):
    acme = make_tenant("Acme")
    with app.app_context():
        db.session.get(Tenant, acme.id, with_for_update=True)
        assert server_status() == TransactionStatus.INTRANS
        other = outside_connection()
        try:
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("SELECT 1 FROM tenants WHERE id = %s FOR UPDATE NOWAIT", (acme.id,))
            finish(db.session)  # read only: closed, which ends the transaction and its lock
            other.execute("SELECT 1 FROM tenants WHERE id = %s FOR UPDATE NOWAIT", (acme.id,))
        finally:
            other.close()


def test_a_connection_that_asks_for_autocommit_gets_it(app):
    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE tenants")  # would be rolled back inside a transaction
        assert connection.connection.dbapi_connection.info.transaction_status == TransactionStatus.IDLE


def test_a_page_that_only_reads_leaves_the_connection_idle_and_a_write_commits(app, client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    with app.app_context():
        statuses = []
        listener = lambda conn, cursor, statement, *args: statuses.append(  # noqa: E731
            conn.connection.dbapi_connection.info.transaction_status)
        event.listen(db.engine, "after_cursor_execute", listener)
        try:
            assert client.get("/people").status_code == 200
        finally:
            event.remove(db.engine, "after_cursor_execute", listener)
    assert statuses and set(statuses) == {TransactionStatus.IDLE}


def test_a_connection_back_from_the_pool_at_once_is_not_pinged(app, monkeypatch):
    pings = []
    with app.app_context():
        monkeypatch.setattr(db.engine.dialect, "do_ping", lambda dbapi_connection: pings.append(1) or True)
        for _ in range(3):
            db.session.scalar(text("SELECT 1"))
            db.session.remove()
    assert pings == []


def test_a_connection_that_idled_and_died_is_replaced(app, monkeypatch):
    monkeypatch.setattr(connections, "PING_AFTER_IDLE_S", 0)
    with app.app_context():
        backend = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()
        with outside_connection() as killer:  # the pool's one connection idles: end it from the server side
            killer.execute("SELECT pg_terminate_backend(%s)", (backend,))
        assert db.session.scalar(text("SELECT pg_backend_pid()")) != backend  # pinged, found dead, replaced


def test_jsonb_decodes_to_the_same_values(app):
    value = {"a": [1, 2.5, "ß ✓ 😀", None, True], "big": 12345678901234567890, "nested": {"x": {"y": []}}}
    with app.app_context():
        decoded = db.session.scalar(text("SELECT CAST(:v AS jsonb)"), {"v": json.dumps(value)})
    assert decoded == json.loads(json.dumps(value))
