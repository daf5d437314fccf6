"""Realistic data at scale: tenants, users of every role, organisations, people, leads, deals across the
pipeline, about five activities per person, custom field values and tags.

    .venv/bin/python bench/generate.py --size small|seed|large [--database-url URL]

Tenants, users, pipelines and custom field definitions are made by the services (schema per tenant,
default pipeline, audit). The bulk rows go in through the ORM's bulk INSERT under the tenant guard,
with the values the services would write, plus one `*.created` audit event per record as the services
record. Without --database-url a database `roost_bench_<size>` is (re)created beside
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
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
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
BATCH = 5000
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


def _when(rand: random.Random, now: datetime, days: int) -> datetime:
    return now - timedelta(days=rand.random() * days)


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


def fill_tenant(tenant_id, people_count: int, pools: Pools) -> dict[str, int]:
    """Organisations, people, leads, deals and activities of one tenant; returns the counts."""
    rand, now = pools.random, datetime.now(timezone.utc)
    with tenant_context(tenant_id, channel="job") as ctx:
        user_ids = list(db.session.scalars(select(User.id).where(User.tenant_id == tenant_id)))
        stages = db.session.execute(select(Stage.id, Stage.pipeline_id, Stage.kind, Stage.probability)
                                    .order_by(Stage.position)).all()
        currency = tenants.get_tenant(ctx).currency
    organizations = [{"id": uuid.uuid4(), "tenant_id": tenant_id, "name": pools.pick(pools.companies),
                      "industry": pools.pick(pools.industries), "address": pools.pick(pools.cities),
                      "owner_id": pools.pick(user_ids), "tags": pools.tags_for(), "custom": {}, "version": 1,
                      "created_at": _when(rand, now, 720)} for _ in range(max(1, people_count // 10))]
    people = []
    for _ in range(people_count):
        first, last = pools.pick(pools.first), pools.pick(pools.last)
        phone, e164 = pools.phone()
        organization = pools.pick(organizations) if rand.random() < 0.6 else None
        created = _when(rand, now, 720)
        people.append({
            "id": uuid.uuid4(), "tenant_id": tenant_id, "first_name": first, "last_name": last,
            "email": f"{first}.{last}{rand.randint(1, 9999)}@{pools.pick(pools.domains)}".lower().replace(" ", ""),
            "phone": phone, "phone_e164": e164, "title": pools.pick(pools.titles),
            "organization_id": organization["id"] if organization else None, "owner_id": pools.pick(user_ids),
            "source": pools.pick(pools.sources), "tags": pools.tags_for(), "other_emails": [], "other_phones": [],
            "custom": {"segment": pools.pick(["Farm", "Shop", "Restaurant", "Wholesaler"]),
                       "customer_since": (created.date() - timedelta(days=rand.randint(0, 2000))).isoformat()},
            "version": 1, "created_at": created, "updated_at": created + (now - created) * rand.random()})
    leads = []
    for _ in range(people_count // 5):
        first, last = pools.pick(pools.first), pools.pick(pools.last)
        phone, e164 = pools.phone()
        leads.append({
            "id": uuid.uuid4(), "tenant_id": tenant_id, "name": f"{first} {last}", "company": pools.pick(pools.companies),
            "email": f"{first}.{last}@{pools.pick(pools.domains)}".lower().replace(" ", ""), "phone": phone,
            "phone_e164": e164, "source": pools.pick(pools.sources),
            "status": pools.pick(["new", "new", "contacted", "qualified", "unqualified"]),
            "estimated_value": Decimal(rand.randint(5, 500) * 100), "owner_id": pools.pick(user_ids),
            "tags": pools.tags_for(), "custom": {}, "version": 1, "created_at": _when(rand, now, 365)})
    deals, positions = [], {stage.id: 0 for stage in stages}
    for _ in range(people_count // 4):
        stage = pools.pick(stages)
        person = pools.pick(people)
        positions[stage.id] += 1
        closed = _when(rand, now, 365) if stage.kind != "open" else None
        deals.append({
            "id": uuid.uuid4(), "tenant_id": tenant_id, "name": f"{pools.pick(pools.companies)} order",
            "value": Decimal(rand.randint(1, 400) * 250), "currency": currency, "probability": stage.probability,
            "expected_close": date.today() + timedelta(days=rand.randint(-60, 120)), "pipeline_id": stage.pipeline_id,
            "stage_id": stage.id, "position": positions[stage.id], "person_id": person["id"],
            "organization_id": person["organization_id"], "status": stage.kind, "closed_at": closed,
            "lost_reason": "Price" if stage.kind == "lost" else None, "owner_id": person["owner_id"],
            "tags": [], "custom": {"po_number": f"PO-{rand.randint(10000, 99999)}"}, "version": 1,
            "created_at": _when(rand, now, 365)})
    activities = []
    for person in people:
        for _ in range(rand.choice((3, 4, 5, 6, 7))):
            kind = pools.pick(["call", "call", "email", "meeting", "note", "note", "task"])
            occurred = _when(rand, now, 365)
            task = kind == "task"
            activities.append({
                "id": uuid.uuid4(), "tenant_id": tenant_id, "kind": kind, "subject": pools.pick(pools.sentences),
                "body": pools.pick(pools.sentences) if kind in ("note", "email") else None, "occurred_at": occurred,
                "duration_minutes": rand.choice((5, 15, 30, 60)) if kind in ("call", "meeting") else None,
                "outcome": pools.pick(["Interested", "No answer", "Call back", "Ordered"]) if kind == "call" else None,
                "due_at": occurred + timedelta(days=rand.randint(1, 30)) if task else None,
                "assignee_id": person["owner_id"] if task else None,
                "done_at": occurred + timedelta(days=1) if task and rand.random() < 0.6 else None,
                "user_id": person["owner_id"], "channel": pools.pick(["web", "web", "web", "api", "telegram"]),
                "person_id": person["id"], "organization_id": person["organization_id"], "created_at": occurred})
    tables = ((Organization, organizations, "organization"), (Person, people, "person"), (Lead, leads, "lead"),
              (Deal, deals, "deal"), (Activity, activities, None))
    for model, rows, audit_name in tables:
        for offset in range(0, len(rows), BATCH):
            chunk = rows[offset:offset + BATCH]
            with tenant_context(tenant_id, channel="job"):
                db.session.execute(insert(model), chunk)
                if audit_name:
                    db.session.execute(insert(AuditEvent), [
                        {"id": uuid.uuid4(), "tenant_id": tenant_id, "actor_id": row["owner_id"], "channel": "job",
                         "action": f"{audit_name}.created", "entity_type": audit_name, "entity_id": row["id"],
                         "changes": {}, "created_at": row["created_at"]} for row in chunk])
    return {"organizations": len(organizations), "people": len(people), "leads": len(leads), "deals": len(deals),
            "activities": len(activities)}


def generate(size: str, url: str) -> dict:
    """Fill the database at `url` with the data set `size`; returns what load.py needs to know."""
    plan, pools = sizes()[size], Pools()
    # Bench users sign in once per run: a cheap bcrypt cost keeps making 1,000 of them quick.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "BCRYPT_ROUNDS": 4})
    report = {"size": size, "database_url": url, "password": PASSWORD, "tenants": [], "users": [],
              "counts": {}, "seconds": {}}
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        for index, people_count in enumerate(plan.people):
            step = time.perf_counter()
            slug_hint = f"bench-{size}-{index:04d}"
            tenant, admin, _ = tenants.create_tenant(
                name=slug_hint, admin_name="Admin", admin_email=f"admin@{slug_hint}.bench.example",
                admin_password=PASSWORD)
            db.session.commit()
            tenant_id, slug, admin_id = tenant.id, tenant.slug, admin.id
            db.session.remove()
            report["users"] += make_users(tenant_id, admin_id, slug, 10 if index == 0 else plan.team)
            report["seconds"]["tenants_and_users"] = report["seconds"].get("tenants_and_users", 0) + \
                time.perf_counter() - step
            step = time.perf_counter()
            counts = fill_tenant(tenant_id, people_count, pools)
            report["seconds"]["records"] = report["seconds"].get("records", 0) + time.perf_counter() - step
            report["tenants"].append({"id": str(tenant_id), "slug": slug, **counts})
            for key, value in counts.items():
                report["counts"][key] = report["counts"].get(key, 0) + value
            if index % 50 == 0 or index == len(plan.people) - 1:
                print(f"{index + 1}/{len(plan.people)} tenants, {report['counts']['people']:,} people, "
                      f"{time.perf_counter() - started:.0f} s", flush=True)
        step = time.perf_counter()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")  # fresh statistics, as autovacuum would give in time
        report["seconds"]["analyze"] = time.perf_counter() - step
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
