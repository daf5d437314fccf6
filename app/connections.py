"""How the app's engine talks to its database: per-backend options and what each new connection needs.

PostgreSQL connections run in autocommit: a unit of work that only reads sends no BEGIN and no ROLLBACK
(two of a small request's five round trips), and the first statement that needs a transaction opens
one (app/transactions.py), so what a unit writes still commits or rolls back as one.
"""
import time

import pydantic_core
from psycopg.types.json import set_json_loads
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

from app.transactions import BEGIN_AT_FIRST_WRITE

# A connection back in the pool for less than this is not pinged at checkout: under load every checkout
# follows a checkin by milliseconds, and a server restart takes longer than this, so a connection that
# lived through one has idled past it (and one in use then already failed and emptied the pool).
PING_AFTER_IDLE_S = 1.0
# An execution option: this page's plan does not hang on its values, so it may be prepared like any other
# statement run often (_plan_pages_with_their_values).
PLAN_ONCE = "plan_once"


def engine_options(url: str) -> dict:
    """SQLAlchemy engine options for the database at `url`."""
    if url.startswith("sqlite"):
        # SQLite has no schemas: tenant tables live beside the shared ones.
        return {"execution_options": {"schema_translate_map": {"tenant": None}}}
    # Long-lived backends that touch many tenants' catalogs grow; recycle them hourly.
    return {"isolation_level": "AUTOCOMMIT", "execution_options": {BEGIN_AT_FIRST_WRITE: True}, "pool_recycle": 3600}


def prepare(engine: Engine) -> None:
    """Hook what every new connection of `engine` needs, and the ping of connections that idled."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        return
    event.listen(engine, "connect", _decode_json_fast)
    event.listen(engine, "checkin", _note_idle)
    event.listen(engine, "do_execute", _plan_pages_with_their_values)

    @event.listens_for(engine, "checkout")
    def ping_if_idled(dbapi_connection, record, _proxy):
        _ping_if_idled(engine.dialect, dbapi_connection, record)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys unless asked
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _decode_json_fast(dbapi_connection, _record):
    # Custom fields and tags come back as jsonb on every list row; the standard library's decoder was a
    # fifth of an API list's CPU, pydantic's (already a dependency) is several times faster.
    set_json_loads(pydantic_core.from_json, dbapi_connection)


def _plan_pages_with_their_values(cursor, statement: str, parameters, context) -> bool:
    """Run a statement that stops after so many rows unprepared, so PostgreSQL plans it with its values.

    psycopg prepares a statement run five times, and PostgreSQL may then plan it once for any values. For a
    lookup by key that saves the planning, most of such a statement's database time (a person's page: 0.7 of
    1.5 ms). A page of a filtered list is different: planned for any value, a rare tag or owner may walk the whole
    tenant in its order instead of reading the few rows that match (a people search did, 11 ms for no match at
    10,000 people, until searches read their matches first). What asks for the first rows in an order (LIMIT) is
    such a page, unless it says PLAN_ONCE: a page whose plan no value changes (unfiltered, or a search alone)."""
    if " LIMIT " not in statement or context.execution_options.get(PLAN_ONCE):
        return False
    cursor.execute(statement, parameters, prepare=False)
    return True


def _note_idle(_dbapi_connection, record):
    record.info["idle_since"] = time.monotonic()


def _ping_if_idled(dialect, dbapi_connection, record) -> None:
    """Pool pre-ping, for connections that idled: a dead one is replaced, as `pool_pre_ping` would."""
    idle_since = record.info.get("idle_since")  # the info dies with its connection: a new one is not pinged
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as error:
        if dialect.is_disconnect(error, dbapi_connection, None):
            raise exc.DisconnectionError() from error  # the pool drops it and checks out a fresh one
        raise
