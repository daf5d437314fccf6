"""The pipeline board of a tenant with many open deals: the whole page rendered, as a signed-in head sees it.

    .venv/bin/python bench/board.py [--open-deals 5000] [--runs 20]

Makes a throwaway database beside TEST_DATABASE_URL, one tenant whose open stages hold
--open-deals deals (`throwaway.add_rows`), then times
GET /deals/board through the app (test client: routing, services, templates; no network) and prints
the median and 95th percentile with the page's size and card count.
"""
import argparse
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from figures import median_p95  # noqa: E402
from generate import PASSWORD  # noqa: E402
from sqlalchemy import select  # noqa: E402
from throwaway import add_rows, throwaway_app  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import Deal, Stage  # noqa: E402
from app.services import tenants  # noqa: E402
from app.tenancy import tenant_context  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--open-deals", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with throwaway_app("board", SESSION_COOKIE_SECURE=False, WTF_CSRF_ENABLED=False) as app:
        measure(app, args.open_deals, args.runs)


def measure(app, open_deals: int, runs: int) -> None:
    """Fill one tenant with `open_deals` open deals, then time its board page."""
    with app.app_context():
        tenant, admin, _ = tenants.create_tenant(name="Board bench", admin_name="Admin",
                                                 admin_email="admin@board.bench.example", admin_password=PASSWORD)
        db.session.commit()
        tenant_id, email, admin_id = tenant.id, admin.email, admin.id
        db.session.remove()
        with tenant_context(tenant_id, channel="job"):
            stages = db.session.execute(select(Stage.id, Stage.pipeline_id).where(Stage.kind == "open")).all()
        add_rows(app, tenant_id, Deal, [
            {"name": f"Order {n}", "value": Decimal(100 + n), "currency": "USD",
             "pipeline_id": stages[n % len(stages)].pipeline_id, "stage_id": stages[n % len(stages)].id,
             "position": n // len(stages), "status": "open", "expected_close": date.today() + timedelta(days=n % 90),
             "owner_id": admin_id, "tags": [], "custom": {}} for n in range(open_deals)])
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    timings = []
    for _ in range(runs + 2):
        started = time.perf_counter()
        page = client.get("/deals/board")
        timings.append((time.perf_counter() - started) * 1000)
        assert page.status_code == 200, page.status_code
    median, p95 = median_p95(timings[2:])  # the first two warm the caches (templates, statements)
    html = page.get_data(as_text=True)
    cards = html.count('class="deal-card"')
    print(f"board with {open_deals:,} open deals: median {median:.0f} ms, p95 {p95:.0f} ms, {cards} cards shown, "
          f"{len(html) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
