"""Load: Roost served as in production, 100 users over tenants and roles, a realistic mix, and the ceiling.

    .venv/bin/python bench/load.py --size small [--duration 60] [--runs 1] [--modes users,saturation]

Needs the data set of bench/generate.py (made first when missing); reads the tables of the tenants it signs in
to into memory first (pg_prewarm), as a server running all day has them. Starts gunicorn (--workers, default
4 sync workers: 2 per core, as the database works beside them) on the data set's PostgreSQL with Redis
and an RQ worker, and the ceiling app (bench/ceiling.py) under the same gunicorn settings. A warm-up
(--warmup seconds of the users mix, 20 by default, and a quarter of that on the ceiling) is not
counted: fresh workers compile every template and fill their statement caches first. Then, per run and
mode, Locust drives --users users for --duration seconds after the last of them started, and in
saturation mode the ceiling too. Prints a table per mode (requests/s, p50, p95, p99, errors;
saturation also runs the operations compared with the ceiling one at a time, each followed by its ceiling run,
with its ratio to that run)
with the median of the runs, and writes bench/results/load-<size>.json (load-<size>-<modes>.json for
other --modes). Every loop is bounded by --duration; all traffic goes to 127.0.0.1.
"""
import argparse
import csv
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
VENV_BIN = Path(sys.executable).parent
ROOST_PORT, CEILING_PORT = 8101, 8102
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
# Operations measured alone at saturation against the ceiling: (Locust tag, the ceiling's tag and
# operation it is compared with, the target share of the ceiling's throughput).
ALONE = {"API people list": ("api-list", "ceiling-list", "ceiling list", 0.5),
         "people list": ("people-list", "ceiling-list", "ceiling list", 0.3),
         "person detail": ("person-detail", "ceiling-list", "ceiling list", 0.3),
         "search as you type": ("search", "ceiling-search", "ceiling search", 0.5)}


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


class MemoryWatch(threading.Thread):
    """Samples, once a second, the largest resident memory among gunicorn's workers (its master's children)."""

    def __init__(self, server: subprocess.Popen):
        super().__init__(daemon=True)
        self.server, self.peak_mb, self.done = server, 0.0, threading.Event()

    def run(self):
        while not self.done.wait(1.0):
            try:
                children = psutil.Process(self.server.pid).children()
                rss = max((child.memory_info().rss for child in children), default=0)
            except psutil.Error:
                continue
            self.peak_mb = max(self.peak_mb, rss / 2**20)


def prewarm(data: dict, users: int) -> tuple[float, int]:
    """Read the tables and indexes of the tenants the run signs in to, and the shared ones, into the OS page cache
    (pg_prewarm); (seconds, megabytes read). A server that runs all day has them in memory; this machine's kernel
    hands page cache it thinks cold back to the host (DAMON), so between runs `large` fell out of memory, and a
    users-mode run then measured the disk: p50 40-380 ms, p95 1.7-2.1 s for every operation alike."""
    from sqlalchemy import create_engine, text
    ids = {tenant["slug"]: tenant["id"] for tenant in data["tenants"]}
    schemas = sorted({f"tenant_{ids[user['tenant']].replace('-', '')}" for user in data["users"][:users]} | {"public"})
    engine = create_engine(data["database_url"], isolation_level="AUTOCOMMIT")
    started = time.monotonic()
    with engine.connect() as connection:
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
        blocks = connection.execute(text(
            "SELECT coalesce(sum(pg_prewarm(c.oid, 'buffer')), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'i', 't', 'm')"), {"schemas": schemas}).scalar()
    engine.dispose()
    return time.monotonic() - started, int(blocks) * 8 // 1024


def locust(dataset: Path, mode: str, classes: list[str], host: str, users: int, duration: int, out: Path,
           tags: tuple[str, ...] = (), prefix: str = "") -> dict:
    """Run Locust headless (only the tasks tagged `tags`, when given) and return its per-operation figures.
    Its statistics cover `duration` seconds from when every user has signed in and loaded its first pages
    (locustfile.started); the run ends then, or at the latest 120 s later."""
    prefix = out / f"{prefix}{mode}-{'-'.join(classes + list(tags))}"
    # People sign in over time: in users mode the users start over 20 s, in saturation mode over 5 s.
    ramp = 20 if mode == "users" else 5
    subprocess.run([str(VENV_BIN / "locust"), "-f", str(BENCH / "locustfile.py"), *classes, "--headless",
                    *(["--tags", *tags] if tags else []),
                    "--users", str(users), "--spawn-rate", str(max(1, users / ramp)),
                    "--run-time", f"{duration + ramp + 120}s",
                    "--host", host, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
                    "--stop-timeout", "5"],
                   env={**os.environ, "BENCH_DATASET": str(dataset), "BENCH_MODE": mode,
                        "BENCH_COUNT_S": str(duration)},
                   check=False, stdout=subprocess.DEVNULL, stderr=open(f"{prefix}.log", "w"),
                   timeout=duration + ramp + 180)
    figures = {}
    with open(f"{prefix}_stats.csv") as stats:
        for row in csv.DictReader(stats):
            if row["Name"] == "Aggregated" or row["Name"].startswith("login") or row["Request Count"] == "0":
                continue  # signing in, and first pages only on_start asked for (before the statistics restarted)
            figures[row["Name"]] = {"rps": float(row["Requests/s"]), "p50": float(row["50%"]),
                                    "p95": float(row["95%"]), "p99": float(row["99%"]),
                                    "requests": int(row["Request Count"]), "errors": int(row["Failure Count"])}
    return figures


FIGURES = ("rps", "p50", "p95", "p99", "requests", "errors", "ratio")


def median_of(runs: list[dict]) -> dict:
    """Per operation and figure, the median over the runs (machines here are shared and noisy)."""
    names = sorted({name for run in runs for name in run})
    return {name: {key: statistics.median(run[name][key] for run in runs if name in run and key in run[name])
                   for key in FIGURES if any(name in run and key in run[name] for run in runs)} for name in names}


def table(title: str, figures: dict, ceiling: dict | None = None) -> str:
    """Figures per operation; with `ceiling`, each operation's share of the ceiling it is compared with (its
    `ratio` where it was measured beside its own ceiling run)."""
    lines = [title, f"{'operation':<28}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>8}"
             + (f"{'x ceiling':>11}{'target':>8}" if ceiling else "")]
    for name, f in figures.items():
        line = f"{name:<28}{f['rps']:>8.1f}{f['p50']:>8.0f}{f['p95']:>8.0f}{f['p99']:>8.0f}{f['errors']:>8.0f}"
        if ceiling and name in ALONE and ALONE[name][2] in ceiling:
            ratio = f.get("ratio", f["rps"] / ceiling[ALONE[name][2]]["rps"])
            line += f"{ratio:>11.2f}{ALONE[name][3]:>8.1f}"
        lines.append(line)
    return "\n".join(lines)


def saturate_alone(dataset: Path, users: int, duration: int, out: Path) -> tuple[dict, dict]:
    """Each compared operation alone, with no pauses, on Roost and right after it on the ceiling: the most each
    serves. An operation's `ratio` is to the ceiling run beside it: runs a few minutes apart, this machine's
    ceiling list served 633 and then 1,061 requests/s. The ceiling's figures are the median of its runs."""
    roost, ceilings = {}, {}
    for name, (tag, ceiling_tag, ceiling_name, _target) in ALONE.items():
        mine = locust(dataset, "saturation", ["RoostUser"], f"http://127.0.0.1:{ROOST_PORT}", users, duration, out,
                      (tag,))[name]
        theirs = locust(dataset, "saturation", ["CeilingUser"], f"http://127.0.0.1:{CEILING_PORT}", users, duration,
                        out, (ceiling_tag,), prefix=f"beside-{tag}-")[ceiling_name]
        roost[name] = {**mine, "ratio": mine["rps"] / theirs["rps"]}
        ceilings.setdefault(ceiling_name, []).append({ceiling_name: theirs})
    return roost, {name: median_of(runs)[name] for name, runs in ceilings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="small")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=int, default=60, help="seconds per run and mode")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--modes", default="users,saturation")
    parser.add_argument("--warmup", type=int, default=20, help="seconds of the users mix first, not counted")
    args = parser.parse_args()
    dataset = RESULTS / f"dataset-{args.size}.json"
    if not dataset.exists():
        subprocess.run([sys.executable, str(BENCH / "generate.py"), "--size", args.size], check=True)
    data = json.loads(dataset.read_text())
    env = {"DATABASE_URL": data["database_url"], "REDIS_URL": REDIS_URL, "SECRET_KEY": "bench",
           "SECURE_COOKIES": "false", "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
           "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute", "API_RATE_LIMIT": "1000000 per minute"}
    gunicorn = [str(VENV_BIN / "gunicorn"), "--workers", str(args.workers), "--bind"]
    out = Path(tempfile.mkdtemp(prefix="roost-load-"))
    servers = [start(gunicorn + [f"127.0.0.1:{ROOST_PORT}", "wsgi:app"], env, out / "roost.log"),
               start(gunicorn + [f"127.0.0.1:{CEILING_PORT}", "bench.ceiling:app"], env, out / "ceiling.log"),
               start([str(VENV_BIN / "rq"), "worker", "roost", "--with-scheduler", "--url", REDIS_URL], env, out / "worker.log")]
    report = {"size": args.size, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "machine": {"cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30),
                          "python": platform.python_version()},
              "settings": {"users": args.users, "duration_s": args.duration, "warmup_s": args.warmup, "runs": args.runs,
                           "gunicorn_workers": args.workers, "rq_workers": 1}, "modes": {}}
    try:
        wait_for(f"http://127.0.0.1:{ROOST_PORT}/healthz")
        wait_for(f"http://127.0.0.1:{CEILING_PORT}/people?tenant={data['tenants'][0]['id']}")
        memory = MemoryWatch(servers[0])
        memory.start()
        seconds, megabytes = prewarm(data, args.users)
        report["prewarm"] = {"seconds": round(seconds, 1), "megabytes": megabytes}
        print(f"read {megabytes:,} MB of the signed-in tenants' tables and indexes into memory in {seconds:.0f} s")
        if args.warmup:  # fresh workers compile templates and fill statement caches: not what users meet
            locust(dataset, "users", ["RoostUser"], f"http://127.0.0.1:{ROOST_PORT}", args.users, args.warmup, out,
                   prefix="warmup")
            locust(dataset, "saturation", ["CeilingUser"], f"http://127.0.0.1:{CEILING_PORT}", args.users,
                   max(5, args.warmup // 4), out, prefix="warmup")
        for mode in args.modes.split(","):
            roost_runs, alone_runs, ceiling_runs = [], [], []
            for _ in range(args.runs):
                roost_runs.append(locust(dataset, mode, ["RoostUser"], f"http://127.0.0.1:{ROOST_PORT}",
                                         args.users, args.duration, out))
                if mode == "saturation":
                    alone, ceiling = saturate_alone(dataset, args.users, max(15, args.duration // 3), out)
                    alone_runs.append(alone)
                    ceiling_runs.append(ceiling)
            roost = median_of(roost_runs)
            report["modes"][mode] = {"roost": roost, "runs": {"roost": roost_runs}}
            print(table(f"\n{args.size}, {mode} mode, the mix, {args.users} users, {args.duration} s x {args.runs} "
                        "run(s):", roost))
            if alone_runs:
                alone, ceiling = median_of(alone_runs), median_of(ceiling_runs)
                report["modes"][mode].update(alone=alone, ceiling=ceiling,
                                             runs={"roost": roost_runs, "alone": alone_runs, "ceiling": ceiling_runs})
                print(table("each operation alone, against the ceiling:", alone, ceiling))
                print(table("ceiling (bench/ceiling.py, same gunicorn settings), each alone:", ceiling))
        memory.done.set()
        report["peak_worker_memory_mb"] = round(memory.peak_mb, 1)
        print(f"\npeak gunicorn worker memory: {memory.peak_mb:.0f} MB")
    finally:
        for server in servers:
            stop(server)
    RESULTS.mkdir(exist_ok=True)
    modes = "" if args.modes == "users,saturation" else "-" + args.modes.replace(",", "-")
    path = RESULTS / f"load-{args.size}{modes}.json"  # a run of some modes only keeps the full run's file
    path.write_text(json.dumps(report, indent=1))
    print(f"wrote {path}; server logs in {out}")


if __name__ == "__main__":
    main()
