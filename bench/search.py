"""Search speed: one tenant with N people on PostgreSQL, name fragments searched through the service.

    .venv/bin/python bench/search.py [--people 100000] [--runs 30]

Creates a throwaway database beside TEST_DATABASE_URL (default: the local `test` database's server),
fills it through the real models and tenancy, runs `people.list_people(q=...)` for several fragments
and prints the median and 95th percentile per fragment, then drops the database.
"""
import argparse
import os
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench")

from faker import Faker  # noqa: E402
from figures import median_p95  # noqa: E402
from throwaway import add_rows, throwaway_app  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import Person  # noqa: E402
from app.services import people, tenants  # noqa: E402
from app.tenancy import tenant_context  # noqa: E402

FRAGMENTS = ["ann", "smi", "son", "mar", "lee", "garc", "example.org", "xyzq"]


def fill(app, tenant_id, count: int, batch: int = 5000) -> float:
    """Add `count` people (what create_person writes, minus the audit)."""
    fake = Faker(["en_US", "en_GB", "de_DE", "es_ES"])
    Faker.seed(7)
    random.seed(7)
    started = time.perf_counter()
    for offset in range(0, count, batch):
        rows = []
        for _ in range(min(batch, count - offset)):
            first, last = fake.first_name(), fake.last_name()
            rows.append({"id": uuid.uuid4(), "tenant_id": tenant_id, "first_name": first, "last_name": last,
                         "email": f"{first}.{last}{random.randint(1, 999)}@{fake.free_email_domain()}".lower(),
                         "phone": None, "phone_e164": f"+4420{random.randint(10_000_000, 99_999_999)}",
                         "tags": [], "custom": {}, "other_emails": [], "other_phones": [], "version": 1})
        add_rows(app, tenant_id, Person, rows)
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def measure(app, tenant_id, runs: int) -> list[tuple[str, int, float, float]]:
    results = []
    with app.app_context(), tenant_context(tenant_id, channel="job") as ctx:
        for fragment in FRAGMENTS:
            timings, found = [], 0
            for _ in range(runs):
                started = time.perf_counter()
                items, _cursor = people.list_people(ctx, q=fragment, limit=50)
                timings.append((time.perf_counter() - started) * 1000)
                found = len(items)
            results.append((fragment, found, *median_p95(timings)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with throwaway_app("search") as app:
        with app.app_context():
            tenant, _admin, _ctx = tenants.create_tenant(name="Bench", admin_name="Bench",
                                                         admin_email="b@bench.example",
                                                         admin_password="correct horse battery")
            db.session.commit()
            tenant_id = tenant.id
        seconds = fill(app, tenant_id, args.people)
        print(f"filled {args.people} people in {seconds:.1f} s")
        print(f"{'fragment':<14}{'found':>6}{'median ms':>11}{'p95 ms':>9}")
        for fragment, found, median, p95 in measure(app, tenant_id, args.runs):
            print(f"{fragment:<14}{found:>6}{median:>11.1f}{p95:>9.1f}")


if __name__ == "__main__":
    main()
