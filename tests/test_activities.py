"""Activities and timelines: logging, scope of a record's timeline, paging, the composer, tasks' life."""
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import Activity, AuditEvent, Deal, Organization, Person, TrashEntry, User
from app.schemas.activities import ActivityCreate, ActivityUpdate
from app.services import activities, pipelines
from app.tenancy import tenant_context
from tests.conftest import login, statements_run


@dataclass
class Records:
    org: uuid.UUID
    person: uuid.UUID
    colleague: uuid.UUID  # another person of the same organisation
    stranger: uuid.UUID  # a person of no organisation
    deal: uuid.UUID  # the person's deal
    org_deal: uuid.UUID  # a deal of the organisation with no person


def seed_records(app, tenant, marker: str = "") -> Records:
    """A small customer base written straight to the tables (the contact and deal screens are not under test)."""
    ids = Records(*(uuid.uuid4() for _ in range(6)))
    with app.app_context(), tenant_context(tenant.id, channel="cli"):
        stage = pipelines.list_pipelines(None)[0].stages[0]
        db.session.add(Organization(id=ids.org, name=f"Acme Ltd {marker}".strip()))
        db.session.flush()
        db.session.add_all([
            Person(id=ids.person, first_name="Ann", last_name=f"Lee {marker}".strip(), organization_id=ids.org),
            Person(id=ids.colleague, first_name="Bob", last_name="Ray", organization_id=ids.org),
            Person(id=ids.stranger, first_name="Cy", last_name="Dee"),
        ])
        db.session.flush()
        db.session.add_all([
            Deal(id=ids.deal, name="Ann's deal", currency="EUR", pipeline_id=stage.pipeline_id, stage_id=stage.id,
                 person_id=ids.person),
            Deal(id=ids.org_deal, name="Acme framework", currency="EUR", pipeline_id=stage.pipeline_id,
                 stage_id=stage.id, organization_id=ids.org),
        ])
    return ids


def log(app, tenant, user_id=None, channel="cli", **fields):
    fields.setdefault("kind", "note")
    fields.setdefault("subject", "Spoke about prices")
    with app.app_context(), tenant_context(tenant.id, channel=channel, user_id=user_id) as ctx:
        return activities.log_activity(ctx, data=ActivityCreate(**fields)).id


def subjects(app, tenant, **scope) -> list[str]:
    with app.app_context(), tenant_context(tenant.id, channel="cli") as ctx:
        return [item.subject for item in activities.timeline(ctx, **scope).items]


def test_log_activity_records_who_which_door_and_audits(app, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    ids = seed_records(app, acme)
    rep = acme.users["rep"]
    activity_id = log(app, acme, rep.id, channel="telegram", kind="call", subject="Called Ann", body="She is keen",
                      person_id=ids.person)
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        saved = db.session.get(Activity, activity_id)
        assert (saved.kind, saved.subject, saved.body) == ("call", "Called Ann", "She is keen")
        assert (saved.user_id, saved.channel, saved.person_id) == (rep.id, "telegram", ids.person)
        assert saved.occurred_at <= datetime.now(timezone.utc)
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "activity.created")).one()
        assert (event.actor_id, event.channel, event.entity_id) == (rep.id, "telegram", activity_id)
        assert event.changes["subject"] == [None, "Called Ann"]


def test_bad_input_is_refused_and_nothing_is_written(app, make_tenant):
    acme, other = make_tenant("Acme"), make_tenant("Other")
    ids, foreign = seed_records(app, acme), seed_records(app, other)
    with app.app_context(), tenant_context(acme.id, channel="cli", user_id=acme.admin.id) as ctx:
        with pytest.raises(Invalid) as missing_link:
            activities.log_activity(ctx, data=ActivityCreate(kind="note", subject="About nobody"))
        assert "person, organisation, lead or deal" in missing_link.value.message
        with pytest.raises(Invalid) as foreign_person:
            activities.log_activity(ctx, data=ActivityCreate(kind="note", subject="x", person_id=foreign.person))
        assert "person_id" in foreign_person.value.fields
        with pytest.raises(Invalid) as no_due:
            # other doors may build the input without the form's check: the service checks again
            activities.log_activity(ctx, data=ActivityCreate.model_construct(
                kind="task", subject="x", person_id=ids.person, due_at=None))
        assert "due_at" in no_due.value.fields
        with pytest.raises(Invalid) as foreign_user:
            activities.log_activity(ctx, data=ActivityCreate(kind="task", subject="x", person_id=ids.person,
                                                              due_at="2030-01-01T09:00", assignee_id=other.admin.id))
        assert "assignee_id" in foreign_user.value.fields
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.scalars(select(Activity)).all() == []


def test_schema_messages_are_human():
    from app.schemas.base import validate
    with pytest.raises(Invalid) as error:
        validate(ActivityCreate, {"kind": "fax", "subject": " ", "due_at": "soon", "person_id": "nope"})
    assert error.value.fields == {"kind": "Choose one of the options.", "subject": "Please fill this in.",
                                  "due_at": "Enter a date like 2026-01-31.",
                                  "person_id": "This is not a valid reference."}
    blank = validate(ActivityCreate, {"kind": "note", "subject": "Hi", "due_at": "", "person_id": "", "body": ""})
    assert (blank.due_at, blank.person_id, blank.body) == (None, None, None)


def test_timeline_scope_of_person_organisation_and_deal(app, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    log(app, acme, subject="on Ann", person_id=ids.person)
    log(app, acme, subject="on Ann's deal", deal_id=ids.deal)
    log(app, acme, subject="on Bob", person_id=ids.colleague)
    log(app, acme, subject="on Acme", organization_id=ids.org)
    log(app, acme, subject="on Acme's deal", deal_id=ids.org_deal)
    log(app, acme, subject="on Cy", person_id=ids.stranger)
    assert set(subjects(app, acme, person_id=ids.person)) == {"on Ann", "on Ann's deal"}
    assert set(subjects(app, acme, organization_id=ids.org)) == {
        "on Ann", "on Bob", "on Acme", "on Acme's deal"}  # Ann's own deal is not the organisation's
    assert subjects(app, acme, deal_id=ids.deal) == ["on Ann's deal"]
    assert subjects(app, acme, person_id=ids.stranger) == ["on Cy"]


def test_timeline_is_newest_first_and_pages_with_a_keyset_cursor(app, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    start = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    for n in range(7):
        log(app, acme, subject=f"note {n}", person_id=ids.person, occurred_at=start + timedelta(hours=n))
    # two at the very same moment: the id breaks the tie, so paging neither repeats nor skips one
    log(app, acme, subject="twin a", person_id=ids.person, occurred_at=start + timedelta(hours=3))
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        first = activities.timeline(ctx, person_id=ids.person, limit=3)
        assert [i.subject for i in first.items] == ["note 6", "note 5", "note 4"] and first.next_cursor
        seen = [i.subject for i in first.items]
        cursor = first.next_cursor
        while cursor:
            page = activities.timeline(ctx, person_id=ids.person, limit=3, before=cursor)
            seen += [i.subject for i in page.items]
            cursor = page.next_cursor
    assert len(seen) == 8 and len(set(seen)) == 8 and seen[-3:] == ["note 2", "note 1", "note 0"]


def test_timeline_of_a_missing_or_foreign_record_is_not_found(app, make_tenant):
    acme, other = make_tenant("Acme"), make_tenant("Other")
    foreign = seed_records(app, other)
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        with pytest.raises(NotFound):
            activities.timeline(ctx, person_id=foreign.person)
        with pytest.raises(NotFound):
            activities.timeline(ctx, deal_id=uuid.uuid4())


def test_support_cannot_read_a_deals_timeline_and_sees_no_deal_items_on_a_person(app, make_tenant):
    acme = make_tenant("Acme", roles=("support",))
    ids = seed_records(app, acme)
    log(app, acme, subject="on Ann", person_id=ids.person)
    log(app, acme, subject="on Ann's deal", deal_id=ids.deal)
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.users["support"].id) as ctx:
        with pytest.raises(Forbidden):
            activities.timeline(ctx, deal_id=ids.deal)
        assert [i.subject for i in activities.timeline(ctx, person_id=ids.person).items] == ["on Ann"]


def test_update_and_delete_activity_are_audited_and_delete_goes_to_the_trash(app, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    activity_id = log(app, acme, acme.admin.id, subject="Old", person_id=ids.person)
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        activities.update_activity(ctx, activity_id=activity_id, data=ActivityUpdate(subject="New", body="More"))
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        entry = activities.delete_activity(ctx, activity_id=activity_id)
        entry_id = entry.id
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        assert activities.timeline(ctx, person_id=ids.person).items == []
        kept = db.session.scalar(select(Activity).execution_options(include_deleted=True))
        assert (kept.subject, kept.body, kept.deletion_id) == ("New", "More", entry_id)
        assert db.session.get(TrashEntry, entry_id).label == "New"
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"activity.created", "activity.updated", "activity.deleted"} <= actions
        changed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "activity.updated")).one()
        assert changed.changes["subject"] == ["Old", "New"]
        with pytest.raises(NotFound):
            activities.get_activity(ctx, activity_id=activity_id)


# --- the web door ----------------------------------------------------------------------------------

def test_composer_adds_an_item_on_top_with_htmx(app, client, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    login(client, acme.admin)
    response = client.post("/activities", headers={"HX-Request": "true"}, data={
        "subject_type": "person", "subject_id": str(ids.person), "kind": "call", "subject": "Rang Ann",
        "body": "Wants a quote", "due_at": "2030-01-01T09:00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="composer-{ids.person}"' in html and 'value=""' in html  # a fresh, empty composer
    assert f'hx-swap-oob="afterbegin:#timeline-items-{ids.person}"' in html and "Rang Ann" in html
    assert "via web" in html
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        saved = db.session.scalars(select(Activity)).one()
        assert (saved.kind, saved.person_id, saved.channel, saved.due_at) == ("call", ids.person, "web", None)
    page = client.get(f"/timeline/person/{ids.person}").get_data(as_text=True)
    assert "Rang Ann" in page and "Wants a quote" in page and "Acme Admin" in page


def test_composer_bad_input_shows_errors_next_to_fields_and_saves_nothing(app, client, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    login(client, acme.admin)
    response = client.post("/activities", headers={"HX-Request": "true"}, data={
        "subject_type": "person", "subject_id": str(ids.person), "kind": "task", "subject": "", "due_at": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="activity-{ids.person}-subject-error"' in html and f'id="activity-{ids.person}-due_at-error"' in html
    assert html.lstrip().startswith("<form")
    gone = client.post("/activities", headers={"HX-Request": "true"}, data={
        "subject_type": "person", "subject_id": str(uuid.uuid4()), "kind": "note", "subject": "x"})
    assert gone.status_code == 404
    assert client.post("/activities", data={"subject_type": "planet", "subject_id": "x"}).status_code == 400
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.scalars(select(Activity)).all() == []


def test_composer_task_goes_to_the_assignee_and_shows_in_tenant_time(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    ids = seed_records(app, acme)
    login(client, acme.admin)
    client.post("/settings/organization", data={"name": "Acme", "timezone": "Europe/Berlin", "currency": "EUR"})
    response = client.post("/activities", data={
        "subject_type": "deal", "subject_id": str(ids.deal), "kind": "task", "subject": "Send the quote",
        "due_at": "2030-06-01T09:30", "assignee_id": str(acme.users["rep"].id)})
    assert response.status_code == 302
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        task = db.session.scalars(select(Activity)).one()
        assert task.assignee_id == acme.users["rep"].id
        assert task.due_at == datetime(2030, 6, 1, 7, 30, tzinfo=timezone.utc)  # 09:30 in Berlin, summer
    page = client.get(f"/timeline/deal/{ids.deal}").get_data(as_text=True)
    assert "Send the quote" in page and "9:30" in page and "for Acme Rep" in page


def test_timeline_page_and_older_items_fragment(app, client, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    start = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    for n in range(55):
        log(app, acme, subject=f"item-{n:02d}", person_id=ids.person, occurred_at=start + timedelta(minutes=n))
    login(client, acme.admin)
    page = client.get(f"/timeline/person/{ids.person}").get_data(as_text=True)
    assert "item-54" in page and "item-05" in page and "item-04" not in page and "Show older" in page
    older = client.get(f"/timeline/person/{ids.person}?before=" + page.split("before=")[1].split('"')[0]
                       .replace("&amp;", "&").replace("%7C", "|"), headers={"HX-Request": "true"})
    html = older.get_data(as_text=True)
    assert older.status_code == 200 and "item-04" in html and "item-00" in html and "item-05" not in html
    assert "<html" not in html and "Show older" not in html
    assert client.get(f"/timeline/person/{ids.person}?before=garbage").status_code == 200


def test_task_done_and_undone_on_the_timeline(app, client, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    task_id = log(app, acme, acme.admin.id, kind="task", subject="Ring back", person_id=ids.person,
                  due_at="2030-01-01T09:00")
    login(client, acme.admin)
    form = {"done": "true", "subject_type": "person", "subject_id": str(ids.person)}
    done = client.post(f"/activities/{task_id}/done", data=form, headers={"HX-Request": "true"})
    assert done.status_code == 200 and "Mark not done" in done.get_data(as_text=True)
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.get(Activity, task_id).done_at is not None
    client.post(f"/activities/{task_id}/done", data={**form, "done": "false"}, headers={"HX-Request": "true"})
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        assert db.session.get(Activity, task_id).done_at is None
        actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == task_id)))
        assert sorted(actions) == ["activity.completed", "activity.created", "activity.reopened"]
    note_id = log(app, acme, subject="A note", person_id=ids.person)
    refused = client.post(f"/activities/{note_id}/done", data=form, headers={"HX-Request": "true"})
    assert refused.status_code == 422


def test_delete_from_the_timeline_removes_the_item(app, client, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    note_id = log(app, acme, subject="Regrettable", person_id=ids.person)
    login(client, acme.admin)
    form = {"subject_type": "person", "subject_id": str(ids.person)}
    gone = client.post(f"/activities/{note_id}/delete", data=form, headers={"HX-Request": "true"})
    assert gone.status_code == 200 and gone.get_data(as_text=True) == ""
    assert "Regrettable" not in client.get(f"/timeline/person/{ids.person}").get_data(as_text=True)
    assert client.post(f"/activities/{note_id}/delete", data=form).status_code == 404


def test_telegram_items_are_recognisable(app, client, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    log(app, acme, acme.admin.id, channel="telegram", subject="From the bot", person_id=ids.person)
    login(client, acme.admin)
    page = client.get(f"/timeline/person/{ids.person}").get_data(as_text=True)
    assert "channel-telegram" in page and "via Telegram" in page


def test_edit_in_place_saves_shows_errors_and_cancels(app, client, make_tenant):
    acme = make_tenant("Acme", roles=("rep",))
    ids = seed_records(app, acme)
    task_id = log(app, acme, acme.admin.id, kind="task", subject="Quote", deal_id=ids.deal, due_at="2030-01-01T09:00",
                  outcome="pending")
    login(client, acme.admin)
    where = {"subject_type": "person", "subject_id": str(ids.person)}
    form = client.get(f"/activities/{task_id}/edit", query_string=where, headers={"HX-Request": "true"})
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and 'value="Quote"' in html and 'value="2030-01-01T09:00"' in html
    assert html.lstrip().startswith(f'<li class="activity activity-task is-editing" id="activity-{task_id}"')

    bad = client.post(f"/activities/{task_id}/edit", headers={"HX-Request": "true"},
                      data={**where, "subject": "", "due_at": "", "assignee_id": str(acme.admin.id)})
    assert bad.status_code == 422
    assert f'id="edit-{task_id}-subject-error"' in bad.get_data(as_text=True)

    saved = client.post(f"/activities/{task_id}/edit", headers={"HX-Request": "true"}, data={
        **where, "subject": "Send the quote", "body": "By email", "due_at": "2030-02-01T10:00",
        "occurred_at": "2029-12-01T08:00", "assignee_id": str(acme.users["rep"].id)})
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "Send the quote" in html and "for Acme Rep" in html
    assert "Ann&#39;s deal" in html or "Ann's deal" in html  # shown on Ann's timeline: the deal it hangs on
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        task = db.session.get(Activity, task_id)
        assert (task.subject, task.body, task.assignee_id) == ("Send the quote", "By email", acme.users["rep"].id)
        assert task.due_at == datetime(2030, 2, 1, 10, 0, tzinfo=timezone.utc)
        assert task.outcome == "pending"  # not on the form: left as it was
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "activity.updated")).one()
        assert event.changes["subject"] == ["Quote", "Send the quote"] and event.channel == "web"
    cancel = client.get(f"/activities/{task_id}", query_string=where, headers={"HX-Request": "true"})
    assert cancel.status_code == 200 and 'class="activity activity-task"' in cancel.get_data(as_text=True)
    assert client.get(f"/activities/{task_id}").status_code == 302  # without HTMX: back to the record
    page = client.get(f"/activities/{task_id}/edit")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    assert client.get(f"/activities/{uuid.uuid4()}/edit").status_code == 404


def test_another_tenants_activities_and_trash_cannot_be_touched(app, client, make_tenant):
    acme, other = make_tenant("Acme"), make_tenant("Other")
    ids, foreign = seed_records(app, acme), seed_records(app, other)
    theirs = log(app, other, other.admin.id, kind="task", subject="Their task", person_id=foreign.person,
                 due_at="2020-01-01T09:00")
    gone = log(app, other, subject="Their deleted note", person_id=foreign.person)
    with app.app_context(), tenant_context(other.id, channel="cli") as ctx:
        entry_id = activities.delete_activity(ctx, activity_id=gone).id
    login(client, acme.admin)
    where = {"subject_type": "person", "subject_id": str(ids.person)}
    for url, data in ((f"/activities/{theirs}/done", {**where, "done": "true"}),
                      (f"/activities/{theirs}/edit", {**where, "subject": "Mine now"}),
                      (f"/activities/{theirs}/delete", where),
                      (f"/trash/{entry_id}/restore", {}),
                      ("/activities", {"subject_type": "person", "subject_id": str(foreign.person), "kind": "note",
                                       "subject": "Sneaky"})):
        response = client.post(url, data=data, headers={"HX-Request": "true"})
        assert response.status_code == 404, url
        assert "Their" not in response.get_data(as_text=True)
    assert "Their task" not in client.get("/tasks").get_data(as_text=True)
    assert "Their deleted note" not in client.get("/trash").get_data(as_text=True)
    with app.app_context(), tenant_context(other.id, channel="cli"):
        task = db.session.get(Activity, theirs)
        assert (task.subject, task.done_at, task.deleted_at) == ("Their task", None, None)
        assert db.session.get(TrashEntry, entry_id) is not None
        assert db.session.scalars(select(Activity.subject)).all() == ["Their task"]


def statements_during(call) -> list[str]:
    """The SQL statements `call()` runs."""
    return [statement for statement, _ in statements_run(call)]


def test_a_timeline_reads_its_items_names_and_labels_in_few_statements(app, make_tenant):
    """The items with their deals' in one statement, the team (names, former users' too, and the assignee
    list) in one the process then keeps, one for the records the items hang on (never the timeline's own)."""
    from app.models import User

    acme = make_tenant("Acme", roles=("rep", "head"))
    ids = seed_records(app, acme)
    rep, head = acme.users["rep"].id, acme.users["head"].id
    log(app, acme, rep, subject="on Ann and Acme", person_id=ids.person, organization_id=ids.org)
    log(app, acme, head, subject="on Ann's deal", deal_id=ids.deal)
    log(app, acme, acme.admin.id, subject="on Ann alone", person_id=ids.person)
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        db.session.get(User, head).active = False  # a former user: not among the assignees
    with app.app_context(), tenant_context(acme.id, channel="web", user_id=acme.admin.id) as ctx:
        person = db.session.get(Person, ids.person)
        page = None

        def read():
            nonlocal page
            page = activities.timeline_of(ctx, person)

        seen = statements_during(read)
        assert len(seen) == 3, "\n".join(seen)  # items, the team, labels
        assert {i.subject for i in page.items} == {"on Ann and Acme", "on Ann's deal", "on Ann alone"}
        assert page.labels == {("organization", ids.org): "Acme Ltd", ("deal", ids.deal): "Ann's deal"}
        assert {page.names[rep], page.names[head]} == {acme.users["rep"].name, acme.users["head"].name}
        links = {i.subject: page.link_of(i) for i in page.items}
        assert links == {"on Ann and Acme": ("organization", ids.org, "Acme Ltd"),
                         "on Ann's deal": ("deal", ids.deal, "Ann's deal"), "on Ann alone": None}
        assert head not in dict(page.assignees)


def test_record_labels_name_every_kind_in_one_statement_and_skip_trashed_records(app, make_tenant):
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    lead = log(app, acme, subject="on everything", person_id=ids.person, organization_id=ids.org, deal_id=ids.deal)
    with app.app_context(), tenant_context(acme.id, channel="cli") as ctx:
        db.session.get(Organization, ids.org).deleted_at = datetime.now(timezone.utc)  # in the trash
        db.session.flush()
        item = db.session.get(Activity, lead)
        labels = {}
        seen = statements_during(lambda: labels.update(activities.record_labels(ctx, [item])))
        assert len(seen) == 1
        assert labels == {("person", ids.person): "Ann Lee", ("deal", ids.deal): "Ann's deal"}
        assert activities.record_labels(ctx, [item], besides=("person", ids.person)) == {
            ("deal", ids.deal): "Ann's deal"}
        assert activities.record_labels(ctx, []) == {}


EXPECTED_TIMELINE_ITEMS = """<li class="activity activity-note" id="activity-ITEM0">
  <span class="activity-icon activity-icon-note" aria-hidden="true">✎</span>
<span class="visually-hidden">Note:</span>
  <div class="activity-main">
    <p class="activity-subject"><strong>&lt;b&gt;Bold&lt;/b&gt; &#34;quoted&#34;</strong>

    </p>
    <p class="activity-body">a &amp; b &lt;i&gt;</p>
    <p class="activity-meta">
      <time datetime="2026-03-04T10:30:00+00:00">3/4/26, 10:30 AM</time>
      · Dee &amp; &lt;Co&gt;
      · <span class="channel channel-web" title="Came in through web">via web</span>

      · <a href="/deals/DEAL">Ann&#39;s deal</a>
    </p>
  </div>
  <div class="activity-actions">
    <a href="/activities/ITEM0/edit?subject_type=person&amp;subject_id=PERSON" hx-get="/activities/ITEM0/edit?subject_type=person&amp;subject_id=PERSON" hx-target="#activity-ITEM0" hx-swap="outerHTML" role="button"
       class="secondary outline small" aria-label="Edit “&lt;b&gt;Bold&lt;/b&gt; &#34;quoted&#34;”">Edit</a>

    <form method="post" action="/activities/ITEM0/delete" class="inline"
          hx-post="/activities/ITEM0/delete" hx-target="#activity-ITEM0" hx-swap="outerHTML"
          hx-confirm="Move “&lt;b&gt;Bold&lt;/b&gt; &#34;quoted&#34;” to the trash?">

      <input type="hidden" name="csrf_token" value="CSRF">
      <input type="hidden" name="subject_type" value="person">
      <input type="hidden" name="subject_id" value="PERSON">
      <button type="submit" class="secondary outline small" aria-label="Delete “&lt;b&gt;Bold&lt;/b&gt; &#34;quoted&#34;”">Delete</button>
    </form>
  </div>
</li>
<li class="activity activity-task" id="activity-ITEM1">
  <span class="activity-icon activity-icon-task" aria-hidden="true">☐</span>
<span class="visually-hidden">Task:</span>
  <div class="activity-main">
    <p class="activity-subject"><strong>Call O&#39;Hen</strong>

      <small class="task-due">
        due 1/2/30, 9:00 AM
        · for Dee &amp; &lt;Co&gt;
      </small>

    </p>

    <p class="activity-meta">
      <time datetime="2026-03-03T08:00:00+00:00">3/3/26, 8:00 AM</time>
      · Dee &amp; &lt;Co&gt;
      · <span class="channel channel-telegram" title="Came in through Telegram">via Telegram</span>


    </p>
  </div>
  <div class="activity-actions">
    <a href="/activities/ITEM1/edit?subject_type=person&amp;subject_id=PERSON" hx-get="/activities/ITEM1/edit?subject_type=person&amp;subject_id=PERSON" hx-target="#activity-ITEM1" hx-swap="outerHTML" role="button"
       class="secondary outline small" aria-label="Edit “Call O&#39;Hen”">Edit</a>

    <form method="post" action="/activities/ITEM1/done" class="inline"
          hx-post="/activities/ITEM1/done" hx-target="#activity-ITEM1" hx-swap="outerHTML">

      <input type="hidden" name="csrf_token" value="CSRF">
      <input type="hidden" name="subject_type" value="person">
      <input type="hidden" name="subject_id" value="PERSON">
      <input type="hidden" name="done" value="true">
      <button type="submit" class="secondary outline small">Mark done</button>
    </form>

    <form method="post" action="/activities/ITEM1/delete" class="inline"
          hx-post="/activities/ITEM1/delete" hx-target="#activity-ITEM1" hx-swap="outerHTML"
          hx-confirm="Move “Call O&#39;Hen” to the trash?">

      <input type="hidden" name="csrf_token" value="CSRF">
      <input type="hidden" name="subject_type" value="person">
      <input type="hidden" name="subject_id" value="PERSON">
      <button type="submit" class="secondary outline small" aria-label="Delete “Call O&#39;Hen”">Delete</button>
    </form>
  </div>
</li>"""


def test_timeline_items_markup_is_pinned(app, client, make_tenant):
    """The items' exact markup (escaping of what people typed, links, task forms), so rewriting the item
    template for speed cannot change what a timeline shows."""
    acme = make_tenant("Acme")
    ids = seed_records(app, acme)
    with app.app_context(), tenant_context(acme.id, channel="cli"):
        db.session.get(User, acme.admin.id).name = "Dee & <Co>"
    log(app, acme, acme.admin.id, channel="web", subject='<b>Bold</b> "quoted"', body="a & b <i>", deal_id=ids.deal,
        person_id=ids.person, occurred_at=datetime(2026, 3, 4, 10, 30, tzinfo=timezone.utc))
    log(app, acme, acme.admin.id, channel="telegram", kind="task", subject="Call O'Hen", person_id=ids.person,
        assignee_id=acme.admin.id, due_at=datetime(2030, 1, 2, 9, 0, tzinfo=timezone.utc),
        occurred_at=datetime(2026, 3, 3, 8, 0, tzinfo=timezone.utc))
    login(client, acme.admin)
    page = client.get(f"/timeline/person/{ids.person}").get_data(as_text=True)
    items = page[page.index('<li class="activity '):page.rindex("</li>") + len("</li>")]
    items = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value="CSRF"', items)
    for n, activity_id in enumerate(dict.fromkeys(re.findall(r'id="activity-([0-9a-f-]{36})"', items))):
        items = items.replace(activity_id, f"ITEM{n}")
    items = items.replace(str(ids.person), "PERSON").replace(str(ids.deal), "DEAL")
    items = "\n".join(line.rstrip() for line in items.split("\n"))  # trailing blanks left by template tags
    assert items == EXPECTED_TIMELINE_ITEMS, items
