"""PostgreSQL: a schema per tenant, rows land in their tenant's schema, migrations reach every schema."""
import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app.extensions import db
from app.models import Tenant
from app.models.base import SEARCH_STATISTICS
from app.services import audit
from app.tenancy import tenant_context
from app.tenant_schemas import index_statistics
from tests.conftest import build_app, statements_run

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(request, tmp_path):
    """These tests are about PostgreSQL's schemas: no SQLite run."""
    return build_app(request, "postgresql", tmp_path)


def schema_names():
    return set(db.session.scalars(text("SELECT schema_name FROM information_schema.schemata")))


def columns_of(schema):
    rows = db.session.execute(text(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = :schema ORDER BY table_name, column_name"), {"schema": schema})
    return [tuple(row) for row in rows]


def indexes_of(schema):
    """Each index's name and definition (columns, expressions, partial `where`), the schema name left out."""
    rows = db.session.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = :s"), {"s": schema})
    return sorted((name, definition.replace(f'"{schema}".', "").replace(f"{schema}.", "")) for name, definition in rows)


def statistics_of(schema):
    """{index: statistics target} of the schema's indexes whose target is set (not the server's default)."""
    rows = db.session.execute(text(
        "SELECT c.relname, a.attstattarget FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind = 'i' "
        "AND a.attstattarget > 0"), {"s": schema})
    return dict(rows.all())


def test_each_tenant_has_its_own_schema_and_rows_stay_in_it(app, make_tenant):
    a, b = make_tenant("Alpha"), make_tenant("Bravo")
    with app.app_context(), tenant_context(a.id, channel="cli") as ctx:
        audit.record(ctx, "marker.only_in_alpha", db.session.get(Tenant, a.id))
    with app.app_context():
        schema_a, schema_b = Tenant.schema_for(a.id), Tenant.schema_for(b.id)
        assert {schema_a, schema_b} <= schema_names()
        assert "tenant" not in schema_names()  # the placeholder never exists in a real database
        count = "SELECT count(*) FROM {}.audit_events WHERE action = 'marker.only_in_alpha'"
        assert db.session.scalar(text(count.format(f'"{schema_a}"'))) == 1
        assert db.session.scalar(text(count.format(f'"{schema_b}"'))) == 0
        assert db.session.scalar(text(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_name = 'audit_events'")) == 0


def test_new_schema_is_stamped_at_head(app, make_tenant):
    a = make_tenant("Alpha")
    with app.app_context():
        schema = Tenant.schema_for(a.id)
        shared = db.session.scalar(text("SELECT version_num FROM public.alembic_version"))
        tenant = db.session.scalar(text(f'SELECT version_num FROM "{schema}".alembic_version'))
        assert tenant == shared


def test_upgrade_is_safe_twice_and_migrates_like_the_models(app, make_tenant):
    """A schema built by the migrations equals one built from the models at sign-up."""
    built = make_tenant("Built from models")
    with app.app_context():
        # A tenant whose schema does not exist yet: `db upgrade` creates and migrates it.
        migrated = Tenant(name="Migrated", slug="migrated-x", schema_name="tenant_migrated_x")
        db.session.add(migrated)
        db.session.commit()
        upgrade()
        upgrade()  # twice: nothing to do, nothing fails
        db.session.remove()
        assert columns_of("tenant_migrated_x") == columns_of(Tenant.schema_for(built.id))
        assert indexes_of("tenant_migrated_x") == indexes_of(Tenant.schema_for(built.id))
        assert columns_of("tenant_migrated_x")  # not two empty lists
        # The searched expressions keep more statistics, in both ways of making a schema.
        expected = index_statistics()
        assert expected["ix_people_trgm_search"] == SEARCH_STATISTICS and len(expected) == 7
        assert statistics_of("tenant_migrated_x") == statistics_of(Tenant.schema_for(built.id)) == expected
        # And their new rows wait in a short pending list, which every search reads (the definitions above match).
        limited = [name for name, definition in indexes_of("tenant_migrated_x")
                   if "gin_pending_list_limit='64'" in definition]
        assert sorted(limited) == sorted(expected), limited


def test_people_search_uses_the_trigram_index(app, make_tenant):
    """The query's search expression and the index's must stay the same, or every search scans the table."""
    from sqlalchemy import select

    from app.models import Person

    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table: make the planner show its options
        stmt = select(Person.id).where(Person.search_text().contains("ann", autoescape=True))
        sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
        sql = sql.replace("tenant.", f'"{Tenant.schema_for(acme.id)}".')  # what schema_translate_map does
        plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql(f"EXPLAIN {sql}"))
        assert "ix_people_trgm_search" in plan, plan


@pytest.mark.parametrize("table", ["people", "organizations", "leads"])
def test_every_search_box_is_served_by_its_trigram_indexes(app, make_tenant, table):
    """A list's search reads its matches through the index of its search text, and for a word of digits the stored
    phone's index too. One condition no index serves (a column without one, the phone compared as it is rather than
    lower-cased as indexed) made the whole OR read every record of the tenant."""
    from app.models import Lead, Organization, Person
    from app.services import leads, organizations, people

    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        make = {"people": lambda n: Person(first_name=f"Ann{n}", last_name=f"Jones{n}", phone=f"+1 415 555 {n:04d}"),
                "organizations": lambda n: Organization(name=f"Widgets {n}", phone=f"+1 415 555 {n:04d}"),
                "leads": lambda n: Lead(name=f"Ann Jones {n}", company="Widgets", phone=f"+1 415 555 {n:04d}")}[table]
        db.session.add_all(make(n) for n in range(1000))
        db.session.flush()
        schema = Tenant.schema_for(acme.id)
        db.session.connection().exec_driver_sql(f'ANALYZE "{schema}".{table}')
        search = {"people": lambda q: people.list_people(ctx, q=q),
                  "organizations": lambda q: organizations.list_organizations(ctx, q=q),
                  "leads": lambda q: leads.list_leads(ctx, filters=leads.LeadFilter(q=q))}[table]
        seen = statements_run(lambda: search("ac 7946"))  # a word's start, and digits
        statement, params = next((s, p) for s, p in seen if " LIKE " in s)
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # a small table: show the planner's other options
        plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql(f"EXPLAIN {statement}", params))
        assert f"ix_{table}_trgm_search" in plan and f"ix_{table}_trgm_phone_e164" in plan, plan
        assert "Seq Scan" not in plan, plan


def test_a_two_letter_search_reads_the_trigram_index(app, make_tenant):
    """No trigram has two letters: `%sm%` read every person of the tenant. A short word is looked for at a word's
    start, whose trigrams the index holds; the statement list_people runs must be one the index serves."""
    from app.models import Person
    from app.services import people

    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        db.session.add_all(Person(first_name=f"Ann{n}", last_name=f"Jones{n}", tags=[], custom={}) for n in range(500))
        db.session.add(Person(first_name="Sam", last_name="Smith", tags=[], custom={}))
        db.session.flush()
        schema = Tenant.schema_for(acme.id)  # new rows wait in the index's pending list until a vacuum, as here
        db.session.connection().exec_driver_sql(f"SELECT gin_clean_pending_list('\"{schema}\".ix_people_trgm_search')")
        db.session.connection().exec_driver_sql(f'ANALYZE "{schema}".people')
        found = []
        seen = statements_run(lambda: found.extend(people.list_people(ctx, q="sm", columns=("last_name",))[0]))
        assert [p.last_name for p in found] == ["Smith"]
        statement, params = next((s, p) for s, p in seen if " LIKE " in s)
        # A tiny table: forbid the scan and the walk in name order to make the planner show what else it has.
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        db.session.execute(text("SET LOCAL enable_indexscan = off"))
        plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql(f"EXPLAIN {statement}", params))
        assert "ix_people_trgm_search" in plan, plan


def test_a_search_reads_its_matches_rather_than_walk_the_list_order(app, make_tenant):
    """Matches that sit late in the list's order (last names in W) cost a walk in name order nearly the whole
    tenant. A search's order is one no index gives, so the plan reads the matches through the trigram index."""
    from app.models import Person
    from app.services import people

    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        db.session.add_all(Person(first_name=f"Ann{n}", last_name=f"Adams{n}", tags=[], custom={}) for n in range(2000))
        db.session.add_all(Person(first_name=f"Zed{n}", last_name=f"Wilson{n}", tags=[], custom={}) for n in range(60))
        db.session.flush()
        schema = Tenant.schema_for(acme.id)
        db.session.connection().exec_driver_sql(f"SELECT gin_clean_pending_list('\"{schema}\".ix_people_trgm_search')")
        db.session.connection().exec_driver_sql(f'ANALYZE "{schema}".people')
        found = []
        seen = statements_run(lambda: found.extend(people.list_people(ctx, q="wi", limit=5, columns=("last_name",))[0]))
        assert [p.last_name for p in found] == ["Wilson0", "Wilson1", "Wilson10", "Wilson11", "Wilson12"]
        statement, params = next((s, p) for s, p in seen if " LIKE " in s)
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # a small table: show the planner's other options
        plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql(f"EXPLAIN {statement}", params))
        assert "ix_people_trgm_search" in plan and "ix_people_tenant_last_first" not in plan, plan
        # Run often, a search is planned once for any words (its plan hangs on none): that plan reads the index too.
        for _ in range(6):
            people.list_people(ctx, q="wi", limit=5)
        name, types = db.session.connection().exec_driver_sql(
            "SELECT name, parameter_types::text[] FROM pg_prepared_statements WHERE statement LIKE '%%LIKE%%'").one()
        patterns = iter(("'wi%%'", "'%% wi%%'"))  # q0, q0_later: "wi" where a word starts
        values = ", ".join({"uuid": f"'{acme.id}'", "smallint": "6"}.get(kind) or next(patterns) for kind in types)
        db.session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql(f"EXPLAIN EXECUTE {name}({values})"))
        assert "ix_people_trgm_search" in plan and "ix_people_tenant_last_first" not in plan, plan


def test_open_task_counts_use_their_partial_index_even_in_a_generic_plan(app, make_tenant):
    """psycopg prepares a statement run a few times on one connection, and PostgreSQL may then plan it once
    for any parameters: `kind = $1` would never match the partial index's `kind = 'task'`, so 'task' is in the SQL."""
    import re

    from sqlalchemy import func, select

    from app.models import Activity
    from app.models.activities import open_task_conditions

    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        stmt = (select(func.count()).select_from(Activity)  # the conditions the session adds, written out
                .where(*open_task_conditions(), Activity.deleted_at.is_(None), Activity.tenant_id == acme.id))
        compiled = stmt.compile(db.engine, compile_kwargs={"render_postcompile": True})
        names = list(compiled.params)
        sql = re.sub(r"%\((\w+)\)s", lambda match: f"${names.index(match.group(1)) + 1}", str(compiled))
        sql = sql.replace("tenant.", f'"{Tenant.schema_for(acme.id)}".')  # what schema_translate_map does
        connection = db.session.connection()
        connection.exec_driver_sql(f"PREPARE open_tasks AS {sql}")
        connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a tiny table: make the planner show its options
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN EXECUTE open_tasks('{acme.id}')"))
        assert "ix_activities_open_tasks_" in plan, plan


def test_pages_are_planned_with_their_values_and_lookups_once(app, make_tenant):
    """psycopg prepares a statement run five times, and PostgreSQL may then plan it once for any values. A
    filtered page (it has a LIMIT) must never be: planned for any tag, a rare one may walk the whole tenant in
    name order. A lookup by key is, and its planning is saved; so is a page whose best plan no value changes:
    one with no filter, and a search alone, which reads its matches whatever its words, even planned for any."""
    from sqlalchemy import select

    from app.models import Person
    from app.services import people

    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        by_id = select(Person.first_name).where(Person.id == acme.admin.id)
        for _ in range(12):  # prepared at the 5th run, planned for any values from the prepared one's 6th
            people.list_people(ctx, q="zzz")
            people.list_people(ctx, q="zzz", tag="vip")
            people.list_people(ctx, tag="vip")
            people.list_people(ctx)
            db.session.execute(by_id).all()
        prepared = db.session.connection().exec_driver_sql(
            "SELECT statement, generic_plans FROM pg_prepared_statements").all()
        pages = {"LIKE" in sql: plans for sql, plans in prepared if " LIMIT " in sql}
        assert len(pages) == 2 and all(plans > 0 for plans in pages.values()), prepared
        assert not any("@>" in sql for sql, _ in prepared), prepared  # no page with a tag filter
        lookups = [plans for sql, plans in prepared if " LIMIT " not in sql and "people.first_name" in sql]
        assert len(lookups) == 1 and lookups[0] > 0, prepared


def test_a_persons_timeline_asks_the_person_and_deal_indexes(app, make_tenant):
    """A person's timeline is their activities and their deals'. With the deals as a subquery in an OR,
    PostgreSQL walked every activity of the tenant newest first to find a person's few."""
    from datetime import timedelta

    from app.models import Activity
    from app.models.base import utcnow
    from app.schemas.contacts import PersonInput
    from app.services import activities, people

    acme = make_tenant("Acme")
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        ann, bob = (people.create_person(ctx, data=PersonInput(first_name=name)) for name in ("Ann", "Bob"))
        db.session.flush()
        now = utcnow()
        db.session.add_all([  # the tenant's other activities, which her timeline must not read
            Activity(kind="note", subject="Called", channel="web", person_id=bob.id,
                     occurred_at=now - timedelta(minutes=n)) for n in range(3000)])
        db.session.flush()
        db.session.connection().exec_driver_sql(f'ANALYZE "{Tenant.schema_for(acme.id)}".activities')
        seen = statements_run(lambda: activities.timeline(ctx, person_id=ann.id))
        statement, params = next((s, p) for s, p in seen if "activities.occurred_at DESC" in s)
        plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql(f"EXPLAIN {statement}", params))
        assert "ix_activities_tenant_person_when" in plan and "ix_activities_live_when" not in plan, plan
