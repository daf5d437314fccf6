"""A throwaway PostgreSQL database for a benchmark: made beside TEST_DATABASE_URL, migrated, dropped after."""
import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.tenancy import tenant_context

BATCH = 5000
SERVER = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def fresh_database(name: str) -> str:
    """The URL of an empty database `name` on the benchmark server (an old one of that name is dropped)."""
    server = make_url(SERVER)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    admin = create_engine(make_url(SERVER), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@contextmanager
def throwaway_app(label: str, **config) -> Iterator[Flask]:
    """The app on a new database migrated to head, dropped when the benchmark ends (even on an error).
    Users made here get a cheap bcrypt cost: signing them in is not what is measured."""
    name = f"roost_bench_{label}_{os.getpid()}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database(name), "BCRYPT_ROUNDS": 4, **config})
    try:
        with app.app_context():
            upgrade()
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        drop_database(name)


def add_rows(app, tenant_id, model, rows: list[dict]) -> None:
    """Write `rows` (column values) of `model` into one tenant through the ORM's unit of work, in batches of
    BATCH: the tenant guard refuses a bulk INSERT of a list, as the guard cannot look into its rows."""
    for offset in range(0, len(rows), BATCH):
        with app.app_context(), tenant_context(tenant_id, channel="job"):
            db.session.add_all(model(**row) for row in rows[offset:offset + BATCH])
