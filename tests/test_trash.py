"""The trash pages, restoring, and the daily purge job (directly and on a real RQ worker)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Activity, AuditEvent, Person, TrashEntry
from app.models.base import utcnow
from app.services import activities
from app.tenancy import tenant_context
from jobs.trash import purge_trash
from tests.conftest import build_app, login
from tests.test_activities import log, seed_records


def trash_person_with_notes(app, tenant, ids, *, notes=2):
    """Delete a person with their activities, as the contacts screen does (records.trash with linked rows)."""
    from app.services.records import trash

    for n in range(notes):
        log(app, tenant, subject=f"note {n}", person_id=ids.person)
    with app.app_context(), tenant_context(tenant.id, channel="web", user_id=tenant.admin.id) as ctx:
        person = db.session.get(Person, ids.person)
        return trash(ctx, person, label=person.name, linked=[(Activity, Activity.person_id == ids.person)]).id


def age(app, tenant, entry_id, days):
    with app.app_context(), tenant_context(tenant.id, channel="cli"):
        db.session.get(TrashEntry, entry_id).deleted_at = utcnow() - timedelta(days=days)


@pytest.mark.parametrize("role", ["rep", "support", "marketing"])
def test_only_admins_and_heads_see_the_trash(client, make_tenant, role):
    acme = make_tenant("Acme", roles=(role, "head"))
    login(client, acme.users[role])
    assert client.get("/trash").status_code == 403
    assert client.post("/trash/00000000-0000-0000-0000-000000000000/restore").status_code == 403
    client.post("/logout")
    login(client, acme.users["head"])
    assert client.get("/trash").status_code == 200


def test_trash_page_shows_what_who_when_and_restores_everything(app, client, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    entry_id = trash_person_with_notes(app, acme, ids)
    note = log(app, acme, subject="Lonely note", organization_id=ids.org)
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        activities.delete_activity(ctx, activity_id=note)
    login(client, acme.admin)
    page = client.get("/trash").get_data(as_text=True)
    assert "Ann Lee" in page and "Lonely note" in page and "Acme Admin" in page
    assert "30 days" in page and page.index("Lonely note") < page.index("Ann Lee")  # newest first
    restored = client.post(f"/trash/{entry_id}/restore", headers={"HX-Request": "true"})
    assert restored.status_code == 200 and "was restored" in restored.get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert db.session.get(Person, ids.person).deleted_at is None
        assert sorted(i.subject for i in activities.timeline(ctx, person_id=ids.person).items) == ["note 0", "note 1"]
        assert db.session.get(TrashEntry, entry_id) is None
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.restored")).one()
        assert (event.actor_id, event.channel) == (acme.admin.id, "web")
    again = client.post(f"/trash/{entry_id}/restore")
    assert again.status_code == 404
    assert "Ann Lee" not in client.get("/trash").get_data(as_text=True)


def test_trash_pages_with_a_keyset_cursor(app, client, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        for n in range(53):
            activity = activities.log_activity(ctx, data=activities.ActivityCreate(
                kind="note", subject=f"gone-{n:02d}", person_id=ids.person))
            activities.delete_activity(ctx, activity_id=activity.id).deleted_at = utcnow() - timedelta(minutes=60 - n)
    login(client, acme.admin)
    page = client.get("/trash").get_data(as_text=True)
    assert "gone-52" in page and "gone-03" in page and "gone-02" not in page and "Show older" in page
    cursor = page.split("/trash?before=")[1].split('"')[0].replace("%7C", "|").replace("%2B", "+").replace("%3A", ":")
    older = client.get("/trash", query_string={"before": cursor}, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "gone-02" in older and "gone-00" in older and "gone-03" not in older and "<html" not in older


def test_purge_job_removes_only_what_is_older_than_30_days(app, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    old = trash_person_with_notes(app, acme, ids)
    recent_note = log(app, acme, subject="recent", organization_id=ids.org)
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        recent = activities.delete_activity(ctx, activity_id=recent_note).id
    age(app, acme, old, 31)
    age(app, acme, recent, 29)
    with app.app_context(), tenant_context(acme.id, channel="job") as ctx:
        assert purge_trash(ctx) == 1
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.get(TrashEntry, old) is None and db.session.get(TrashEntry, recent) is not None
        left = db.session.scalars(select(Activity.subject).execution_options(include_deleted=True)).all()
        assert left == ["recent"]
        assert db.session.scalars(select(Person.id).where(Person.id == ids.person)
                                  .execution_options(include_deleted=True)).all() == []


@pytest.mark.redis
@pytest.mark.postgres
class TestOnARealWorker:
    @pytest.fixture
    def app(self, request, tmp_path, redis_url):
        """PostgreSQL and Redis, as in production."""
        return build_app(request, "postgresql", tmp_path, REDIS_URL=redis_url)

    def test_the_cron_job_purges_each_tenant_in_its_own_context(self, app, make_tenant, redis_url):
        import jobs
        from jobs.trash import purge_all_tenants
        from tests.test_redis import run_worker

        a, b = make_tenant("Alpha"), make_tenant("Bravo")
        ids_a, ids_b = seed_records(app, a), seed_records(app, b)
        old_a, old_b = trash_person_with_notes(app, a, ids_a), trash_person_with_notes(app, b, ids_b)
        age(app, a, old_a, 40)
        age(app, b, old_b, 10)
        jobs.queue(redis_url).enqueue(purge_all_tenants)  # what `rq cron jobs/cron.py` does each day
        run_worker(app, redis_url)
        with app.app_context(), tenant_context(a.id, channel="cli"):
            assert db.session.get(TrashEntry, old_a) is None
            assert db.session.scalars(select(Activity).execution_options(include_deleted=True)).all() == []
        with app.app_context(), tenant_context(b.id, channel="cli"):
            assert db.session.get(TrashEntry, old_b) is not None
            assert len(db.session.scalars(select(Activity).execution_options(include_deleted=True)).all()) == 2
