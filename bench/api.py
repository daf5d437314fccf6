"""API speed: requests through the whole stack (token, tenancy, service, serialisation) on PostgreSQL.

    .venv/bin/python bench/api.py [--people 10000] [--runs 30]

Creates a throwaway database beside TEST_DATABASE_URL (bench/throwaway.py), one tenant with N people
(bench/search.py's filler), an admin's token, then times typical API calls with Flask's test client
(no network) and prints the median and 95th percentile of each; the database is dropped at the end.
"""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("SECRET_KEY", "bench")

from search import fill  # noqa: E402
from figures import median_p95  # noqa: E402
from throwaway import throwaway_app  # noqa: E402

from app.extensions import db  # noqa: E402
from app.schemas.accounts import TokenCreate  # noqa: E402
from app.services import tenants, tokens  # noqa: E402
from app.tenancy import tenant_context  # noqa: E402


def timed(runs: int, call) -> tuple[float, float]:
    """(median, p95) in milliseconds of `runs` calls; each call must answer below 400."""
    timings = []
    for run in range(runs):
        started = time.perf_counter()
        response = call(run)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code < 400, response.get_data(as_text=True)
    return median_p95(timings)


def measure(app, secret: str, runs: int) -> list[tuple[str, float, float]]:
    client = app.test_client()
    auth = {"Authorization": f"Bearer {secret}"}
    one = client.get("/api/v1/contacts?limit=1", headers=auth).get_json()["items"][0]["id"]
    calls = {
        "GET /contacts (50)": lambda run: client.get("/api/v1/contacts", headers=auth),
        "GET /contacts (200)": lambda run: client.get("/api/v1/contacts?limit=200", headers=auth),
        "GET /contacts?q=ann": lambda run: client.get("/api/v1/contacts?q=ann", headers=auth),
        "GET /contacts/{id}": lambda run: client.get(f"/api/v1/contacts/{one}", headers=auth),
        "POST /contacts": lambda run: client.post("/api/v1/contacts", headers=auth,
                                                  json={"first_name": "Bench", "last_name": str(run)}),
        "POST /contacts (Idempotency-Key)": lambda run: client.post(
            "/api/v1/contacts", headers={**auth, "Idempotency-Key": f"bench-{run}"},
            json={"first_name": "Keyed", "last_name": str(run)}),
        "PATCH /contacts/{id}": lambda run: client.patch(f"/api/v1/contacts/{one}", headers=auth,
                                                         json={"title": f"Title {run}"}),
        "GET /openapi.json": lambda run: client.get("/api/v1/openapi.json"),
        "GET /api/docs": lambda run: client.get("/api/docs"),
    }
    return [(name, *timed(runs, call)) for name, call in calls.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with throwaway_app("api", API_RATE_LIMIT="1000000 per minute") as app:
        with app.app_context():
            tenant, user, _ctx = tenants.create_tenant(name="Bench", admin_name="Bench", admin_email="b@bench.example",
                                                       admin_password="correct horse battery")
            db.session.commit()
            tenant_id, user_id = tenant.id, user.id
        with app.app_context(), tenant_context(tenant_id, channel="cli", user_id=user_id) as ctx:
            secret = tokens.create_token(ctx, data=TokenCreate(name="bench"))[1]
        seconds = fill(app, tenant_id, args.people)
        print(f"filled {args.people} people in {seconds:.1f} s")
        print(f"{'call':<36}{'median ms':>10}{'p95 ms':>9}")
        for call, median, p95 in measure(app, secret, args.runs):
            print(f"{call:<36}{median:>10.1f}{p95:>9.1f}")


if __name__ == "__main__":
    main()
