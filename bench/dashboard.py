"""Dashboard speed: one tenant with many people, deals and activities on PostgreSQL.

    .venv/bin/python bench/dashboard.py [--people 100000] [--deals 20000] [--activities 100000] [--runs 20]

Creates a throwaway database beside TEST_DATABASE_URL (default: the local `test` database's server),
signs up one tenant with five reps, fills it through the real models and tenancy (bulk INSERT), times
`dashboard.build_dashboard` for the whole team and for one rep, prints the median and 95th percentile,
then drops the database.
"""
import argparse
import os
import random
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench")

from figures import median_p95  # noqa: E402
from throwaway import add_rows, throwaway_app  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import Activity, Deal, Person  # noqa: E402
from app.models.activities import ACTIVITY_KINDS  # noqa: E402
from app.models.base import utcnow  # noqa: E402
from app.schemas.accounts import UserCreate  # noqa: E402
from app.services import dashboard, pipelines, tenants, users  # noqa: E402
from app.tenancy import tenant_context  # noqa: E402


def fill(app, tenant_id, owners: list, people: int, deals: int, activities: int) -> float:
    """People added over the last year, deals in every stage (a third closed), activities and tasks."""
    random.seed(7)
    now = utcnow()
    started = time.perf_counter()
    with app.app_context(), tenant_context(tenant_id, channel="job") as ctx:
        stages = [(s.pipeline_id, s.id, s.kind) for s in pipelines.list_pipelines(ctx)[0].stages]
    base = {"tags": [], "custom": {}, "version": 1}
    person_ids = [uuid.uuid4() for _ in range(people)]
    add_rows(app, tenant_id, Person, [
        {"id": pid, "tenant_id": tenant_id, "first_name": f"First{n}", "last_name": f"Last{n}", "other_emails": [],
         "other_phones": [], "owner_id": random.choice(owners),
         "created_at": now - timedelta(days=random.random() * 365), **base} for n, pid in enumerate(person_ids)])
    deal_rows = []
    for n in range(deals):
        pipeline_id, stage_id, kind = random.choice(stages)
        deal_rows.append({
            "id": uuid.uuid4(), "tenant_id": tenant_id, "name": f"Deal {n}", "value": Decimal(random.randint(50, 5000)),
            "currency": "USD", "pipeline_id": pipeline_id, "stage_id": stage_id, "position": n,
            "person_id": random.choice(person_ids), "owner_id": random.choice(owners), "status": kind,
            "closed_at": now - timedelta(days=random.random() * 365) if kind != "open" else None,
            "expected_close": (now + timedelta(days=random.randint(-30, 90))).date(), **base})
    add_rows(app, tenant_id, Deal, deal_rows)
    activity_rows = []
    for n in range(activities):
        kind = random.choice(ACTIVITY_KINDS)
        owner = random.choice(owners)
        when = now - timedelta(days=random.random() * 365)
        task = {"due_at": when + timedelta(days=random.randint(0, 60)), "assignee_id": owner,
                "done_at": when if random.random() < 0.7 else None} if kind == "task" else {}
        activity_rows.append({"id": uuid.uuid4(), "tenant_id": tenant_id, "kind": kind, "subject": f"Activity {n}",
                              "occurred_at": when, "user_id": owner, "channel": "web",
                              "person_id": random.choice(person_ids), **task})
    add_rows(app, tenant_id, Activity, activity_rows)
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def measure(app, tenant_id, user_id, runs: int, member) -> tuple[float, float]:
    """Median and p95 milliseconds of building the dashboard (the team's, or `member`'s)."""
    timings = []
    with app.app_context(), tenant_context(tenant_id, channel="web", user_id=user_id) as ctx:
        for _ in range(runs):
            started = time.perf_counter()
            dashboard.build_dashboard(ctx, user_id=member)
            timings.append((time.perf_counter() - started) * 1000)
    return median_p95(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--deals", type=int, default=20_000)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with throwaway_app("dashboard") as app:
        with app.app_context():
            tenant, head, _ctx = tenants.create_tenant(name="Bench", admin_name="Bench", admin_email="b@bench.example",
                                                       admin_password="correct horse battery")
            db.session.commit()
            tenant_id, head_id = tenant.id, head.id
        reps = []
        for n in range(5):
            with app.app_context(), tenant_context(tenant_id, channel="cli") as ctx:
                reps.append(users.add_user(ctx, data=UserCreate(name=f"Rep {n}", email=f"rep{n}@bench.example",
                                                                role="rep"), password="correct horse battery").user.id)
        seconds = fill(app, tenant_id, [head_id, *reps], args.people, args.deals, args.activities)
        print(f"filled {args.people} people, {args.deals} deals, {args.activities} activities in {seconds:.1f} s")
        print(f"{'view':<22}{'median ms':>11}{'p95 ms':>9}")
        for label, user_id, member in (("team (admin)", head_id, None), ("one rep (admin)", head_id, reps[0]),
                                       ("own numbers (rep)", reps[0], None)):
            median, p95 = measure(app, tenant_id, user_id, args.runs, member)
            print(f"{label:<22}{median:>11.1f}{p95:>9.1f}")


if __name__ == "__main__":
    main()
