"""Where a page's time goes: the pages of the load mix through Flask's test client, against a data set.

    .venv/bin/python bench/page_costs.py [--size small] [--role admin] [--pages people,timeline] [--cprofile 40]

Signs in as the data set's first user of --role (bench/generate.py's users) and asks each page --runs
times, printing the median wall and CPU time and the Python function calls per request (cProfile's
count: unlike times, it holds still on a shared, noisy machine). --cprofile N also prints the N
functions with the most cumulative time. The garbage collector is set as wsgi.py sets it. Pages that
write (note, api-create) add records to the data set; move moves deals of it.
"""
import argparse
import cProfile
import gc
import itertools
import json
import logging
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pages import CSRF, DEAL_CARD, PERSON_LINK, first, stage_ids  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def sign_in(size: str, role: str):
    """A test client signed in as the data set's first `role`, and what the pages need to name."""
    data = json.loads((RESULTS / f"dataset-{size}.json").read_text())
    os.environ.update(DATABASE_URL=data["database_url"], SECRET_KEY="bench", SECURE_COOKIES="false")
    from app import create_app
    app = create_app({"API_RATE_LIMIT": "1000000 per minute", "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute"})
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    logging.getLogger("roost.request").setLevel(logging.WARNING)  # a line per request would bury the figures
    user = next(u for u in data["users"] if u["role"] == role)
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": user["email"], "password": data["password"], "csrf_token": first(CSRF, login)})
    people = client.get("/people").get_data(as_text=True)
    return client, user, PERSON_LINK.findall(people)[0], first(CSRF, people)


def mover(client, csrf):
    """A move of a deal as the load runner makes one: the board's cards, in turn, to its stages in turn
    (HTMX, so the answer is the two columns the move changed). Reads the board at its first call."""
    turns, cards, stages = itertools.count(), [], []

    def move():
        if not cards:
            board = client.get("/deals/board").get_data(as_text=True)
            cards.extend(DEAL_CARD.findall(board))
            stages.extend(stage_ids(board))
        turn = next(turns)
        return client.post(f"/deals/{cards[turn % len(cards)]}/move", data={"stage_id": stages[turn % len(stages)]},
                           headers={"HX-Request": "true", "X-CSRFToken": csrf})
    return move


def pages(client, user, person, csrf) -> dict:
    api = {"Authorization": f"Bearer {user['token']}"}
    return {
        "dashboard": lambda: client.get("/"),
        "people": lambda: client.get("/people?sort=name&dir=asc"),
        "filtered": lambda: client.get("/people?tag=vip&sort=updated_at&dir=desc"),
        "search": lambda: client.get("/people?q=mar", headers={"HX-Request": "true", "HX-Target": "people-rows",
                                                                  "HX-Trigger": "people-q"}),
        "detail": lambda: client.get(f"/people/{person}"),
        "timeline": lambda: client.get(f"/people/{person}?tab=timeline"),
        "board": lambda: client.get("/deals/board"),
        "move": mover(client, csrf),
        "api-list": lambda: client.get("/api/v1/contacts?limit=50", headers=api),
        "note": lambda: client.post("/activities", headers={"HX-Request": "true", "X-CSRFToken": csrf}, data={
            "subject_type": "person", "subject_id": person, "kind": "note", "subject": "Called about the order"}),
        "api-create": lambda: client.post("/api/v1/contacts", headers=api, json={"first_name": "Profile"}),
    }


def measure(name: str, call, runs: int, top: int) -> None:
    answer = call()
    assert answer.status_code < 400, (name, answer.status_code)
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [call() for _ in range(10)])
    stats = pstats.Stats(profiler)
    print(f"{name:<12}{statistics.median(walls):>8.1f} ms wall{statistics.median(cpus):>8.1f} ms CPU"
          f"{stats.total_calls / 10:>10,.0f} calls{len(answer.data):>9,} bytes")
    if top:
        stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="small")
    parser.add_argument("--role", default="admin")
    parser.add_argument("--pages", help="comma-separated; all when left out")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    chosen = pages(*sign_in(args.size, args.role))
    for name in args.pages.split(",") if args.pages else chosen:
        measure(name, chosen[name], args.runs, args.cprofile)


if __name__ == "__main__":
    main()
