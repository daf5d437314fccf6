"""Chat-to-reply time of the Telegram bot: the real `bot.py` process, a local Bot API, PostgreSQL.

    .venv/bin/python bench/telegram.py [--commands 200] [--people 2000]

Creates a throwaway database beside TEST_DATABASE_URL, signs up one tenant with N people, starts
the local Bot API server of the tests and `python bot.py`, links a chat, then sends commands one
at a time (a mix of /add, /note, /call, /find and /deal: writes and reads) and times each from the
moment the Bot API served the update to the bot until the bot's reply reached the Bot API (the
record is committed before the reply is sent). Prints the median and 95th percentile, overall and
per command, then drops the database.
"""
import argparse
import os
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench")

from figures import median_p95  # noqa: E402
from throwaway import add_rows, throwaway_app  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import Person  # noqa: E402
from app.schemas.deals import DealCreate  # noqa: E402
from app.services import deals, telegram_links, tenants  # noqa: E402
from app.tenancy import tenant_context  # noqa: E402
from tests.telegram_fake import FakeBotApi, start_bot, wait_started  # noqa: E402

CHAT = 9_000_001


def prepare(app, people: int):
    """One tenant with `people` people and a deal; (tenant id, admin id)."""
    with app.app_context():
        tenant, admin, _ctx = tenants.create_tenant(name="Bench", admin_name="Bench", admin_email="b@bench.example",
                                                    admin_password="correct horse battery")
        db.session.commit()
        tenant_id, admin_id = tenant.id, admin.id
    rows = [{"id": uuid.uuid4(), "tenant_id": tenant_id, "first_name": f"First{i}", "last_name": f"Last{i}",
             "email": f"person{i}@bench.example", "tags": [], "custom": {}, "other_emails": [],
             "other_phones": [], "version": 1} for i in range(people)]
    add_rows(app, tenant_id, Person, rows)
    with app.app_context(), tenant_context(tenant_id, channel="web", user_id=admin_id) as ctx:
        deals.create_deal(ctx, data=DealCreate(name="Bench deal", value="1000"))
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    return tenant_id, admin_id


def commands(count: int) -> list[tuple[str, str]]:
    """(kind, text) for each command: writes and reads mixed."""
    kinds = [
        ("add", "/add Bench{i} Person{i}, bench{i}@example.com"),
        ("note", "/note person{j}@bench.example: bench note {i}"),
        ("call", "/call First{j} Last{j}: bench call {i}"),
        ("find", "/find First{j} Last{j}"),
        ("deal", "/deal Bench deal"),
    ]
    out = []
    for i in range(count):
        kind, template = kinds[i % len(kinds)]
        out.append((kind, template.format(i=i, j=i % 97)))
    return out


def run(app, tenant_id, admin_id, count: int, log_path: Path) -> dict[str, list[tuple[float, float]]]:
    with app.app_context(), tenant_context(tenant_id, channel="web", user_id=admin_id) as ctx:
        code = telegram_links.issue_code(ctx).code
    timings: dict[str, list[tuple[float, float]]] = {}
    with FakeBotApi() as api:
        process = start_bot(app.config["SQLALCHEMY_DATABASE_URI"], api.url, log_path, poll_timeout=25)
        try:
            wait_started(api, process)
            reply = api.ask(CHAT, f"/start {code}")
            assert "now linked" in reply.text, reply.text
            for kind, text in commands(count):
                before = len(api.replies(CHAT))
                typed = time.monotonic()
                update_id = api.say(CHAT, text)
                reply = api.wait_reply(CHAT, before, timeout=30)
                served = api.state.served_at[update_id]
                timings.setdefault(kind, []).append(((reply.at - served) * 1000, (reply.at - typed) * 1000))
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--people", type=int, default=2000)
    args = parser.parse_args()
    with throwaway_app("telegram") as app:
        tenant_id, admin_id = prepare(app, args.people)
        log_path = Path(tempfile.mkdtemp(prefix="roost-bench-")) / "bot.log"
        timings = run(app, tenant_id, admin_id, args.commands, log_path)
        every = [t for values in timings.values() for t in values]
        print(f"{args.commands} commands, {args.people} people in the tenant; bot log: {log_path}")
        print(f"{'command':<8}{'n':>5}{'median ms':>11}{'p95 ms':>9}{'typed→reply median':>21}{'p95':>8}")
        for kind, values in [*timings.items(), ("all", every)]:
            served = [v[0] for v in values]
            typed = [v[1] for v in values]
            print(f"{kind:<8}{len(values):>5}{'%11.1f%9.1f' % median_p95(served)}{'%21.1f%8.1f' % median_p95(typed)}")


if __name__ == "__main__":
    main()
