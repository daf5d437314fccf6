"""Import speed: a generated 10,000-row .xlsx of people imported through the services, on SQLite and PostgreSQL.

    .venv/bin/python bench/import.py [--rows 10000] [--backend sqlite|postgresql|both]

Each backend gets a throwaway database (a SQLite file in a temporary folder; a PostgreSQL database
beside TEST_DATABASE_URL), one tenant, and the same file imported twice: reading the file, then the
job's batches (each row validated, checked for duplicates, written and audited by the people service,
a commit per batch). The second import finds every row known and adds nobody.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench")

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.schemas.imports import ImportChoices, ImportUpload  # noqa: E402
from app.services import imports, tenants  # noqa: E402
from app.tenancy import tenant_context  # noqa: E402
from tests.import_files import people_rows, workbook_bytes  # noqa: E402

SERVER = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def import_once(app, tenant_id, content: bytes) -> dict:
    """Upload, start and run one import the way the web door and the job do; the timings and counts."""
    started = time.perf_counter()
    with app.app_context(), tenant_context(tenant_id, channel="web") as ctx:
        run = imports.upload(ctx, data=ImportUpload(entity="person"), filename="people.xlsx", content=content)
        imports.start(ctx, run_id=run.id, data=ImportChoices(mapping=dict(run.mapping), duplicates="skip"))
        run_id = run.id
    read = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    with app.app_context(), tenant_context(tenant_id, channel="job") as ctx:
        for run in imports.import_batches(ctx, run_id=run_id):
            db.session.commit()
        counts = {"created": run.created, "skipped": run.skipped, "bad": len(run.bad_rows)}
    return {"read_s": read, "import_s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu, **counts}


def bench(url: str, rows: int) -> list[dict]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None, "BCRYPT_ROUNDS": 4})
    with app.app_context():
        upgrade()
        tenant, _admin, _ctx = tenants.create_tenant(name="Bench Farm", admin_name="Bench",
                                                     admin_email="bench@farm.example", admin_password="bench-password")
        db.session.commit()
        tenant_id = tenant.id
        db.session.remove()
    content = workbook_bytes(people_rows(rows, bad_emails=8, empty_names=6, duplicates=6))
    results = [import_once(app, tenant_id, content), import_once(app, tenant_id, content)]
    with app.app_context():
        db.engine.dispose()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            report("sqlite", bench(f"sqlite:///{folder}/bench.sqlite3", args.rows))
    if args.backend in ("postgresql", "both"):
        server = make_url(SERVER)
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        name = f"roost_bench_import_{os.getpid()}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            report("postgresql", bench(server.set(database=name).render_as_string(hide_password=False), args.rows))
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()


def report(backend: str, results: list[dict]) -> None:
    """One line per import; the load average says how much the machine's other work slowed it down."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    for number, result in enumerate(results, start=1):
        print(f"{backend:10} import {number}: read+preview {result['read_s']:.1f} s, "
              f"import {result['import_s']:.1f} s (this process's CPU {result['cpu_s']:.1f} s), "
              f"created {result['created']}, skipped {result['skipped']}, bad rows {result['bad']}; load {load}")


if __name__ == "__main__":
    main()
