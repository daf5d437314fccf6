"""My tasks: grouping by the tenant's days, done/undone inline, and the overdue count for the navigation."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import render_template_string
from sqlalchemy import event

from app.extensions import db
from app.models import Activity, Tenant
from app.models.base import utcnow
from app.schemas.activities import ActivityCreate
from app.services import activities
from app.tenancy import tenant_context
from tests.conftest import login
from tests.test_activities import seed_records


def set_zone(app, tenant, zone):
    with app.app_context(), tenant_context(tenant.id, channel="cli"):
        db.session.get(Tenant, tenant.id).timezone = zone


def task(app, tenant, user_id, subject, due_at, assignee_id=None, **links):
    with app.app_context(), tenant_context(tenant.id, channel="cli", user_id=user_id) as ctx:
        return activities.log_activity(ctx, data=ActivityCreate(
            kind="task", subject=subject, due_at=due_at, assignee_id=assignee_id, **links)).id


def test_my_tasks_are_grouped_by_the_tenants_days(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    ids = seed_records(app, acme)
    zone = "Pacific/Auckland"  # far from UTC: "today" must be the tenant's today
    set_zone(app, acme, zone)
    local_now = utcnow().astimezone(ZoneInfo(zone))
    end_of_today = datetime.combine(local_now.date(), datetime.max.time().replace(microsecond=0), tzinfo=ZoneInfo(zone))
    me, rep = acme.admin.id, acme.users["rep"].id
    task(app, acme, me, "late", utcnow() - timedelta(hours=1), person_id=ids.person)
    task(app, acme, me, "later today", end_of_today, deal_id=ids.deal)
    task(app, acme, me, "next week", utcnow() + timedelta(days=7), person_id=ids.person)
    task(app, acme, me, "for the rep", utcnow() - timedelta(days=1), assignee_id=rep, person_id=ids.person)
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=me) as ctx:
        mine = activities.my_tasks(ctx)
        assert [t.subject for t in mine.overdue] == ["late"]
        assert [t.subject for t in mine.today] == ["later today"]
        assert [t.subject for t in mine.upcoming] == ["next week"]
        assert activities.overdue_count(ctx) == 1
        assert mine.labels[("deal", ids.deal)] == "Ann's deal"
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=rep) as ctx:
        assert [t.subject for t in activities.my_tasks(ctx).overdue] == ["for the rep"]


def test_tasks_page_marks_done_and_undone_inline(app, client, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    late = task(app, acme, acme.admin.id, "Chase the invoice", utcnow() - timedelta(hours=2), person_id=ids.person)
    task(app, acme, acme.admin.id, "Plan the visit", utcnow() + timedelta(days=3), organization_id=ids.org)
    login(client, acme.admin)
    page = client.get("/tasks").get_data(as_text=True)
    assert "Overdue" in page and "Upcoming" in page and "Chase the invoice" in page
    assert f'/timeline/person/{ids.person}' in page or f'/people/{ids.person}' in page  # the record is a link
    assert "Acme Ltd" in page
    done = client.post(f"/activities/{late}/done", data={"done": "true", "view": "tasks"},
                       headers={"HX-Request": "true"})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and html.lstrip().startswith(f'<li class="task is-done" id="task-{late}"')
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.get(Activity, late).done_at is not None
    page = client.get("/tasks").get_data(as_text=True)
    assert "Done lately" in page and "Overdue" not in page
    undone = client.post(f"/activities/{late}/done", data={"done": "false", "view": "tasks"})
    assert undone.status_code == 302
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.get(Activity, late).done_at is None


def test_empty_task_list_says_so(client, make_tenant):
    acme = make_tenant("Acme")
    login(client, acme.admin)
    assert "Nothing to do right now" in client.get("/tasks").get_data(as_text=True)


def test_overdue_count_is_one_query_per_request_and_only_for_signed_in_users(app, client, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    for n in range(3):
        task(app, acme, acme.admin.id, f"late {n}", utcnow() - timedelta(days=n + 1), person_id=ids.person)
    task(app, acme, acme.admin.id, "future", utcnow() + timedelta(days=1), person_id=ids.person)
    with app.test_request_context("/"):
        assert "overdue_tasks" not in app.jinja_env.globals
        rendered = render_template_string("{{ overdue_tasks is defined }}")
        assert rendered == "False"  # nobody signed in: no count, no query
    login(client, acme.admin)
    statements = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    def counts():
        return [s for s in statements if "count(" in s.lower() and "activities" in s]

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        with client:
            loads = []
            for _ in range(2):
                statements.clear()
                assert 'title="3 overdue">3' in client.get("/people").get_data(as_text=True)
                assert len(counts()) == 1  # one per request, although the page renders several templates
                loads.append("FROM users" in counts()[0])
            # Once the worker knows the user's tenant, the user and the count come in one statement.
            assert loads == [False, True]
            statements.clear()
            client.get("/tasks")
            from flask import g
            assert g.overdue_tasks == 3
            statements.clear()
            client.get("/people?q=x", headers={"HX-Request": "true", "HX-Target": "people-rows"})
            assert counts() == []  # a fragment shows no navigation: nothing counted
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_the_badge_counts_afresh_on_every_page(app, client, make_tenant):
    """The count rides on loading the user, never kept between requests: a task done or newly late shows at once."""
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    late = task(app, acme, acme.admin.id, "late", utcnow() - timedelta(days=1), person_id=ids.person)
    login(client, acme.admin)
    for _ in range(2):
        assert 'title="1 overdue"' in client.get("/people").get_data(as_text=True)
    task(app, acme, acme.admin.id, "later", utcnow() - timedelta(hours=1), person_id=ids.person)
    assert 'title="2 overdue"' in client.get("/people").get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        activities.complete_task(ctx, activity_id=late)
    assert 'title="1 overdue"' in client.get("/people").get_data(as_text=True)


def test_each_group_of_my_tasks_pages_with_its_total(app, client, make_tenant, monkeypatch):
    """A busy user has thousands of open tasks: each group shows a page, says how many it holds, and "Show
    more" brings the next page in place of itself, in due order with nothing twice; tasks with no due date
    come last of today's."""
    monkeypatch.setattr(activities, "TASK_PAGE", 2)
    acme = make_tenant("Acme", roles=("rep",))
    ids = seed_records(app, acme)
    me = acme.admin.id
    late = [task(app, acme, me, f"late {n}", utcnow() - timedelta(days=5 - n), person_id=ids.person) for n in range(5)]
    undated = task(app, acme, me, "whenever", utcnow() + timedelta(hours=1), person_id=ids.person)
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        db.session.get(Activity, undated).due_at = None  # forms ask for a due date; older tasks may lack one
    soon = task(app, acme, me, "in a minute", utcnow() + timedelta(minutes=1), person_id=ids.person)
    task(app, acme, me, "next week", utcnow() + timedelta(days=7), person_id=ids.person)
    task(app, acme, me, "not mine", utcnow() - timedelta(days=9), assignee_id=acme.users["rep"].id)
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=me) as ctx:
        mine = activities.my_tasks(ctx)
        assert mine.totals == {"overdue": 5, "today": 2, "upcoming": 1} and mine.count == 8
        assert [t.id for t in mine.overdue] == late[:2] and mine.cursors["upcoming"] is None
        assert [t.id for t in mine.today] == [soon, undated] and mine.cursors["today"] is None
        second = activities.task_page(ctx, group="overdue", after=mine.cursors["overdue"])
        last = activities.task_page(ctx, group="overdue", after=second.next_cursor)
        assert [t.id for t in second.items + last.items] == late[2:] and last.next_cursor is None
        assert second.labels == {("person", ids.person): "Ann Lee"}

    login(client, acme.admin)
    page = client.get("/tasks").get_data(as_text=True)
    assert "Overdue <small>(5)</small>" in page and "late 1" in page and "late 2" not in page
    more = re.search(r'<a href="(/tasks\?group=overdue&amp;after=[^"]+)"', page).group(1).replace("&amp;", "&")
    fragment = client.get(more, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "late 2" in fragment and "late 3" in fragment and "late 1" not in fragment
    assert "<html" not in fragment and "group=overdue&amp;after=" in fragment  # the next link, in place of this one
    without_script = client.get(more).get_data(as_text=True)
    assert "<html" in without_script and "late 2" in without_script and "My tasks" in without_script

    answer = client.get("/tasks?group=someday")
    assert answer.status_code == 422 and "no such group" in answer.get_data(as_text=True)


def test_the_bots_task_list_says_how_many_more_it_left_out(app, make_tenant, monkeypatch):
    from app.telegram.commands import task_list
    monkeypatch.setattr(activities, "TASK_PAGE", 1)
    acme = make_tenant("Acme")
    for n in range(3):
        task(app, acme, acme.admin.id, f"late {n}", utcnow() - timedelta(days=3 - n))
    with app.app_context(), tenant_context(acme.id, channel="telegram", user_id=acme.admin.id) as ctx:
        answer = task_list(ctx)
    assert "late 0 (overdue)" in answer.text and "late 1" not in answer.text
    assert "…and 2 more in My tasks on the web." in answer.text and len(answer.buttons) == 1
