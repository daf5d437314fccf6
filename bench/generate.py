"""Realistic data at scale: tenants, users of every role, organisations, people, leads, deals across the
pipeline, about five activities per person, custom field values and tags.

    .venv/bin/python bench/generate.py --size small|seed|large [--database-url URL]

Tenants, users, pipelines and custom field definitions are made by the services (schema per tenant,
default pipeline, audit); on PostgreSQL two threads make the next tenants while one is filled. The bulk
rows carry the values the services would write, plus one `*.created` audit event per record as the
services record; they go into the tenant's schema through COPY on PostgreSQL (INSERT on SQLite), one
transaction per tenant. Without --database-url a database `roost_bench_<size>` is (re)created beside
TEST_DATABASE_URL. It writes bench/results/dataset-<size>.json: the database URL, the tenants, the
users (all with the password below) and how long each part took — what bench/load.py reads.
"""
import argparse
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench")

from faker import Faker  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from throwaway import fresh_database  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Activity, AuditEvent, Deal, Lead, Organization, Person, Stage, User  # noqa: E402
from app.schemas.accounts import TokenCreate, UserCreate  # noqa: E402
from app.schemas.custom_fields import FieldDefinition  # noqa: E402
from app.services import custom_fields, tenants, tokens, users  # noqa: E402
from app.tenancy import tenant_context  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
PASSWORD = "bench password 42"
BATCH = 5000  # rows per INSERT on SQLite
TENANT_THREADS = 2
TEAM = ("admin", "head", "rep", "rep", "rep", "rep", "rep", "support", "marketing", "rep")  # 10 users


@dataclass(frozen=True)
class Size:
    people: list[int]  # people per tenant
    team: int  # users per tenant (the first `team` roles of TEAM); the big tenant of `large` gets 10


def sizes() -> dict[str, Size]:
    """small: the product requirement; seed: 10 tenants; large: 1,000 tenants, 1,000,000 people."""
    others, extra = divmod(900_000, 999)
    return {
        "small": Size([10_000], 10),
        "seed": Size([10_000] * 10, 10),
        "large": Size([100_000] + [others + (1 if i < extra else 0) for i in range(999)], 1),
        "tiny": Size([500, 300], 5),  # for trying the scripts out
    }


class Pools:
    """Names, companies and words drawn once from Faker, then sampled: Faker per row is the slow part."""

    def __init__(self, seed: int = 7):
        fake = Faker(["en_US", "en_GB", "de_DE", "es_ES", "fr_FR"])
        Faker.seed(seed)
        self.random = random.Random(seed)
        self.first = list({fake.first_name() for _ in range(3000)})
        self.last = list({fake.last_name() for _ in range(3000)})
        self.companies = list({fake.company() for _ in range(3000)})
        self.domains = [fake.free_email_domain() for _ in range(50)]
        self.titles = [fake.job() for _ in range(300)]
        self.sentences = [fake.sentence(nb_words=8) for _ in range(500)]
        self.cities = [fake.city() for _ in range(300)]
        self.tags = ["vip", "wholesale", "retail", "newsletter", "referral", "fair-2026", "overdue", "local"]
        self.industries = ["Agriculture", "Retail", "Food", "Logistics", "Construction", "Consulting", "Health"]
        self.sources = ["website", "referral", "trade fair", "cold call", "newsletter", "LinkedIn"]

    def pick(self, items):
        return items[self.random.randrange(len(items))]

    def tags_for(self) -> list[str]:
        return self.random.sample(self.tags, self.random.choice((0, 0, 1, 1, 2)))

    def phone(self) -> tuple[str, str]:
        digits = f"{self.random.randint(200, 989)}{self.random.randint(200, 999)}{self.random.randint(1000, 9999)}"
        return f"+1 {digits[:3]} {digits[3:6]} {digits[6:]}", f"+1{digits}"


def make_users(tenant_id, admin_id, slug: str, team: int) -> list[dict]:
    """The tenant's users beyond its admin (by the users service), an API token each, and custom fields;
    returns every user's login."""
    logins = [{"email": f"admin@{slug}.bench.example", "role": "admin", "id": admin_id}]
    with tenant_context(tenant_id, channel="cli") as ctx:
        for n, role in enumerate(TEAM[1:team], start=1):
            email = f"{role}{n}@{slug}.bench.example"
            user = users.add_user(ctx, data=UserCreate(name=f"{role.title()} {n}", email=email, role=role),
                                  password=PASSWORD).user
            logins.append({"email": email, "role": role, "id": user.id})
        custom_fields.create_field(ctx, data=FieldDefinition(
            entity="person", label="Segment", type="select", options="Farm\nShop\nRestaurant\nWholesaler",
            show_in_list=True))
        custom_fields.create_field(ctx, data=FieldDefinition(entity="person", label="Customer since", type="date"))
        custom_fields.create_field(ctx, data=FieldDefinition(entity="deal", label="PO number", type="text"))
    for login in logins:
        with tenant_context(tenant_id, channel="cli", user_id=login["id"]) as ctx:
            login["token"] = tokens.create_token(ctx, data=TokenCreate(name="bench"))[1]
        login.update(id=str(login["id"]), tenant=slug)
    return logins


# Every record's columns lead with id, owner_id, created_at: its audit event is made from them.
ORGANIZATION_COLUMNS = ("id", "owner_id", "created_at", "tenant_id", "name", "industry", "address", "tags", "custom",
                        "version")
PERSON_COLUMNS = ("id", "owner_id", "created_at", "organization_id", "tenant_id", "first_name", "last_name", "email",
                  "phone", "phone_e164", "title", "source", "tags", "other_emails", "other_phones", "custom",
                  "version", "updated_at")
LEAD_COLUMNS = ("id", "owner_id", "created_at", "tenant_id", "name", "company", "email", "phone", "phone_e164",
                "source", "status", "estimated_value", "tags", "custom", "version")
DEAL_COLUMNS = ("id", "owner_id", "created_at", "tenant_id", "name", "value", "currency", "probability",
                "expected_close", "pipeline_id", "stage_id", "position", "person_id", "organization_id", "status",
                "closed_at", "lost_reason", "tags", "custom", "version")
ACTIVITY_COLUMNS = ("id", "tenant_id", "kind", "subject", "body", "occurred_at", "duration_minutes", "outcome",
                    "due_at", "assignee_id", "done_at", "user_id", "channel", "person_id", "organization_id",
                    "created_at")
AUDIT_COLUMNS = ("id", "tenant_id", "actor_id", "channel", "action", "entity_type", "entity_id", "changes",
                 "created_at")


class TenantRows:
    """One tenant's records as tuples in the order of their *_COLUMNS, with the values the services
    would write; columns left out get their defaults (NULL, or now() for updated_at)."""

    def __init__(self, tenant_id, pools: Pools, user_ids: list):
        self.tenant_id, self.pools, self.user_ids = tenant_id, pools, user_ids
        self.now = datetime.now(timezone.utc)

    def _when(self, days: int) -> datetime:
        return self.now - timedelta(days=self.pools.random.random() * days)

    def organizations(self, count: int) -> list[tuple]:
        pools = self.pools
        return [(uuid.uuid4(), pools.pick(self.user_ids), self._when(720), self.tenant_id,
                 pools.pick(pools.companies), pools.pick(pools.industries), pools.pick(pools.cities), pools.tags_for(),
                 {}, 1) for _ in range(count)]

    def people(self, count: int, organizations: list[tuple]) -> list[tuple]:
        pools, rand, now = self.pools, self.pools.random, self.now
        rows = []
        for _ in range(count):
            first, last = pools.pick(pools.first), pools.pick(pools.last)
            phone, e164 = pools.phone()
            organization_id = pools.pick(organizations)[0] if rand.random() < 0.6 else None
            created = self._when(720)
            email = f"{first}.{last}{rand.randint(1, 9999)}@{pools.pick(pools.domains)}".lower().replace(" ", "")
            custom = {"segment": pools.pick(["Farm", "Shop", "Restaurant", "Wholesaler"]),
                      "customer_since": (created.date() - timedelta(days=rand.randint(0, 2000))).isoformat()}
            rows.append((uuid.uuid4(), pools.pick(self.user_ids), created, organization_id, self.tenant_id, first, last,
                         email, phone, e164, pools.pick(pools.titles), pools.pick(pools.sources), pools.tags_for(), [],
                         [], custom, 1, created + (now - created) * rand.random()))
        return rows

    def leads(self, count: int) -> list[tuple]:
        pools, rand = self.pools, self.pools.random
        rows = []
        for _ in range(count):
            first, last = pools.pick(pools.first), pools.pick(pools.last)
            phone, e164 = pools.phone()
            email = f"{first}.{last}@{pools.pick(pools.domains)}".lower().replace(" ", "")
            rows.append((uuid.uuid4(), pools.pick(self.user_ids), self._when(365), self.tenant_id, f"{first} {last}",
                         pools.pick(pools.companies), email, phone, e164, pools.pick(pools.sources),
                         pools.pick(["new", "new", "contacted", "qualified", "unqualified"]),
                         Decimal(rand.randint(5, 500) * 100), pools.tags_for(), {}, 1))
        return rows

    def deals(self, count: int, people: list[tuple], stages: list, currency: str) -> list[tuple]:
        pools, rand = self.pools, self.pools.random
        rows, positions = [], {stage.id: 0 for stage in stages}
        for _ in range(count):
            stage = pools.pick(stages)
            person_id, owner_id, _, organization_id = pools.pick(people)[:4]
            positions[stage.id] += 1
            closed = self._when(365) if stage.kind != "open" else None
            rows.append((uuid.uuid4(), owner_id, self._when(365), self.tenant_id,
                         f"{pools.pick(pools.companies)} order", Decimal(rand.randint(1, 400) * 250), currency,
                         stage.probability, date.today() + timedelta(days=rand.randint(-60, 120)), stage.pipeline_id,
                         stage.id, positions[stage.id], person_id, organization_id, stage.kind, closed,
                         "Price" if stage.kind == "lost" else None, [],
                         {"po_number": f"PO-{rand.randint(10000, 99999)}"}, 1))
        return rows

    def activities(self, people: list[tuple]) -> Iterator[tuple]:
        """3–7 activities per person, made as they are written: the largest table never sits in memory."""
        pools, rand = self.pools, self.pools.random
        for person_id, owner_id, _, organization_id, *_ in people:
            for _ in range(rand.choice((3, 4, 5, 6, 7))):
                kind = pools.pick(["call", "call", "email", "meeting", "note", "note", "task"])
                occurred = self._when(365)
                task = kind == "task"
                yield (uuid.uuid4(), self.tenant_id, kind, pools.pick(pools.sentences),
                       pools.pick(pools.sentences) if kind in ("note", "email") else None, occurred,
                       rand.choice((5, 15, 30, 60)) if kind in ("call", "meeting") else None,
                       pools.pick(["Interested", "No answer", "Call back", "Ordered"]) if kind == "call" else None,
                       occurred + timedelta(days=rand.randint(1, 30)) if task else None, owner_id if task else None,
                       occurred + timedelta(days=1) if task and rand.random() < 0.6 else None, owner_id,
                       pools.pick(["web", "web", "web", "api", "telegram"]), person_id, organization_id, occurred)

    def audit_events(self, records: list[tuple], entity: str) -> Iterator[tuple]:
        """One `<entity>.created` event per record, by its owner, as the services record."""
        for record_id, owner_id, created_at, *_ in records:
            yield (uuid.uuid4(), self.tenant_id, owner_id, "job", f"{entity}.created", entity, record_id, {},
                   created_at)


def write(connection, schema: str, model, columns: tuple, rows: Iterable[tuple]) -> int:
    """Write rows into the model's table of the tenant's schema; returns how many.
    PostgreSQL gets them through COPY (binary, typed by the table's own columns); SQLite through INSERT."""
    if connection.dialect.name != "postgresql":
        rows = list(rows)
        for offset in range(0, len(rows), BATCH):
            batch = rows[offset:offset + BATCH]
            connection.execute(insert(model.__table__), [dict(zip(columns, row)) for row in batch])
        return len(rows)
    table = f'"{schema}"."{model.__tablename__}"'
    count = 0
    with connection.connection.cursor() as cursor:
        types = [oid for (oid,) in cursor.execute(
            "SELECT atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attname = ANY(%s)"
            " ORDER BY array_position(%s, attname::text)", (table, list(columns), list(columns)))]
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def fill_tenant(tenant_id, people_count: int, pools: Pools) -> dict[str, int]:
    """Organisations, people, leads, deals and activities of one tenant, each record with its audit event,
    in one transaction; returns the counts."""
    with tenant_context(tenant_id, channel="job") as ctx:
        user_ids = list(db.session.scalars(select(User.id).where(User.tenant_id == tenant_id)))
        stages = db.session.execute(select(Stage.id, Stage.pipeline_id, Stage.kind, Stage.probability)
                                    .order_by(Stage.position)).all()
        tenant = tenants.get_tenant(ctx)
        currency, schema = tenant.currency, tenant.schema_name
    make = TenantRows(tenant_id, pools, user_ids)
    organizations = make.organizations(max(1, people_count // 10))
    people = make.people(people_count, organizations)
    records = ((Organization, ORGANIZATION_COLUMNS, organizations), (Person, PERSON_COLUMNS, people),
               (Lead, LEAD_COLUMNS, make.leads(people_count // 5)),
               (Deal, DEAL_COLUMNS, make.deals(people_count // 4, people, stages, currency)))
    counts = {}
    # COPY goes to the driver past the statement hook that opens a transaction on the app's autocommit
    # connections (app/transactions.py): ask for one, so a tenant's rows land together.
    isolation = {"isolation_level": "READ COMMITTED"} if db.engine.dialect.name == "postgresql" else {}
    with db.engine.connect().execution_options(**isolation) as connection, connection.begin():
        for model, columns, rows in records:
            counts[model.__tablename__] = write(connection, schema, model, columns, rows)
            write(connection, schema, AuditEvent, AUDIT_COLUMNS, make.audit_events(rows, model.__audit_name__))
        counts["activities"] = write(connection, schema, Activity, ACTIVITY_COLUMNS, make.activities(people))
    return counts


def make_tenant(app, name: str, team: int) -> tuple[uuid.UUID, str, list[dict], float]:
    """A tenant by the tenants service (schema, default pipeline, admin), then its team; returns the tenant's
    id, slug and logins, and the seconds it took."""
    started = time.perf_counter()
    with app.app_context():
        tenant, admin, _ = tenants.create_tenant(
            name=name, admin_name="Admin", admin_email=f"admin@{name}.bench.example", admin_password=PASSWORD)
        db.session.commit()
        tenant_id, slug, admin_id = tenant.id, tenant.slug, admin.id
        db.session.remove()
        logins = make_users(tenant_id, admin_id, slug, team)
    return tenant_id, slug, logins, time.perf_counter() - started


def generate(size: str, url: str) -> dict:
    """Fill the database at `url` with the data set `size`; returns what load.py needs to know."""
    plan, pools = sizes()[size], Pools()
    # Bench users sign in once per run: a cheap bcrypt cost keeps making 1,000 of them quick.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "BCRYPT_ROUNDS": 4})
    report = {"size": size, "database_url": url, "password": PASSWORD, "tenants": [], "users": [],
              "counts": {}, "seconds": {"tenants_and_users": 0, "records": 0}}
    names = [f"bench-{size}-{index:04d}" for index in range(len(plan.people))]
    teams = [10] + [plan.team] * (len(plan.people) - 1)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        # Making a tenant mostly waits for the disk (PostgreSQL syncs the file of each new index it builds),
        # so threads make the next tenants while this one is filled. SQLite takes one writer at a time.
        workers = ThreadPoolExecutor(TENANT_THREADS) if db.engine.dialect.name == "postgresql" else None
        try:
            made = (workers.map if workers else map)(partial(make_tenant, app), names, teams)
            for index, ((tenant_id, slug, logins, seconds), people_count) in enumerate(zip(made, plan.people)):
                step = time.perf_counter()
                counts = fill_tenant(tenant_id, people_count, pools)
                report["seconds"]["records"] += time.perf_counter() - step
                report["seconds"]["tenants_and_users"] += seconds
                report["tenants"].append({"id": str(tenant_id), "slug": slug, **counts})
                report["users"] += logins
                for key, value in counts.items():
                    report["counts"][key] = report["counts"].get(key, 0) + value
                if index % 50 == 0 or index == len(plan.people) - 1:
                    print(f"{index + 1}/{len(plan.people)} tenants, {report['counts']['people']:,} people, "
                          f"{time.perf_counter() - started:.0f} s", flush=True)
        finally:
            if workers:
                workers.shutdown(cancel_futures=True)  # after an error, make no more tenants
        step = time.perf_counter()
        # What autovacuum gives a loaded database in time: statistics, and on PostgreSQL the visibility map,
        # without which every index-only scan also reads the table (the overdue-task count took 1.1 ms instead
        # of 0.2). Autovacuum is off on the CI machines' PostgreSQL, so it never came. Outside a transaction
        # block: it then commits table by table instead of locking every table of 1,000 schemas at once.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE)" if connection.dialect.name == "postgresql" else "ANALYZE")
        report["seconds"]["vacuum_analyze"] = time.perf_counter() - step
        db.engine.dispose()
    report["seconds"]["total"] = time.perf_counter() - started
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(sizes()), default="small")
    parser.add_argument("--database-url", help="fill this database instead of a fresh one beside TEST_DATABASE_URL")
    args = parser.parse_args()
    report = generate(args.size, args.database_url or fresh_database(f"roost_bench_{args.size}"))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"dataset-{args.size}.json"
    path.write_text(json.dumps(report, indent=1))
    counts = ", ".join(f"{value:,} {key}" for key, value in report["counts"].items())
    print(f"{args.size}: {len(report['tenants'])} tenants, {len(report['users'])} users, {counts}")
    print("seconds: " + ", ".join(f"{key} {value:.1f}" for key, value in report["seconds"].items()))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
