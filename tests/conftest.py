"""Fixtures: the app on SQLite and on PostgreSQL, Redis, and factories for tenants and users.

With CI=true a missing PostgreSQL or Redis fails the run; elsewhere those tests skip.
"""
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

os.environ.setdefault("SECRET_KEY", "test-secret-key")

from app import create_app  # noqa: E402  (after SECRET_KEY: the factory would write one to instance/)
from app.extensions import db, limiter  # noqa: E402
from app.schemas.accounts import UserCreate  # noqa: E402
from app.services import tenants, users  # noqa: E402
from app.tenancy import tenant_context  # noqa: E402

CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "correct horse battery"


def unavailable(what: str, error: Exception):
    """Skip a test whose service is down, or fail it when CI requires every service."""
    message = f"{what} is not reachable ({error.__class__.__name__}: {error})"
    if CI:
        pytest.fail(f"{message}; CI=true requires it", pytrace=False)
    pytest.skip(message)


def app_config(database_url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "BCRYPT_ROUNDS": 4,
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        **extra,
    }


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    app = create_app(app_config(f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url():
    """A database of its own for this run, on the PostgreSQL of TEST_DATABASE_URL, migrated to head."""
    server = make_url(PG_URL)
    try:
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        connection = admin.connect()
    except OperationalError as error:
        unavailable("PostgreSQL", error)
    name = f"roost_test_{os.getpid()}"
    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = server.set(database=name).render_as_string(hide_password=False)
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()
    admin.dispose()


def _empty_postgres(app) -> None:
    with app.app_context():
        with db.engine.begin() as connection:
            schemas = connection.scalars(text(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'")).all()
            for schema in schemas:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            connection.exec_driver_sql("TRUNCATE tenants, users, telegram_bots CASCADE")
        db.engine.dispose()


@dataclass
class _MadeApp:
    """An app lent to one test (or module) at a time, and what makes each loan start as if it were new."""

    app: Flask
    config: dict  # as made
    database: Path | None  # SQLite: the file at the app's URL, a fresh copy of the template for each loan
    lent: bool = False


_made_apps: dict[str, list[_MadeApp]] = {}  # by backend and settings


def build_app(request, backend: str, tmp_path, **extra):
    """An app on a fresh database of the given backend; PostgreSQL is emptied afterwards.

    Apps are made once per backend and settings and lent to one test at a time: making one took ~50 ms (Flask
    compiles each of its ~160 URL rules), a tenth of the suite. A loan starts as a new app would: the settings
    it was made with, an empty database, no rate-limit counts, no kept tenant settings.
    """
    made = _borrow_app(request, backend, extra)
    app = made.app
    app.config.clear()
    app.config.update(made.config, FILE_STORAGE_PATH=str(tmp_path / "files"))
    if made.database:
        for leftover in made.database.parent.glob(made.database.name + "*"):  # the database, its -wal and -shm
            leftover.unlink()
        shutil.copy(request.getfixturevalue("sqlite_template"), made.database)
    limiter.init_app(app)  # the limiter keeps the storage of the app it last set up: this one's, empty
    app.extensions.pop("tenant_settings", None)
    request.addfinalizer(lambda: setattr(made, "lent", False))
    if backend == "postgresql":
        request.addfinalizer(lambda: _empty_postgres(app))
    else:
        request.addfinalizer(lambda: _dispose(app))
    return app


def _borrow_app(request, backend: str, extra: dict) -> _MadeApp:
    """An app of this backend and settings that no one is using, made if there is none."""
    made_alike = _made_apps.setdefault(f"{backend} {sorted(extra.items())}", [])
    made = next((made for made in made_alike if not made.lent), None)
    if made is None:
        if backend == "sqlite":
            database = request.getfixturevalue("tmp_path_factory").mktemp("app") / "roost.sqlite3"
            url = f"sqlite:///{database}"
        else:
            database, url = None, request.getfixturevalue("postgres_url")
        app = create_app(app_config(url, **extra))
        made = _MadeApp(app, dict(app.config), database)
        made_alike.append(made)
    made.lent = True
    return made


def _dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request, tmp_path):
    """The app, once on SQLite and once on PostgreSQL."""
    return build_app(request, request.param, tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def redis_url():
    """A Redis database for this test, emptied before and after."""
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.flushdb()
    except RedisError as error:
        unavailable("Redis", error)
    yield REDIS_URL
    connection.flushdb()


def calls_to_redis(storage, monkeypatch) -> list:
    """The commands a Redis-backed limits `storage` sends from now on, as a list that grows."""
    sent, send = [], storage.storage.execute_command

    def counted(*args, **options):
        sent.append(args[0])
        return send(*args, **options)

    monkeypatch.setattr(storage.storage, "execute_command", counted)
    return sent


@dataclass
class TenantMade:
    """What a test needs to act as a tenant: its id, slug, and users by role."""

    id: uuid.UUID
    slug: str
    name: str
    users: dict[str, "UserMade"] = field(default_factory=dict)
    records: dict[str, uuid.UUID] = field(default_factory=dict)  # marker records tests create, by kind

    @property
    def admin(self) -> "UserMade":
        return self.users["admin"]


@dataclass
class UserMade:
    id: uuid.UUID
    email: str
    name: str
    role: str
    password: str = PASSWORD


@pytest.fixture
def make_tenant(app):
    """make_tenant("Acme", roles=("rep",)) -> TenantMade with an admin and one user per extra role."""

    def make(name: str = "Acme", *, roles=(), prefix: str | None = None) -> TenantMade:
        prefix = prefix or f"{name.lower().replace(' ', '')}-{uuid.uuid4().hex[:6]}"
        with app.app_context():
            admin_email = f"admin@{prefix}.example"
            tenant, admin, _ = tenants.create_tenant(
                name=name, admin_name=f"{name} Admin", admin_email=admin_email, admin_password=PASSWORD)
            db.session.commit()
            made = TenantMade(tenant.id, tenant.slug, tenant.name)
            made.users["admin"] = UserMade(admin.id, admin_email, admin.name, "admin")
            db.session.remove()
            for role in roles:
                email = f"{role}@{prefix}.example"
                with tenant_context(made.id, channel="cli") as ctx:
                    data = UserCreate(name=f"{name} {role.title()}", email=email, role=role)
                    user = users.add_user(ctx, data=data, password=PASSWORD).user
                    made.users[role] = UserMade(user.id, email, user.name, role)
        return made

    return make


def login(client, user: UserMade):
    """Sign `user` in with the test client (no second factor)."""
    response = client.post("/login", data={"email": user.email, "password": user.password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


SERVICE_MARKERS = {"postgres": "PostgreSQL", "redis": "Redis", "browser": "Browser (Chromium)"}


def pytest_terminal_summary(terminalreporter):
    """Say how many tests of each real service ran, so a CI log shows they were not skipped."""
    counts = {marker: {"passed": 0, "failed": 0, "skipped": 0} for marker in SERVICE_MARKERS}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if report.when != "call" and outcome not in ("skipped", "error"):
                continue
            for marker in SERVICE_MARKERS:
                if marker in getattr(report, "keywords", {}):
                    counts[marker]["failed" if outcome == "error" else outcome] += 1
    terminalreporter.section("real services")
    for marker, label in SERVICE_MARKERS.items():
        tally = counts[marker]
        terminalreporter.write_line(
            f"{label} tests: {tally['passed']} passed, {tally['failed']} failed, {tally['skipped']} skipped")


def statements_run(call) -> list[tuple[str, object]]:
    """(SQL, parameters) of every statement `call()` sends to the database, in order."""
    seen = []
    capture = lambda conn, cursor, statement, params, context, many: seen.append((statement, params))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return seen
